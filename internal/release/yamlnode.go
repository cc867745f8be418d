package release

import (
	"errors"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// parseYAML returns the root mapping of a one-document YAML file, or a note.
func parseYAML(p string, data []byte) (*yaml.Node, []source.Note) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []source.Note{yamlNote(p, err)}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil // empty file
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, []source.Note{source.Notef(source.Pos{File: p, Line: root.Line, Col: root.Column}, "top level is not a mapping; not read")}
	}
	return root, nil
}

// yamlNote turns a YAML error into a note, with the line when the parser gives one.
func yamlNote(p string, err error) source.Note {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		return source.Notef(source.Pos{File: p, Line: le.Mark.Line, Col: le.Mark.Column}, "invalid YAML: %s", le.Message)
	}
	return source.Notef(source.Pos{File: p}, "invalid YAML: %v", err)
}

// deref follows an alias once (aliases are never expanded recursively, so alias bombs cost
// nothing here).
func deref(n *yaml.Node) *yaml.Node {
	if n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

// get returns the value of key in a mapping (looking into "<<" merge keys one level deep), or nil.
func get(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var merged []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case key:
			return deref(m.Content[i+1])
		case "<<":
			merged = append(merged, deref(m.Content[i+1]))
		}
	}
	for _, mm := range merged {
		if mm.Kind == yaml.SequenceNode {
			for _, x := range mm.Content {
				if v := getNoMerge(deref(x), key); v != nil {
					return v
				}
			}
			continue
		}
		if v := getNoMerge(mm, key); v != nil {
			return v
		}
	}
	return nil
}

func getNoMerge(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// pairs calls f for each key and value of a mapping.
func pairs(m *yaml.Node, f func(k, v *yaml.Node)) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		f(m.Content[i], deref(m.Content[i+1]))
	}
}

// items returns the elements of a sequence (a lone mapping or scalar counts as one element).
func items(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	switch {
	case n == nil:
		return nil
	case n.Kind == yaml.SequenceNode:
		out := make([]*yaml.Node, 0, len(n.Content))
		for _, x := range n.Content {
			out = append(out, deref(x))
		}
		return out
	}
	return []*yaml.Node{n}
}

func value(p string, n *yaml.Node) Value {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return Value{}
	}
	return Value{Text: n.Value, Pos: source.Pos{File: p, Line: n.Line, Col: n.Column}}
}

// values reads a scalar or a sequence of scalars.
func values(p string, n *yaml.Node) []Value {
	var out []Value
	for _, x := range items(n) {
		if v := value(p, x); v.Set() {
			out = append(out, v)
		}
	}
	return out
}

// lines splits a scalar into its lines with their positions: a block scalar (| or >) starts on
// the line after its indicator; other scalars are taken to start where the node does.
func lines(p string, n *yaml.Node) []Value {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil
	}
	line, col := n.Line, n.Column
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		line, col = n.Line+1, 0
	}
	var out []Value
	for i, l := range strings.Split(n.Value, "\n") {
		c := col
		if i > 0 || c == 0 {
			c = 0
		}
		out = append(out, Value{Text: l, Pos: source.Pos{File: p, Line: line + i, Col: c}})
	}
	return out
}

// envSettings reads an env block: a mapping (GitHub Actions) or a list of NAME=value strings
// (goreleaser).
func envSettings(p string, n *yaml.Node) []Setting {
	var out []Setting
	n = deref(n)
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		pairs(n, func(k, v *yaml.Node) {
			out = append(out, Setting{Name: k.Value, Value: value(p, v).Text, Pos: source.Pos{File: p, Line: k.Line, Col: k.Column}})
		})
		return out
	}
	for _, v := range values(p, n) {
		name, val, ok := strings.Cut(v.Text, "=")
		if ok {
			out = append(out, Setting{Name: name, Value: val, Pos: v.Pos})
		}
	}
	return out
}
