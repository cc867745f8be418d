package gen_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/cli"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestCLI runs shipshape gen as a user would: it writes, refuses to overwrite with a diff and
// exit code 1, overwrites with --force, and says clearly what is wrong with bad input.
func TestCLI(t *testing.T) {
	dir := copyProject(t, repoRoot+"/examples/clean-api")
	code, _, stderr := run("gen", "dockerfile", "-C", dir)
	if code != 0 || !strings.Contains(stderr, "wrote "+filepath.Join(dir, "Dockerfile")) || !strings.Contains(stderr, "wrote "+filepath.Join(dir, ".dockerignore")) {
		t.Fatalf("first gen: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := run("gen", "dockerfile", "-C", dir); code != 0 || !strings.Contains(stderr, "is up to date") {
		t.Errorf("second gen: exit %d\n%s", code, stderr)
	}
	df := filepath.Join(dir, "Dockerfile")
	edited := []byte("FROM scratch\n")
	os.WriteFile(df, edited, 0o644)
	code, stdout, stderr := run("gen", "dockerfile", "-C", dir)
	if code != 1 || !strings.HasPrefix(stdout, "--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1 +1,") || !strings.Contains(stdout, "-FROM scratch\n") || !strings.Contains(stderr, "--force") {
		t.Errorf("gen over an edited Dockerfile: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if b, _ := os.ReadFile(df); !bytes.Equal(b, edited) {
		t.Error("the edited Dockerfile was overwritten without --force")
	}
	if code, _, _ := run("gen", "dockerfile", "-C", dir, "--force"); code != 0 {
		t.Errorf("--force: exit %d", code)
	}
	if b, _ := os.ReadFile(df); bytes.Equal(b, edited) {
		t.Error("--force did not overwrite")
	}
	if code, _, _ := run("gen", "k8s", "-C", dir, "--out", "manifests/app.yaml"); code != 0 {
		t.Errorf("--out: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(dir, "manifests", "app.yaml")); err != nil {
		t.Error(err)
	}
	if code, _, stderr := run("gen", "systemd", "-C", dir, "--out", filepath.Join(dir, "units", "app.service")); code != 0 {
		t.Errorf("absolute --out inside the project: exit %d %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "units", "app.service")); err != nil {
		t.Error(err)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"gen", "helm", "-C", dir}, `unknown kind "helm": want one of dockerfile, systemd, k8s, compose, github-actions`},
		{[]string{"gen", "systemd", "-C", "testdata/src/multi"}, "2 main packages: choose one with --program (cmd/api, cmd/worker)"},
		{[]string{"gen", "systemd", "-C", filepath.Join(dir, "nope")}, "no such directory"},
		{[]string{"build", "-C", dir, "--target", "linux/vax"}, "unknown target linux/vax"},
		{[]string{"gen", "systemd", "-C", dir, "--out", "/elsewhere/app.service"}, "is outside the project directory"},
		{[]string{"gen", "systemd", "-C", dir, "--out", "../app.service"}, "is outside the project directory"},
		{[]string{"build", "-C", dir, "--target", "linux"}, "want os/arch"},
	} {
		code, _, stderr := run(c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	empty := t.TempDir()
	os.WriteFile(filepath.Join(empty, "go.mod"), []byte("module example.com/lib\n\ngo 1.22\n"), 0o644)
	if code, _, stderr := run("gen", "dockerfile", "-C", empty); code != 2 || !strings.Contains(stderr, "no main package") {
		t.Errorf("no main package: exit %d %q", code, stderr)
	}
}

func TestCLIBuild(t *testing.T) {
	dir := copyProject(t, repoRoot+"/examples/clean-api")
	code, stdout, stderr := run("build", "-C", dir, "--target", "linux/amd64,linux/arm64")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"linux/amd64", "dist/clean-api_linux_amd64", "dist/clean-api_linux_arm64", "checksums: SHA256SUMS"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("size table lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "CGO_ENABLED=0") {
		t.Errorf("the settings are not explained:\n%s", stderr)
	}
	sums, err := os.ReadFile(filepath.Join(dir, "dist", "SHA256SUMS"))
	if err != nil || strings.Count(string(sums), "\n") != 2 {
		t.Errorf("SHA256SUMS: %q %v", sums, err)
	}
}
