// Package yamlnode reads YAML streams into position-keeping nodes within fixed bounds (alias
// bombs, huge documents, Helm template directives, binary junk), and reads fields of those nodes
// as Scalars that carry their file:line:col. The compose and Kubernetes loaders share it.
package yamlnode

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Bounds on what one YAML document may cost. Real manifests are a few kilobytes; the largest
// hand-maintained documents (CRDs with OpenAPI schemas) stay under 1 MB and a few tens of
// thousands of nodes. Anything beyond is generated data, not a deployment, and is skipped with a
// note rather than parsed for seconds.
const (
	maxDocBytes = 2 << 20
	maxNodes    = 250_000
	// MaxDocs bounds the documents read from one file: the largest real bundles (operator
	// installs, kubectl dumps) hold a few thousand.
	MaxDocs = 10_000
	// maxAliases bounds alias dereferences while reading one document, so a "billion laughs"
	// document (aliases of aliases) costs at most this many steps instead of exponential time.
	maxAliases = 10_000
)

// Document is one document of a stream: its root content node (nil when empty) and the line of
// its start.
type Document struct {
	Root *yaml.Node
	Line int
}

// directive is one template directive replaced before parsing: its same-length stand-in and the
// original text restored into scalar values afterwards.
type directive struct{ standIn, text string }

// Read splits data (the file at slash path p) into documents and parses each. Template
// directives ({{ … }}) are neutralised first, keeping every line and column: a directive alone on
// its line becomes blank, one inside a line becomes a plain scalar of the same length whose
// original text is put back into the values. tmpl is the position of the first directive, zero
// when there is none.
func Read(p string, data []byte) (docs []Document, notes []source.Note, tmpl source.Pos) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, []source.Note{source.Notef(LineCol(p, data, i), "NUL byte: binary file, not read as YAML")}, tmpl
	}
	if !utf8.Valid(data) && !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, []source.Note{source.Notef(source.Pos{File: p}, "not UTF-8 text, not read as YAML")}, tmpl
	}
	var dirs []directive
	if i := bytes.Index(data, []byte("{{")); i >= 0 {
		tmpl = LineCol(p, data, i)
		data, dirs = neutralise(data)
	}
	for _, c := range chunks(data) {
		if len(docs) >= MaxDocs {
			notes = append(notes, source.Notef(source.Pos{File: p, Line: c.line}, "YAML documents after the first %d not read", MaxDocs))
			break
		}
		if len(c.text) > maxDocBytes {
			notes = append(notes, source.Notef(source.Pos{File: p, Line: c.line}, "YAML document of %d KB skipped: over the %d KB limit", len(c.text)>>10, maxDocBytes>>10))
			continue
		}
		dec := yaml.NewDecoder(bytes.NewReader(c.text))
		for {
			var n yaml.Node
			err := dec.Decode(&n)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				notes = append(notes, yamlNote(p, c.line, err))
				break
			}
			if count(&n) > maxNodes {
				notes = append(notes, source.Notef(source.Pos{File: p, Line: c.line}, "YAML document skipped: over %d nodes", maxNodes))
				continue
			}
			shift(&n, c.line-1, dirs)
			var root *yaml.Node
			if len(n.Content) > 0 {
				root = n.Content[0]
			}
			docs = append(docs, Document{Root: root, Line: n.Line})
		}
	}
	return docs, notes, tmpl
}

func yamlNote(p string, offset int, err error) source.Note {
	var le *yaml.LoadError
	if errors.As(err, &le) {
		pos := source.Pos{File: p}
		if le.Mark.Line > 0 {
			pos.Line, pos.Col = le.Mark.Line+offset-1, le.Mark.Column
		}
		return source.Notef(pos, "invalid YAML: %s", le.Message)
	}
	msg := err.Error()
	pos := source.Pos{File: p}
	// Legacy messages read "yaml: line N: …".
	if rest, ok := strings.CutPrefix(msg, "yaml: line "); ok {
		if n, tail, ok := strings.Cut(rest, ": "); ok {
			if l, e := strconv.Atoi(n); e == nil {
				pos.Line, msg = l+offset-1, tail
			}
		}
	}
	return source.Notef(pos, "invalid YAML: %s", strings.TrimPrefix(msg, "yaml: "))
}

type chunk struct {
	text []byte
	line int // 1-based line of text's first line in the file
}

