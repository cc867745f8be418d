package yamlnode

import (
	"strings"
	"testing"
)

func TestReadPositionsAndTemplates(t *testing.T) {
	src := "a: 1\n---\nimage: {{ .Values.image }}:v1\nname: x\n"
	docs, notes, tmpl := Read("f.yaml", []byte(src))
	if len(docs) != 2 || len(notes) != 0 || tmpl.Line != 3 {
		t.Fatalf("docs %d notes %v tmpl %v", len(docs), notes, tmpl)
	}
	r := &Reader{File: "f.yaml"}
	img := r.Str(docs[1].Root, "image")
	if img.Value != "{{ .Values.image }}:v1" || !img.Templated() || img.Pos.Line != 3 || img.Pos.Col != 8 {
		t.Fatalf("image %+v", img)
	}
	if n := r.Str(docs[1].Root, "name"); n.Pos.Line != 4 || n.Value != "x" {
		t.Fatalf("name %+v", n)
	}
}

func TestAliasBombIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
	prev := "a"
	for i := range 12 {
		name := string(rune('b' + i))
		b.WriteString(name + ": &" + name + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = name
	}
	docs, _, _ := Read("bomb.yaml", []byte(b.String()))
	r := &Reader{File: "bomb.yaml"}
	total := 0
	for _, p := range r.Pairs(docs[0].Root) {
		stack := r.Items(p.Value)
		for len(stack) > 0 && total < 1_000_000 {
			n := stack[len(stack)-1]
			stack = append(stack[:len(stack)-1], r.Items(n)...)
			total++
		}
	}
	if len(r.Notes) == 0 || !strings.Contains(r.Notes[0].Text, "aliases") {
		t.Fatalf("an alias bomb must stop at the budget with a note; read %d nodes, notes %v", total, r.Notes)
	}
}

func TestBinaryAndInvalid(t *testing.T) {
	if _, notes, _ := Read("b.yaml", []byte("a: 1\x00")); len(notes) != 1 || !strings.Contains(notes[0].Text, "NUL") {
		t.Fatalf("NUL: %v", notes)
	}
	if _, notes, _ := Read("t.yaml", []byte("a:\n\tb: 1\n")); len(notes) != 1 || notes[0].Pos.Line == 0 {
		t.Fatalf("tab indent: %v", notes)
	}
}
