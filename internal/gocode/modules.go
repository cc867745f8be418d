package gocode

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// loadModule reads one go.mod with its go.sum and vendor/modules.txt.
func loadModule(t *tree.Tree, f *tree.File) (*Module, []source.Note) {
	dir := path.Dir(f.Path)
	m := &Module{Dir: dir, File: f.Path}
	data, err := t.Read(f)
	if err != nil {
		return m, []source.Note{source.Notef(source.Pos{File: f.Path}, "cannot read: %v", err)}
	}
	mf, err := modfile.Parse(f.Path, data, nil)
	if err != nil {
		n := modError(f.Path, err)
		m.ParseError = &n
		return m, nil
	}
	at := func(p modfile.Position) source.Pos {
		return source.Pos{File: f.Path, Line: p.Line, Col: p.LineRune}
	}
	if mf.Module != nil {
		m.Path, m.PathPos = mf.Module.Mod.Path, at(mf.Module.Syntax.Start)
	}
	if mf.Go != nil {
		m.Go, m.GoPos = mf.Go.Version, at(mf.Go.Syntax.Start)
	}
	if mf.Toolchain != nil {
		m.Toolchain, m.ToolchainPos = mf.Toolchain.Name, at(mf.Toolchain.Syntax.Start)
	}
	for _, r := range mf.Require {
		m.Requires = append(m.Requires, Require{Path: r.Mod.Path, Version: r.Mod.Version, Indirect: r.Indirect, Pos: at(r.Syntax.Start)})
	}
	for _, r := range mf.Replace {
		rep := Replace{Old: r.Old.Path, OldVersion: r.Old.Version, New: r.New.Path, NewVersion: r.New.Version, Pos: at(r.Syntax.Start)}
		if r.New.Version == "" && modfile.IsDirectoryPath(r.New.Path) {
			rep.Local = true
			rep.Target, rep.TargetExists = replaceTarget(t, dir, r.New.Path)
		}
		m.Replaces = append(m.Replaces, rep)
	}
	for _, r := range mf.Retract {
		m.Retracts = append(m.Retracts, Retract{Low: r.Low, High: r.High, Rationale: r.Rationale, Pos: at(r.Syntax.Start)})
	}
	var notes []source.Note
	if sum := t.Get(path.Join(dir, "go.sum")); sum != nil {
		m.HasGoSum = true
		data, err := t.Read(sum)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: sum.Path}, "cannot read: %v", err))
		} else {
			m.MissingSums = missingSums(m, data)
		}
	}
	if vf := t.Get(path.Join(dir, "vendor/modules.txt")); vf != nil {
		data, err := t.Read(vf)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: vf.Path}, "cannot read: %v", err))
		} else {
			m.Vendor = checkVendor(m, mf, vf.Path, data)
		}
	} else if t.Exists(path.Join(dir, "vendor")) && m.Go != "" && semver.Compare("v"+m.Go, "v1.14") >= 0 {
		m.Vendor = checkVendor(m, mf, path.Join(dir, "vendor/modules.txt"), nil)
		m.Vendor.Missing = true
	}
	return m, notes
}

// modError turns modfile's error into a note at the first position it names.
func modError(file string, err error) source.Note {
	var list modfile.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		return source.Note{Pos: source.Pos{File: file, Line: e.Pos.Line, Col: e.Pos.LineRune}, Text: e.Err.Error()}
	}
	// Syntax errors are "file:line:col: message".
	msg := err.Error()
	pos := source.Pos{File: file}
	if rest, ok := strings.CutPrefix(msg, file+":"); ok {
		var line, col int
		parts := strings.SplitN(rest, ":", 3)
		if len(parts) == 3 && atoiOK(parts[0], &line) && atoiOK(parts[1], &col) {
			pos.Line, pos.Col, msg = line, col, strings.TrimSpace(parts[2])
		} else if len(parts) >= 2 && atoiOK(parts[0], &line) {
			pos.Line, msg = line, strings.TrimSpace(strings.Join(parts[1:], ":"))
		}
	}
	return source.Note{Pos: pos, Text: msg}
}

func atoiOK(s string, n *int) bool {
	v := 0
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		v = v*10 + int(c-'0')
		if v > 1<<30 {
			return false
		}
	}
	*n = v
	return true
}

// replaceTarget resolves a local replace directory. It returns the slash path relative to the
// root when the target lies in the tree, and whether it holds a go.mod.
func replaceTarget(t *tree.Tree, modDir, target string) (string, bool) {
	if filepath.IsAbs(target) || path.IsAbs(filepath.ToSlash(target)) {
		_, err := os.Stat(filepath.Join(target, "go.mod"))
		return "", err == nil
	}
	rel := path.Join(modDir, filepath.ToSlash(target))
	if rel == ".." || strings.HasPrefix(rel, "../") {
		_, err := os.Stat(filepath.Join(t.Root, filepath.FromSlash(rel), "go.mod"))
		return "", err == nil
	}
	return rel, t.Get(path.Join(rel, "go.mod")) != nil
}

// missingSums lists the requires that go.sum does not cover. The go command accepts either the
// module's hash ("<path> <version> h1:…") or only its go.mod hash ("<path> <version>/go.mod
// h1:…") for a module none of whose packages the build loads; without the type-checker we cannot
// know which packages load, so either line counts as covered.
func missingSums(m *Module, sum []byte) []Require {
	have := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(sum))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		have[f[0]+" "+strings.TrimSuffix(f[1], "/go.mod")] = true
	}
	var missing []Require
	for _, r := range m.Requires {
		path, version := r.Path, r.Version
		if rep, ok := replacementOf(m, r.Path, r.Version); ok {
			if rep.Local {
				continue
			}
			path, version = rep.New, rep.NewVersion
		}
		if !have[path+" "+version] {
			missing = append(missing, r)
		}
	}
	return missing
}