// chunks splits a stream at document markers ("---" or "..." at the start of a line), which end
// a document in every context, so that one broken or huge document does not cost the others.
// Directive lines (%YAML) stay with the document that follows them.
func chunks(data []byte) []chunk {
	var out []chunk
	start, startLine, line := 0, 1, 1
	content := false // the current chunk has a line other than a comment, blank or %directive
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		next := len(data)
		if end >= 0 {
			next = i + end + 1
		}
		l := data[i:next]
		if isMarker(l) && content {
			out = append(out, chunk{data[start:i], startLine})
			start, startLine, content = i, line, false
		}
		t := bytes.TrimSpace(l)
		if len(t) > 0 && t[0] != '#' && t[0] != '%' && !bytes.Equal(t, []byte("---")) {
			content = true
		}
		if bytes.HasPrefix(l, []byte("...")) {
			content = true // the next marker starts a new chunk
		}
		i, line = next, line+1
	}
	if start < len(data) {
		out = append(out, chunk{data[start:], startLine})
	}
	return out
}

func isMarker(l []byte) bool {
	if !bytes.HasPrefix(l, []byte("---")) && !bytes.HasPrefix(l, []byte("...")) {
		return false
	}
	return len(l) == 3 || l[3] == ' ' || l[3] == '\t' || l[3] == '\n' || l[3] == '\r'
}

// count counts the nodes of a document without following aliases.
func count(n *yaml.Node) int {
	c, stack := 0, []*yaml.Node{n}
	for len(stack) > 0 {
		n, stack = stack[len(stack)-1], stack[:len(stack)-1]
		c++
		if c > maxNodes {
			return c
		}
		stack = append(stack, n.Content...)
	}
	return c
}

// shift moves node lines from chunk-relative to file lines and puts template text back.
func shift(n *yaml.Node, by int, dirs []directive) {
	stack := []*yaml.Node{n}
	for len(stack) > 0 {
		n, stack = stack[len(stack)-1], stack[:len(stack)-1]
		n.Line += by
		if n.Kind == yaml.ScalarNode && len(dirs) > 0 && strings.Contains(n.Value, "((") {
			for _, d := range dirs {
				n.Value = strings.ReplaceAll(n.Value, d.standIn, d.text)
			}
		}
		stack = append(stack, n.Content...)
	}
}

// neutralise replaces Go template directives with text of the same length that YAML reads as
// plain scalars ("{{ .Values.x }}" → "(( .Values.x ))"), and blanks directives that are alone on
// their lines or span lines ({{- if … }}, {{- end }}, {{ include … | nindent 4 }}).
func neutralise(data []byte) ([]byte, []directive) {
	out := bytes.Clone(data)
	var dirs []directive
	for i := 0; ; {
		j := bytes.Index(out[i:], []byte("{{"))
		if j < 0 {
			break
		}
		s := i + j
		k := bytes.Index(out[s+2:], []byte("}}"))
		e := len(out)
		if k >= 0 {
			e = s + 2 + k + 2
		}
		text := string(data[s:e])
		ls := bytes.LastIndexByte(out[:s], '\n') + 1
		le := bytes.IndexByte(out[e:], '\n')
		if le < 0 {
			le = len(out)
		} else {
			le += e
		}
		alone := len(bytes.TrimSpace(out[ls:s])) == 0 && len(bytes.TrimSpace(out[e:le])) == 0
		if alone || bytes.IndexByte(out[s:e], '\n') >= 0 {
			for x := s; x < e; x++ {
				if out[x] != '\n' && out[x] != '\r' {
					out[x] = ' '
				}
			}
		} else {
			for x := s; x < e; x++ {
				switch out[x] {
				case '{':
					out[x] = '('
				case '}':
					out[x] = ')'
				case '#', ':', ',', '[', ']', '"', '\'', '\\':
					out[x] = '_' // keep the stand-in one scalar, inside quotes or not
				}
			}
			dirs = append(dirs, directive{standIn: string(out[s:e]), text: text})
		}
		i = e
	}
	return out, dirs
}

func LineCol(p string, data []byte, off int) source.Pos {
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - (bytes.LastIndexByte(data[:off], '\n') + 1) + 1
	return source.Pos{File: p, Line: line, Col: col}
}

// Reader reads the fields of one document, dereferencing aliases and merge keys within a budget.
type Reader struct {
	// File is the slash path positions name.
	File string
	// Notes collects what could not be read (alias budget exhausted).
	Notes []source.Note
	// Interpolate, when set, rewrites every scalar value read (compose's ${VAR} interpolation).
	Interpolate func(Scalar) Scalar
	aliases     int
}

