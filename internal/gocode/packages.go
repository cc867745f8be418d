package gocode

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// knownOS and knownArch are the GOOS and GOARCH values that file name suffixes select on
// (go/build's internal/syslist): a file named x_windows.go builds only on windows.
var knownOS = set("aix android darwin dragonfly freebsd hurd illumos ios js linux nacl netbsd openbsd plan9 solaris wasip1 windows zos")
var knownArch = set("386 amd64 amd64p32 arm armbe arm64 arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv riscv64 s390 s390x sparc sparc64 wasm")

// unixOS are the systems the "unix" build tag selects; linux is one of them.
const targetOS, targetArch = "linux", "amd64"

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// header is what the first, cheap parse of a Go file tells: enough to decide whether it ships
// and what it imports.
type header struct {
	file     *tree.File
	name     string // package name
	namePos  source.Pos
	imports  []Import
	cgo      *source.Pos // import "C"
	mainFunc bool        // declares func main, judged from the bytes
	mainPos  source.Pos  // where, when mainFunc
	// generated says the file carries the "Code generated … DO NOT EDIT." header. Its imports
	// count; its body is not walked (see Load).
	generated bool
}

// pkgDir is one directory of shipped Go files.
type pkgDir struct {
	dir     string
	path    string // import path
	module  *Module
	vendor  bool
	files   []*header
	name    string
	pkg     *Package
	reached bool
}

// shipsByName says whether a Go file can be part of a linux/amd64 build judging by its path:
// no _test.go, no directory starting with . or _ or named testdata, and a GOOS/GOARCH suffix
// (if any) that matches.
func shipsByName(rel string) bool {
	base := path.Base(rel)
	if strings.HasSuffix(base, "_test.go") || strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_") {
		return false
	}
	for _, elem := range strings.Split(path.Dir(rel), "/") {
		if elem == "testdata" || (elem != "." && (strings.HasPrefix(elem, ".") || strings.HasPrefix(elem, "_"))) {
			return false
		}
	}
	name := strings.TrimSuffix(base, ".go")
	if i := strings.IndexByte(name, '_'); i >= 0 {
		name = name[i:]
	} else {
		return true
	}
	parts := strings.Split(name, "_")
	n := len(parts)
	if n >= 2 && knownOS[parts[n-2]] && knownArch[parts[n-1]] {
		return matchOS(parts[n-2]) && parts[n-1] == targetArch
	}
	if n >= 1 {
		last := parts[n-1]
		if knownOS[last] {
			return matchOS(last)
		}
		if knownArch[last] {
			return last == targetArch
		}
	}
	return true
}

func matchOS(goos string) bool { return goos == targetOS }

// shipsByConstraint evaluates the //go:build (or // +build) lines of a file for linux/amd64.
// cgo is unknown at this point, so a file ships when it builds with cgo either on or off.
func shipsByConstraint(f *ast.File) bool {
	var exprs []constraint.Expr
	var plus []constraint.Expr
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) && !constraint.IsPlusBuild(c.Text) {
				continue
			}
			x, err := constraint.Parse(c.Text)
			if err != nil {
				continue
			}
			if constraint.IsGoBuild(c.Text) {
				exprs = append(exprs, x)
			} else {
				plus = append(plus, x)
			}
		}
	}
	if len(exprs) == 0 {
		exprs = plus
	}
	for _, x := range exprs {
		if !evalTags(x, true) && !evalTags(x, false) {
			return false
		}
	}
	return true
}

func evalTags(x constraint.Expr, cgo bool) bool {
	return x.Eval(func(tag string) bool {
		switch tag {
		case targetOS, targetArch, "unix", "gc":
			return true
		case "cgo":
			return cgo
		}
		if v, ok := strings.CutPrefix(tag, "go1."); ok {
			n, err := strconv.Atoi(v)
			return err == nil && n <= goMinorRelease
		}
		return false
	})
}

// goMinorRelease is the newest go1.N release tag the evaluation accepts: a file guarded by
// go1.N builds with every toolchain at or above 1.N, and the build toolchain is unknown here.
const goMinorRelease = 99

