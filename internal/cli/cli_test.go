package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// result is what one command line produced.
type result struct {
	code           int
	stdout, stderr string
}

// run executes a command line the way main does, with buffers for the streams. A command that
// does not return within a minute is a hang, which is a failure of its own.
func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	go func() { done <- Run(context.Background(), args, strings.NewReader(""), &out, &errb) }()
	select {
	case code := <-done:
		return result{code, out.String(), errb.String()}
	case <-time.After(time.Minute):
		t.Fatalf("shipshape %s did not return within a minute", strings.Join(args, " "))
	}
	return result{}
}

const mainGo = "package main\n\nfunc main() {}\n"

// unexplained is a tree whose only finding is SS0001 (info): a suppression without a reason.
func unexplained(t *testing.T, extra map[string]string) string {
	files := map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"main.go": "package main\n\nfunc main() {\n\t// shipshape:ignore SS1001\n\tprintln()\n}\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return treetest.Write(t, files)
}

func wantCode(t *testing.T, r result, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// oneLine checks a misuse message: exactly one line on stderr, starting with "shipshape:" and
// holding every fragment, and nothing on stdout.
func oneLine(t *testing.T, r result, fragments ...string) {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, "shipshape: ") {
		t.Errorf("stderr is not one shipshape: line: %q", r.stderr)
	}
	for _, f := range fragments {
		if !strings.Contains(r.stderr, f) {
			t.Errorf("stderr %q does not say %q", r.stderr, f)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout is not empty on misuse: %q", r.stdout)
	}
}

func TestCleanTreeExitsZero(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"go.mod": "module example.com/svc\n\ngo 1.22\n", "main.go": mainGo})
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if r.stdout != "" {
		t.Errorf("a clean tree printed findings: %q", r.stdout)
	}
}

func TestFailOn(t *testing.T) {
	dir := unexplained(t, nil)
	for _, c := range []struct {
		failOn string
		code   int
	}{
		{"", ExitClean}, // default error: an info finding does not fail
		{"error", ExitClean},
		{"warning", ExitClean},
		{"info", ExitFindings},
		{"INFO", ExitFindings},
	} {
		args := []string{"check", dir}
		if c.failOn != "" {
			args = append(args, "--fail-on", c.failOn)
		}
		r := run(t, args...)
		if r.code != c.code {
			t.Errorf("--fail-on %q: exit %d, want %d\n%s%s", c.failOn, r.code, c.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stdout, "main.go:4: info: ") || !strings.Contains(r.stdout, "[SS0001]") {
			t.Errorf("--fail-on %q: the finding is not on stdout: %q", c.failOn, r.stdout)
		}
	}
	r := run(t, "check", dir, "--fail-on", "fatal")
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "--fail-on", "fatal")
}

func TestFormats(t *testing.T) {
	dir := unexplained(t, map[string]string{"big.go": strings.Repeat("/", 11<<20)})
	for _, format := range []string{"text", "json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			r := run(t, "check", dir, "--format", format, "--fail-on", "info")
			wantCode(t, r, ExitFindings)
			switch format {
			case "text":
				if !strings.HasPrefix(r.stdout, "main.go:4: info: shipshape:ignore") {
					t.Errorf("text: %q", r.stdout)
				}
				if !strings.Contains(r.stderr, "note: big.go: skipped") {
					t.Errorf("text: the note is not on stderr: %q", r.stderr)
				}
				if strings.Contains(r.stdout, "note") {
					t.Errorf("text: a note is on stdout: %q", r.stdout)
				}
			case "json":
				var doc struct {
					Version  int
					Findings []struct{ ID, File string }
					Notes    []struct{ Text string }
				}
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
					t.Fatalf("json: %v\n%s", err, r.stdout)
				}
				if doc.Version != 1 || len(doc.Findings) != 1 || doc.Findings[0].ID != "SS0001" || doc.Findings[0].File != "main.go" {
					t.Errorf("json: %+v", doc)
				}
				if len(doc.Notes) == 0 || !strings.Contains(doc.Notes[0].Text, "skipped") {
					t.Errorf("json: the note is not in notes: %+v", doc.Notes)
				}
			case "sarif":
				var doc struct {
					Version string
					Runs    []struct{ Results []struct{ RuleID string } }
				}
				if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
					t.Fatalf("sarif: %v", err)
				}
				if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) != 1 || doc.Runs[0].Results[0].RuleID != "SS0001" {
					t.Errorf("sarif: %+v", doc)
				}
			case "github":
				if !strings.HasPrefix(r.stdout, "::notice file=main.go,line=4,title=SS0001 shipshape-directive::") {
					t.Errorf("github: %q", r.stdout)
				}
			}
		})
	}
	r := run(t, "check", dir, "--format", "xml")
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "xml")
}

