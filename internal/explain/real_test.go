package explain_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/explain"
)

// These tests make this machine fail for real (the kernel, the Go runtime, the shells and the
// TLS stack write the messages) and require explain to name the failure from that text.

var (
	helperOnce sync.Once
	helperDir  string
	helperErr  error
)

// helper builds testdata/helper statically for the host and for arm64, into a directory any
// user can read (the privileged-port test runs it as nobody).
func helper(t *testing.T) string {
	t.Helper()
	helperOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			helperErr = err
			return
		}
		dir, err := os.MkdirTemp("", "explain-helper")
		if err != nil {
			helperErr = err
			return
		}
		if err := os.Chmod(dir, 0o755); err != nil {
			helperErr = err
			return
		}
		for _, arch := range []string{runtime.GOARCH, "arm64"} {
			out := filepath.Join(dir, "helper-"+arch)
			cmd := exec.Command(goTool, "build", "-trimpath", "-o", out, "testdata/helper/main.go")
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+arch, "GOFLAGS=")
			if b, err := cmd.CombinedOutput(); err != nil {
				helperErr = fmt.Errorf("building the helper for %s: %v\n%s", arch, err, b)
				return
			}
		}
		helperDir = dir
	})
	if helperErr != nil {
		t.Skipf("cannot build the helper: %v", helperErr)
	}
	return helperDir
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (chroot, setuid, network namespaces)")
	}
}

// run runs cmd and returns what it wrote to stderr (or the exec error, which is what a
// supervisor would log), failing the test if it succeeded.
func run(t *testing.T, cmd *exec.Cmd) string {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	err := cmd.Run()
	if err == nil {
		t.Fatalf("%v succeeded; the failure was not produced", cmd.Args)
	}
	text := stderr.String()
	if _, ok := err.(*exec.ExitError); !ok {
		text += err.Error() + "\n"
	}
	t.Logf("real text:\n%s", text)
	return text
}

// expect explains text and requires the top diagnosis to be id.
func expect(t *testing.T, text, id string) explain.Diagnosis {
	t.Helper()
	res, err := explain.Explain(strings.NewReader(text), explain.Options{Rules: catalog.All()})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Diagnoses) == 0 {
		t.Fatalf("no diagnosis for %q, want %s", text, id)
	}
	d := res.Diagnoses[0]
	if d.ID != id {
		t.Fatalf("top diagnosis %s (%s), want %s; text %q", d.ID, d.Summary, id, text)
	}
	return d
}

func TestRealPrivilegedPort(t *testing.T) {
	needRoot(t)
	dir := helper(t)
	// A fresh network namespace has the default net.ipv4.ip_unprivileged_port_start (1024)
	// whatever this machine's is, and nobody has no CAP_NET_BIND_SERVICE.
	attr := func() *syscall.SysProcAttr {
		return &syscall.SysProcAttr{
			Cloneflags: syscall.CLONE_NEWNET,
			Credential: &syscall.Credential{Uid: 65534, Gid: 65534},
		}
	}
	probe := exec.Command(filepath.Join(dir, "helper-"+runtime.GOARCH), "listen", "127.0.0.1:0")
	probe.SysProcAttr = attr()
	if err := probe.Run(); err != nil {
		t.Skipf("cannot run the helper as nobody in a new network namespace here: %v", err)
	}
	cmd := exec.Command(filepath.Join(dir, "helper-"+runtime.GOARCH), "listen", ":80")
	cmd.SysProcAttr = attr()
	d := expect(t, run(t, cmd), "SS6003")
	if d.Params["port"] != "80" {
		t.Errorf("port param %q, want 80", d.Params["port"])
	}
}

func TestRealPortInUse(t *testing.T) {
	dir := helper(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	cmd := exec.Command(filepath.Join(dir, "helper-"+runtime.GOARCH), "listen", l.Addr().String())
	d := expect(t, run(t, cmd), "SS6004")
	if _, port, _ := net.SplitHostPort(l.Addr().String()); d.Params["port"] != port {
		t.Errorf("port param %q, want %s", d.Params["port"], port)
	}
}

func TestRealWrongArch(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("the host runs arm64 binaries")
	}
	dir := helper(t)
	expect(t, run(t, exec.Command(filepath.Join(dir, "helper-arm64"), "listen", ":0")), "SS2003")
}

