package build

import (
	"go/parser"
	"go/token"
	"testing"
)

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"linux/amd64", "linux/arm/v7", "windows_amd64", "linux", "/", "a/b/c/d", "linux/arm64/v8", "\x00/\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tg, err := ParseTarget(s)
		if err != nil {
			return
		}
		again, err := ParseTarget(tg.String())
		if err != nil || again != tg {
			t.Fatalf("%q → %v → %v %v", s, tg, again, err)
		}
		if tg.FileName("app") == "" {
			t.Fatal("empty file name")
		}
	})
}

func FuzzVersionVar(f *testing.F) {
	for _, s := range []string{"package main\nvar version string\n", "package main\nvar Version = \"dev\"\n", "package main\nvar (\nversion, x = \"a\"\n)\n", "package main\nvar version = `x`\n", "package main\r\nvar version string\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		af, err := parser.ParseFile(token.NewFileSet(), "main.go", src, parser.SkipObjectResolution)
		if err != nil {
			return
		}
		if v := versionVar(af); v != "" && v != "version" && v != "Version" {
			t.Fatalf("found %q", v)
		}
	})
}