func TestColourOnlyWhenAsked(t *testing.T) {
	dir := unexplained(t, nil)
	if r := run(t, "check", dir, "--fail-on", "info"); strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("colour on a buffer: %q", r.stdout)
	}
	if r := run(t, "check", dir, "--color", "always"); !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--color always printed no colour: %q", r.stdout)
	}
	r := run(t, "check", dir, "--color", "sometimes")
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "--color")
}

func TestPathDoesNotExist(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	r := run(t, "check", missing)
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, missing, "no such directory")
}

func TestFileInsteadOfDir(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"main.go": mainGo})
	r := run(t, "check", filepath.Join(dir, "main.go"))
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, "main.go")
}

func TestEmptyDir(t *testing.T) {
	r := run(t, "check", t.TempDir())
	wantCode(t, r, ExitClean)
	if r.stdout != "" {
		t.Errorf("stdout: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "note: ") || !strings.Contains(r.stderr, "no files") {
		t.Errorf("no note about the empty directory on stderr: %q", r.stderr)
	}
}

func TestMisuse(t *testing.T) {
	for _, args := range [][]string{
		{"check", "--bogus"},
		{"--bogus"},
		{"check", "a", "b"},
		{"rules", "SS9999"},
		{"rules", "a", "b"},
		{"version", "extra"},
		{"frobnicate"},
		{"check", "--only", "SS9999", "."},
	} {
		r := run(t, args...)
		if r.code != ExitMisuse {
			t.Errorf("%v: exit %d, want %d", args, r.code, ExitMisuse)
		}
		if strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%v: stderr is not one line: %q", args, r.stderr)
		}
	}
}

func TestRules(t *testing.T) {
	r := run(t, "rules")
	wantCode(t, r, ExitClean)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if !strings.HasPrefix(lines[0], "ID") || !strings.Contains(r.stdout, "SS0001") || !strings.Contains(r.stdout, "shipshape-directive") {
		t.Errorf("rules:\n%s", r.stdout)
	}
	for _, id := range []string{"SS0001", "ss0001"} {
		r := run(t, "rules", id)
		wantCode(t, r, ExitClean)
		for _, want := range []string{"SS0001: suppression without a reason", "class: shipshape-directive", "severity: info", "Fix: "} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("rules %s does not print %q:\n%s", id, want, r.stdout)
			}
		}
	}
}

func TestVersion(t *testing.T) {
	r := run(t, "version")
	wantCode(t, r, ExitClean)
	if !strings.HasPrefix(r.stdout, "shipshape ") || !strings.Contains(r.stdout, runtime.Version()) || r.stderr != "" {
		t.Errorf("version: %q / %q", r.stdout, r.stderr)
	}
}