// replacementOf finds the replace that applies to path@version: an exact one first, then one
// for every version.
func replacementOf(m *Module, p, v string) (Replace, bool) {
	var any Replace
	found := false
	for _, r := range m.Replaces {
		if r.Old != p {
			continue
		}
		if r.OldVersion == v {
			return r, true
		}
		if r.OldVersion == "" {
			any, found = r, true
		}
	}
	return any, found
}

type vendorMeta struct {
	explicit    bool
	replacement module.Version
	replaced    bool
	line        int
}

// checkVendor compares vendor/modules.txt with go.mod as the go command's
// checkVendorConsistency does (cmd/go/internal/modload/vendor.go), for a module at go 1.14 or
// later; earlier modules.txt files did not record "## explicit" and are only checked for
// version mismatches.
func checkVendor(m *Module, mf *modfile.File, file string, data []byte) *Vendor {
	v := &Vendor{File: file}
	meta := map[module.Version]*vendorMeta{}
	version := map[string]string{}
	var order []module.Version
	var replacedOrder []module.Version
	var mod module.Version
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			if len(f) < 3 {
				continue
			}
			switch {
			case semver.IsValid(f[2]):
				mod = module.Version{Path: f[1], Version: f[2]}
				f = f[3:]
			case f[2] == "=>":
				mod = module.Version{Path: f[1]}
				f = f[2:]
			default:
				mod = module.Version{}
				continue
			}
			mt := meta[mod]
			if mt == nil {
				mt = &vendorMeta{line: i + 1}
				meta[mod] = mt
				order = append(order, mod)
			}
			if len(f) >= 2 && f[0] == "=>" {
				if len(f) == 2 {
					mt.replacement, mt.replaced = module.Version{Path: f[1]}, true
					replacedOrder = append(replacedOrder, mod)
				} else if len(f) == 3 && semver.IsValid(f[2]) {
					mt.replacement, mt.replaced = module.Version{Path: f[1], Version: f[2]}, true
					replacedOrder = append(replacedOrder, mod)
				}
			}
			continue
		}
		if mod.Path == "" {
			continue
		}
		if ann, ok := strings.CutPrefix(line, "## "); ok {
			for _, e := range strings.Split(ann, ";") {
				if strings.TrimSpace(e) == "explicit" {
					meta[mod].explicit = true
				}
			}
			continue
		}
		if f := strings.Fields(line); len(f) == 1 && mod.Version != "" {
			version[mod.Path] = mod.Version
		}
	}
	pre114 := m.Go != "" && semver.Compare("v"+m.Go, "v1.14") < 0
	vpos := func(mod module.Version) source.Pos {
		if mt := meta[mod]; mt != nil {
			return source.Pos{File: file, Line: mt.line, Col: 1}
		}
		return source.Pos{File: file}
	}
	add := func(pos source.Pos, mod module.Version, text string) {
		name := mod.Path
		if mod.Version != "" {
			name += "@" + mod.Version
		}
		v.Problems = append(v.Problems, VendorProblem{Pos: pos, Module: name, Text: text})
	}
	required := map[module.Version]bool{}
	for i, r := range mf.Require {
		required[r.Mod] = true
		mt := meta[r.Mod]
		if mt != nil && mt.explicit {
			continue
		}
		if pre114 {
			if vv, ok := version[r.Mod.Path]; ok && vv != r.Mod.Version {
				add(m.Requires[i].Pos, r.Mod, "is explicitly required in go.mod, but vendor/modules.txt indicates "+r.Mod.Path+"@"+vv)
			}
			continue
		}
		text := "is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"
		if vv, ok := version[r.Mod.Path]; ok && vv != r.Mod.Version {
			text += " (it vendors " + vv + ")"
		}
		add(m.Requires[i].Pos, r.Mod, text)
	}
	seen := map[module.Version]bool{}
	for i, r := range mf.Replace {
		if seen[r.Old] {
			continue
		}
		seen[r.Old] = true
		want := r.New
		if want.Version == "" {
			// The go command canonicalises a directory replacement relative to the module.
			want.Path = r.New.Path
		}
		mt := meta[r.Old]
		switch {
		case mt == nil || !mt.replaced:
			if pre114 && (r.Old.Version == "" || version[r.Old.Path] != r.Old.Version) {
				continue
			}
			add(m.Replaces[i].Pos, r.Old, "is replaced in go.mod, but not marked as replaced in vendor/modules.txt")
		case mt.replacement != want:
			add(m.Replaces[i].Pos, r.Old, "is replaced by "+describe(want)+" in go.mod, but marked as replaced by "+describe(mt.replacement)+" in vendor/modules.txt")
		}
	}
	for _, mod := range order {
		if meta[mod].explicit && !required[mod] {
			add(vpos(mod), mod, "is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod")
		}
	}
	for _, mod := range replacedOrder {
		if _, ok := replacementOf(m, mod.Path, mod.Version); !ok {
			add(vpos(mod), mod, "is marked as replaced in vendor/modules.txt, but not replaced in go.mod")
		}
	}
	return v
}

func describe(m module.Version) string {
	if m.Version == "" {
		return m.Path
	}
	return m.Path + "@" + m.Version
}
