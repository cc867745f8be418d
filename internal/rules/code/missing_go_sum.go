package code

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// MissingGoSum is a required module whose checksum go.sum does not record, or a go.sum that is
// missing altogether while go.mod requires modules.
var MissingGoSum = &rule.Rule{
	ID:       "SS1005",
	Class:    "module-resolution",
	Title:    "go.sum has no entry for a required module",
	Severity: rule.Error,
	Doc: `**What happens.** The build fails on a clean machine (CI, docker build) before compiling:

    main.go:9:2: missing go.sum entry for module providing package github.com/spf13/viper (imported by example.com/svc); to add:
    	go get example.com/svc

or, for a module whose go.mod the build reads, ` + "`go: github.com/x/y@v1.2.3: missing go.sum entry for go.mod file`" + `.

**Why.** Since Go 1.16 the go command builds with -mod=readonly: it never edits go.mod or go.sum
on its own, and it refuses to use a module whose checksum go.sum does not record. A require
added by hand or by a tool that did not update go.sum, a merge that dropped lines, or a go.sum
that is not committed (or not copied into the build stage) all end the same way. It works on
the developer's machine when an earlier ` + "`go get`" + ` or ` + "`go mod tidy`" + ` there wrote the lines locally.

**How to confirm.** On a clean checkout: ` + "`go mod verify`" + ` then ` + "`go build ./...`" + `; or
` + "`go list -m all >/dev/null`" + `.

**How to fix.** Run ` + "`go mod tidy`" + ` and commit go.sum; make sure the Dockerfile copies go.sum
next to go.mod before ` + "`go mod download`" + `. Modules vendored with ` + "`go mod vendor`" + ` do not need
go.sum at build time and are not reported, nor are modules of a go.work workspace (whose
go.work.sum may hold the checksums).`,
	Fix:     "Run go mod tidy and commit go.sum (and copy it into the build stage together with go.mod).",
	Symptom: "missing go.sum entry for module providing package …",
	Signatures: []rule.Signature{
		rule.Sig("missing go.sum entry for module providing package",
			`missing go\.sum entry for module providing package (?P<package>\S+)`,
			"cmd/apg/registry_service.go:9:2: missing go.sum entry for module providing package github.com/spf13/viper (imported by github.com/apigee/registry/cmd/apg); to add:"),
		rule.Sig("missing go.sum entry",
			`go: (?P<module>[^\s@]+)@(?P<version>\S+): missing go\.sum entry(?: for go\.mod file)?;`,
			"go: github.com/Microsoft/go-winio@v0.5.2: missing go.sum entry; to add it:"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runMissingGoSum,
}

func runMissingGoSum(p *rule.Pass) error {
	for _, m := range p.Project.Go.Modules {
		// Vendored builds read vendor/, not the module cache, and do not check go.sum; a module
		// that does not parse is SS1009's.
		if m.ParseError != nil || m.Vendor != nil || !hasProgram(p.Project.Go, m) {
			continue
		}
		// In workspace mode the go command also accepts the checksums of go.work.sum, which
		// the facts do not read: not guessed.
		if inWorkspace(p.Project.Tree, m.Dir) {
			continue
		}
		sum := path.Join(m.Dir, "go.sum")
		if !m.HasGoSum {
			var needed []gocode.Require
			for _, r := range m.Requires {
				if !replacedLocally(m, r) {
					needed = append(needed, r)
				}
			}
			if len(needed) == 0 {
				continue
			}
			pos := m.PathPos
			if pos.File == "" {
				pos = posOfFile(m.File)
			}
			p.Report(rule.Finding{
				Pos: pos,
				Message: fmt.Sprintf("%s requires %d module(s) (%s) but %s does not exist: on a clean machine go build (-mod=readonly) stops with \"missing go.sum entry\" for each of them",
					m.File, len(needed), listRequires(needed, 3), sum),
				Related: requireRelated(needed, 3),
			})
			continue
		}
		for _, r := range m.MissingSums {
			p.Report(rule.Finding{
				Pos: r.Pos,
				Message: fmt.Sprintf("%s requires %s %s but %s has no line for it: on a clean machine go build (-mod=readonly) stops with \"missing go.sum entry\" for this module",
					r.Pos.Short(), r.Path, r.Version, sum),
				Related: []rule.Related{{Pos: posOfFile(sum), Message: "go.sum, without " + r.Path + " " + r.Version}},
			})
		}
	}
	return nil
}

// replacedLocally says whether a require is replaced by a directory, which has no checksum.
func replacedLocally(m *gocode.Module, r gocode.Require) bool {
	for _, rep := range m.Replaces {
		if rep.Old == r.Path && (rep.OldVersion == "" || rep.OldVersion == r.Version) && rep.Local {
			return true
		}
	}
	return false
}

func listRequires(rs []gocode.Require, max int) string {
	var names []string
	for i, r := range rs {
		if i == max {
			names = append(names, fmt.Sprintf("and %d more", len(rs)-max))
			break
		}
		names = append(names, r.Path+" "+r.Version)
	}
	return strings.Join(names, ", ")
}

func requireRelated(rs []gocode.Require, max int) []rule.Related {
	var out []rule.Related
	for i, r := range rs {
		if i == max {
			break
		}
		out = append(out, rule.Related{Pos: r.Pos, Message: "requires " + r.Path + " " + r.Version})
	}
	return out
}
