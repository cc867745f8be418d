package check

import "github.com/shipshape-dev/shipshape/internal/rule"

// UnexplainedSuppression is reported by the driver itself, not by a detector: it reads the
// shipshape:ignore directives that every file type shares.
var UnexplainedSuppression = &rule.Rule{
	ID:       "SS0001",
	Class:    "shipshape-directive",
	Title:    "suppression without a reason",
	Severity: rule.Info,
	Doc: "A `shipshape:ignore SS1234` comment silences a finding on its own line or on the next line " +
		"that is not a comment. Without a reason after the IDs, the next reader cannot tell whether the " +
		"finding was judged not to apply or was silenced to make CI pass. This is not a failure mode of the " +
		"service: it is reported so that suppressions stay reviewable.\n\n" +
		"Confirm: search for `shipshape:ignore` and read what follows the IDs.\n\n" +
		"Fix: write the reason after the IDs, e.g. `// shipshape:ignore SS1002 the mux is bound to 127.0.0.1 by the sidecar`.",
	Fix: "Add the reason after the rule IDs in the shipshape:ignore comment.",
}
