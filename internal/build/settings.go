// Package build answers how a Go program of a project should be built for production, from the
// facts check has (cgo, time zones, TLS, a version variable, the platforms the repository
// ships), and builds it: go build per target, SHA256SUMS, a size table, and every artifact
// verified with the binary package before the build is called done.
package build

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/host"
)

// ErrNoMain is returned when the project has no package main.
var ErrNoMain = errors.New("no main package: there is nothing to build (a binary comes from a directory whose files say package main and declare func main)")

// AmbiguousError is returned when the project has several programs and none was chosen.
type AmbiguousError struct {
	// Programs are the main package directories, sorted.
	Programs []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%d main packages (%s): name the one to use, like ./%s", len(e.Programs), strings.Join(e.Programs, ", "), e.Programs[0])
}

// Program returns the program of f in directory want ("./cmd/app", "cmd/app", "." or "" for
// the only one). want may also be the binary name.
func Program(f *gocode.Facts, want string) (*gocode.Program, error) {
	if f == nil || len(f.Programs) == 0 {
		return nil, ErrNoMain
	}
	if want == "" {
		if len(f.Programs) == 1 {
			return f.Programs[0], nil
		}
		return nil, &AmbiguousError{Programs: programDirs(f)}
	}
	clean := path.Clean(filepath.ToSlash(want))
	for _, p := range f.Programs {
		if p.Dir == clean || p.Name == want {
			return p, nil
		}
	}
	return nil, fmt.Errorf("%s is not a main package of the project; the main packages are %s", want, strings.Join(programDirs(f), ", "))
}

func programDirs(f *gocode.Facts) []string {
	var dirs []string
	for _, p := range f.Programs {
		dirs = append(dirs, p.Dir)
	}
	sort.Strings(dirs)
	return dirs
}

// Link is how a binary is linked.
type Link string

const (
	// Static is CGO_ENABLED=0: pure Go, no libc, runs on any Linux of its architecture.
	Static Link = "static"
	// StaticCgo is cgo linked statically (-linkmode external -extldflags -static).
	StaticCgo Link = "static-cgo"
	// Dynamic is cgo linked against the build machine's libc; it runs where that libc (at
	// least the glibc floor the link picks up) is installed.
	Dynamic Link = "dynamic"
)

// Settings are the build decisions for one program, each with its reason.
type Settings struct {
	Program *gocode.Program
	// Cgo are the reasons the program needs cgo; empty means CGO_ENABLED=0.
	Cgo  []*gocode.Cgo
	Link Link
	// Tags are the build tags (-tags), sorted.
	Tags []string
	// ExtLDFlags is passed as -extldflags (static cgo links).
	ExtLDFlags string
	// VersionVar is the -X target for the version ("main.version"), "" when the code has none.
	VersionVar string
	// VCS is the -buildvcs value: "auto" when the tree is a git checkout, else "false".
	// VCSExpected says git is installed too, so the binary must record vcs=git.
	VCS         string
	VCSExpected bool
	// CC is the C compiler found for cgo builds ("" when cgo is off).
	CC string
	// Why explains every choice, and what cgo costs when it is on.
	Why []string
}

// Options steer Choose.
type Options struct {
	// Host is the target host's snapshot, if any: its libc decides the glibc floor.
	Host *host.Snapshot
	// LookPath finds commands (exec.LookPath when nil); tests replace it.
	LookPath func(string) (string, error)
	// Stat checks files (os.Stat when nil); tests replace it.
	Stat func(string) (os.FileInfo, error)
}

