package baseline

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

func finding(id, file string, line int, msg string) rule.Finding {
	return rule.Finding{ID: id, Pos: source.Pos{File: file, Line: line}, Message: msg}
}

func TestNewSurvivesLineShifts(t *testing.T) {
	old := []rule.Finding{
		finding("SS2006", "main.go", 12, "main.go:12 loads templates/*; Dockerfile:9 copies only the binary"),
		finding("SS6001", "Dockerfile", 11, "EXPOSE 8000 but main.go:40 listens on :8080"),
	}
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := From(old).Write(path); err != nil {
		t.Fatal(err)
	}
	b, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	now := []rule.Finding{
		// The same two findings after lines were added above them.
		finding("SS2006", "main.go", 15, "main.go:15 loads templates/*; Dockerfile:10 copies only the binary"),
		finding("SS6001", "Dockerfile", 12, "EXPOSE 8000 but main.go:43 listens on :8080"),
		// A new finding of a known rule in a known file, and a second copy of a known one.
		finding("SS2006", "main.go", 30, "main.go:30 opens config.yaml; Dockerfile:10 copies only the binary"),
		finding("SS2006", "main.go", 31, "main.go:31 loads templates/*; Dockerfile:10 copies only the binary"),
	}
	fresh, known := b.New(now)
	if known != 2 || len(fresh) != 2 || fresh[0].Line != 30 || fresh[1].Line != 31 {
		t.Fatalf("known %d, fresh %+v", known, fresh)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"trunc.json":  `{"version":1,"findings":[{"id":"SS`,
		"newer.json":  `{"version":9,"findings":[]}`,
		"nover.json":  `{"findings":[]}`,
		"array.json":  `[1,2]`,
		"binary.json": "\x00\x01",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(content), 0o644)
		_, err := Load(p)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%s: the error must name the file: %v", name, err)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); !os.IsNotExist(err) {
		t.Errorf("missing: %v", err)
	}
}
