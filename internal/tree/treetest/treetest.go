// Package treetest builds checked trees for tests: write a set of files into a temporary
// directory, walk it, and fail the test on any error.
package treetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Walk walks root with default options, failing the test when the root cannot be read.
func Walk(t testing.TB, root string) *tree.Tree {
	t.Helper()
	tr, err := tree.Walk(root, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// Write writes files (slash path → content) into a new temporary directory and returns it.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