// Choose decides how to build prog from the facts of p.
func Choose(p *facts.Project, prog *gocode.Program, opt Options) (*Settings, error) {
	if opt.LookPath == nil {
		opt.LookPath = exec.LookPath
	}
	if opt.Stat == nil {
		opt.Stat = os.Stat
	}
	s := &Settings{Program: prog, Link: Static, VCS: "false"}
	if p.Tree != nil && inGit(p.Tree.Root, opt.Stat) {
		s.VCS = "auto"
		_, err := opt.LookPath("git")
		s.VCSExpected = err == nil
	}
	s.Cgo = CgoReasons(p.Go, prog)
	if v, err := FindVersionVar(p, prog); err == nil && v != "" {
		s.VersionVar = v
		s.Why = append(s.Why, fmt.Sprintf("stamps the version into %s with -X", v))
	}
	if NeedsTZData(p.Go, prog) && (opt.Host == nil || !opt.Host.Zoneinfo.Present()) {
		s.Tags = append(s.Tags, "timetzdata")
		s.Why = append(s.Why, "links the zone database in (-tags timetzdata, about 450 kB) because the code loads time zones by name and the target may have no zoneinfo")
	}
	if len(s.Cgo) == 0 {
		s.Why = append(s.Why, "CGO_ENABLED=0: nothing the program reaches needs cgo, so the binary is static and runs on any Linux of its architecture")
		sort.Strings(s.Tags)
		return s, nil
	}
	cc, err := findCC(opt.LookPath)
	if err != nil {
		return nil, err
	}
	s.CC = cc
	s.Why = append(s.Why, fmt.Sprintf("cgo is required by %s: the build needs a C compiler (%s) for every target, cross builds need a cross compiler, and the build is slower", cgoList(s.Cgo), cc))
	// netgo and osusergo keep DNS and user look-ups in Go, so that a static link does not
	// pull glibc's NSS (which a static binary cannot load) and a dynamic one needs less.
	s.Tags = append(s.Tags, "netgo", "osusergo")
	if static := staticToolchain(opt); static != "" {
		s.Link = StaticCgo
		s.ExtLDFlags = "-static"
		s.Why = append(s.Why, fmt.Sprintf("links statically (-linkmode external -extldflags -static, with %s) with -tags netgo,osusergo: no libc needed at run time, but the C code is frozen at the build machine's version", static))
	} else {
		s.Link = Dynamic
		floor := "the build machine's glibc"
		if opt.Host != nil && opt.Host.Libc.Family == "glibc" {
			floor = "glibc " + opt.Host.Libc.Version + " of the target host (checked after the build)"
		}
		s.Why = append(s.Why, fmt.Sprintf("links dynamically against libc (no static C library found: install musl-tools or libc6-dev's libc.a for a static link): the binary runs only where %s or newer is installed", floor))
	}
	sort.Strings(s.Tags)
	return s, nil
}

// ErrNoCC is returned when cgo is required and no C compiler is installed.
var ErrNoCC = errors.New("no C compiler found (looked for $CC, gcc, cc and clang)")

func findCC(look func(string) (string, error)) (string, error) {
	if cc := os.Getenv("CC"); cc != "" {
		if p, err := look(strings.Fields(cc)[0]); err == nil {
			return p, nil
		}
	}
	for _, c := range []string{"gcc", "cc", "clang"} {
		if p, err := look(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoCC
}

// staticToolchain names what makes a static cgo link possible: musl-gcc, or glibc's libc.a.
func staticToolchain(opt Options) string {
	if p, err := opt.LookPath("musl-gcc"); err == nil {
		return p
	}
	for _, a := range []string{"/usr/lib/x86_64-linux-gnu/libc.a", "/usr/lib/aarch64-linux-gnu/libc.a", "/usr/lib64/libc.a", "/usr/lib/libc.a"} {
		if _, err := opt.Stat(a); err == nil {
			return a
		}
	}
	return ""
}

// CgoReasons are the cgo uses of f that prog reaches.
func CgoReasons(f *gocode.Facts, prog *gocode.Program) []*gocode.Cgo {
	if f == nil {
		return nil
	}
	var out []*gocode.Cgo
	for _, c := range f.Cgo {
		if prog.Reaches(c.Pkg) {
			out = append(out, c)
		}
	}
	return out
}

func cgoList(cs []*gocode.Cgo) string {
	var parts []string
	seen := map[string]bool{}
	for _, c := range cs {
		w := c.Module
		if w == "" {
			w = `import "C" at ` + c.Pos.Short()
		}
		if !seen[w] {
			seen[w] = true
			parts = append(parts, w)
		}
	}
	return strings.Join(parts, ", ")
}

// NeedsTZData says prog loads time zones by name without linking time/tzdata.
func NeedsTZData(f *gocode.Facts, prog *gocode.Program) bool {
	if f == nil || prog.Reaches("time/tzdata") {
		return false
	}
	for _, l := range f.Locations {
		if prog.Reaches(l.Pkg) && l.Name != "UTC" && l.Name != "Local" {
			return true
		}
	}
	return false
}

// NeedsCA says prog makes outbound TLS connections (it needs a CA bundle).
func NeedsCA(f *gocode.Facts, prog *gocode.Program) bool {
	if f == nil {
		return false
	}
	for _, t := range f.TLS {
		if prog.Reaches(t.Pkg) {
			return true
		}
	}
	return false
}

// inGit says whether dir or a parent holds .git (go build stamps VCS information then).
func inGit(dir string, stat func(string) (os.FileInfo, error)) bool {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false
	}
	for {
		if _, err := stat(filepath.Join(abs, ".git")); err == nil {
			return true
		}
		parent := filepath.Dir(abs)
		if parent == abs {
			return false
		}
		abs = parent
	}
}
