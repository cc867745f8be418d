package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secrets are values no output may contain, not even in part: each is checked in every
// 8-byte window.
var secrets = map[string]string{
	"STRIPE_SECRET_KEY": "sk_live_9fQvX2mTzLw8RbYc",
	"DATABASE_URL":      "qzpg://svc:Pa55-w0rd-Kx7q@db9q.zx:5432/ordrz",
	"AWS_SECRET_ACCESS": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY",
	// Allow-listed names keep their value, but a proxy URL loses its credentials.
	"GOPROXY": "https://deploy:gh0_tok3nQq81Zp@proxy.corp.example,direct",
}

func leaks(t *testing.T, what string, out []byte) {
	t.Helper()
	for name, v := range secrets {
		if name == "GOPROXY" {
			v = "gh0_tok3nQq81Zp"
		}
		for i := 0; i+8 <= len(v); i++ {
			if w := v[i : i+8]; bytes.Contains(out, []byte(w)) {
				t.Errorf("%s: output contains %q, part of the value of %s", what, w, name)
				break
			}
		}
	}
}

// TestSnapshotNoSecrets sets secrets in the environment, takes snapshots with and without a
// key and compares them in every format: no byte of a secret value appears anywhere.
func TestSnapshotNoSecrets(t *testing.T) {
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.json")
	keyed := filepath.Join(dir, "keyed.json")
	wantCode(t, run(t, "snapshot", "--out", plain), ExitClean)
	r := run(t, "snapshot", "--key", "correct horse")
	wantCode(t, r, ExitClean)
	if err := os.WriteFile(keyed, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SHIPSHAPE_SNAPSHOT_KEY", "correct horse")
	envKeyed := run(t, "snapshot")
	for _, f := range []string{plain, keyed} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		leaks(t, f, b)
	}
	leaks(t, "snapshot with the key from the environment", []byte(envKeyed.stdout))

	var doc struct {
		Env []struct{ Name, State, Value, Digest string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, e := range doc.Env {
		switch e.Name {
		case "STRIPE_SECRET_KEY", "DATABASE_URL", "AWS_SECRET_ACCESS":
			found++
			if e.State != "set" || e.Value != "" || !strings.HasPrefix(e.Digest, "hmac-sha256:") {
				t.Errorf("%s: %+v, want set with a digest and no value", e.Name, e)
			}
		case "GOPROXY":
			if e.Value != "https://REDACTED@proxy.corp.example,direct" {
				t.Errorf("GOPROXY value %q, want the credentials redacted", e.Value)
			}
		}
	}
	if found != 3 {
		t.Errorf("%d secret variables listed, want 3", found)
	}
	if !strings.Contains(envKeyed.stdout, "hmac-sha256:") {
		t.Errorf("%s did not give a key", "SHIPSHAPE_SNAPSHOT_KEY")
	}

	// Change one secret: the keyed digests differ, and no output of diff shows either value.
	t.Setenv("STRIPE_SECRET_KEY", "sk_live_Other0Value1234")
	r2 := run(t, "snapshot", "--key", "correct horse")
	keyed2 := filepath.Join(dir, "keyed2.json")
	if err := os.WriteFile(keyed2, []byte(r2.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"text", "json", "markdown"} {
		d := run(t, "diff", "--all", "--format", format, keyed, keyed2)
		if !strings.Contains(d.stdout, "STRIPE") {
			t.Errorf("%s: the changed digest of STRIPE_SECRET_KEY is not a difference:\n%s", format, d.stdout)
		}
		leaks(t, "diff --format "+format, []byte(d.stdout+d.stderr))
		f := run(t, "diff", "--all", "--format", format, "--baseline", plain, keyed, keyed2)
		leaks(t, "diff --baseline --format "+format, []byte(f.stdout+f.stderr))
	}
}

func TestSnapshotMisuse(t *testing.T) {
	r := run(t, "snapshot", "extra")
	wantCode(t, r, ExitMisuse)
	r = run(t, "snapshot", "--root", filepath.Join(t.TempDir(), "missing"))
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "--root", "not a directory")
	r = run(t, "snapshot", "--out", filepath.Join(t.TempDir(), "no", "such", "dir.json"))
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "--out")
}

// TestSnapshotDeterministic takes two snapshots of this process: the same bytes.
func TestSnapshotDeterministic(t *testing.T) {
	a, b := run(t, "snapshot"), run(t, "snapshot")
	wantCode(t, a, ExitClean)
	if a.stdout != b.stdout {
		t.Error("two snapshots of the same process differ")
	}
}
