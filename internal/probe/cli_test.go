package probe_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/cli"
	"github.com/shipshape-dev/shipshape/internal/probe"
)

// shipshape runs the command line as main does.
func shipshape(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	t.Logf("shipshape %s → %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	return code, out.String(), errb.String()
}

func TestCLIProbe(t *testing.T) {
	works := probe.Fixture(t, "works")
	code, out, _ := shipshape(t, "probe", "--", works)
	if code != 0 || !strings.Contains(out, "ready in ") {
		t.Errorf("works: exit %d, want 0 and ready", code)
	}
	code, out, _ = shipshape(t, "probe", "--format", "json", "--", probe.Fixture(t, "env"))
	var j struct {
		Verdict   string
		Diagnoses []struct{ Class string }
		Tail      string
	}
	if err := json.Unmarshal([]byte(out), &j); err != nil {
		t.Fatalf("json: %v", err)
	}
	if code != 1 || j.Verdict != "failed" || len(j.Diagnoses) == 0 || j.Diagnoses[0].Class != "env-missing" {
		t.Errorf("env: exit %d %+v, want 1 and env-missing", code, j)
	}
	code, out, _ = shipshape(t, "probe", "-e", "DATABASE_URL=postgres://db/app", "--", probe.Fixture(t, "env"))
	if code != 0 {
		t.Errorf("env with -e: exit %d, want 0", code)
	}
	for _, bad := range [][]string{
		{"probe"},
		{"probe", "--format", "xml", "--", works},
		{"probe", "--memory", "lots", "--", works},
		{"probe", "--env", "NOEQUALS", "--", works},
		{"probe", "--image", "x:y", "--", works},
		{"probe", "--from", "/nonexistent/Dockerfile", "--", works},
		{"probe", "--", "/nonexistent/server"},
	} {
		if code, _, _ := shipshape(t, bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}

func TestCLIProbeFromAndMatrix(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("the matrix attributes the user difference only as root")
	}
	dir := t.TempDir()
	manifest := filepath.Join(dir, "deployment.yaml")
	os.WriteFile(manifest, []byte(`apiVersion: v1
kind: Pod
metadata: {name: api}
spec:
  containers:
    - name: api
      image: api:dev
      securityContext: {readOnlyRootFilesystem: true, runAsUser: 65534}
`), 0o644)
	code, out, _ := shipshape(t, "probe", "--matrix", "--allow-root", "--from", manifest, "--", probe.Fixture(t, "readonly"))
	if code != 1 || !strings.Contains(out, "starts with a writable root; fails with a read-only root") {
		t.Errorf("exit %d, want 1 and the read-only root named", code)
	}
}