// Deref follows an alias, spending the budget.
func (r *Reader) Deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		r.aliases++
		if r.aliases > maxAliases {
			if r.aliases == maxAliases+1 {
				r.Notes = append(r.Notes, source.Notef(r.Pos(n), "YAML aliases: more than %d dereferences in one document, the rest is not read", maxAliases))
			}
			return nil
		}
		n = n.Alias
	}
	return n
}

func (r *Reader) Pos(n *yaml.Node) source.Pos {
	if n == nil {
		return source.Pos{}
	}
	return source.Pos{File: r.File, Line: n.Line, Col: n.Column}
}

// Pair is one key and its (dereferenced) value.
type Pair struct{ Key, Value *yaml.Node }

// Pairs lists a mapping's entries, explicit keys first and then those merged in with "<<" that
// the explicit ones do not override.
func (r *Reader) Pairs(m *yaml.Node) []Pair {
	m = r.Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out, merged []Pair
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := r.Deref(m.Content[i])
		if k == nil {
			continue
		}
		if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.Tag != "!!str" {
			v := r.Deref(m.Content[i+1])
			if v == nil {
				continue
			}
			srcs := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				srcs = v.Content
			}
			for _, s := range srcs {
				merged = append(merged, r.Pairs(s)...)
			}
			continue
		}
		seen[k.Value] = true
		out = append(out, Pair{k, r.Deref(m.Content[i+1])})
	}
	for _, p := range merged {
		if !seen[p.Key.Value] {
			seen[p.Key.Value] = true
			out = append(out, p)
		}
	}
	return out
}

// Get returns the value of key in mapping m, or nil.
func (r *Reader) Get(m *yaml.Node, key string) *yaml.Node {
	m = r.Deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return r.Deref(m.Content[i+1])
		}
	}
	for _, p := range r.Pairs(m) {
		if p.Key.Value == key {
			return p.Value
		}
	}
	return nil
}

// Items lists a sequence's dereferenced items.
func (r *Reader) Items(s *yaml.Node) []*yaml.Node {
	s = r.Deref(s)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	out := make([]*yaml.Node, 0, len(s.Content))
	for _, n := range s.Content {
		if n = r.Deref(n); n != nil {
			out = append(out, n)
		}
	}
	return out
}

// Scalar is one value with its position. A zero Scalar (empty Pos) is a field that is absent; a
// field present as a mapping or sequence where a scalar belongs has its Pos and an empty Value.
type Scalar struct {
	// Value is after interpolation (${VAR}, ${VAR:-default}, $$), with unset variables empty.
	Value string
	// Raw is the value as written.
	Raw string
	Pos source.Pos
}

// Set says whether the field was present.
func (s Scalar) Set() bool { return s.Pos.File != "" }

// Int reads the value as a decimal integer.
func (s Scalar) Int() (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(s.Value))
	return n, err == nil
}

// Bool reads the value as a YAML boolean (true/false in any case).
func (s Scalar) Bool() (value, ok bool) {
	switch strings.ToLower(s.Value) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func (s Scalar) String() string { return s.Value }

// Templated says whether the value holds an unevaluated template directive ({{ … }}).
func (s Scalar) Templated() bool { return strings.Contains(s.Value, "{{") }

func (r *Reader) Scalar(n *yaml.Node) Scalar {
	n = r.Deref(n)
	if n == nil {
		return Scalar{}
	}
	s := Scalar{Pos: r.Pos(n)}
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		s.Value, s.Raw = n.Value, n.Value
	}
	if r.Interpolate != nil && strings.Contains(s.Raw, "$") {
		s = r.Interpolate(s)
	}
	return s
}

func (r *Reader) Str(m *yaml.Node, key string) Scalar { return r.Scalar(r.Get(m, key)) }

// Strs reads a sequence of scalars; a lone scalar counts as a one-item list.
func (r *Reader) Strs(n *yaml.Node) []Scalar {
	n = r.Deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		if n.Tag == "!!null" {
			return nil
		}
		return []Scalar{r.Scalar(n)}
	}
	var out []Scalar
	for _, it := range r.Items(n) {
		out = append(out, r.Scalar(it))
	}
	return out
}

// Flag reads a boolean field; absent or unreadable is false.
func (r *Reader) Flag(m *yaml.Node, key string) bool {
	b, _ := r.Str(m, key).Bool()
	return b
}

// StrMap reads a mapping of scalars.
func (r *Reader) StrMap(n *yaml.Node) map[string]Scalar {
	ps := r.Pairs(n)
	if len(ps) == 0 {
		return nil
	}
	out := make(map[string]Scalar, len(ps))
	for _, p := range ps {
		out[p.Key.Value] = r.Scalar(p.Value)
	}
	return out
}
