package runtime

import "github.com/shipshape-dev/shipshape/internal/rule"

// ConfigInvalid is a service whose own configuration file fails to parse or validate at start.
var ConfigInvalid = &rule.Rule{
	ID:       "SS7003",
	Class:    "config-invalid",
	Title:    "service's own configuration file does not parse or validate",
	Severity: rule.Error,
	Doc: `**What happens.** The service reads its configuration file at start-up and exits (often
with a panic) because it does not parse or does not fit the expected types:

    panic: yaml: unmarshal errors:
      line 1: cannot unmarshal !!str ` + "`tcp://1...`" + ` into int
    yaml: line 24: found character that cannot start any token

**Why.** The file deployed is not the file tested: an indentation error or a tab in YAML, a
template rendered with an empty value, a config written for another version of the program
than the image runs, or an environment override that replaces a number with a string
(Kubernetes injects SERVICE_PORT=tcp://… variables for every Service in the namespace, which
collide with prefixes such as GOTIFY_SERVER_PORT). The parse error names the line; the file and
the program version decide whether it is the file or the image that is wrong.

**How to confirm.** Run the same image with the same file outside the deployment, or validate the
file with the program's own check command, and compare the program version with the one the
configuration was written for.

**How to fix.** Correct the file at the line the error names, pin the image to the version the
configuration was written for, and validate configuration in CI before it ships.`,
	Fix:     "Correct the configuration file at the line the parse error names (or run the program version it was written for), and validate it in CI.",
	Symptom: "yaml: unmarshal errors",
	Signatures: []rule.Signature{
		rule.Sig("yaml: unmarshal errors", `yaml: unmarshal errors`, "2020-03-23T02:18:09.947095845Z panic: yaml: unmarshal errors:"),
		rule.Sig("cannot unmarshal !!",
			"line (?P<line>\\d+): cannot unmarshal !!\\w+ (?:`[^`]*` )?into (?P<type>\\S+)",
			`  line 45: cannot unmarshal !!map into string  source="misc.go:72"`),
		rule.Sig("found character that cannot start any token",
			`yaml: line (?P<line>\d+): found character that cannot start any token`,
			`clair_clair | {"Event":"failed to load configuration","Level":"fatal","Location":"main.go:190","Time":"2019-01-31 14:39:21.394930","error":"yaml: line 24: found character that cannot start any token"}`),
	},
}
