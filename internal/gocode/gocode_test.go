package gocode

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestFixtures loads each testdata/*.txtar tree and compares every fact Load finds, rendered one
// per line with its position, and every note, with the archive's "want" section.
func TestFixtures(t *testing.T) {
	// The module cache is read when it holds a dependency; keep the fixtures independent of
	// this machine's.
	t.Setenv("GOMODCACHE", t.TempDir())
	archives, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(archives) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			var want []string
			wantIdx := -1
			for i, f := range ar.Files {
				if f.Name == "want" {
					want, wantIdx = lines(f.Data), i
					continue
				}
				writeFile(t, dir, f.Name, f.Data)
			}
			got := loadLines(t, dir)
			if *update {
				data := []byte(strings.Join(got, "\n") + "\n")
				if wantIdx < 0 {
					ar.Files = append(ar.Files, txtar.File{Name: "want", Data: data})
				} else {
					ar.Files[wantIdx].Data = data
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("facts (-want +got):\n%s", diff)
			}
		})
	}
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	// Fixtures spell bytes txtar cannot hold as \xNN.
	data = unescapeBytes(data)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func unescapeBytes(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\x`)) {
		return b
	}
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && b[i+1] == 'x' && isHex(b[i+2]) && isHex(b[i+3]) {
			out = append(out, unhex(b[i+2])<<4|unhex(b[i+3]))
			i += 3
			continue
		}
		out = append(out, b[i])
	}
	return out
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' }
func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

func lines(b []byte) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimRight(string(b), "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func loadLines(t *testing.T, dir string) []string {
	t.Helper()
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, notes := Load(tr)
	got := render(f)
	for _, n := range notes {
		got = append(got, "note "+n.String())
	}
	return got
}

// load is Load on a directory, for the tests that build their trees by hand.
func load(t *testing.T, dir string) (*Facts, []source.Note) {
	t.Helper()
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Load(tr)
}

// TestSyntaxErrorInUntriggeredFile: a file holding no fact is not walked, but a syntax error in
// it still stops the build, so it gets a note at its position while the rest is still checked.
func TestSyntaxErrorInUntriggeredFile(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n",
		"util.go": "package main\n\nfunc add(a, b int) int {\n\treturn a +\n}\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, notes := load(t, dir)
	found := false
	for _, n := range notes {
		if n.Pos.File == "util.go" && n.Pos.Line == 5 {
			found = true
		}
	}
	if !found {
		t.Errorf("no syntax note at util.go:5: %v", notes)
	}
	if f == nil || len(f.Listeners) != 1 || f.Listeners[0].Port != 8080 {
		t.Errorf("the rest of the package must still be checked: %+v", f)
	}
}