func TestConfig(t *testing.T) {
	for _, c := range []struct {
		name, yaml string
		code       int
		finding    bool
	}{
		{"disable", "disable: [SS0001]\n", ExitClean, false},
		{"severity", "severity:\n  SS0001: error\n", ExitFindings, true},
		{"skip", "skip: [main.go]\n", ExitClean, false},
		{"skip-dir", "skip: [\"cmd/\"]\n", ExitFindings, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := unexplained(t, map[string]string{".shipshape.yaml": c.yaml})
			args := []string{"check", dir}
			if c.name != "severity" {
				args = append(args, "--fail-on", "info")
			}
			r := run(t, args...)
			wantCode(t, r, c.code)
			if got := strings.Contains(r.stdout, "[SS0001]"); got != c.finding {
				t.Errorf("finding printed = %v, want %v: %q", got, c.finding, r.stdout)
			}
			if c.name == "severity" && !strings.Contains(r.stdout, ": error: ") {
				t.Errorf("the configured severity is not shown: %q", r.stdout)
			}
		})
	}
	dir := unexplained(t, map[string]string{".shipshape.yaml": "disable: [nope]\n"})
	r := run(t, "check", dir)
	wantCode(t, r, ExitMisuse)
	oneLine(t, r, ".shipshape.yaml", "nope")
}

func TestSymlinkLoop(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"main.go": mainGo})
	for _, l := range []struct{ name, target string }{
		{"a.go", "b.go"}, {"b.go", "a.go"}, // a file loop
		{"self", "."}, {"sub/up", ".."}, // directory loops
	} {
		p := filepath.Join(dir, l.name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(l.target, p); err != nil {
			t.Skipf("cannot make symlinks here: %v", err)
		}
	}
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stderr, "a.go: broken or looping symlink") {
		t.Errorf("no note for the looping symlink: %q", r.stderr)
	}
}

func TestBrokenSymlinkIsANote(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"main.go": mainGo})
	if err := os.Symlink("missing.go", filepath.Join(dir, "gone.go")); err != nil {
		t.Skipf("cannot make symlinks here: %v", err)
	}
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stderr, "note: gone.go: broken or looping symlink") {
		t.Errorf("no note for the broken symlink: %q", r.stderr)
	}
}

// TestUnreadable checks that a directory shipshape may not read is a note, not a failure. Root
// reads everything, so as root the test re-runs itself as nobody when it can.
func TestUnreadable(t *testing.T) {
	if os.Getenv("SHIPSHAPE_TEST_AS_NOBODY") == "" && os.Geteuid() == 0 {
		rerunAsNobody(t, "TestUnreadable")
		return
	}
	dir := treetest.Write(t, map[string]string{"main.go": mainGo, "secret/x.go": "package secret\n"})
	if err := os.Chmod(filepath.Join(dir, "secret"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "secret"), 0o755) })
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stderr, "note: secret: cannot read: permission denied") {
		t.Errorf("no note for the unreadable directory: %q", r.stderr)
	}
	root := filepath.Join(t.TempDir(), "root")
	os.Mkdir(root, 0)
	t.Cleanup(func() { os.Chmod(root, 0o755) })
	r = run(t, "check", root)
	if r.code != ExitMisuse && r.code != ExitClean {
		t.Errorf("an unreadable root: exit %d", r.code)
	}
}

// rerunAsNobody runs one test of this binary as uid 65534 and reports its output; it skips
// when the system does not let it (no such user, no permission to switch).
func rerunAsNobody(t *testing.T, name string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	// The test binary lives in a root-only build directory: copy it where nobody can run it.
	dir, err := os.MkdirTemp("", "shipshape-nobody-")
	if err != nil {
		t.Skip(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "cli.test")
	if err := copyFile(self, bin, 0o755); err != nil {
		t.Skip(err)
	}
	tmp := filepath.Join(dir, "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Skip(err)
	}
	os.Chmod(tmp, 0o1777)
	cmd := exec.Command(bin, "-test.run=^"+name+"$", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SHIPSHAPE_TEST_AS_NOBODY=1", "TMPDIR="+tmp, "HOME="+tmp, "GOCACHE="+filepath.Join(tmp, "cache"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Skipf("cannot run as nobody: %v", err)
		}
		t.Fatalf("as nobody:\n%s", out)
	}
	if !bytes.Contains(out, []byte("--- PASS: "+name)) {
		t.Fatalf("as nobody the test did not pass:\n%s", out)
	}
}

