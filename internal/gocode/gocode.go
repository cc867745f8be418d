// Package gocode answers what the Go code of a project needs at run time, read with go/parser
// and golang.org/x/mod alone: no go list, no type-checking, no network.
//
// Load works in two passes. The first reads every candidate Go file up to its imports (in
// parallel) to learn the packages, their build constraints for linux/amd64 and what each
// imports; from the main packages it follows imports within the tree's modules, their vendor
// directories and local replace targets. The second fully parses only the packages that ship
// and walks each file once, collecting every kind of fact; no syntax tree is kept.
//
// Limits, by design: no type-checking, so values are resolved from literals, constants and
// variables of the same package, flag defaults, env fallbacks, + and Sprintf/Join of those; a
// constant of another package stays unresolved (the fact says so). Generated files ("Code
// generated … DO NOT EDIT.") count for imports but their bodies are not walked, and a file
// without any trigger word (see triggers) is walked only when its package needs it. Every
// shipped hand-written file is parsed, so a syntax error anywhere in one is noted.
package gocode

import (
	"go/ast"
	"go/token"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Load reads the Go code of t. It returns nil Facts when the tree holds no Go code (no .go file
// and no go.mod). Notes say what could not be read: Go files that do not parse (at the
// scanner's position), unreadable files, packages whose files disagree on their name.
func Load(t *tree.Tree) (*Facts, []source.Note) {
	var goFiles, modFiles []*tree.File
	for _, f := range t.Files {
		switch f.Kind {
		case tree.GoFile:
			if shipsByName(f.Path) {
				goFiles = append(goFiles, f)
			}
		case tree.GoMod:
			if !inVendor(f.Path) && shipsByName(path.Join(path.Dir(f.Path), "x.go")) {
				modFiles = append(modFiles, f)
			}
		}
	}
	if len(goFiles) == 0 && len(modFiles) == 0 {
		return nil, nil
	}
	var notes []source.Note
	facts := &Facts{Packages: map[string]*Package{}}
	for _, mf := range modFiles {
		m, ns := loadModule(t, mf)
		facts.Modules = append(facts.Modules, m)
		notes = append(notes, ns...)
	}
	headers, ns := readHeaders(t, goFiles)
	notes = append(notes, ns...)
	l, ns := buildLayout(facts.Modules, headers)
	notes = append(notes, ns...)

	facts.Programs = programs(l, filepath.Base(t.Root))
	facts.NotMain = notMain(l)
	facts.Dirs = packageClauses(l)
	var shipped []*pkgDir
	for _, d := range l.dirs {
		if d.reached {
			shipped = append(shipped, d)
		}
	}
	sort.Slice(shipped, func(i, j int) bool { return shipped[i].dir < shipped[j].dir })
	imported := map[string]bool{}
	for _, d := range shipped {
		d.pkg = &Package{Path: d.path, Name: d.name, Dir: d.dir}
		if !d.vendor {
			d.pkg.Module = d.module
		}
		for _, h := range d.files {
			d.pkg.Files = append(d.pkg.Files, h.file.Path)
			d.pkg.Imports = append(d.pkg.Imports, h.imports...)
			for _, imp := range h.imports {
				imported[normImport(imp.Path)] = true
			}
		}
		if _, dup := facts.Packages[d.path]; !dup {
			facts.Packages[d.path] = d.pkg
		}
	}
	for _, p := range facts.Programs {
		p.Main = l.dirs[p.Dir].pkg
	}
	facts.Cgo = cgoUses(l)

	// Second pass: parse and walk the shipped packages.
	results := extractAll(t, shipped)
	viper := viperState{defaults: map[string]string{}, hasDef: map[string]bool{}}
	var keys []viperKey
	var tags []tagRead
	for _, x := range results {
		merge(facts, &x.facts)
		notes = append(notes, x.notes...)
		keys = append(keys, x.viperKeys...)
		tags = append(tags, x.tagReads...)
		viper.automatic = viper.automatic || x.viper.automatic
		if viper.prefix == "" {
			viper.prefix = x.viper.prefix
		}
		if viper.replacer == nil {
			viper.replacer = x.viper.replacer
		}
		for k, v := range x.viper.defaults {
			viper.defaults[k] = v
		}
		for k := range x.viper.hasDef {
			viper.hasDef[k] = true
		}
	}
	helpers := map[string]map[string]envHelper{}
	for i, x := range results {
		if x.helpers != nil {
			helpers[shipped[i].path] = x.helpers
		}
	}
	for _, x := range results {
		for _, c := range x.foreign {
			if h, ok := helpers[c.pkg][c.name]; ok {
				facts.Env = append(facts.Env, helperEnvRead(c.site, h, c.args))
			}
		}
	}
	resolveRefs(shipped, results)
	facts.Env = append(facts.Env, viperReads(viper, keys)...)
	facts.Env = append(facts.Env, tagReads(tags, imported)...)
	expandEmbeds(t, l, facts.Embeds)
	coverFiles(l, facts)
	sortFacts(facts)
	return facts, oneSyntaxNote(notes)
}

func inVendor(p string) bool {
	return strings.HasPrefix(p, "vendor/") || strings.Contains(p, "/vendor/")
}

// programs finds the main packages and what each reaches.
func programs(l *layout, rootName string) []*Program {
	var out []*Program
	for _, d := range l.dirs {
		if d.name != "main" || d.vendor {
			continue
		}
		p := &Program{Dir: d.dir, Module: d.module, Name: binaryName(d.path), Reach: map[string]bool{d.path: true}}
		if d.module == nil || d.module.Path == "" {
			// Outside a module (or with a go.mod that does not parse) go build names the
			// binary after the directory.
			p.Name = path.Base(d.dir)
			if d.dir == "." {
				p.Name = rootName
			}
		}
		if len(d.files) > 0 {
			p.Pos = d.files[0].namePos
		}
		for _, h := range d.files {
			if h.mainFunc {
				p.Pos = h.mainPos
			}
		}
		d.reached = true
		queue := []*pkgDir{d}
		seen := map[*pkgDir]bool{d: true}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, h := range cur.files {
				for _, imp := range h.imports {
					if imp.Path == "C" {
						continue
					}
					p.Reach[imp.Path] = true
					next := l.resolve(d.module, imp.Path)
					if next == nil || seen[next] {
						continue
					}
					seen[next] = true
					next.reached = true
					queue = append(queue, next)
				}
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}

// notMain finds directories that look like commands but are not package main.
func notMain(l *layout) []*NotMain {
	var out []*NotMain
	for _, d := range l.dirs {
		if d.name == "main" || d.vendor || len(d.files) == 0 {
			continue
		}
		underCmd := path.Base(path.Dir(d.dir)) == "cmd"
		mainFunc := false
		for _, h := range d.files {
			mainFunc = mainFunc || h.mainFunc
		}
		if !underCmd && !mainFunc {
			continue
		}
		h := d.files[0]
		out = append(out, &NotMain{Site: Site{Pos: h.namePos, Pkg: d.path}, Dir: d.dir, Name: d.name, HasMainFunc: mainFunc})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Dir < out[j].Dir })
	return out
}

// packageClauses is the package clause of every directory of the tree that holds a package.
func packageClauses(l *layout) map[string]PackageClause {
	out := map[string]PackageClause{}
dirs:
	for _, d := range l.dirs {
		if d.vendor || len(d.files) == 0 {
			continue
		}
		h := d.files[0]
		for _, x := range d.files {
			if x.name != d.name {
				continue dirs
			}
		}
		for _, x := range d.files {
			if x.mainFunc {
				h = x
				break
			}
		}
		out[d.dir] = PackageClause{Name: d.name, Pos: h.namePos}
	}
	return out
}

// unit is one shipped package on its way through the second pass.
type unit struct {
	d       *pkgDir
	fset    *token.FileSet
	asts    []*ast.File // parsed files, in file order; nil entries for files not parsed
	rest    []srcFile   // hand-written files without a trigger word, walked only if needed
	restAST []*ast.File // their syntax trees (nil where they do not parse), aligned with rest
	notes   []source.Note
	mu      sync.Mutex
	pending int
	result  *extraction
}

// extractAll parses the shipped files in parallel, file by file so that one large package does
// not leave the other workers idle, and walks each package as soon as its last file is parsed,
// after which its syntax trees are dropped. Generated files and files without a trigger word
// are not parsed; the latter are parsed when their package turns out to need them.
func extractAll(t *tree.Tree, shipped []*pkgDir) []*extraction {
	units := make([]*unit, len(shipped))
	type task struct {
		u *unit
		i int
	}
	var tasks []task
	for i, d := range shipped {
		u := &unit{d: d, fset: token.NewFileSet(), asts: make([]*ast.File, len(d.files)), pending: len(d.files)}
		units[i] = u
		for j := range d.files {
			tasks = append(tasks, task{u, j})
		}
	}
	// Big packages first: they finish last otherwise.
	size := func(u *unit) int64 {
		var n int64
		for _, h := range u.d.files {
			n += h.file.Size
		}
		return n
	}
	sort.SliceStable(tasks, func(i, j int) bool { return size(tasks[i].u) > size(tasks[j].u) })
	parallel(len(tasks), func(k int) {
		u, i := tasks[k].u, tasks[k].i
		h := u.d.files[i]
		var af, restAST *ast.File
		var note *source.Note
		var rest *srcFile
		if !h.generated {
			src, err := readSrc(h.file)
			switch {
			case err != nil:
				n := source.Notef(source.Pos{File: h.file.Path}, "cannot read: %v", err)
				note = &n
			case triggered(src):
				var perr error
				af, perr = safeParse(u.fset, srcFile{path: h.file.Path, src: src})
				if perr != nil {
					n := syntaxNote(h.file.Path, perr)
					note = &n
				}
			default:
				// Parsed now for its syntax even though it is walked only if the package needs
				// it: a syntax error anywhere in a shipped file stops the build, so it gets a
				// note (parsing every file cost GOROOT/src 0.43 → 0.49 s, the 700-file service
				// nothing measurable).
				rest = &srcFile{path: h.file.Path, src: src}
				var perr error
				restAST, perr = safeParse(u.fset, *rest)
				if perr != nil {
					n := syntaxNote(h.file.Path, perr)
					note = &n
				}
			}
		}
		u.mu.Lock()
		u.asts[i] = af
		if note != nil {
			u.notes = append(u.notes, *note)
		}
		if rest != nil {
			u.rest = append(u.rest, *rest)
			u.restAST = append(u.restAST, restAST)
		}
		u.pending--
		last := u.pending == 0
		u.mu.Unlock()
		if last {
			u.finish()
		}
	})
	out := make([]*extraction, len(units))
	for i, u := range units {
		out[i] = u.result
	}
	return out
}

// finish walks the package. When the walk met a name its parsed files do not declare, or the
// package defines an env helper (called from any of its files), the files left unparsed are
// parsed and the package walked again.
func (u *unit) finish() {
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			pos := source.Pos{File: u.d.files[0].file.Path}
			u.result = &extraction{notes: append(u.notes, source.Notef(pos, "cannot extract facts of package %s: internal error: %v", u.d.path, r))}
			u.asts, u.rest, u.restAST = nil, nil, nil
		}
	}()
	var asts []*ast.File
	for _, af := range u.asts {
		if af != nil {
			asts = append(asts, af)
		}
	}
	var x *extraction
	parsedRest := false
	if len(asts) > 0 {
		x = walkPackage(u.d.path, u.d.dir, u.fset, asts)
		if len(u.rest) > 0 && (x.scope.missed || len(x.scope.envHelpers) > 0) {
			for _, af := range u.restAST {
				if af != nil {
					asts = append(asts, af)
				}
			}
			sort.SliceStable(asts, func(i, j int) bool {
				return u.fset.Position(asts[i].Package).Filename < u.fset.Position(asts[j].Package).Filename
			})
			x = walkPackage(u.d.path, u.d.dir, u.fset, asts)
		}
	} else {
		x = &extraction{}
	}
	if x.scope != nil {
		for name, h := range x.scope.envHelpers {
			if name[0] >= 'A' && name[0] <= 'Z' {
				if x.helpers == nil {
					x.helpers = map[string]envHelper{}
				}
				x.helpers[name] = h
			}
		}
	}
	x.scope = nil
	if !parsedRest {
		x.rest = u.rest
	}
	x.notes = append(u.notes, x.notes...)
	u.result = x
	u.asts, u.rest, u.restAST = nil, nil, nil
}

// resolveRefs completes the facts that use exported constants of other packages of the tree
// (config.DefaultAddr). A package whose constants live in files the second pass did not parse
// has those files parsed now, for their declarations only.
func resolveRefs(shipped []*pkgDir, results []*extraction) {
	byPath := map[string]int{}
	for i, d := range shipped {
		if _, dup := byPath[d.path]; !dup {
			byPath[d.path] = i
		}
	}
	lookup := func(ref string) (string, bool) {
		dot := strings.LastIndexByte(ref, '.')
		if dot < 0 {
			return "", false
		}
		i, ok := byPath[ref[:dot]]
		if !ok {
			return "", false
		}
		x, name := results[i], ref[dot+1:]
		if v, ok := x.consts[name]; ok {
			return v, true
		}
		if len(x.rest) > 0 {
			for k, v := range constsOf(x.rest) {
				if x.consts == nil {
					x.consts = map[string]string{}
				}
				x.consts[k] = v
			}
			x.rest = nil
			v, ok := x.consts[name]
			return v, ok
		}
		return "", false
	}
	for _, x := range results {
		for _, p := range x.refs {
			parts := strings.Split(p.tmpl, refMark)
			ok := true
			for k := 1; k < len(parts); k += 2 {
				v, found := lookup(parts[k])
				if !found {
					ok = false
					break
				}
				parts[k] = v
			}
			if ok {
				p.apply(strings.Join(parts, ""))
			}
		}
		x.refs, x.rest = nil, nil
	}
}

// oneSyntaxNote keeps one syntax-error note a file: the header pass and the full parse may both
// report the same file; the full parse, which comes later, saw more of it.
func oneSyntaxNote(ns []source.Note) []source.Note {
	last := map[string]int{}
	for i, n := range ns {
		if strings.HasPrefix(n.Text, "Go syntax error") {
			last[n.Pos.File] = i
		}
	}
	var out []source.Note
	for i, n := range ns {
		if strings.HasPrefix(n.Text, "Go syntax error") && last[n.Pos.File] != i {
			continue
		}
		out = append(out, n)
	}
	return out
}

func merge(dst, src *Facts) {
	dst.Files = append(dst.Files, src.Files...)
	dst.Embeds = append(dst.Embeds, src.Embeds...)
	dst.Env = append(dst.Env, src.Env...)
	dst.Listeners = append(dst.Listeners, src.Listeners...)
	dst.TLS = append(dst.TLS, src.TLS...)
	dst.Locations = append(dst.Locations, src.Locations...)
	dst.Execs = append(dst.Execs, src.Execs...)
	dst.Pprof = append(dst.Pprof, src.Pprof...)
	dst.Gin = append(dst.Gin, src.Gin...)
	dst.Endpoints = append(dst.Endpoints, src.Endpoints...)
	dst.Temp = append(dst.Temp, src.Temp...)
}

// viperReads turns the keys read through viper into environment variables, as viper names
// them: the key upper-cased, prefixed with SetEnvPrefix's value and an underscore, then passed
// through SetEnvKeyReplacer. Keys are environment reads only with AutomaticEnv, or when bound
// one by one with BindEnv.
func viperReads(st viperState, keys []viperKey) []*EnvRead {
	var out []*EnvRead
	seen := map[string]bool{}
	for _, k := range keys {
		key, bound := strings.CutPrefix(k.key, "\x00")
		if !bound && !st.automatic {
			continue
		}
		name := strings.ToUpper(key)
		if st.prefix != "" {
			name = strings.ToUpper(st.prefix) + "_" + name
		}
		if len(st.replacer) >= 2 && len(st.replacer)%2 == 0 {
			name = strings.NewReplacer(st.replacer...).Replace(name)
		}
		id := k.site.Pos.String() + name
		if seen[id] {
			continue
		}
		seen[id] = true
		r := &EnvRead{Site: k.site, Name: name, Via: "viper"}
		if st.hasDef[strings.ToLower(key)] {
			r.HasDefault = true
			r.Default = st.defaults[strings.ToLower(key)]
		}
		out = append(out, r)
	}
	return out
}

// envTagLibs are the libraries that read `env:"…"` struct tags.
var envTagLibs = []string{"github.com/caarlos0/env", "github.com/sethvargo/go-envconfig", "github.com/Netflix/go-env"}

// tagReads keeps the struct-tag reads whose library the shipped code imports.
func tagReads(tags []tagRead, imported map[string]bool) []*EnvRead {
	var out []*EnvRead
	for _, t := range tags {
		ok := imported[t.lib]
		if t.lib == "env" {
			for _, lib := range envTagLibs {
				ok = ok || imported[lib]
			}
		}
		if ok {
			out = append(out, t.read)
		}
	}
	return out
}

func sortFacts(f *Facts) {
	sortSites(f.NotMain, func(x *NotMain) Site { return x.Site })
	sortSites(f.Cgo, func(x *Cgo) Site { return x.Site })
	sortSites(f.Files, func(x *FileUse) Site { return x.Site })
	sortSites(f.Embeds, func(x *Embed) Site { return x.Site })
	sortSites(f.Env, func(x *EnvRead) Site { return x.Site })
	sortSites(f.Listeners, func(x *Listener) Site { return x.Site })
	sortSites(f.TLS, func(x *TLSUse) Site { return x.Site })
	sortSites(f.Locations, func(x *Location) Site { return x.Site })
	sortSites(f.Execs, func(x *Exec) Site { return x.Site })
	sortSites(f.Pprof, func(x *Pprof) Site { return x.Site })
	sortSites(f.Gin, func(x *Gin) Site { return x.Site })
	sortSites(f.Endpoints, func(x *Endpoint) Site { return x.Site })
	sortSites(f.Temp, func(x *TempUse) Site { return x.Site })
}

func sortSites[T any](xs []T, site func(T) Site) {
	sort.SliceStable(xs, func(i, j int) bool { return site(xs[i]).Pos.Before(site(xs[j]).Pos) })
}
