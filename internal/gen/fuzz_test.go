package gen_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/gen"
)

func FuzzDiff(f *testing.F) {
	f.Add([]byte("a\nb\nc\n"), []byte("a\nB\nc\n"))
	f.Add([]byte(""), []byte("x"))
	f.Add([]byte("x\r\ny\r\n"), []byte("x\ny\n"))
	f.Add([]byte("\x00\x01"), []byte("\x00"))
	f.Fuzz(func(t *testing.T, old, new []byte) {
		d := gen.Diff("f", old, new)
		if bytes.Equal(old, new) != (d == nil) {
			t.Fatalf("equal %v, diff %q", bytes.Equal(old, new), d)
		}
		if d != nil && !bytes.HasPrefix(d, []byte("--- a/f\n+++ b/f\n@@ -")) {
			t.Fatalf("diff %q", d)
		}
	})
}

// FuzzGenerate feeds arbitrary main packages through the facts, the plan and every renderer:
// bad code gives notes or errors, never a panic.
func FuzzGenerate(f *testing.F) {
	for _, name := range []string{"testdata/src/writer/cmd/writer/main.go", "testdata/src/lowport/main.go", "testdata/src/multi/cmd/worker/main.go"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("package main\n\nfunc main() { http.HandleFunc(\"/healthz\", nil); http.ListenAndServe(\":80\", nil) }\n"))
	f.Add([]byte("package main\x00\r\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/f\n\ngo 1.22\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644)
		plan, err := gen.NewPlan(load(t, dir), "")
		if err != nil {
			return
		}
		for _, k := range gen.Kinds {
			if _, err := plan.Generate(k, ""); err != nil {
				t.Fatal(err)
			}
		}
	})
}
