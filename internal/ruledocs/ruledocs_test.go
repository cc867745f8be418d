package ruledocs_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/ruledocs"
)

// TestDocsAreCurrent fails when docs/rules differs from what the catalog generates: the pages
// are never edited by hand.
func TestDocsAreCurrent(t *testing.T) {
	root := filepath.Join("..", "..")
	pages, err := ruledocs.Generate(root, catalog.All())
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range pages {
		got, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing: run `go generate ./internal/ruledocs`", rel)
		}
	}
	onDisk, _ := filepath.Glob(filepath.Join(root, ruledocs.OutDir, "*.md"))
	for _, f := range onDisk {
		rel := filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator)))
		if _, ok := pages[rel]; !ok {
			t.Errorf("%s is not generated from any rule: run `go generate ./internal/ruledocs`", rel)
		}
	}
}

func TestPageShape(t *testing.T) {
	root := filepath.Join("..", "..")
	r := catalog.Lookup("SS0001")
	page, err := ruledocs.Page(root, r, nil)
	if err != nil {
		t.Fatal(err)
	}
	s := string(page)
	for _, want := range []string{ruledocs.Header, "# SS0001: suppression without a reason", "## Fix", "## Broken example", "## Fixed example", "```dockerfile"} {
		if !strings.Contains(s, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(s, "want SS0001") {
		t.Error("want markers of the fixtures must not appear in the docs")
	}
}