func TestRealLoaderMissing(t *testing.T) {
	needRoot(t)
	bin, err := exec.LookPath("true")
	if err != nil {
		t.Skip(err)
	}
	root := t.TempDir()
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Skip(err)
	}
	if err := os.WriteFile(filepath.Join(root, "app"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	// The dynamically linked binary is there; its ELF interpreter /lib64/ld-linux-x86-64.so.2
	// is not (an image FROM scratch holding a cgo build).
	cmd := exec.Command("/app")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.Dir = "/"
	expect(t, run(t, cmd), "SS2001")
}

func TestRealCRLFScript(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "entrypoint.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\r\necho started\r\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Exec'd directly, as a container runtime does.
	expect(t, run(t, exec.Command(script)), "SS2010")
	// Started from bash, which names the interpreter it could not find.
	if bash, err := exec.LookPath("bash"); err == nil {
		cmd := exec.Command(bash, "-c", "./entrypoint.sh")
		cmd.Dir = dir
		expect(t, run(t, cmd), "SS2010")
	}
}

func TestRealZoneinfoMissing(t *testing.T) {
	needRoot(t)
	dir := helper(t)
	root := t.TempDir()
	b, err := os.ReadFile(filepath.Join(dir, "helper-"+runtime.GOARCH))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "helper"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	// A root without /usr/share/zoneinfo, a -trimpath binary without GOROOT, and a ZONEINFO
	// that points nowhere: what a FROM scratch image gives a service.
	cmd := exec.Command("/helper", "tz", "America/New_York")
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
	cmd.Dir = "/"
	cmd.Env = []string{"ZONEINFO=/nonexistent"}
	d := expect(t, run(t, cmd), "SS2005")
	if d.Params["zone"] != "America/New_York" {
		t.Errorf("zone param %q", d.Params["zone"])
	}
}

func TestRealZoneMisspelt(t *testing.T) {
	dir := helper(t)
	if _, err := os.Stat("/usr/share/zoneinfo/Asia/Shanghai"); err != nil {
		t.Skip("this machine has no zoneinfo database to tell a misspelling from")
	}
	cmd := exec.Command(filepath.Join(dir, "helper-"+runtime.GOARCH), "tz", "Asia/shanghai")
	d := expect(t, run(t, cmd), "SS1007")
	if d.Params["suggestion"] != "Asia/Shanghai" {
		t.Errorf("suggestion %q, want Asia/Shanghai", d.Params["suggestion"])
	}
}

func TestRealUntrustedTLS(t *testing.T) {
	dir := helper(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	empty := filepath.Join(t.TempDir(), "empty.pem")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(dir, "helper-"+runtime.GOARCH), "get", srv.URL)
	cmd.Env = []string{"SSL_CERT_FILE=" + empty, "SSL_CERT_DIR=" + t.TempDir()}
	expect(t, run(t, cmd), "SS2004")
}

// TestRealNonMainPackage builds a library package with go build -o, as a Dockerfile whose
// build path points at the wrong directory does, and runs the result. Exec alone cannot tell
// the archive from a binary without its exec bit; with file(1)'s verdict in the log it can.
func TestRealNonMainPackage(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip(err)
	}
	fileTool, err := exec.LookPath("file")
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":     "module example.com/svc\n\ngo 1.21\n",
		"lib/lib.go": "package lib\n\nfunc F() int { return 1 }\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := exec.Command(goTool, "build", "-o", "app", "./lib")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local")
	if b, err := build.CombinedOutput(); err != nil {
		t.Skipf("go build of a library: %v\n%s", err, b)
	}
	app := filepath.Join(dir, "app")
	denied := run(t, exec.Command(app))
	if !strings.Contains(denied, "permission denied") {
		t.Fatalf("exec of the archive said %q", denied)
	}
	expect(t, denied, "SS2009") // the words alone are the exec-bit failure
	out, err := exec.Command(fileTool, app).CombinedOutput()
	if err != nil {
		t.Skip(err)
	}
	t.Logf("file: %s", out)
	expect(t, denied+string(out), "SS1008")
	if err := os.Chmod(app, 0o755); err != nil {
		t.Fatal(err)
	}
	format := run(t, exec.Command(app))
	expect(t, format+string(out), "SS1008")
}