func copyFile(from, to string, mode os.FileMode) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestHugeGoFileIsSkipped(t *testing.T) {
	dir := treetest.Write(t, map[string]string{
		"main.go": mainGo,
		"big.go":  "package main\n\nvar x = `" + strings.Repeat("x", 11<<20) + "`\n",
	})
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if !strings.Contains(r.stderr, "note: big.go: skipped: 11 MB is over the 10 MB limit") {
		t.Errorf("no note for the 11 MB file: %q", r.stderr)
	}
}

func TestBadBytes(t *testing.T) {
	dir := treetest.Write(t, map[string]string{
		"go.mod":     "module example.com/svc\n\ngo 1.22\n",
		"main.go":    mainGo,
		"latin1.go":  "package main\n\n// caf\xe9 \xff\xfe\n",
		"nul.go":     "package main\x00\x00\x00",
		"crlf.go":    "package main\r\n\r\nvar _ = 1\r\n",
		"Dockerfile": "FROM \xff\xfe\x00\nRUN \x00\n",
	})
	r := run(t, "check", dir)
	if r.code != ExitClean && r.code != ExitFindings {
		t.Fatalf("exit %d on odd bytes:\n%s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "internal error") {
		t.Errorf("a detector panicked:\n%s", r.stderr)
	}
}

func TestDirectoryNamedLikeAGoFile(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"main.go": mainGo, "x.go/inner.txt": "not go\n", "go.mod/README": "a directory\n"})
	r := run(t, "check", dir)
	wantCode(t, r, ExitClean)
	if strings.Contains(r.stderr, "panic") {
		t.Errorf("panic:\n%s", r.stderr)
	}
}

// zoneTree is a tree whose only finding is SS1007 (error) at main.go:6, with an optional line
// above the call (a suppression).
func zoneTree(t *testing.T, above string, extra map[string]string) string {
	t.Helper()
	files := map[string]string{
		"go.mod":  "module example.com/svc\n\ngo 1.22\n",
		"main.go": "package main\n\nimport \"time\"\n\nfunc main() {\n" + above + "\tloc, err := time.LoadLocation(\"Asia/shanghai\")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\t_ = loc\n}\n",
	}
	for k, v := range extra {
		files[k] = v
	}
	return treetest.Write(t, files)
}

func TestErrorFindingFails(t *testing.T) {
	r := run(t, "check", zoneTree(t, "", nil))
	wantCode(t, r, ExitFindings)
	if !strings.HasPrefix(r.stdout, "main.go:6:") || !strings.Contains(r.stdout, ": error: ") || !strings.Contains(r.stdout, "[SS1007]") || !strings.Contains(r.stdout, "    fix: ") {
		t.Errorf("stdout: %q", r.stdout)
	}
	if strings.Contains(r.stderr, "SS1007") {
		t.Errorf("a finding went to stderr: %q", r.stderr)
	}
}

