// Package treetest holds what the loaders' tests share: write a set of files into a temporary
// directory, walk it (failing the test on any error), and read the notes a loader left.
package treetest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/source"

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

// HasNote says whether some note, rendered as file:line:col: text, contains s.
func HasNote(notes []source.Note, s string) bool {
	for _, n := range notes {
		if strings.Contains(n.String(), s) {
			return true
		}
	}
	return false
}

// NotesText renders notes one per line, for test failure messages.
func NotesText(notes []source.Note) string {
	var b strings.Builder
	for _, n := range notes {
		b.WriteString(n.String() + "\n")
	}
	return b.String()
}
