// Command gen writes docs/rules from the catalog: `go generate ./internal/ruledocs`.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/ruledocs"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	if err := run(root); err != nil {
		fmt.Fprintln(os.Stderr, "ruledocs:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	pages, err := ruledocs.Generate(root, catalog.All())
	if err != nil {
		return err
	}
	dir := filepath.Join(root, ruledocs.OutDir)
	old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for rel, b := range pages {
		if err := os.WriteFile(filepath.Join(root, filepath.FromSlash(rel)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