// readHeaders reads and cheaply parses the candidate Go files in parallel.
func readHeaders(t *tree.Tree, files []*tree.File) ([]*header, []source.Note) {
	out := make([]*header, len(files))
	notes := make([][]source.Note, len(files))
	parallel(len(files), func(i int) {
		out[i], notes[i] = readHeader(t, files[i])
	})
	var hs []*header
	var ns []source.Note
	for i := range out {
		if out[i] != nil {
			hs = append(hs, out[i])
		}
		ns = append(ns, notes[i]...)
	}
	return hs, ns
}

func readHeader(t *tree.Tree, f *tree.File) (h *header, notes []source.Note) {
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			h, notes = nil, []source.Note{source.Notef(source.Pos{File: f.Path}, "cannot read Go file: internal error: %v", r)}
		}
	}()
	src, err := readSrc(f)
	if err != nil {
		return nil, []source.Note{source.Notef(source.Pos{File: f.Path}, "cannot read: %v", err)}
	}
	return headerOf(f, src)
}

// headerOf parses a file up to its imports and decides whether it ships.
func headerOf(f *tree.File, src []byte) (*header, []source.Note) {
	fset := token.NewFileSet()
	af, err := parser.ParseFile(fset, f.Path, src, parser.ImportsOnly|parser.ParseComments|parser.SkipObjectResolution)
	if af == nil || af.Name == nil || af.Name.Name == "" || af.Name.Name == "_" {
		if err != nil {
			return nil, []source.Note{syntaxNote(f.Path, err)}
		}
		return nil, nil
	}
	if !shipsByConstraint(af) {
		return nil, nil
	}
	h := &header{file: f, name: af.Name.Name, namePos: posOf(fset, af.Name.Pos())}
	for _, is := range af.Imports {
		p, uerr := strconv.Unquote(is.Path.Value)
		if uerr != nil {
			continue
		}
		pos := posOf(fset, is.Pos())
		h.imports = append(h.imports, Import{Path: p, Pos: pos})
		if p == "C" {
			h.cgo = &pos
		}
	}
	if i := bytes.Index(src, []byte("\nfunc main()")); i >= 0 {
		h.mainFunc = true
		h.mainPos = source.Pos{File: f.Path, Line: bytes.Count(src[:i+1], []byte("\n")) + 1, Col: 1}
	}
	h.generated = ast.IsGenerated(af)
	// Syntax errors after the imports are found by the full parse of the files that ship.
	if err != nil {
		return h, []source.Note{syntaxNote(f.Path, err)}
	}
	return h, nil
}

// readSrc reads a Go file in one allocation: the tree knows its size (tree.Read grows its
// buffer as it goes, which costs a sixth of a GOROOT load).
func readSrc(f *tree.File) ([]byte, error) {
	if f.Size > tree.MaxFileSize {
		return nil, fmt.Errorf("over the %d MB limit for a file", tree.MaxFileSize>>20)
	}
	b, err := os.ReadFile(f.Abs)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return nil, pe.Err
		}
		return nil, err
	}
	if len(b) > tree.MaxFileSize {
		return nil, fmt.Errorf("over the %d MB limit for a file", tree.MaxFileSize>>20)
	}
	return b, nil
}

func posOf(fset *token.FileSet, p token.Pos) source.Pos {
	if !p.IsValid() {
		return source.Pos{}
	}
	pp := fset.Position(p)
	return source.Pos{File: pp.Filename, Line: pp.Line, Col: pp.Column}
}

// parallel runs f(0..n-1) on GOMAXPROCS*2 workers: reading is I/O, parsing is CPU.
func parallel(n int, f func(i int)) {
	workers := runtime.GOMAXPROCS(0) * 2
	if workers > n {
		workers = n
	}
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= n {
					return
				}
				f(i)
			}
		}()
	}
	wg.Wait()
}

// layout is the tree's Go packages and how imports resolve to them.
type layout struct {
	modules []*Module // by directory depth, deepest first
	dirs    map[string]*pkgDir
	byPath  map[string]*pkgDir // module packages by import path
}

