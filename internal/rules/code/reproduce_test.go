package code_test

import (
	"bytes"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // so that valid names load whatever the machine has installed

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rules/code"
)

// The tests below produce, on this machine, the failure text that the catalog keeps as
// "reproduced: <test>" cases in internal/catalog/testdata/failures, from the broken fixtures
// themselves: they prove that the fixtures fail the way the rules say, that the clean ones do
// not, and that the signatures match what the go command and the runtime really print.

const failures = "../../catalog/testdata/failures"

// goTool runs the go command offline in dir and returns its combined output with the temporary
// directory replaced by $WORK.
func goTool(t *testing.T, work, dir string, args ...string) (string, error) {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	cmd := exec.Command(gobin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOTOOLCHAIN=local", "GOFLAGS=", "GOWORK=off", "GONOSUMDB=")
	done := make(chan struct{})
	var out []byte
	go func() { out, err = cmd.CombinedOutput(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("go %s did not finish", strings.Join(args, " "))
	}
	return strings.ReplaceAll(string(out), work, "$WORK"), err
}

// fixture copies testdata/<id>/<name> to a fresh $WORK/svc and returns $WORK and the copy.
func fixture(t *testing.T, id, name string) (work, dir string) {
	t.Helper()
	work = t.TempDir()
	if w, err := filepath.EvalSymlinks(work); err == nil {
		work = w
	}
	dir = filepath.Join(work, "svc")
	src := filepath.Join("testdata", id, name)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return work, dir
}

// matchSignatures requires every signature of r to match some line of out.
func matchSignatures(t *testing.T, r *rule.Rule, out string, which ...int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for _, i := range which {
		s := r.Signatures[i]
		found := false
		for _, l := range lines {
			if s.Pattern.MatchString(l) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s signature %d (%s) matches no line of what was produced:\n%s", r.ID, i, s.Pattern, out)
		}
	}
}

// matchCorpus requires every line of the log part of a kept case to be a line of out (after
// norm, for texts with numbers that change each run), and its source to name this test.
func matchCorpus(t *testing.T, file, out string, norm func(string) string) {
	t.Helper()
	if norm == nil {
		norm = func(s string) string { return s }
	}
	b, err := os.ReadFile(filepath.Join(failures, file))
	if err != nil {
		t.Fatalf("%v; the text produced was:\n%s", err, out)
	}
	head, body, ok := bytes.Cut(b, []byte("\n---\n"))
	if !ok {
		t.Fatalf("%s: no --- line", file)
	}
	if !bytes.Contains(head, []byte("source: reproduced: "+t.Name())) {
		t.Errorf("%s: source does not name %s", file, t.Name())
	}
	have := map[string]bool{}
	for _, l := range strings.Split(norm(out), "\n") {
		have[l] = true
	}
	for _, l := range strings.Split(strings.TrimRight(string(body), "\n"), "\n") {
		if !have[norm(l)] {
			t.Errorf("%s keeps a line this machine did not produce: %q\nproduced:\n%s", file, l, out)
		}
	}
}

func TestReproduceSS1004(t *testing.T) {
	work, dir := fixture(t, "SS1004", "broken")
	out, err := goTool(t, work, dir, "build", "./...")
	if err == nil {
		t.Fatalf("go build of the broken fixture succeeded:\n%s", out)
	}
	matchSignatures(t, code.InconsistentVendoring, out, 0, 1)
	matchCorpus(t, "SS1004-reproduced-go-build.log", out, nil)

	work, dir = fixture(t, "SS1004", "clean")
	if out, err := goTool(t, work, dir, "build", "./..."); err != nil {
		t.Errorf("go build of the clean fixture failed: %v\n%s", err, out)
	}
}

func TestReproduceSS1005(t *testing.T) {
	work, dir := fixture(t, "SS1005", "broken")
	out, err := goTool(t, work, dir, "build", "./...")
	if err == nil {
		t.Fatalf("go build of the broken fixture succeeded:\n%s", out)
	}
	matchSignatures(t, code.MissingGoSum, out, 0)
	matchCorpus(t, "SS1005-reproduced-go-build.log", out, nil)
	// The clean fixture's go.sum lines are placeholders (the fixture must not need the network),
	// so it is not built here; SS1005's clean case is checked by TestRules.
}

func TestReproduceSS1006(t *testing.T) {
	work, dir := fixture(t, "SS1006", "broken")
	out, err := goTool(t, work, dir, "build", "./...")
	if err == nil {
		t.Fatalf("go build of the broken fixture succeeded:\n%s", out)
	}
	work2, dir2 := fixture(t, "SS1006", "broken_no_gomod")
	out2, err := goTool(t, work2, dir2, "build", "./...")
	if err == nil {
		t.Fatalf("go build of broken_no_gomod succeeded:\n%s", out2)
	}
	matchSignatures(t, code.ReplaceTargetMissing, out+out2, 0, 1)
	matchCorpus(t, "SS1006-reproduced-go-build.log", out+out2, nil)

	for _, clean := range []string{"clean", "clean_unrequired"} {
		work, dir := fixture(t, "SS1006", clean)
		if out, err := goTool(t, work, dir, "build", "./..."); err != nil {
			t.Errorf("go build of %s failed: %v\n%s", clean, err, out)
		}
	}
}

func TestReproduceSS1007(t *testing.T) {
	var out strings.Builder
	for _, name := range []string{"Asia/shanghai", "America/New York", "UTC+8", "Europe/Amsterdan", "PST"} {
		if _, err := time.LoadLocation(name); err == nil {
			t.Errorf("time.LoadLocation(%q) succeeded", name)
		} else {
			out.WriteString(err.Error() + "\n")
		}
	}
	for _, name := range []string{"Asia/Shanghai", "America/New_York", "Etc/GMT-8", "Europe/Amsterdam", "EST5EDT", "US/Eastern", "UTC", "Local", ""} {
		if _, err := time.LoadLocation(name); err != nil {
			t.Errorf("time.LoadLocation(%q): %v", name, err)
		}
	}
	matchSignatures(t, code.InvalidTimezoneName, out.String(), 0)
	matchCorpus(t, "SS1007-reproduced-load-location.log", out.String(), nil)
}

func TestReproduceSS1008(t *testing.T) {
	work, dir := fixture(t, "SS1008", "broken")
	out, err := goTool(t, work, dir, "run", "./cmd/worker")
	if err == nil {
		t.Fatalf("go run of a non-main package succeeded:\n%s", out)
	}
	matchSignatures(t, code.NonMainPackageBuilt, out, 0)
	matchCorpus(t, "SS1008-reproduced-go-run.log", out, nil)

	// go build -o of the same directory "succeeds" and writes an archive, not a program.
	app := filepath.Join(work, "app")
	if out, err := goTool(t, work, dir, "build", "-o", app, "./cmd/worker"); err != nil {
		t.Fatalf("go build -o: %v\n%s", err, out)
	}
	b, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("!<arch>\n")) {
		t.Errorf("go build -o of a non-main package wrote %q…, want an ar archive", b[:min(len(b), 16)])
	}
	if err := exec.Command(app).Run(); err == nil || !(errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "exec format error")) {
		t.Errorf("running the archive: %v, want permission denied or exec format error", err)
	}
}

