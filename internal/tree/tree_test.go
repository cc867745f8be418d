package tree

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	p := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func paths(t *Tree) []string {
	var out []string
	for _, f := range t.Files {
		out = append(out, f.Path)
	}
	return out
}

func TestWalkKindsAndSkips(t *testing.T) {
	root := t.TempDir()
	for _, rel := range []string{"main.go", "go.mod", "go.sum", "Dockerfile", "build/api.Dockerfile",
		"deploy/app.service", "k8s/deploy.yaml", ".env", "scripts/run.sh", "vendor/modules.txt",
		"testdata/x.go", ".git/config", "node_modules/a.js", "docs/readme.md", "skipme/a.go"} {
		write(t, root, rel, "x")
	}
	tr, err := Walk(root, Options{Skip: []string{"skipme/"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(paths(tr), " ")
	want := ".env Dockerfile build/api.Dockerfile deploy/app.service docs/readme.md go.mod go.sum k8s/deploy.yaml main.go scripts/run.sh vendor/modules.txt"
	if got != want {
		t.Fatalf("files:\n got %s\nwant %s", got, want)
	}
	kinds := map[string]Kind{"main.go": GoFile, "go.mod": GoMod, "Dockerfile": Dockerfile,
		"build/api.Dockerfile": Dockerfile, "deploy/app.service": SystemdUnit, "k8s/deploy.yaml": YAML,
		".env": EnvFile, "scripts/run.sh": Shell, "vendor/modules.txt": VendorModules, "docs/readme.md": Other}
	for p, k := range kinds {
		if tr.Get(p).Kind != k {
			t.Errorf("%s: kind %v, want %v", p, tr.Get(p).Kind, k)
		}
	}
	if !tr.Exists("build") || !tr.Exists("k8s/deploy.yaml") || tr.Exists("buil") || tr.Exists("nope") {
		t.Error("Exists is wrong for directories or files")
	}
}

func TestWalkBadInputs(t *testing.T) {
	root := t.TempDir()
	write(t, root, "ok.go", "package main")
	// A directory named like a Go file is not a file.
	if err := os.MkdirAll(filepath.Join(root, "x.go"), 0o755); err != nil {
		t.Fatal(err)
	}
	write(t, root, "x.go/inner.txt", "x")
	// Symlink loops: a directory link to its parent and a self-referencing link.
	if err := os.Symlink("..", filepath.Join(root, "x.go", "up")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("self.go", filepath.Join(root, "self.go")); err != nil {
		t.Fatal(err)
	}
	// A file over the size limit.
	big := make([]byte, MaxFileSize+1)
	if err := os.WriteFile(filepath.Join(root, "big.go"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := Walk(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(paths(tr), " "); got != "ok.go x.go/inner.txt" {
		t.Fatalf("files: %s", got)
	}
	var notes []string
	for _, n := range tr.Notes {
		notes = append(notes, n.String())
	}
	all := strings.Join(notes, "\n")
	if !strings.Contains(all, "self.go: broken or looping symlink") || !strings.Contains(all, "big.go: skipped: 10 MB is over the 10 MB limit") {
		t.Fatalf("notes:\n%s", all)
	}
}

func TestWalkRootErrors(t *testing.T) {
	if _, err := Walk(filepath.Join(t.TempDir(), "missing"), Options{}); !os.IsNotExist(err) {
		t.Errorf("missing root: %v", err)
	}
	f := filepath.Join(t.TempDir(), "file")
	write(t, filepath.Dir(f), "file", "x")
	if _, err := Walk(f, Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file root: %v", err)
	}
}

func TestReadLimit(t *testing.T) {
	root := t.TempDir()
	write(t, root, "a.go", "package a")
	tr, _ := Walk(root, Options{})
	b, err := tr.Read(tr.Get("a.go"))
	if err != nil || string(b) != "package a" {
		t.Fatalf("%q %v", b, err)
	}
}
