package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshots writes this process's snapshot and a variant edited as JSON.
func snapshots(t *testing.T, edit func(map[string]any)) (a, b string) {
	t.Helper()
	r := run(t, "snapshot")
	wantCode(t, r, ExitClean)
	dir := t.TempDir()
	a = filepath.Join(dir, "a.json")
	if err := os.WriteFile(a, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	b = filepath.Join(dir, "b.json")
	if err := os.WriteFile(b, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestDiffExitCodes(t *testing.T) {
	a, b := snapshots(t, func(d map[string]any) {
		d["arch"] = "riscv64"
		d["cgroup"].(map[string]any)["memory"] = 256 << 20
	})
	r := run(t, "diff", a, a)
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stdout, "A and B are identical") {
		t.Errorf("identical snapshots:\n%s", r.stdout)
	}
	r = run(t, "diff", a, b)
	wantCode(t, r, ExitFindings)
	for _, want := range []string{"1. SS2003 wrong-arch: B is riscv64", "SS7001 oom-killed: B: memory limit 256 MiB"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("diff does not say %q:\n%s", want, r.stdout)
		}
	}
	r = run(t, "diff", "--format", "markdown", a, b)
	wantCode(t, r, ExitFindings)
	if !strings.Contains(r.stdout, "| 1 | SS2003 | wrong-arch | `arch` | ") {
		t.Errorf("markdown:\n%s", r.stdout)
	}
	r = run(t, "diff", "--format", "json", a, b)
	wantCode(t, r, ExitFindings)
	var doc struct {
		Matters     int
		Differences []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || doc.Matters != 2 || doc.Differences[0].ID != "SS2003" {
		t.Errorf("json: %v %+v", err, doc)
	}
	r = run(t, "diff", "--baseline", a, a, b)
	wantCode(t, r, ExitFindings)
	if !strings.Contains(r.stdout, "2 hosts: 1 differ in what matters, 0 in other ways only, 1 identical") {
		t.Errorf("fleet:\n%s", r.stdout)
	}
	r = run(t, "diff", "--baseline", a, a)
	wantCode(t, r, ExitClean)
}

func TestDiffMisuse(t *testing.T) {
	a, _ := snapshots(t, func(map[string]any) {})
	good, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.json", good[:len(good)/3])
	newer := write("newer.json", []byte(strings.Replace(string(good), `"version": 1,`, `"version": 2,`, 1)))
	older := write("older.json", []byte(`{"version": 0, "hostname": "old"}`))
	for _, c := range []struct {
		args      []string
		fragments []string
	}{
		{[]string{"diff", a}, []string{"two snapshots"}},
		{[]string{"diff", a, a, a}, []string{"two snapshots"}},
		{[]string{"diff", "--baseline", a}, []string{"--baseline takes host snapshots"}},
		{[]string{"diff", "--format", "sarif", a, a}, []string{"--format", "sarif"}},
		{[]string{"diff", a, truncated}, []string{"truncated.json: truncated JSON"}},
		{[]string{"diff", newer, a}, []string{"newer.json", "snapshot version 2 is newer than this shipshape reads (1): upgrade shipshape"}},
		{[]string{"diff", a, older}, []string{"older.json", "version 0 is older", "take the snapshot again"}},
		{[]string{"diff", a, filepath.Join(dir, "missing.json")}, []string{"missing.json", "no such file"}},
		{[]string{"diff", "--baseline", a, a, truncated}, []string{"truncated.json: truncated JSON"}},
		{[]string{"diff", "--binary", filepath.Join(dir, "nope"), a, a}, []string{"--binary", "nope"}},
		{[]string{"diff", "--binary", a, a, a}, []string{"--binary", "not an ELF executable"}},
		{[]string{"diff", "--project", filepath.Join(dir, "nope"), a, a}, []string{"--project", "no such directory"}},
		{[]string{"diff", "--project", dir, a, a}, []string{"--project", "no Go program"}},
	} {
		r := run(t, c.args...)
		wantCode(t, r, ExitMisuse)
		oneLine(t, r, c.fragments...)
	}
}

// TestDiffNotes says on stderr that a snapshot could not read some facts.
func TestDiffNotes(t *testing.T) {
	a, b := snapshots(t, func(d map[string]any) { d["notes"] = []string{"/proc/net/tcp: permission denied"} })
	r := run(t, "diff", a, b)
	if !strings.Contains(r.stderr, "note: B ("+b+"): 1 fact could not be read") {
		t.Errorf("stderr %q", r.stderr)
	}
	if r := run(t, "diff", "--format", "json", a, b); r.stderr != "" {
		t.Errorf("json: stderr %q", r.stderr)
	}
}
