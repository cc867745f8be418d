// Package systemd answers how each systemd unit of a project starts its service, read by a small
// parser of its own that keeps line numbers (coreos/go-systemd's parser drops them; a test
// checks both agree).
//
// API:
//
//	Load(t) ([]*Unit, []source.Note)        every unit of a tree, drop-ins merged
//	Parse(path, data) (*File, []source.Note) one unit file or drop-in as written
//	Build(path, files...) (*Unit, []source.Note) a unit's facts from its file and drop-ins, in order
//	ParseCommands(pos, value) ([]*Command, error)  an ExecStart= value: prefixes, path, args
//	SplitWords(value) ([]string, error)     systemd's quoting and C escapes
//	ParseEnvironmentFile(path, data) ([]Var, []source.Note)  the EnvironmentFile= dialect
//	Verify(ctx, root, rel) ([]source.Note, error)  systemd-analyze verify, when installed (optional)
package systemd

import (
	"path"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Value is one setting's value with where it was written. The zero Value means "not set".
type Value struct {
	Text string
	Pos  source.Pos
}

// Set says whether the setting was assigned (an empty assignment resets it to unset).
func (v Value) Set() bool { return v.Pos.File != "" }

// WorkDir is WorkingDirectory=.
type WorkDir struct {
	// Path is the directory without its prefix; "~" means the home directory of User=.
	Path string
	// Optional is the "-" prefix: a missing directory is not an error.
	Optional bool
	// Home is true for "~" (the home of User=, or of root).
	Home bool
	Pos  source.Pos
}

// EnvFile is one EnvironmentFile= entry.
type EnvFile struct {
	Path string
	// Optional is the "-" prefix: a missing file is ignored.
	Optional bool
	Pos      source.Pos
}

// Unit is the facts of one unit: its main file with its drop-ins merged in systemd's order.
// Single-valued settings hold the last assignment; list settings accumulate, and an empty
// assignment clears what came before (dependencies such as After= cannot be cleared, as in
// systemd). Values are as written: specifiers such as %i or %h are not expanded (a note says so).
type Unit struct {
	// Path is the slash path of the unit file, or of where it would be when only drop-ins
	// exist in the tree (then Partial is true).
	Path string
	// Name is the unit name, e.g. "app.service" or "app@.service".
	Name string
	// Type is the unit type from the name's suffix: "service", "socket", "timer", ….
	Type string
	// Partial is true when the tree has drop-ins for this unit but not the unit file itself.
	Partial bool
	// Files are the main file (unless Partial) then the drop-ins, in the order they apply.
	Files []*File

	// [Service]
	ServiceType      Value // Type=; unset means "simple" (or "oneshot" without ExecStart=)
	ExecStart        []*Command
	ExecStartPre     []*Command
	WorkingDirectory *WorkDir // nil when unset: the service runs in "/" (or ~ for user units)
	User             Value
	Group            Value
	DynamicUser      Value
	Environment      []Var
	EnvironmentFiles []EnvFile
	// AmbientCapabilities and CapabilityBoundingSet are the capability names as listed; a
	// leading "~" in an entry inverts it, as in systemd.
	AmbientCapabilities   []Value
	CapabilityBoundingSet []Value
	ProtectSystem         Value
	ProtectHome           Value
	ReadOnlyPaths         []Value
	ReadWritePaths        []Value
	PrivateTmp            Value
	StateDirectory        []Value
	LogsDirectory         []Value
	RuntimeDirectory      []Value
	CacheDirectory        []Value
	Restart               Value
	TimeoutStartSec       Value
	NoNewPrivileges       Value
	PIDFile               Value

	// [Unit]
	After    []Value
	Wants    []Value
	Requires []Value
}

// Settings returns every assignment of the unit in the order systemd applies them.
func (u *Unit) Settings() []*Setting {
	var out []*Setting
	for _, f := range u.Files {
		for _, s := range f.Sections {
			out = append(out, s.Settings...)
		}
	}
	return out
}

// Lookup returns the assignments of section/key, in order (systemd's names are case-sensitive).
func (u *Unit) Lookup(section, key string) []*Setting {
	var out []*Setting
	for _, s := range u.Settings() {
		if s.Section == section && s.Key == key {
			out = append(out, s)
		}
	}
	return out
}

// knownSections are the sections systemd reads; others are ignored by systemd with a warning,
// except "X-" extension sections, which it ignores silently.
var knownSections = map[string]bool{
	"Unit": true, "Install": true, "Service": true, "Socket": true, "Timer": true, "Mount": true,
	"Automount": true, "Swap": true, "Path": true, "Slice": true, "Scope": true,
}

// unitTypes are the suffixes of unit names.
var unitTypes = map[string]bool{
	"service": true, "socket": true, "timer": true, "target": true, "mount": true,
	"automount": true, "swap": true, "path": true, "slice": true, "scope": true, "device": true,
}

// packagingDirs are directories where projects keep units under names the walk does not
// classify, such as "app.service.in" or "app.mount".
var packagingDirs = map[string]bool{
	"deploy": true, "packaging": true, "debian": true, "init": true, "systemd": true,
	"dist": true, "contrib": true, "scripts": true,
}

// unitName returns the unit name and type a file path holds, or "" when it is not a unit file.
func unitName(rel string, kind tree.Kind) (name, typ string) {
	base := path.Base(rel)
	for _, suf := range []string{".in", ".tmpl", ".template", ".example", ".sample"} {
		if kind != tree.SystemdUnit && strings.HasSuffix(base, suf) {
			base = strings.TrimSuffix(base, suf)
			break
		}
	}
	dot := strings.LastIndexByte(base, '.')
	if dot <= 0 || !unitTypes[base[dot+1:]] {
		return "", ""
	}
	if kind == tree.SystemdUnit {
		return base, base[dot+1:]
	}
	for _, dir := range strings.Split(path.Dir(rel), "/") {
		if packagingDirs[dir] {
			return base, base[dot+1:]
		}
	}
	return "", ""
}

// Load finds every unit file of t (by suffix anywhere, and also .in/.tmpl templates and rarer
// unit types under deploy/, packaging/, debian/, init/ and systemd/ directories), merges the
// drop-ins found next to it in <unit>.d/*.conf, and returns their facts in path order.
func Load(t *tree.Tree) ([]*Unit, []source.Note) {
	var notes []source.Note
	units := map[string]*tree.File{} // slash path of the unit → file
	dropins := map[string][]string{} // slash path of the .d dir → .conf paths
	for _, f := range t.Files {
		if name, _ := unitName(f.Path, f.Kind); name != "" {
			units[f.Path] = f
			continue
		}
		if dir := path.Dir(f.Path); strings.HasSuffix(f.Path, ".conf") && strings.HasSuffix(dir, ".d") {
			if n, _ := unitName(strings.TrimSuffix(dir, ".d"), tree.SystemdUnit); n != "" {
				dropins[dir] = append(dropins[dir], f.Path)
			}
		}
	}
	read := func(rel string) *File {
		f := t.Get(rel)
		data, err := t.Read(f)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: rel}, "cannot read: %v", err))
			return nil
		}
		pf, ns := Parse(rel, data)
		notes = append(notes, ns...)
		return pf
	}
	paths := make([]string, 0, len(units))
	for p := range units {
		paths = append(paths, p)
	}
	for dir := range dropins {
		if p := strings.TrimSuffix(dir, ".d"); units[p] == nil {
			paths = append(paths, p) // drop-ins for a unit installed by something else
		}
	}
	sort.Strings(paths)
	seen := map[string]bool{}
	var out []*Unit
	for _, p := range paths {
		if seen[p] {
			continue
		}
		seen[p] = true
		var files []*File
		partial := units[p] == nil
		if !partial {
			pf := read(p)
			if pf == nil {
				continue
			}
			files = append(files, pf)
		}
		for _, d := range dropinOrder(p, dropins) {
			if pf := read(d); pf != nil {
				files = append(files, pf)
			}
		}
		u, ns := Build(p, files...)
		u.Partial = partial
		notes = append(notes, ns...)
		out = append(out, u)
	}
	return out, notes
}

