// Package dotenv answers which variables each .env file sets, in the dialect of the tool that
// reads it.
//
// The same file means different things to different readers: docker compose (`.env`, `env_file:`)
// strips quotes and inline comments and expands ${VAR}; `docker run --env-file` takes every value
// literally; systemd's EnvironmentFile= has its own rules (read by the systemd package). A file is
// parsed in the Compose dialect by Load; a rule that knows who reads it calls ParseAs.
//
// API:
//
//	Load(t) ([]*File, []source.Note)       every tree.EnvFile, read as Compose
//	Parse(path, data, dialect) (*File, []source.Note)
//	(*File).ParseAs(dialect) (*File, []source.Note)
//	(*File).Lookup(name) (*Var, bool)
//	Var{Name, Value, Pos, Inherited, Differs, Unresolved}
package dotenv

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	composeenv "github.com/compose-spec/compose-go/v2/dotenv"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Dialect is the reader whose rules a file is parsed with.
type Dialect int

const (
	// Compose is docker compose's `.env` and `env_file:` (compose-go/v2/dotenv): quotes stripped,
	// ` #` starts a comment on unquoted values, ${VAR} expanded, `export ` allowed.
	Compose Dialect = iota
	// DockerEnvFile is `docker run --env-file` (docker/cli pkg/kvfile): the value is everything
	// after the first `=`, quotes and `#` included; a bare `NAME` is taken from the caller's shell.
	DockerEnvFile
	// Systemd is EnvironmentFile= of a unit. This package does not parse it (the systemd package
	// does); ParseAs(Systemd) returns no variables and a note.
	Systemd
)

var dialectNames = [...]string{"compose", "docker --env-file", "systemd"}

func (d Dialect) String() string {
	if d < 0 || int(d) >= len(dialectNames) {
		return "dialect(" + strconv.Itoa(int(d)) + ")"
	}
	return dialectNames[d]
}

// Var is one variable a file sets.
type Var struct {
	Name string
	// Value is the value in the file's dialect. It may be a secret: rules may compare it but must
	// never print it.
	Value string
	// Pos is where the variable's (last) definition starts.
	Pos source.Pos
	// Inherited is true for a bare `NAME` line: the value comes from the environment of whoever
	// runs compose or docker, and Value is empty.
	Inherited bool
	// Differs is true when the Compose and DockerEnvFile dialects give this variable different
	// values (quotes, inline comments, ${VAR} expansion, export prefix): the classic "works with
	// compose, breaks with docker run --env-file" bug.
	Differs bool
	// Unresolved lists the ${VAR} references (Compose dialect) that are neither set earlier in
	// the file nor known: compose takes them from the shell, or expands them to "".
	Unresolved []string
}

// File is one .env file read in one dialect.
type File struct {
	// Path is the slash path relative to the checked root.
	Path    string
	Dialect Dialect
	// Vars are in order of definition; a name defined twice appears once, at its last definition
	// (the one that wins in both dialects).
	Vars []*Var

	data   []byte
	byName map[string]*Var
}

// Lookup returns the variable called name.
func (f *File) Lookup(name string) (*Var, bool) {
	v, ok := f.byName[name]
	return v, ok
}

// ParseAs reads the same bytes again in another dialect.
func (f *File) ParseAs(d Dialect) (*File, []source.Note) { return Parse(f.Path, f.data, d) }

// Load parses every env file of t in the Compose dialect, the reader of `.env` by name.
func Load(t *tree.Tree) ([]*File, []source.Note) {
	var out []*File
	var notes []source.Note
	for _, tf := range t.OfKind(tree.EnvFile) {
		b, err := t.Read(tf)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: tf.Path}, "cannot read: %v", err))
			continue
		}
		f, ns := Parse(tf.Path, b, Compose)
		notes = append(notes, ns...)
		out = append(out, f)
	}
	return out, notes
}

// Parse reads data, the content of the file at slash path p, in dialect d. Bad input (binary,
// invalid UTF-8, a malformed line) gives a note with a position and as many variables as could be
// read.
func Parse(p string, data []byte, d Dialect) (*File, []source.Note) {
	f := &File{Path: p, Dialect: d, data: data, byName: map[string]*Var{}}
	if bytes.IndexByte(data, 0) >= 0 {
		line := 1 + bytes.Count(data[:bytes.IndexByte(data, 0)], []byte("\n"))
		return f, []source.Note{source.Notef(source.Pos{File: p, Line: line}, "NUL byte: not a text env file, not read")}
	}
	docker, dnotes := parseDocker(p, data)
	switch d {
	case Systemd:
		return f, []source.Note{source.Notef(source.Pos{File: p}, "systemd EnvironmentFile dialect is read by the systemd parser")}
	case DockerEnvFile:
		for _, v := range docker {
			f.add(v)
		}
		cvars, _ := parseCompose(p, data)
		f.markDiffers(cvars)
		return f, dnotes
	}
	cvars, cnotes := parseCompose(p, data)
	for _, v := range cvars {
		f.add(v)
	}
	f.markDiffers(docker)
	return f, cnotes
}

func (f *File) add(v *Var) {
	if old, ok := f.byName[v.Name]; ok {
		*old = *v // keep first-seen order, last definition's content
		return
	}
	f.byName[v.Name] = v
	f.Vars = append(f.Vars, v)
}

func (f *File) markDiffers(other []*Var) {
	o := map[string]*Var{}
	for _, v := range other {
		o[v.Name] = v
	}
	for _, v := range f.Vars {
		w, ok := o[v.Name]
		v.Differs = !ok || w.Value != v.Value || w.Inherited != v.Inherited
	}
}

