package deploy

import (
	"path"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// Executable is the path the image runs: ENTRYPOINT's first word, else CMD's (exec form, or the
// first word of a shell form without shell syntax). "" when unknown.
func Executable(im *dockerfile.Image) (string, source.Pos) {
	c := im.Entrypoint
	if c == nil {
		c = im.Cmd
	}
	if c == nil || len(c.Args) == 0 {
		return "", source.Pos{}
	}
	w := c.Args[0]
	if !c.Exec {
		fs := strings.Fields(w)
		if len(fs) == 0 || strings.ContainsAny(w, "$;&|<>`()") {
			return "", source.Pos{}
		}
		if fs[0] == "exec" && len(fs) > 1 {
			fs = fs[1:]
		}
		w = fs[0]
	}
	if strings.ContainsAny(w, "$") {
		return "", source.Pos{}
	}
	if !path.IsAbs(w) && strings.Contains(w, "/") {
		if wd, _ := im.WorkingDir(); wd != "" {
			w = path.Join(wd, w)
		}
	}
	return w, c.Pos
}

// program is the Go program whose binary the image runs: the binary at the entrypoint's path,
// by the program its build was traced to (see ProgramOfBinary) or else by the package path and
// the binary's name; or, when no binary of the image is at that path, a program of that name.
// Unlike Main, it does not look through an entrypoint script to the image's only binary: the
// targets read arguments and environment, and a script may change both.
func (t *Image) program(g *gocode.Facts) *gocode.Program {
	if g == nil {
		return nil
	}
	exe, _ := Executable(t.Image)
	if exe == "" {
		return nil
	}
	for _, b := range t.Binaries {
		if b.Path != exe && !(!strings.Contains(exe, "/") && path.Base(b.Path) == exe) {
			continue
		}
		if b.Program != nil {
			return b.Program
		}
		if prog := programOfBuild(g, t.File, b.Binary); prog != nil {
			return prog
		}
	}
	return ByName(g, path.Base(exe))
}

// programOfBuild guesses the program a go build in a builder stage compiles when
// ProgramOfBinary cannot trace it: by the package path relative to the build context, then by
// the binary's name.
func programOfBuild(g *gocode.Facts, f *dockerfile.File, b *dockerfile.Binary) *gocode.Program {
	if b.Build == nil {
		return nil
	}
	if len(b.Build.Packages) == 1 {
		pkg := b.Build.Packages[0]
		if pkg == "." || strings.HasPrefix(pkg, "./") {
			rel := path.Clean(strings.TrimSuffix(pkg, "/..."))
			var hits []*gocode.Program
			for _, prog := range Deployed(g) {
				d := prog.Dir
				if rel == "." {
					if d == f.Context {
						hits = append(hits, prog)
					}
					continue
				}
				if d == rel || strings.HasSuffix(d, "/"+rel) {
					hits = append(hits, prog)
				}
			}
			if len(hits) == 1 {
				return hits[0]
			}
		} else if prog := byImportPath(g, pkg); prog != nil {
			return prog
		}
	}
	if prog := ByName(g, path.Base(b.Path)); prog != nil {
		return prog
	}
	return nil
}

func byImportPath(g *gocode.Facts, pkg string) *gocode.Program {
	for _, prog := range g.Programs {
		if prog.Main != nil && prog.Main.Path == pkg {
			return prog
		}
	}
	return nil
}

// ByName returns the only deployed program called name, or nil; nil too when the name holds a
// specifier or a variable (%i, $NAME, ${NAME}, name@instance).
func ByName(g *gocode.Facts, name string) *gocode.Program {
	if g == nil || name == "" || strings.ContainsAny(name, "%$@{") {
		return nil
	}
	var hit *gocode.Program
	for _, prog := range Deployed(g) {
		if prog.Name == name {
			if hit != nil {
				return nil
			}
			hit = prog
		}
	}
	return hit
}

// devDirs are directory names under which a program is a development aid, not what a deployment
// runs (the code rules keep the same list).
var devDirs = map[string]bool{
	"example": true, "examples": true, "_example": true, "_examples": true, "demo": true,
	"demos": true, "sample": true, "samples": true, "hack": true, "tools": true, "scripts": true,
	"test": true, "tests": true, "e2e": true, "bench": true, "benchmark": true, "benchmarks": true,
	"testdata": true,
}

// Deployed lists the programs a deployment may run: those outside development directories.
func Deployed(g *gocode.Facts) []*gocode.Program {
	if g == nil {
		return nil
	}
	deployedMu.Lock()
	defer deployedMu.Unlock()
	if deployedFor == g {
		return deployedLast
	}
	deployedFor, deployedLast = g, deployed(g)
	return deployedLast
}

// The last answer of Deployed: rules ask it for the same facts many times in a row.
var (
	deployedMu   sync.Mutex
	deployedFor  *gocode.Facts
	deployedLast []*gocode.Program
)

func deployed(g *gocode.Facts) []*gocode.Program {
	var out []*gocode.Program
	for _, prog := range g.Programs {
		ok := true
		for _, seg := range strings.Split(prog.Dir, "/") {
			if devDirs[seg] {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, prog)
		}
	}
	return out
}

// moduleName is the last element of a program's module path, without a /vN suffix.
func moduleName(prog *gocode.Program) string {
	if prog.Module == nil || prog.Module.Path == "" {
		return ""
	}
	mp := prog.Module.Path
	if i := strings.LastIndex(mp, "/"); i >= 0 && len(mp) > i+2 && mp[i+1] == 'v' && strings.Trim(mp[i+2:], "0123456789") == "" {
		mp = mp[:i]
	}
	return mp[strings.LastIndex(mp, "/")+1:]
}

// RefName is the last path element of an image reference without tag or digest; "" when the
// reference is templated or empty.
func RefName(ref string) string {
	if ref == "" || strings.ContainsAny(ref, "{}$") {
		return ""
	}
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.Index(name, ":"); i >= 0 {
		name = name[:i]
	}
	return name
}

// ProgramOfUnit is the program an ExecStart command runs: a program named like the executable's
// file name (specifiers and variables make it unknown).
func ProgramOfUnit(p *facts.Project, cmd *systemd.Command) *gocode.Program {
	exe := cmd.Path
	if exe == "" || strings.ContainsAny(exe, "%$@{") {
		return nil
	}
	return ByName(p.Go, path.Base(exe))
}
