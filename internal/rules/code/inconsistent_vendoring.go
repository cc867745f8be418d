package code

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"golang.org/x/mod/semver"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// InconsistentVendoring is a vendor/modules.txt that disagrees with go.mod, which the go command
// refuses before it compiles anything.
var InconsistentVendoring = &rule.Rule{
	ID:       "SS1004",
	Class:    "module-resolution",
	Title:    "vendor/modules.txt is inconsistent with go.mod",
	Severity: rule.Error,
	Doc: `**What happens.** Every build of the module stops before compiling anything:

    go: inconsistent vendoring in /src:
    	example.com/dep@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt

    	To ignore the vendor directory, use -mod=readonly or -mod=mod.
    	To sync the vendor directory, run:
    		go mod vendor

**Why.** When a module declares go 1.14 or later and has a vendor directory, the go command
builds from vendor/ by default (-mod=vendor) and first checks that vendor/modules.txt records
exactly the requirements and replacements of go.mod. A go.mod edited after the last
` + "`go mod vendor`" + ` (a dependency bump, a new require, a removed replace) breaks that check; a
developer who builds with -mod=mod or a warm cache may not notice, the CI or Docker build does.

**How to confirm.** In the module directory: ` + "`go build ./...`" + ` (or ` + "`go mod vendor && git status --short vendor/`" + `,
which shows what was stale).

**How to fix.** Run ` + "`go mod vendor`" + ` and commit vendor/ together with go.mod and go.sum; or, if the
project does not mean to vendor, delete vendor/.`,
	Fix:     "Run go mod vendor and commit vendor/ with go.mod and go.sum (or remove vendor/ if the project does not vendor).",
	Symptom: "go: inconsistent vendoring in DIR:",
	Signatures: []rule.Signature{
		rule.Sig("inconsistent vendoring",
			`go: inconsistent vendoring in (?P<path>\S+):$`,
			"go: inconsistent vendoring in $WORK/svc:"),
		rule.Sig("vendor/modules.txt",
			`(?P<module>[^\s@]+)@(?P<version>\S+): is (?:explicitly required in go\.mod, but not marked as explicit in vendor/modules\.txt|replaced in go\.mod, but not marked as replaced in vendor/modules\.txt|marked as explicit in vendor/modules\.txt, but not explicitly required in go\.mod)`,
			"\texample.com/dep@v1.0.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runInconsistentVendoring,
}

func runInconsistentVendoring(p *rule.Pass) error {
	for _, m := range p.Project.Go.Modules {
		if m.Vendor == nil || len(m.Vendor.Problems) == 0 || inWorkspace(p.Project.Tree, m.Dir) || !hasProgram(p.Project.Go, m) {
			continue
		}
		// Before go 1.14 the go command used vendor/ only when asked (-mod=vendor), so a stale
		// modules.txt did not stop a default build. (No go directive means go 1.16 today.)
		if m.Go != "" && semver.Compare("v"+m.Go, "v1.14") < 0 {
			continue
		}
		// The go command reports every inconsistency of a module in one error; so does this
		// rule, at the first one in go.mod (where the fix usually is), with the others related.
		problems := append([]gocode.VendorProblem(nil), m.Vendor.Problems...)
		sort.SliceStable(problems, func(i, j int) bool {
			ai, aj := problems[i].Pos.File == m.File, problems[j].Pos.File == m.File
			if ai != aj {
				return ai
			}
			return problems[i].Pos.Before(problems[j].Pos)
		})
		var texts []string
		var related []rule.Related
		for i, vp := range problems {
			if i < 3 {
				texts = append(texts, fmt.Sprintf("%s %s (%s)", vp.Module, vp.Text, vp.Pos.Short()))
			}
			if i > 0 {
				related = append(related, rule.Related{Pos: vp.Pos, Message: vp.Module + " " + vp.Text})
			}
		}
		if len(problems) > 3 {
			texts = append(texts, fmt.Sprintf("and %d more", len(problems)-3))
		}
		related = append(related, rule.Related{Pos: posOfFile(m.Vendor.File), Message: "vendor/modules.txt, written by the last go mod vendor"})
		p.Report(rule.Finding{
			Pos: problems[0].Pos,
			Message: fmt.Sprintf("%s; the go command builds %s from vendor/ and stops with \"inconsistent vendoring\" before compiling anything",
				strings.Join(texts, "; "), describeModule(m.Path, m.Dir)),
			Related: related,
		})
	}
	return nil
}

// inWorkspace says whether a go.work file in dir or one of its parents (within the tree) may
// put the module in workspace mode, where the go command ignores the module's vendor directory.
func inWorkspace(t *tree.Tree, dir string) bool {
	if t == nil {
		return false
	}
	for _, w := range t.OfKind(tree.GoWork) {
		wd := path.Dir(w.Path)
		if wd == "." || wd == dir || len(dir) > len(wd) && dir[:len(wd)+1] == wd+"/" {
			return true
		}
	}
	return false
}

func describeModule(modPath, dir string) string {
	switch {
	case modPath != "" && dir != ".":
		return fmt.Sprintf("module %s (%s/)", modPath, dir)
	case modPath != "":
		return "module " + modPath
	case dir != ".":
		return "the module in " + dir + "/"
	}
	return "the module"
}
