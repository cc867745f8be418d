package container

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// CgoToolchain is a build whose cgo setting does not fit the builder: cgo on without a C compiler,
// or cgo off for a dependency that only works with cgo.
var CgoToolchain = &rule.Rule{
	ID:       "SS1012",
	Class:    "cgo-toolchain",
	Title:    "cgo setting does not match the builder or the dependencies",
	Severity: rule.Error,
	Doc: `**What happens.** One of two ways. The build fails in the builder stage:

    # runtime/cgo
    cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH

or the build succeeds and the service dies at its first database call:

    Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub

**Why.** cgo is on by default for native builds, so any package with import "C" (mattn/go-sqlite3,
confluent-kafka-go, or runtime/cgo pulled in by net and os/user) makes go build invoke the C
compiler named by CC. golang:*-alpine and most slim builders have no gcc, and alpine also needs
musl-dev for the headers. The opposite mistake is CGO_ENABLED=0 (set to get a static binary for
scratch or distroless) with a cgo-only dependency: such packages compile a stub that returns this
error at run time instead of failing the build.

**How to confirm.**

    grep -rn 'import "C"' --include=*.go .
    grep -nE 'go-sqlite3|confluent-kafka-go' go.mod
    grep -nE 'CGO_ENABLED|apk add|apt-get install' Dockerfile
    go version -m ./server | grep CGO_ENABLED

**How to fix.** Either keep cgo and give the builder a compiler (and give the runtime image the
matching libc):

    FROM golang:1.25-alpine AS build
    RUN apk add --no-cache gcc musl-dev
    ENV CGO_ENABLED=1

or drop the cgo dependency (modernc.org/sqlite is a pure-Go SQLite driver) and build with
CGO_ENABLED=0.`,
	Fix:     "Install gcc (and musl-dev on alpine) in the builder when cgo is needed, or build with CGO_ENABLED=0 and replace cgo-only dependencies such as mattn/go-sqlite3 with pure-Go ones.",
	Symptom: `cgo: C compiler "gcc" not found / go-sqlite3 requires cgo to work. This is a stub`,
	Signatures: []rule.Signature{
		rule.Sig(`cgo: C compiler`,
			`(?:^|\s)cgo: C compiler "(?P<path>[^"]+)" not found: exec: "[^"]+": executable file not found in \$PATH$`,
			`#0 0.920 cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`),
		rule.Sig(`executable file not found in $PATH`,
			`^(?:#\d+ [\d.]+ )?(?:cgo: exec \S+: )?exec: "(?P<path>(?:\S+-)?(?:gcc|cc|clang))": executable file not found in \$PATH$`,
			`cgo: exec gcc: exec: "gcc": executable file not found in $PATH`),
		rule.Sig("fatal error:",
			`(?:^|\s)\S*runtime/cgo/\S+\.go:\d+:\d+: fatal error: (?P<path>[\w./-]+\.h): No such file or directory$`,
			"/usr/local/go/src/runtime/cgo/cgo.go:54:19: fatal error: errno.h: No such file or directory"),
		rule.Sig("go-sqlite3 requires cgo to work",
			`Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work\. This is a stub"?$`,
			"FATA[0000] Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub"),
	},
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runCgoToolchain,
}

// Packages that provide a C compiler, and the C library headers, in a builder.
var (
	compilers  = []string{"gcc", "build-base", "clang", "build-essential", "gcc-c++", "g++", "musl-gcc"}
	libcHeader = []string{"musl-dev", "build-base", "libc-dev", "libc6-dev", "build-essential", "glibc-devel"}
	// goPackages are distribution packages of Go, which may depend on gcc (the model does not
	// know their dependencies).
	goPackages = []string{"go", "golang", "golang-go", "golang-bin"}
)

// noCompiler is what go build prints when CC is missing (quoted in the rule's signatures).
const noCompiler = `cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`