// moduleOf returns the module whose directory holds dir (the deepest one), or nil.
func (l *layout) moduleOf(dir string) *Module {
	for _, m := range l.modules {
		if m.Dir == "." || dir == m.Dir || strings.HasPrefix(dir, m.Dir+"/") {
			return m
		}
	}
	return nil
}

func buildLayout(modules []*Module, headers []*header) (*layout, []source.Note) {
	l := &layout{dirs: map[string]*pkgDir{}, byPath: map[string]*pkgDir{}}
	l.modules = append(l.modules, modules...)
	sort.SliceStable(l.modules, func(i, j int) bool {
		return strings.Count(l.modules[i].Dir, "/")+btoi(l.modules[i].Dir != ".") > strings.Count(l.modules[j].Dir, "/")+btoi(l.modules[j].Dir != ".")
	})
	for _, h := range headers {
		dir := path.Dir(h.file.Path)
		d := l.dirs[dir]
		if d == nil {
			d = &pkgDir{dir: dir}
			l.dirs[dir] = d
		}
		d.files = append(d.files, h)
	}
	var notes []source.Note
	for _, d := range l.dirs {
		d.module = l.moduleOf(d.dir)
		rel := d.dir
		modPath := ""
		if d.module != nil {
			rel = relTo(d.module.Dir, d.dir)
			modPath = d.module.Path
		}
		if v, ok := cutVendor(rel); ok {
			d.vendor, d.path = true, v
		} else {
			switch {
			case modPath == "":
				d.path = d.dir
			case rel == ".":
				d.path = modPath
			default:
				d.path = modPath + "/" + rel
			}
			if d.module != nil && d.module.ParseError == nil {
				if _, dup := l.byPath[d.path]; !dup {
					l.byPath[d.path] = d
				}
			}
		}
		// A directory whose files disagree on the package name does not build; keep the
		// name most files use and say so.
		count := map[string]int{}
		for _, h := range d.files {
			count[h.name]++
		}
		for name, n := range count {
			if n > count[d.name] || (n == count[d.name] && name < d.name) {
				d.name = name
			}
		}
		if len(count) > 1 {
			for _, h := range d.files {
				if h.name != d.name {
					notes = append(notes, source.Notef(h.namePos, "package %s, but the other files of %s are package %s: go build fails here", h.name, d.dir, d.name))
				}
			}
		}
	}
	return l, notes
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// relTo is dir relative to base (both slash paths relative to the root, base "." or a prefix).
func relTo(base, dir string) string {
	if base == "." {
		return dir
	}
	if dir == base {
		return "."
	}
	return strings.TrimPrefix(dir, base+"/")
}

// cutVendor returns the import path of a directory below a module's vendor directory.
func cutVendor(rel string) (string, bool) {
	if p, ok := strings.CutPrefix(rel, "vendor/"); ok {
		return p, true
	}
	return "", false
}

// resolve finds the tree directory an import of a package in module m loads: the module
// packages of the tree first, then m's vendor directory, then m's local replace targets.
func (l *layout) resolve(m *Module, imp string) *pkgDir {
	if m != nil {
		if d := l.dirs[path.Join(m.Dir, "vendor", imp)]; d != nil && d.vendor {
			if d.module == m {
				return d
			}
		}
		for _, r := range m.Replaces {
			if !r.Local || r.Target == "" {
				continue
			}
			if imp == r.Old {
				if d := l.dirs[r.Target]; d != nil {
					return d
				}
			} else if rest, ok := strings.CutPrefix(imp, r.Old+"/"); ok {
				if d := l.dirs[path.Join(r.Target, rest)]; d != nil {
					return d
				}
			}
		}
	}
	if d := l.byPath[imp]; d != nil {
		return d
	}
	return nil
}

// isStd says whether an import path names a standard library package (its first element has
// no dot), as the go command judges it.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return !strings.Contains(first, ".")
}

// binaryName is the name go build gives the binary of a main package.
func binaryName(importPath string) string {
	elems := strings.Split(importPath, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && isMajorSuffix(name) {
		name = elems[len(elems)-2]
	}
	return name
}

func isMajorSuffix(s string) bool {
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	n, err := strconv.Atoi(s[1:])
	return err == nil && n >= 2
}
