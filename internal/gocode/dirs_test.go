package gocode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDirs: every package directory is in Dirs with its clause, also a library no program
// imports (it is not in Packages), while test files, files for other platforms, vendor/ and a
// directory whose files disagree are not.
func TestDirs(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"go.mod":                      "module example.com/svc\n\ngo 1.22\n",
		"cmd/api/main.go":             "package main\n\nfunc main() {}\n",
		"server/handler.go":           "// Package server is imported by nobody.\npackage server\n",
		"server/main.go":              "package server\n\nfunc main() {}\n",
		"server/server_test.go":       "package server_test\n",
		"only_windows/x_windows.go":   "package win\n",
		"split/a.go":                  "package a\n",
		"split/b.go":                  "package b\n",
		"vendor/example.com/dep/d.go": "package dep\n",
		"vendor/modules.txt":          "",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		must(t, os.WriteFile(p, []byte(src), 0o644))
	}
	f, _ := load(t, dir)
	got := map[string]string{}
	for d, c := range f.Dirs {
		got[d] = c.Name + " " + c.Pos.String()
	}
	want := map[string]string{
		"cmd/api": "main cmd/api/main.go:1:9",
		// The clause of the file with func main: the one meant as an entry point.
		"server": "server server/main.go:1:9",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Dirs (-want +got):\n%s", diff)
	}
	if _, ok := f.Packages["example.com/svc/server"]; ok {
		t.Errorf("server is in Packages, though no program imports it")
	}
}