// dropinOrder lists the drop-ins that apply to the unit at p in systemd's order: all .conf files
// of the template's directory (app@.service.d for app@x.service) and of the unit's own directory,
// sorted by file name; a file of the unit's own directory masks one of the same name in the
// template's.
func dropinOrder(p string, dropins map[string][]string) []string {
	byName := map[string]string{}
	dirs := []string{}
	base := path.Base(p)
	if at := strings.IndexByte(base, '@'); at > 0 {
		if dot := strings.LastIndexByte(base, '.'); dot > at+1 {
			dirs = append(dirs, path.Join(path.Dir(p), base[:at+1]+base[dot:]+".d"))
		}
	}
	dirs = append(dirs, p+".d")
	for _, d := range dirs {
		for _, f := range dropins[d] {
			byName[path.Base(f)] = f
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = byName[n]
	}
	return out
}

// Build computes the facts of the unit at path p from its files in the order they apply (the
// unit file, then its drop-ins).
func Build(p string, files ...*File) (*Unit, []source.Note) {
	name := path.Base(p)
	for _, suf := range []string{".in", ".tmpl", ".template", ".example", ".sample"} {
		name = strings.TrimSuffix(name, suf)
	}
	u := &Unit{Path: p, Name: name, Files: files}
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		u.Type = name[dot+1:]
	}
	var notes []source.Note
	for _, f := range files {
		for _, sec := range f.Sections {
			if !knownSections[sec.Name] && !strings.HasPrefix(sec.Name, "X-") {
				notes = append(notes, source.Notef(sec.Pos, "unknown section [%s]; systemd ignores it", clip(sec.Name)))
			}
		}
	}
	for _, s := range u.Settings() {
		if readKeys[s.Section+"/"+s.Key] && strings.Contains(strings.ReplaceAll(s.Value, "%%", ""), "%") {
			notes = append(notes, source.Notef(s.Pos, "%s= uses specifiers (%%i, %%h, …) that systemd expands at load time; read as written", s.Key))
		}
		notes = append(notes, u.apply(s)...)
	}
	return u, notes
}