// TestReproduceSS1008Dockerfile runs the go builds of the Dockerfile fixtures in the tree, as
// their builder stages do after COPY . . or a bind mount of the context: -o of a file writes an
// archive that cannot be run, -o of a directory fails, and the clean fixture's command builds an
// executable.
func TestReproduceSS1008Dockerfile(t *testing.T) {
	work, dir := fixture(t, "SS1008", "broken_dockerfile")
	app := filepath.Join(work, "out", "app")
	if out, err := goTool(t, work, dir, "build", "-o", app, "./server"); err != nil {
		t.Fatalf("go build -o of a non-main package failed: %v\n%s", err, out)
	}
	b, err := os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("!<arch>\n")) {
		t.Errorf("go build -o ./server wrote %q…, want an ar archive", b[:min(len(b), 16)])
	}
	if err := exec.Command(app).Run(); err == nil || !errors.Is(err, fs.ErrPermission) {
		t.Errorf("running the archive: %v, want permission denied", err)
	}

	work, dir = fixture(t, "SS1008", "broken_dockerfile_bind")
	if err := os.MkdirAll(filepath.Join(work, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := goTool(t, work, dir, "build", "-o", filepath.Join(work, "out")+"/", "./worker")
	if err == nil {
		t.Fatalf("go build -o dir/ of a non-main package succeeded:\n%s", out)
	}
	matchSignatures(t, code.NonMainPackageBuilt, out, 1)
	matchCorpus(t, "SS1008-reproduced-no-main-packages.log", out, nil)

	work, dir = fixture(t, "SS1008", "clean_dockerfile")
	app = filepath.Join(work, "out", "app")
	if out, err := goTool(t, work, dir, "build", "-o", app, "./cmd/server"); err != nil {
		t.Fatalf("go build of the clean fixture failed: %v\n%s", err, out)
	}
	if b, err := os.ReadFile(app); err != nil || !bytes.HasPrefix(b, []byte("\x7fELF")) {
		t.Errorf("go build -o ./cmd/server wrote no ELF executable (%v)", err)
	}
}

func TestReproduceSS1009(t *testing.T) {
	work, dir := fixture(t, "SS1009", "broken")
	out, err := goTool(t, work, dir, "build", "./...")
	if err == nil {
		t.Fatalf("go build of the broken fixture succeeded:\n%s", out)
	}
	matchSignatures(t, code.MalformedGoMod, out, 0, 1)
	matchCorpus(t, "SS1009-reproduced-go-build.log", out, nil)

	work, dir = fixture(t, "SS1009", "clean")
	if out, err := goTool(t, work, dir, "build", "./..."); err != nil {
		t.Errorf("go build of the clean fixture failed: %v\n%s", err, out)
	}
}

var portRE = regexp.MustCompile(`(127\.0\.0\.1|\[::1\]):[0-9]+`)

func TestReproduceSS1003(t *testing.T) {
	// A loopback port that was just free: nothing listens there, as in a container whose
	// database runs in another container.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = net.DialTimeout("tcp", addr, 5*time.Second)
	if err == nil {
		t.Skipf("something listens on %s again", addr)
	}
	out := "panic: " + err.Error() + "\n"
	matchSignatures(t, code.HardcodedEndpoint, out, 0)
	matchCorpus(t, "SS1003-reproduced-dial-loopback.log", out, func(s string) string {
		return portRE.ReplaceAllString(s, "$1:PORT")
	})
}
