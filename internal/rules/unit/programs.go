package unit

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/release"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// programOf is the Go program an ExecStart command runs: the program named like the executable,
// or, when the release installs a binary of that name and the tree has a single deployed
// program, that one.
func programOf(p *facts.Project, cmd *systemd.Command) *gocode.Program {
	if prog := deploy.ProgramOfUnit(p, cmd); prog != nil {
		return prog
	}
	name := path.Base(cmd.Path)
	if strings.ContainsAny(cmd.Path, "%$@{") {
		return nil
	}
	for _, in := range p.Release.InstalledBinaries() {
		if in.Name == name {
			if progs := deploy.Deployed(p.Go); len(progs) == 1 {
				return progs[0]
			}
		}
	}
	return nil
}

// unknownPath says whether an installed path is not evaluated (make variables, templates).
func unknownPath(s string) bool { return strings.ContainsAny(s, "${}%@") }

// installsOf lists where the release installs binaries called name; known is false when one of
// them has a name or a path that is not evaluated.
func installsOf(rel *release.Facts, name string) (out []release.Installed, known bool) {
	known = true
	for _, in := range rel.InstalledBinaries() {
		switch {
		case in.Name == name:
			out = append(out, in)
			known = known && !unknownPath(in.Path)
		case unknownPath(in.Name):
			known = false
		}
	}
	return out, known
}

func describeInstalls(ins []release.Installed) string {
	var parts []string
	seen := map[string]bool{}
	for _, in := range ins {
		s := fmt.Sprintf("%s puts it at %s (%s)", in.From, in.Path, in.Pos.Short())
		if !seen[s] {
			seen[s] = true
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "; ")
}

// usrMerged maps the split-/usr directories to the merged ones every current distribution uses
// (/bin is a symlink to /usr/bin).
func usrMerged(p string) string {
	for _, d := range []string{"/bin/", "/sbin/", "/lib/"} {
		if strings.HasPrefix(p, d) {
			return "/usr" + p
		}
	}
	return p
}
