package code

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// NonMainPackageBuilt is a package built as a program whose package clause is not main: a
// command directory of the tree, or the package a Dockerfile's go build names. go build of it
// succeeds and writes no executable.
var NonMainPackageBuilt = &rule.Rule{
	ID:       "SS1008",
	Class:    "non-main-package-built",
	Title:    "package built as a program is not package main",
	Severity: rule.Warning,
	Doc: `**What happens.** The build of the command "succeeds" and there is no program to run.
` + "`go build ./cmd/worker`" + ` compiles the package and writes nothing; ` + "`go build -o /out/app ./server`" + `
exits 0 and writes a package archive (` + "`!<arch>`" + `, mode 0644) where the binary should be, so
the image builds and the container fails at once with

    exec /app: permission denied

(exit code 126), or with ` + "`exec format error`" + ` when a ` + "`chmod +x`" + ` or ` + "`COPY --chmod`" + ` made the archive
executable. ` + "`go build -o /out/ ./server`" + ` (a directory) writes nothing and stops the image build
with ` + "`go: no main packages to build`" + `; ` + "`go install`" + ` installs nothing, and ` + "`go run ./cmd/worker`" + ` says:

    package example.com/svc/cmd/worker is not a main package

**Why.** Only ` + "`package main`" + ` with ` + "`func main`" + ` links into an executable. A directory under cmd/
is the convention for one binary each, and a file that declares ` + "`func main`" + ` is meant as an entry
point, but the package clause decides: a copied file still saying ` + "`package worker`" + `, a
` + "`func main`" + ` left in a library package, or a Dockerfile that builds the server's library
(` + "`./server`" + `) instead of its command (` + "`./cmd/server`" + `) builds without complaint.

**How it is found.** In the Go code alone: a directory under cmd/, or a module root declaring
` + "`func main`" + `, whose package is not main and that no program imports. In a Dockerfile: the
` + "`go build`" + ` or ` + "`go install`" + ` whose output the image holds, when its only package argument
(resolved against the RUN's working directory, through the ` + "`COPY`" + ` or ` + "`RUN --mount=type=bind`" + `
that put the sources there, or an import path of one of the tree's modules) is a directory of
the tree whose package is not main. Patterns (` + "`./...`" + `), several packages, ` + "`.go`" + ` file
arguments, variables and packages outside the tree are not judged.

**How to confirm.** ` + "`go list -f '{{.Name}}' ./server`" + ` prints the package name; ` + "`file /out/app`" + ` in
the builder stage says "current ar archive" instead of "ELF 64-bit LSB executable"; ` + "`go run`" + `
of the directory fails as above.

**How to fix.** Build the directory of ` + "`package main`" + ` (` + "`go build -o /out/app ./cmd/server`" + `), or
declare ` + "`package main`" + ` in every file of the command directory (and keep ` + "`func main`" + ` there),
or move library code out of cmd/. A non-main package that some program imports is a library and
is not reported unless a build names it as the program.`,
	Fix:     "Build the directory of package main (./cmd/server, not the ./server library it imports), or declare package main in every file of the command directory.",
	Symptom: "exec /app: permission denied (the binary is an ar archive), or package PATH is not a main package",
	Signatures: []rule.Signature{
		rule.Sig("is not a main package",
			`package (?P<package>\S+) is not a main package`,
			"package example.com/svc/cmd/worker is not a main package"),
		rule.Sig("no main packages to build",
			`^go: no main packages to build`,
			"go: no main packages to build"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runNonMainPackageBuilt,
}

func runNonMainPackageBuilt(p *rule.Pass) error {
	g := p.Project.Go
	// A directory a Dockerfile builds is reported there, with its consequence in the image; the
	// loop below then leaves it alone.
	built := dockerfileBuilds(p, g)
	roots := map[string]bool{}
	for _, m := range g.Modules {
		roots[m.Dir] = true
	}
	for _, nm := range g.NotMain {
		if built[nm.Dir] {
			continue
		}
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

// dockerfileBuilds reports the go builds of the project's images whose package argument names a
// directory of the tree that is not package main, and returns those directories.
func dockerfileBuilds(p *rule.Pass, g *gocode.Facts) map[string]bool {
	dirs := map[string]bool{}
	seen := map[*dockerfile.GoBuild]bool{}
	for _, t := range deploy.Images(p.Project) {
		exe, exePos := deploy.Executable(t.Image)
		for _, b := range t.Binaries {
			if b.Build == nil || seen[b.Build] {
				continue
			}
			dir, ok := builtDir(g, t.File, b.Binary)
			if !ok {
				continue
			}
			clause, ok := g.Dirs[dir]
			if !ok || clause.Name == "main" {
				continue
			}
			seen[b.Build] = true
			dirs[dir] = true
			runs := exe == b.Path || exe != "" && !strings.Contains(exe, "/") && path.Base(b.Path) == exe
			f := nonMainBuild(b.Binary, dir, clause, runs, exePos, madeExecutable(t.Stage, b.Binary))
			f.Fix = buildFix(g, dir, b.Build)
			p.Report(f)
		}
	}
	return dirs
}

// nonMainBuild is the finding for binary b, built from dir whose package clause is not main;
// runs says whether the image's ENTRYPOINT/CMD (at exePos) runs it.
// chmod is the position of a COPY --chmod or RUN chmod that set its exec bits (zero if none),
// which turns permission denied into exec format error.
func nonMainBuild(b *dockerfile.Binary, dir string, clause gocode.PackageClause, runs bool, exePos, chmod source.Pos) rule.Finding {
	g := b.Build
	verb := "go build"
	if g.Install {
		verb = "go install"
	}
	what := fmt.Sprintf("%s %s compiles %s, which is package %s (%s), not main", verb, g.Packages[0], dir, clause.Name, clause.Pos)
	related := []rule.Related{{Pos: clause.Pos, Message: fmt.Sprintf("package %s: not main, so it links into no executable", clause.Name)}}
	var consequence string
	sev := rule.Warning
	failure := "permission denied"
	if chmod != (source.Pos{}) {
		failure = "exec format error"
	}
	symptom := fmt.Sprintf("exec %s: %s (%s is an ar archive)", b.Path, failure, b.Path)
	switch {
	case g.Output != "" && g.OutputIsDir:
		sev = rule.Error
		symptom = "go: no main packages to build"
		consequence = fmt.Sprintf("with -o %s it writes nothing and stops with \"go: no main packages to build\", so the image build fails", g.Output)
	case g.Output != "":
		consequence = fmt.Sprintf("with -o %s it writes a package archive (!<arch>, mode 0644), not an executable", g.Output)
		if chmod != (source.Pos{}) {
			consequence += fmt.Sprintf(" (made executable at %s)", chmod)
		}
		if runs {
			sev = rule.Error
			consequence += fmt.Sprintf(", so the container fails with exec %s: %s", b.Path, failure)
		} else {
			consequence += fmt.Sprintf(", so running %s in the image fails with %s", b.Path, failure)
		}
	case b.Copy != nil:
		// go build and go install of a non-main package exit 0 and write nothing: the COPY
		// --from then finds no file there, or (go build ./server in /src) the source directory.
		sev, symptom = rule.Error, ""
		consequence = fmt.Sprintf("it writes nothing at %s, so the COPY at %s has no program to copy", g.OutputAbs, b.Copy.Pos)
	default:
		symptom = ""
		consequence = fmt.Sprintf("it writes nothing, so the image has no program at %s", b.Path)
	}
	if b.Copy != nil {
		msg := fmt.Sprintf("copies the output to %s", b.Path)
		if chmod == b.Copy.Pos {
			msg += " with --chmod, setting the archive's exec bits"
		}
		related = append(related, rule.Related{Pos: b.Copy.Pos, Message: msg})
	}
	if chmod != (source.Pos{}) && (b.Copy == nil || chmod != b.Copy.Pos) {
		related = append(related, rule.Related{Pos: chmod, Message: "sets the exec bits of the archive"})
	}
	if runs {
		related = append(related, rule.Related{Pos: exePos, Message: fmt.Sprintf("runs %s", b.Path)})
	}
	return rule.Finding{
		Pos:      g.Pos,
		Severity: sev,
		Message:  what + ": " + consequence,
		Symptom:  symptom,
		Related:  related,
	}
}

// madeExecutable is the position of what sets the exec bits of binary b in image stage img: a
// COPY --chmod, or a RUN chmod of the output in the builder or of the copy in the image's stage.
// Zero when nothing does (go build leaves an archive at mode 0644).
func madeExecutable(img *dockerfile.Stage, b *dockerfile.Binary) source.Pos {
	if b.Copy != nil && execBits(b.Copy.Chmod) {
		return b.Copy.Pos
	}
	for _, x := range []struct {
		st   *dockerfile.Stage
		path string
	}{{b.Stage, b.Build.OutputAbs}, {img, b.Path}} {
		if x.st == nil || x.path == "" {
			continue
		}
		for _, r := range x.st.Runs {
			for _, op := range r.Paths {
				if op.Op == "chmod" && op.Path == x.path && execBits(op.Arg) {
					return op.Pos
				}
			}
		}
	}
	return source.Pos{}
}

// execBits says whether a chmod mode (octal, or symbolic like +x or u+rwx) sets an exec bit.
func execBits(mode string) bool {
	if mode == "" {
		return false
	}
	if n, err := strconv.ParseUint(mode, 8, 32); err == nil {
		return n&0o111 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		if _, perms, ok := strings.Cut(clause, "+"); ok && strings.ContainsAny(perms, "xX") {
			return true
		}
		if _, perms, ok := strings.Cut(clause, "="); ok && strings.ContainsAny(perms, "xX") {
			return true
		}
	}
	return false
}

// buildFix names the command to build instead: the only program that links the package of dir,
// when there is one.
func buildFix(g *gocode.Facts, dir string, b *dockerfile.GoBuild) string {
	var only *gocode.Program
	for _, pkg := range g.Packages {
		if pkg.Dir != dir {
			continue
		}
		for _, prog := range g.Programs {
			if prog.Reaches(pkg.Path) && prog.Dir != dir {
				if only != nil {
					only = nil
					break
				}
				only = prog
			}
		}
	}
	if only == nil {
		return fmt.Sprintf("Build a package main directory, or declare package main (with func main) in every file of %s.", dir)
	}
	return fmt.Sprintf("Build the package main that imports it, in %s, instead of %s.", only.Dir, b.Packages[0])
}

// builtDir is the directory of the tree that binary b's go build compiles: its only package
// argument, an import path of one of the tree's modules, or a directory of the builder stage
// (resolved against the build's working directory) that a RUN --mount=type=bind or the Go files
// a COPY placed there map back to the tree. Patterns, several packages, .go file arguments,
// variables and paths the Dockerfile's copies cannot trace are unknown.
func builtDir(g *gocode.Facts, f *dockerfile.File, b *dockerfile.Binary) (string, bool) {
	if len(b.Build.Packages) != 1 {
		return "", false
	}
	pkg := b.Build.Packages[0]
	if strings.Contains(pkg, "...") || strings.Contains(pkg, "$") || strings.HasSuffix(pkg, ".go") || strings.Contains(pkg, "@") {
		return "", false
	}
	if !strings.HasPrefix(pkg, ".") && !strings.HasPrefix(pkg, "/") {
		return moduleDir(g, pkg)
	}
	dir := pkg
	if !path.IsAbs(dir) {
		if !path.IsAbs(b.Build.Workdir) {
			return "", false
		}
		dir = path.Join(b.Build.Workdir, pkg)
	}
	dir = path.Clean(dir)
	for _, r := range b.Stage.Runs {
		if !holds(r, b.Build) {
			continue
		}
		if treeDir, ok := deploy.ContextDirAt(deploy.BindMounts(r), f.Context, dir); ok {
			return treeDir, true
		}
	}
	// The latest copy into dir before the build wins: walk the stages from the builder back to
	// its first base, each one's copies from last to first.
	for st := b.Stage; st != nil; st = st.Base.FromStage {
		for i := len(st.Copies) - 1; i >= 0; i-- {
			c := st.Copies[i]
			if c.From != "" || st == b.Stage && b.Build.Pos.Before(c.Pos) {
				continue
			}
			for _, pl := range c.Placed {
				if strings.HasSuffix(pl.Src, ".go") && path.Dir(path.Clean(pl.Dest)) == dir {
					return path.Dir(pl.Src), true
				}
			}
			if c.Unresolved {
				// It may have put other files there.
				return "", false
			}
		}
	}
	return "", false
}

// holds says whether RUN r runs go build g.
func holds(r *dockerfile.Run, g *dockerfile.GoBuild) bool {
	for _, x := range r.GoBuilds {
		if x == g {
			return true
		}
	}
	return false
}

// moduleDir is the tree directory of import path pkg: under the tree module with the longest
// path that prefixes it; unknown for paths of no module of the tree.
func moduleDir(g *gocode.Facts, pkg string) (string, bool) {
	var best *gocode.Module
	for _, m := range g.Modules {
		if m.Path == "" || (pkg != m.Path && !strings.HasPrefix(pkg, m.Path+"/")) {
			continue
		}
		if best == nil || len(m.Path) > len(best.Path) {
			best = m
		}
	}
	if best == nil {
		return "", false
	}
	return path.Join(best.Dir, strings.TrimPrefix(strings.TrimPrefix(pkg, best.Path), "/")), true
}
