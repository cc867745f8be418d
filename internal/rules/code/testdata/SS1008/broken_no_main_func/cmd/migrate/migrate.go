package migrate // want SS1008 "cmd/migrate is a command directory, but its package is migrate, not main, and nothing imports it"

// Run migrates the database.
func Run() {}
