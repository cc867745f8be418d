package probe

// Fixture lets the command-line tests (package probe_test) use the fixture services.
var Fixture = fixture
