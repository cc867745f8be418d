package code

import (
	"fmt"
	"path"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// NonMainPackageBuilt is a command directory whose package is not main: go build of it succeeds
// and writes no executable.
var NonMainPackageBuilt = &rule.Rule{
	ID:       "SS1008",
	Class:    "non-main-package-built",
	Title:    "command directory whose package is not main",
	Severity: rule.Warning,
	Doc: `**What happens.** The build of the command "succeeds" and there is no program to run.
` + "`go build ./cmd/worker`" + ` compiles the package and writes nothing; ` + "`go build -o /app ./cmd/worker`" + `
writes a package archive (` + "`!<arch>`" + `, mode 0644) where the binary should be, so the container
fails with ` + "`exec /app: permission denied`" + ` or ` + "`exec format error`" + `; ` + "`go install`" + ` installs nothing, and
` + "`go run ./cmd/worker`" + ` says:

    package example.com/svc/cmd/worker is not a main package

**Why.** Only ` + "`package main`" + ` with ` + "`func main`" + ` links into an executable. A directory under cmd/
is the convention for one binary each, and a file that declares ` + "`func main`" + ` is meant as an entry
point, but the package clause decides: a copied file still saying ` + "`package worker`" + `, or a
` + "`func main`" + ` left in a library package, builds without complaint.

**How to confirm.** ` + "`go list -f '{{.Name}}' ./cmd/worker`" + ` prints the package name; ` + "`go run ./cmd/worker`" + `
fails as above; ` + "`file`" + ` on the built output shows "current ar archive".

**How to fix.** Declare ` + "`package main`" + ` in every file of the command directory (and keep
` + "`func main`" + ` there), or move library code out of cmd/. A non-main package that some program
imports is a library and is not reported.`,
	Fix:     "Declare package main in every file of the command directory, or move the library code out of cmd/.",
	Symptom: "package PATH is not a main package",
	Signatures: []rule.Signature{
		rule.Sig("is not a main package",
			`package (?P<package>\S+) is not a main package`,
			"package example.com/svc/cmd/worker is not a main package"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runNonMainPackageBuilt,
}

func runNonMainPackageBuilt(p *rule.Pass) error {
	g := p.Project.Go
	roots := map[string]bool{}
	for _, m := range g.Modules {
		roots[m.Dir] = true
	}
	for _, nm := range g.NotMain {
		// A package some program imports is a library, whatever its directory is called (the
		// cobra layout keeps package cmd in cmd/).
		if _, imported := g.Packages[nm.Pkg]; imported && linked(g, nm.Pkg) {
			continue
		}
		// Which directories are meant as commands: one directly under a cmd/ directory (the
		// convention for one binary each), or a module root that declares func main (built
		// with go build .). A func main elsewhere is an ordinary function of a library
		// (package runtime has one) and is not taken as intent.
		inCmd := path.Base(path.Dir(nm.Dir)) == "cmd"
		atRoot := roots[nm.Dir] && nm.HasMainFunc
		if !inCmd && !atRoot {
			continue
		}
		var why, build string
		switch {
		case inCmd && nm.HasMainFunc:
			why = fmt.Sprintf("a command directory that declares func main, but its package is %s, not main", nm.Name)
		case inCmd:
			why = fmt.Sprintf("a command directory, but its package is %s, not main, and nothing imports it", nm.Name)
		default:
			why = fmt.Sprintf("a module root that declares func main, but its package is %s, not main", nm.Name)
		}
		build = "./" + nm.Dir
		if nm.Dir == "." {
			build = "."
		}
		p.Report(rule.Finding{
			Pos: nm.Pos,
			Message: fmt.Sprintf("%s is %s: go build %s writes no executable (with -o it writes a package archive), so there is no binary to run",
				nm.Dir, why, build),
		})
	}
	return nil
}
