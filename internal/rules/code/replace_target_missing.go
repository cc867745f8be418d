package code

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// ReplaceTargetMissing is a replace directive pointing at a local directory that does not exist
// or holds no go.mod, for a module the build requires.
var ReplaceTargetMissing = &rule.Rule{
	ID:       "SS1006",
	Class:    "module-resolution",
	Title:    "local replace target does not exist",
	Severity: rule.Error,
	Doc: `**What happens.** Every go command in the module fails while loading the module graph:

    main.go:4:2: example.com/dep@v0.0.0: replacement directory ../dep does not exist

or, when the directory exists but is not a module,

    main.go:4:2: module ./dep: reading dep/go.mod: open /src/dep/go.mod: no such file or directory

**Why.** ` + "`replace example.com/dep => ../dep`" + ` tells the go command to take the module from a
directory, which must hold a go.mod. Such lines are added for local development (a sibling
checkout, an absolute path in someone's home directory) and committed by accident, or they
point at a directory that is not part of the repository (a git submodule not initialised, a
generated directory). The developer's machine has the directory; CI, the Docker build and every
other clone do not.

**How to confirm.** ` + "`go mod verify`" + ` or ` + "`go build ./...`" + ` on a fresh clone; ` + "`grep -n '=>' go.mod`" + ` lists the
replacements.

**How to fix.** Remove the replace line (` + "`go mod edit -dropreplace=example.com/dep`" + `) and require
a published version, or commit the target directory with its go.mod inside the repository (a
go.work file is the tool for local multi-module development and is not committed).`,
	Fix:     "Drop the replace (go mod edit -dropreplace=MODULE) and require a published version, or commit the target directory with its go.mod.",
	Symptom: "replacement directory ../dep does not exist",
	Signatures: []rule.Signature{
		rule.Sig("replacement directory",
			`(?:(?P<module>[^\s@]+)@(?P<version>\S+): )?replacement directory (?P<path>\S+) does not exist`,
			"main.go:3:8: example.com/dep@v0.0.0: replacement directory ./third_party/dep does not exist"),
		// A replacement of every version names the module by its directory ("module ./dep"),
		// one of a single version by path, version and target.
		rule.Sig("go.mod: open",
			`(?:(?P<module>[^\s@]+)@(?P<version>\S+) \(replaced by (?P<path>\S+)\)|module (?P<dir>\.{1,2}/\S*|/\S+)): reading \S*go\.mod: open \S+: no such file or directory`,
			"main.go:3:8: module ./dep: reading dep/go.mod: open $WORK/svc/dep/go.mod: no such file or directory"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runReplaceTargetMissing,
}

func runReplaceTargetMissing(p *rule.Pass) error {
	t := p.Project.Tree
	for _, m := range p.Project.Go.Modules {
		if !hasProgram(p.Project.Go, m) {
			continue
		}
		for _, rep := range m.Replaces {
			if !rep.Local || rep.TargetExists {
				continue
			}
			// The go command applies a replacement only to a module in the build graph; go.mod
			// lists every module of that graph the build needs (go 1.17 and later), so a
			// replace of a module it does not require is inert.
			req, ok := requireOf(m, rep)
			if !ok {
				continue
			}
			state, says := "", fmt.Sprintf("replacement directory %s does not exist", rep.New)
			switch {
			case rep.Target != "" && t != nil && t.Exists(rep.Target):
				state = fmt.Sprintf("%s exists but holds no go.mod", rep.Target)
				says = fmt.Sprintf("reading %s/go.mod: no such file or directory", rep.Target)
			case rep.Target != "":
				state = fmt.Sprintf("%s does not exist in the checked directory", rep.Target)
			default:
				state = fmt.Sprintf("%s is outside the checked directory and holds no go.mod on this machine", rep.New)
			}
			p.Report(rule.Finding{
				Pos: rep.Pos,
				Message: fmt.Sprintf("%s replaces %s with the directory %s, but %s: every go command in %s fails while loading modules (\"%s\")",
					rep.Pos.Short(), rep.Old, rep.New, state, describeModule(m.Path, m.Dir), says),
				Related: []rule.Related{{Pos: req.Pos, Message: "requires " + req.Path + " " + req.Version}},
			})
		}
	}
	return nil
}

// requireOf finds the require line a replacement applies to.
func requireOf(m *gocode.Module, rep gocode.Replace) (gocode.Require, bool) {
	for _, r := range m.Requires {
		if r.Path == rep.Old && (rep.OldVersion == "" || rep.OldVersion == r.Version) {
			return r, true
		}
	}
	return gocode.Require{}, false
}
