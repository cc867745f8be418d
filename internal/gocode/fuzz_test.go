package gocode

import (
	"go/token"
	"testing"

	"golang.org/x/mod/modfile"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// FuzzExtractFile runs the single-file extractor (full parse, package scope, walk) on arbitrary
// source with panics left uncaught: whatever the input, it must return.
func FuzzExtractFile(f *testing.F) {
	seeds := []string{
		"package main\nimport \"os\"\nfunc main() { os.Getenv(\"X\") }\n",
		"package main\nimport (\"net/http\"; \"os\")\nfunc main() { p := os.Getenv(\"PORT\"); if p == \"\" { p = \"80\" }; http.ListenAndServe(\":\"+p, nil) }\n",
		"package main\nimport \"github.com/gin-gonic/gin\"\nfunc main() { r := gin.Default(); r.Static(\"/s\", \"./s\"); r.Run() }\n",
		"package main\nimport \"embed\"\n//go:embed \"a b\" all:c\nvar fs embed.FS\n",
		"package main\nimport \"fmt\"\nconst a = b + \"x\"\nconst b = a\nfunc main() { _ = fmt.Sprintf(\"%d%s%%\", a) }\n",
		"package main\nimport \"github.com/spf13/viper\"\nfunc main() { viper.SetEnvKeyReplacer(nil); viper.BindEnv(); viper.GetString(1) }\n",
		"package main\ntype C struct { A string `env:\",required\" envconfig:\"\"` }\n",
		"package main\nfunc main() { if {",
		"package main\n//go:embed x\nvar ()\n",
		"package main\nvar s = \"caf\xe9\"\n",
		"package main\nimport \"os\"\nfunc f(k, d string) string { if v := os.Getenv(k); v != \"\" { return v }; return d }\nfunc main() { f(\"A\") }\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		x := extractPackage("example.com/p", ".", []srcFile{{path: "x.go", src: src}})
		for _, l := range x.facts.Listeners {
			if l.Port < 0 || l.Port > 65535 {
				t.Fatalf("port out of range: %+v", l)
			}
		}
		for _, n := range x.notes {
			if n.Pos.File != "x.go" {
				t.Fatalf("note without the file: %v", n)
			}
		}
	})
}

// FuzzModule runs the go.mod, go.sum and vendor/modules.txt readers on arbitrary text.
func FuzzModule(f *testing.F) {
	f.Add([]byte("module m\n\ngo 1.21\n\nrequire a.b/c v1.0.0\n\nreplace a.b/c => ./c\n"), []byte("a.b/c v1.0.0 h1:x=\n"), []byte("# a.b/c v1.0.0\n## explicit\na.b/c\n"))
	f.Add([]byte("module m\ngo 1.13\nrequire x.y/z v0.1.0\n"), []byte(""), []byte("# x.y/z v0.2.0\nx.y/z\n# q.r/s => ./s\n"))
	f.Add([]byte("module m\nrequire (\n\tx.y/z\n)\n"), []byte("\n\n"), []byte("# \n##\n"))
	f.Fuzz(func(t *testing.T, mod, sum, vendor []byte) {
		mf, err := modfile.Parse("go.mod", mod, nil)
		if err != nil {
			n := modError("go.mod", err)
			if n.Pos.File != "go.mod" || n.Text == "" {
				t.Fatalf("bad note %v for %v", n, err)
			}
			return
		}
		m := &Module{Dir: ".", File: "go.mod"}
		if mf.Go != nil {
			m.Go = mf.Go.Version
		}
		for _, r := range mf.Require {
			m.Requires = append(m.Requires, Require{Path: r.Mod.Path, Version: r.Mod.Version, Pos: source.Pos{File: "go.mod", Line: r.Syntax.Start.Line}})
		}
		for _, r := range mf.Replace {
			m.Replaces = append(m.Replaces, Replace{Old: r.Old.Path, OldVersion: r.Old.Version, New: r.New.Path, NewVersion: r.New.Version, Pos: source.Pos{File: "go.mod", Line: r.Syntax.Start.Line}})
		}
		_ = missingSums(m, sum)
		v := checkVendor(m, mf, "vendor/modules.txt", vendor)
		for _, p := range v.Problems {
			if p.Pos.File == "" || p.Text == "" {
				t.Fatalf("problem without position or text: %+v", p)
			}
		}
	})
}

// TestSyntaxNotePosition checks that a parse error becomes a note at the scanner's position.
func TestSyntaxNotePosition(t *testing.T) {
	x := extractPackage("p", ".", []srcFile{{path: "a/b.go", src: []byte("package p\n\nfunc f() {\n\tx := \n}\n")}})
	if len(x.notes) != 1 {
		t.Fatalf("want one note, got %v", x.notes)
	}
	n := x.notes[0]
	if n.Pos.File != "a/b.go" || n.Pos.Line != 5 || n.Pos.Col != 1 {
		t.Errorf("note at %v, want a/b.go:5:1: %v", n.Pos, n)
	}
	_ = token.NoPos
}

// FuzzHeader runs the first, imports-only pass (build constraints, imports, func main) on
// arbitrary source with panics uncaught.
func FuzzHeader(f *testing.F) {
	f.Add([]byte("//go:build linux && (amd64 || cgo)\n\npackage main\n\nimport \"C\"\n\nfunc main() {}\n"))
	f.Add([]byte("// +build !windows,!plan9\n\npackage x\nimport (\n\t_ \"embed\"\n\t\"os\"\n)\n"))
	f.Add([]byte("//go:build go1.999 || ignore\npackage p\n"))
	f.Add([]byte("package\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		recoverPanics = false
		defer func() { recoverPanics = true }()
		h, notes := headerOf(&tree.File{Path: "x.go"}, src)
		if h != nil && (h.name == "" || h.namePos.File != "x.go") {
			t.Fatalf("header without a name or position: %+v", h)
		}
		for _, n := range notes {
			if n.Pos.File != "x.go" {
				t.Fatalf("note without the file: %v", n)
			}
		}
	})
}
