package code

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// MalformedGoMod is a go.mod that golang.org/x/mod/modfile cannot parse: every go command in the
// module stops at it.
var MalformedGoMod = &rule.Rule{
	ID:       "SS1009",
	Class:    "module-resolution",
	Title:    "go.mod does not parse",
	Severity: rule.Error,
	Doc: `**What happens.** Every go command in the module (build, test, mod download, the Docker
build) stops at once:

    go: errors parsing go.mod:
    /src/go.mod:6: unknown directive: foo

**Why.** go.mod has a strict grammar, checked by the same parser (golang.org/x/mod/modfile)
that shipshape uses: an unknown directive, a require without a version, a replacement without
a version that is not a directory path (` + "`./`" + `, ` + "`../`" + ` or absolute), a merge conflict marker, an
invalid version. Editors and hand merges produce these, and a go.mod that is only read by CI or
by the Docker build is the last place anyone looks.

**How to confirm.** ` + "`go mod edit -json`" + ` in the module directory prints the same error with its
line.

**How to fix.** Correct the line named in the finding (` + "`go mod edit -fmt`" + ` normalises the file
once it parses); for merge conflicts, resolve them and run ` + "`go mod tidy`" + `.`,
	Fix:     "Correct the go.mod line the finding names; go mod edit -json must print the module without an error.",
	Symptom: "go: errors parsing go.mod:",
	Signatures: []rule.Signature{
		rule.Sig("errors parsing go.mod",
			`go: errors parsing (?P<path>\S*go\.mod):$`,
			"go: errors parsing go.mod:"),
		rule.Sig("go.mod:",
			`^\s*(?P<path>\S*go\.mod):(?P<line>[0-9]+)(?::[0-9]+)?: (?P<error>.+)$`,
			"/root/go/gopath/src/go-gin-example/go.mod:26:3: replacement module without version must be directory path (rooted or starting with ./ or ../)"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runMalformedGoMod,
}

func runMalformedGoMod(p *rule.Pass) error {
	for _, m := range p.Project.Go.Modules {
		if m.ParseError == nil {
			continue
		}
		pos := m.ParseError.Pos
		if pos.File == "" {
			pos.File = m.File
		}
		p.Report(rule.Finding{
			Pos:     pos,
			Message: fmt.Sprintf("%s does not parse: %s; every go command in %s stops with \"errors parsing go.mod\"", pos.String(), m.ParseError.Text, describeModule(m.Path, m.Dir)),
		})
	}
	return nil
}
