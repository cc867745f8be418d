package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

func TestParse(t *testing.T) {
	c, err := Parse("c", []byte("disable: [SS1001]\nseverity:\n  SS2004: info\nskip: [legacy/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Disabled("SS1001") || c.Disabled("SS1002") || c.Severity["SS2004"] != rule.Info || c.Skip[0] != "legacy/" {
		t.Fatalf("%+v", c)
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"disable: [pprof]\n":        `"pprof" is not a rule ID`,
		"severity: {SS1001: bad}\n": `unknown severity "bad"`,
		"colour: red\n":             "field colour not found",
		"disable: [\n":              "c:",
	} {
		if _, err := Parse("c", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func TestLoadMissingAndEmpty(t *testing.T) {
	dir := t.TempDir()
	if c, err := Load(dir); err != nil || len(c.Disable) != 0 {
		t.Fatal(c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err != nil {
		t.Fatalf("empty config: %v", err)
	}
}
