package dockerfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*/Dockerfile")
	paths = append(paths, "testdata/copyctx/build/app.Dockerfile")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, c := range badCases {
		if len(c.data) < 4096 {
			f.Add([]byte(c.data))
		}
	}
	f.Add([]byte("# escape=`\nFROM alpine\nRUN echo a `\n  b\n"))
	f.Add([]byte("FROM a AS b\nFROM b\nCOPY --from=0 / /\nONBUILD RUN x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := Parse("Dockerfile", data)
		for _, s := range file.Stages {
			im := Model(file, s)
			im.WorkingDir()
			im.RunAs()
		}
		if file.ParseError != nil && file.ParseError.Pos.File != "Dockerfile" {
			t.Errorf("parse error without the file: %v", file.ParseError)
		}
		for _, n := range file.WithNotes() {
			if n.Pos.File != "Dockerfile" {
				t.Errorf("note without the file: %v", n)
			}
		}
		ig := ParseIgnore(".dockerignore", data)
		ig.Excludes("a/b/c.txt")
	})
}

// benchFiles makes n Dockerfiles from the fixtures with varying names and versions.
func benchFiles(b *testing.B, n int) [][]byte {
	paths, _ := filepath.Glob("testdata/*/Dockerfile")
	var srcs []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, string(data))
	}
	out := make([][]byte, n)
	for i := range out {
		s := srcs[i%len(srcs)]
		s = strings.ReplaceAll(s, "/app", fmt.Sprintf("/app%d", i))
		s = strings.ReplaceAll(s, "9090", fmt.Sprint(9000+i))
		out[i] = []byte(s)
	}
	return out
}

// BenchmarkParse parses and models 200 Dockerfiles per iteration and reports ns per file.
func BenchmarkParse(b *testing.B) {
	files := benchFiles(b, 200)
	b.ResetTimer()
	for b.Loop() {
		for _, data := range files {
			f := Parse("Dockerfile", data)
			Model(f, f.Final())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}

// BenchmarkLoad discovers, parses and models 200 Dockerfiles in a tree of 200 services (3,000
// files), copies expanded against each build context; it reports ns per Dockerfile.
func BenchmarkLoad(b *testing.B) {
	srcs := benchFiles(b, 200)
	dir := b.TempDir()
	for i, data := range srcs {
		svc := filepath.Join(dir, fmt.Sprintf("svc%03d", i))
		files := map[string][]byte{"Dockerfile": data, "go.mod": []byte("module x\n"), "go.sum": nil,
			"main.go": []byte("package main\n"), ".dockerignore": []byte("*.md\n")}
		for j := range 10 {
			files[fmt.Sprintf("web/static/f%d.css", j)] = nil
		}
		for name, content := range files {
			p := filepath.Join(svc, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, content, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		files, _ := Load(tr)
		for _, f := range files {
			Model(f, f.Final())
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(srcs)), "ns/file")
}