func runCgoToolchain(p *rule.Pass) error {
	g := p.Project.Go
	seen := map[*dockerfile.GoBuild]bool{}
	for _, fl := range builderFlows(p.Project) {
		root := fl.chain[0]
		if root.Base.Unresolved {
			continue
		}
		info := dockerfile.Lookup(root.Base.Ref)
		if !info.Known {
			continue
		}
		for _, cmd := range fl.cmds {
			b := cmd.build
			if b == nil || seen[b] {
				continue
			}
			seen[b] = true
			cgo, explicit := b.Env["CGO_ENABLED"]
			cc, headers := fl.installed(compilers, cmd.step), fl.installed(libcHeader, cmd.step)
			on := explicit && !cgo.Unresolved && cgo.Value == "1" || !explicit && cc != nil && b.Env["GOARCH"].Origin == ""
			if !on || info.GCC == dockerfile.Yes || fl.installed(goPackages, cmd.step) != nil {
				continue // a distribution's Go package may pull in a compiler
			}
			alpine := info.Libc == dockerfile.LibcMusl
			if cc != nil && (!alpine || headers != nil) {
				continue
			}
			prog := deploy.ProgramOfBinary(g, fl.file, &dockerfile.Binary{Build: b, Stage: fl.stage})
			if prog == nil {
				continue
			}
			uses := cgoUses(g, prog, b.Tags)
			if len(uses) == 0 {
				continue
			}
			related := []rule.Related{{Pos: root.Base.Pos, Message: "builder " + root.Base.Ref}}
			for _, u := range uses {
				related = append(related, rule.Related{Pos: u.Pos, Message: u.What})
			}
			if cc == nil {
				related = append(related, rule.Related{Pos: cgo.Pos, Message: "CGO_ENABLED=1"})
				p.Report(rule.Finding{Pos: b.Pos, Related: related, Message: fmt.Sprintf(
					"%s builds %s with CGO_ENABLED=1 (%s) in %s (%s), which has no C compiler and the stage installs none; %s: "+
						"the build stops with: %s",
					b.Pos.Short(), prog.Name, cgo.Pos.Short(), root.Base.Ref, root.Base.Pos.Short(), describeUses(uses), noCompiler)})
				continue
			}
			related = append(related, rule.Related{Pos: cc.Pos, Message: "installs a C compiler without the C library headers"})
			p.Report(rule.Finding{Pos: b.Pos, Related: related, Message: fmt.Sprintf(
				"%s builds %s with cgo on in %s (%s, musl), where %s installs a C compiler but not musl-dev (or build-base); %s: "+
					"compiling the cgo code stops with \"fatal error: stdlib.h: No such file or directory\" (or another libc header)",
				b.Pos.Short(), prog.Name, root.Base.Ref, root.Base.Pos.Short(), cc.Pos.Short(), describeUses(uses))})
		}
	}
	for _, t := range deploy.Images(p.Project) {
		for _, b := range t.Binaries {
			if b.Program == nil || b.CGO != dockerfile.No || !b.CGOExplicit && flowOf(t.File, b.Stage).installed(goPackages, 1<<30) != nil {
				continue
			}
			for _, c := range g.Cgo {
				if c.Module == "" || strings.Contains(c.Reason, "module cache") || !b.Program.Reaches(c.Pkg) {
					continue
				}
				why := fmt.Sprintf("CGO_ENABLED=0 (%s)", b.CGOPos.Short())
				if !b.CGOExplicit {
					why = fmt.Sprintf("cgo off: %s has no C compiler, and Go turns cgo off when it finds none (%s)", b.Stage.Base.Ref, b.CGOPos.Short())
				}
				effect := "go build fails: the package has no Go files without cgo"
				if strings.HasPrefix(c.Module, "github.com/mattn/go-sqlite3") || c.Module == "gorm.io/driver/sqlite" {
					effect = "go-sqlite3 compiles a stub, so the service starts and its first database call fails with " +
						"\"Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub\""
				}
				p.Report(rule.Finding{
					Pos:     b.Build.Pos,
					Related: []rule.Related{{Pos: c.Pos, Message: "imports " + c.Import + ": " + c.Reason}, {Pos: b.CGOPos, Message: "cgo off"}},
					Message: fmt.Sprintf("%s builds %s with %s, but %s imports %s, which %s: %s",
						b.Build.Pos.Short(), b.Program.Name, why, c.Pos.Short(), c.Import, c.Reason, effect),
				})
				break
			}
		}
	}
	return nil
}

// installed is the first install of one of the packages in the stage's FROM chain up to step
// (an install earlier in the same RUN counts).
func (fl *flow) installed(pkgs []string, upTo int) *dockerfile.Install {
	step := 0
	for _, st := range fl.chain {
		for _, x := range st.Steps {
			step++
			r, ok := x.(*dockerfile.Run)
			if !ok || step > upTo {
				continue
			}
			for _, in := range r.Installs {
				for _, p := range in.Packages {
					if slices.Contains(pkgs, p) {
						return in
					}
				}
			}
		}
	}
	return nil
}