// parseDocker follows docker/cli pkg/kvfile parseKeyValueFile (Apache-2.0,
// https://github.com/docker/cli/blob/master/pkg/kvfile/kvfile.go, read at v29.8.2): leading
// whitespace trimmed, `#` lines and blank lines skipped, KEY=VALUE taken as is, a key with
// whitespace an error. Where docker stops at the first error, this keeps going so that every bad
// line gets a note.
func parseDocker(p string, data []byte) ([]*Var, []source.Note) {
	var vars []*Var
	var notes []source.Note
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	for n := 1; sc.Scan(); n++ {
		b := sc.Bytes()
		if !utf8.Valid(b) {
			notes = append(notes, source.Notef(source.Pos{File: p, Line: n}, "invalid UTF-8: docker --env-file rejects the file"))
			continue
		}
		if n == 1 {
			b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		}
		trimmed := strings.TrimLeftFunc(string(b), unicode.IsSpace)
		col := len(b) - len(trimmed) + 1
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		key, value, hasValue := strings.Cut(trimmed, "=")
		pos := source.Pos{File: p, Line: n, Col: col}
		if key == "" {
			notes = append(notes, source.Notef(pos, "no variable name: docker --env-file rejects the file"))
			continue
		}
		if strings.ContainsAny(key, " \t") {
			notes = append(notes, source.Notef(pos, "variable %q contains whitespace: docker --env-file rejects the file", key))
			continue
		}
		vars = append(vars, &Var{Name: key, Value: value, Pos: pos, Inherited: !hasValue})
	}
	if err := sc.Err(); err != nil {
		notes = append(notes, source.Notef(source.Pos{File: p}, "reading: %v", err))
	}
	return vars, notes
}

var (
	lineNumber = regexp.MustCompile(`line (\d+)`)
	keyStart   = regexp.MustCompile(`^[ \t]*(?:export[ \t]+)?([A-Za-z0-9_.\-\[\]]+)[ \t]*([=:]?)[ \t]*(.*)$`)
)

// parseCompose reads values with compose-go's own parser and positions with a line scan that
// follows the same statement rules (compose-go keeps no positions).
func parseCompose(p string, data []byte) ([]*Var, []source.Note) {
	var notes []source.Note
	// Unset references expand to "" as in compose. The lookup says "found" because compose-go
	// logs a warning through the global logrus logger for every unset variable otherwise; the
	// cost is that ${VAR-default} of an unset VAR gives "" here where compose gives "default".
	values, err := composeenv.UnmarshalBytesWithLookup(data, func(string) (string, bool) { return "", true })
	if err != nil {
		pos := source.Pos{File: p}
		if m := lineNumber.FindStringSubmatch(err.Error()); m != nil {
			pos.Line, _ = strconv.Atoi(m[1])
		}
		notes = append(notes, source.Notef(pos, "compose cannot read this env file: %v", err))
		values = nil
	}
	// compose-go keeps no positions: a line scan finds where each variable starts.
	vars := scanStatements(p, data)
	if values == nil {
		// compose rejects the whole file; keep the scanned names with positions but no value is
		// certain, so report none.
		return nil, notes
	}
	var out []*Var
	for _, v := range vars {
		val, ok := values[v.Name]
		if !ok && !v.Inherited {
			continue
		}
		v.Value = val
		if v.Inherited {
			v.Value = ""
		} else if strings.Contains(v.raw, "$") {
			_, _ = composeenv.UnmarshalWithLookup(v.Name+"="+v.raw, func(name string) (string, bool) {
				if w, ok := values[name]; ok && name != v.Name {
					return w, true
				}
				v.Unresolved = append(v.Unresolved, name)
				return "", true
			})
		}
		out = append(out, &v.Var)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Before(out[j].Pos) })
	return out, notes
}

type scanned struct {
	Var
	raw string // the value text on the statement's first line, for finding ${VAR} references
}

// scanStatements finds the first line of each statement: `[export ]NAME=value`, `NAME: value`
// or a bare `NAME`. Lines inside a quoted value that spans lines are skipped.
func scanStatements(p string, data []byte) []*scanned {
	var out []*scanned
	lines := strings.Split(strings.TrimPrefix(string(data), "\xEF\xBB\xBF"), "\n")
	var open byte // the quote of a value still open from an earlier line
	for i, line := range lines {
		line = strings.TrimRight(line, "\r")
		if open != 0 {
			if closesQuote(line, open) {
				open = 0
			}
			continue
		}
		trimmed := strings.TrimLeft(line, " \t")
		if trimmed == "" || trimmed[0] == '#' {
			continue
		}
		m := keyStart.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		col := strings.Index(line, m[1]) + 1
		s := &scanned{Var: Var{Name: m[1], Pos: source.Pos{File: p, Line: i + 1, Col: col}, Inherited: m[2] == ""}, raw: m[3]}
		if s.Inherited && m[3] != "" {
			continue // "NAME rest" is a syntax error compose reports
		}
		if v := m[3]; v != "" && (v[0] == '"' || v[0] == '\'') && !closesQuote(v[1:], v[0]) {
			open = v[0]
		}
		out = append(out, s)
	}
	return out
}

// closesQuote says whether s holds an unescaped closing q.
func closesQuote(s string, q byte) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if q == '"' {
				i++
			}
		case q:
			return true
		}
	}
	return false
}

// String renders the variable without its value, which may be a secret.
func (v *Var) String() string { return fmt.Sprintf("%s: %s", v.Pos, v.Name) }
