package network_test

import (
	"os"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/config"
)

func TestZZCheck(t *testing.T) {
	dir := os.Getenv("DUMP")
	if dir == "" {
		t.Skip()
	}
	cfg, _ := config.Load(dir)
	res, err := check.Dir(dir, check.Options{Rules: catalog.All(), Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Logf("%s %s %s: %s", f.Pos, f.Severity, f.ID, f.Message)
		for _, r := range f.Related {
			t.Logf("      %s: %s", r.Pos, r.Message)
		}
	}
	for _, n := range res.Notes {
		t.Logf("note: %s", n)
	}
}