// readKeys are the settings Unit's fields hold; specifiers are noted only in those.
var readKeys = map[string]bool{}

func init() {
	for _, k := range []string{"After", "Wants", "Requires"} {
		readKeys["Unit/"+k] = true
	}
	for _, k := range []string{"Type", "ExecStart", "ExecStartPre", "WorkingDirectory", "User", "Group",
		"DynamicUser", "Environment", "EnvironmentFile", "AmbientCapabilities", "CapabilityBoundingSet",
		"ProtectSystem", "ProtectHome", "ReadOnlyPaths", "ReadWritePaths", "PrivateTmp", "StateDirectory",
		"LogsDirectory", "RuntimeDirectory", "CacheDirectory", "Restart", "TimeoutStartSec",
		"NoNewPrivileges", "PIDFile"} {
		readKeys["Service/"+k] = true
	}
}

// apply records one assignment in the unit's facts.
func (u *Unit) apply(s *Setting) []source.Note {
	v := Value{Text: s.Value, Pos: s.Pos}
	single := func(dst *Value) {
		if s.Value == "" {
			*dst = Value{}
			return
		}
		*dst = v
	}
	// list appends the blank-separated words of the value; an empty value clears the list.
	list := func(dst *[]Value, resettable bool) []source.Note {
		if s.Value == "" {
			if resettable {
				*dst = nil
			}
			return nil
		}
		words, err := SplitWords(s.Value)
		if err != nil {
			return []source.Note{source.Notef(s.Pos, "%s=: %v; systemd ignores this assignment", s.Key, err)}
		}
		for _, w := range words {
			*dst = append(*dst, Value{Text: w, Pos: s.Pos})
		}
		return nil
	}
	switch s.Section {
	case "Unit":
		switch s.Key {
		case "After":
			return list(&u.After, false)
		case "Wants":
			return list(&u.Wants, false)
		case "Requires":
			return list(&u.Requires, false)
		}
	case "Service":
		switch s.Key {
		case "Type":
			single(&u.ServiceType)
		case "ExecStart", "ExecStartPre":
			dst := &u.ExecStart
			if s.Key == "ExecStartPre" {
				dst = &u.ExecStartPre
			}
			if s.Value == "" {
				*dst = nil
				return nil
			}
			cmds, err := ParseCommands(s.Pos, s.Value)
			if err != nil {
				return []source.Note{source.Notef(s.Pos, "%s=: %v; systemd ignores this command line", s.Key, err)}
			}
			*dst = append(*dst, cmds...)
		case "WorkingDirectory":
			if s.Value == "" {
				u.WorkingDirectory = nil
				return nil
			}
			w := &WorkDir{Path: s.Value, Pos: s.Pos}
			if strings.HasPrefix(w.Path, "-") {
				w.Optional, w.Path = true, w.Path[1:]
			}
			if w.Path == "~" {
				w.Home = true
			}
			u.WorkingDirectory = w
		case "User":
			single(&u.User)
		case "Group":
			single(&u.Group)
		case "DynamicUser":
			single(&u.DynamicUser)
		case "Environment":
			if s.Value == "" {
				u.Environment = nil
				return nil
			}
			words, err := SplitWords(s.Value)
			if err != nil {
				return []source.Note{source.Notef(s.Pos, "Environment=: %v; systemd ignores this assignment", err)}
			}
			var notes []source.Note
			for _, w := range words {
				name, val, ok := strings.Cut(w, "=")
				if !ok || !validEnvName(name) {
					notes = append(notes, source.Notef(s.Pos, "Environment=: %q is not a NAME=value assignment; systemd ignores it", clip(w)))
					continue
				}
				u.Environment = append(u.Environment, Var{Name: name, Value: val, Pos: s.Pos})
			}
			return notes
		case "EnvironmentFile":
			if s.Value == "" {
				u.EnvironmentFiles = nil
				return nil
			}
			e := EnvFile{Path: s.Value, Pos: s.Pos}
			if strings.HasPrefix(e.Path, "-") {
				e.Optional, e.Path = true, strings.TrimSpace(e.Path[1:])
			}
			u.EnvironmentFiles = append(u.EnvironmentFiles, e)
		case "AmbientCapabilities":
			return list(&u.AmbientCapabilities, true)
		case "CapabilityBoundingSet":
			return list(&u.CapabilityBoundingSet, true)
		case "ProtectSystem":
			single(&u.ProtectSystem)
		case "ProtectHome":
			single(&u.ProtectHome)
		case "ReadOnlyPaths":
			return list(&u.ReadOnlyPaths, true)
		case "ReadWritePaths":
			return list(&u.ReadWritePaths, true)
		case "PrivateTmp":
			single(&u.PrivateTmp)
		case "StateDirectory":
			return list(&u.StateDirectory, true)
		case "LogsDirectory":
			return list(&u.LogsDirectory, true)
		case "RuntimeDirectory":
			return list(&u.RuntimeDirectory, true)
		case "CacheDirectory":
			return list(&u.CacheDirectory, true)
		case "Restart":
			single(&u.Restart)
		case "TimeoutStartSec":
			single(&u.TimeoutStartSec)
		case "NoNewPrivileges":
			single(&u.NoNewPrivileges)
		case "PIDFile":
			single(&u.PIDFile)
		}
	}
	return nil
}
