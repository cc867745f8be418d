package dotenv

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type got struct {
	Value              string
	Line, Col          int
	Inherited, Differs bool
	Unresolved         []string
}

func summary(f *File) map[string]got {
	m := map[string]got{}
	for _, v := range f.Vars {
		m[v.Name] = got{v.Value, v.Pos.Line, v.Pos.Col, v.Inherited, v.Differs, v.Unresolved}
	}
	return m
}

func TestDialects(t *testing.T) {
	f, notes := Parse("quotes.env", read(t, "quotes.env"), Compose)
	if len(notes) != 0 {
		t.Fatalf("notes: %v", notes)
	}
	want := map[string]got{
		"DB_URL":     {Value: "postgres://db:5432/app", Line: 2, Col: 1, Differs: true},
		"PORT":       {Value: "8080", Line: 3, Col: 8, Differs: true},
		"TOKEN":      {Value: "abc#def", Line: 4, Col: 1, Differs: true},
		"GREETING":   {Value: "hello\nworld", Line: 5, Col: 1, Differs: true},
		"HOME_DIR":   {Value: "/app", Line: 7, Col: 1, Differs: true, Unresolved: []string{"HOME"}},
		"FROM_SHELL": {Line: 8, Col: 1, Inherited: true},
		"PLAIN":      {Value: "override", Line: 10, Col: 1},
	}
	if d := cmp.Diff(want, summary(f)); d != "" {
		t.Errorf("compose dialect (-want +got):\n%s", d)
	}
	if f.Vars[0].Name != "DB_URL" {
		t.Errorf("first var = %s, want DB_URL (file order)", f.Vars[0].Name)
	}

	d, notes := f.ParseAs(DockerEnvFile)
	if len(notes) != 1 || notes[0].Pos.Line != 3 {
		t.Errorf("docker notes = %v, want one at line 3 (`export PORT` has a space in its name)", notes)
	}
	for name, value := range map[string]string{
		"DB_URL": `"postgres://db:5432/app"`, "TOKEN": `'abc#def'`, "HOME_DIR": "${HOME}/app", "GREETING": `"hello`,
	} {
		v, ok := d.Lookup(name)
		if !ok || v.Value != value {
			t.Errorf("docker %s = %+v, want %q", name, v, value)
		}
	}
	if v, _ := d.Lookup("PLAIN"); v.Differs {
		t.Errorf("PLAIN is the same in both dialects but Differs")
	}
}

func TestCRLF(t *testing.T) {
	for _, d := range []Dialect{Compose, DockerEnvFile} {
		f, notes := Parse("crlf.env", read(t, "crlf.env"), d)
		if len(notes) != 0 {
			t.Errorf("%v: notes %v", d, notes)
		}
		a, _ := f.Lookup("A")
		if a == nil || a.Value != "1" || a.Pos.Line != 1 {
			t.Errorf("%v: A = %+v, want 1 at line 1 without \\r", d, a)
		}
		c, _ := f.Lookup("C")
		want := map[Dialect]string{Compose: "three", DockerEnvFile: "three # c"}[d]
		if c == nil || c.Value != want || c.Pos.Line != 3 {
			t.Errorf("%v: C = %+v, want %q", d, c, want)
		}
	}
}

func TestBadInput(t *testing.T) {
	f, notes := Parse("badkey.env", read(t, "badkey.env"), DockerEnvFile)
	if len(notes) != 1 || notes[0].Pos != (source.Pos{File: "badkey.env", Line: 2, Col: 1}) {
		t.Errorf("docker notes = %v, want one at badkey.env:2:1", notes)
	}
	if len(f.Vars) != 2 {
		t.Errorf("docker vars = %d, want GOOD and ALSO", len(f.Vars))
	}
	_, notes = Parse("badkey.env", read(t, "badkey.env"), Compose)
	if len(notes) != 1 || notes[0].Pos.Line != 2 {
		t.Errorf("compose notes = %v, want one at line 2", notes)
	}
	_, notes = Parse("bin.env", []byte("A=1\nB=\x00\x01\x02"), Compose)
	if len(notes) != 1 || notes[0].Pos.Line != 2 {
		t.Errorf("NUL notes = %v, want one at line 2", notes)
	}
	_, notes = Parse("latin1.env", []byte("A=caf\xe9\n"), DockerEnvFile)
	if len(notes) != 1 || notes[0].Pos.Line != 1 {
		t.Errorf("invalid UTF-8 notes = %v, want one at line 1", notes)
	}
	if _, notes := Parse("s.env", []byte("A=1\n"), Systemd); len(notes) != 1 {
		t.Errorf("systemd dialect should note that it is not read here: %v", notes)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, ".env"), []byte("PORT=8080\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644)
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, notes := Load(tr)
	if len(notes) != 0 || len(files) != 1 || files[0].Path != ".env" || len(files[0].Vars) != 1 {
		t.Fatalf("Load = %v, %v", files, notes)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"quotes.env", "crlf.env", "badkey.env"} {
		f.Add(read(f, name))
	}
	f.Add([]byte("A=\"unterminated\nB=2\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, d := range []Dialect{Compose, DockerEnvFile} {
			file, notes := Parse("f.env", b, d)
			for _, v := range file.Vars {
				if v.Pos.Line < 1 || v.Name == "" {
					t.Fatalf("%v: var without position or name: %+v", d, v)
				}
			}
			for _, n := range notes {
				if n.Pos.File != "f.env" {
					t.Fatalf("note without file: %v", n)
				}
			}
		}
	})
}
