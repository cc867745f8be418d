package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBaselineGate adopts shipshape on a repo with a finding, then adds lines above it (the old
// finding must stay known) and a new finding (which must fail).
func TestBaselineGate(t *testing.T) {
	dir := zoneTree(t, "", nil)
	base := filepath.Join(t.TempDir(), "baseline.json")
	r := run(t, "check", dir, "--baseline", base, "--write-baseline")
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stderr, "recorded 1 findings") {
		t.Errorf("stderr: %q", r.stderr)
	}

	main := filepath.Join(dir, "main.go")
	src, _ := os.ReadFile(main)
	src = bytes.Replace(src, []byte("func main() {\n"), []byte("func main() {\n\tprintln(\"a\")\n\tprintln(\"b\")\n"), 1)
	os.WriteFile(main, src, 0o644)
	r = run(t, "check", dir, "--baseline", base)
	wantCode(t, r, ExitClean)
	if r.stdout != "" || !strings.Contains(r.stderr, "1 findings are in the baseline") {
		t.Errorf("a known finding moved by two lines must not fail:\nstdout %q\nstderr %q", r.stdout, r.stderr)
	}

	src = bytes.Replace(src, []byte("\t_ = loc\n"), []byte("\t_ = loc\n\tother, _ := time.LoadLocation(\"Europe/berlin\")\n\t_ = other\n"), 1)
	os.WriteFile(main, src, 0o644)
	r = run(t, "check", dir, "--baseline", base)
	wantCode(t, r, ExitFindings)
	if strings.Count(r.stdout, "[SS1007]") != 1 || !strings.Contains(r.stdout, "Europe/berlin") {
		t.Errorf("only the new finding must be reported: %q", r.stdout)
	}
}

func TestBaselineBadFile(t *testing.T) {
	dir := zoneTree(t, "", nil)
	bad := filepath.Join(t.TempDir(), "b.json")
	os.WriteFile(bad, []byte(`{"version":1,"findings":[`), 0o644)
	oneLine(t, run(t, "check", dir, "--baseline", bad), "--baseline", "b.json", "invalid JSON")
	r := run(t, "check", dir, "--baseline", filepath.Join(dir, "missing.json"))
	wantCode(t, r, ExitMisuse)
}