func TestSuppression(t *testing.T) {
	t.Run("with reason", func(t *testing.T) {
		r := run(t, "check", zoneTree(t, "\t// shipshape:ignore SS1007 the name comes from a fixture, replaced at deploy time\n", nil), "--fail-on", "info")
		wantCode(t, r, ExitClean)
		if r.stdout != "" {
			t.Errorf("a suppressed finding was printed: %q", r.stdout)
		}
	})
	t.Run("on the same line", func(t *testing.T) {
		dir := zoneTree(t, "", nil)
		p := filepath.Join(dir, "main.go")
		b, _ := os.ReadFile(p)
		b = bytes.Replace(b, []byte(`"Asia/shanghai")`), []byte(`"Asia/shanghai") // shipshape:ignore SS1007 checked by hand`), 1)
		os.WriteFile(p, b, 0o644)
		r := run(t, "check", dir, "--fail-on", "info")
		wantCode(t, r, ExitClean)
	})
	t.Run("without reason", func(t *testing.T) {
		dir := zoneTree(t, "\t// shipshape:ignore SS1007\n", nil)
		r := run(t, "check", dir)
		wantCode(t, r, ExitClean) // SS1007 is silenced; SS0001 is only info
		if strings.Contains(r.stdout, "[SS1007]\n") || !strings.Contains(r.stdout, "main.go:6: info: ") || !strings.Contains(r.stdout, "[SS0001]") {
			t.Errorf("stdout: %q", r.stdout)
		}
		r = run(t, "check", dir, "--fail-on", "info")
		wantCode(t, r, ExitFindings)
	})
	t.Run("another rule", func(t *testing.T) {
		r := run(t, "check", zoneTree(t, "\t// shipshape:ignore SS1001 not this one\n", nil))
		wantCode(t, r, ExitFindings)
	})
}

func TestConfigOnRealRule(t *testing.T) {
	for _, c := range []struct {
		yaml string
		code int
		out  string
	}{
		{"severity:\n  SS1007: warning\n", ExitClean, "main.go:7:14: warning: "},
		{"disable: [SS1007]\n", ExitClean, ""},
		{"skip: [\"*.go\"]\n", ExitClean, ""},
	} {
		r := run(t, "check", zoneTree(t, "\n", map[string]string{".shipshape.yaml": c.yaml}))
		if r.code != c.code || (c.out == "") != (r.stdout == "") || !strings.Contains(r.stdout, c.out) {
			t.Errorf("%q: exit %d, stdout %q", c.yaml, r.code, r.stdout)
		}
	}
}

func TestMalformedGoModIsAFinding(t *testing.T) {
	dir := treetest.Write(t, map[string]string{"go.mod": "module example.com/svc\n\ngo 1.22\n\nrequire example.com/dep\n", "main.go": mainGo})
	r := run(t, "check", dir)
	wantCode(t, r, ExitFindings)
	if !strings.HasPrefix(r.stdout, "go.mod:5:") || !strings.Contains(r.stdout, "[SS1009]") {
		t.Errorf("stdout: %q", r.stdout)
	}
}

func TestSyntaxErrorIsANoteAndTheRestIsChecked(t *testing.T) {
	// The file reads the environment, so gocode must parse it (files without any of its
	// trigger words are not parsed at all, and then a syntax error goes unseen).
	dir := zoneTree(t, "", map[string]string{"broken.go": "package main\n\nimport \"os\"\n\nvar home = os.Getenv(\"HOME\"\n"})
	r := run(t, "check", dir)
	wantCode(t, r, ExitFindings)
	if !strings.Contains(r.stderr, "note: broken.go:") {
		t.Errorf("no note with the syntax error's position: %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "[SS1007]") {
		t.Errorf("the file that parses was not checked: %q", r.stdout)
	}
}

// TestUnreadableGoFile checks that a Go file shipshape may not read is a note; as root it
// re-runs as nobody (see TestUnreadable).
func TestUnreadableGoFile(t *testing.T) {
	if os.Getenv("SHIPSHAPE_TEST_AS_NOBODY") == "" && os.Geteuid() == 0 {
		rerunAsNobody(t, "TestUnreadableGoFile")
		return
	}
	dir := zoneTree(t, "", map[string]string{"secret.go": "package main\n"})
	if err := os.Chmod(filepath.Join(dir, "secret.go"), 0); err != nil {
		t.Fatal(err)
	}
	r := run(t, "check", dir)
	wantCode(t, r, ExitFindings)
	if !strings.Contains(r.stderr, "note: secret.go: cannot read") {
		t.Errorf("no note for the unreadable file: %q", r.stderr)
	}
	if !strings.Contains(r.stdout, "[SS1007]") {
		t.Errorf("the readable file was not checked: %q", r.stdout)
	}
}
