package probe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shipshape-dev/shipshape/internal/catalog"
)

func itoa(n int) string { return strconv.Itoa(n) }

func marker(t *testing.T) string {
	var b [6]byte
	rand.Read(b[:])
	return "shipshape-probe-marker-" + hex.EncodeToString(b[:])
}

func probe(t *testing.T, argv []string, c Conditions, opt Options) *Result {
	t.Helper()
	if opt.Timeout == 0 {
		opt.Timeout = 10 * time.Second
	}
	opt.Rules = catalog.All()
	res, err := Run(context.Background(), argv, c, opt)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	t.Logf("%s\n%s", res.Summary(), res.Tail)
	return res
}

func requireRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: switching users and mount namespaces")
	}
}

func TestReadyAndNoOrphans(t *testing.T) {
	m := marker(t)
	res := probe(t, []string{fixture(t, "works"), m}, Conditions{Env: []string{"MARK=" + m}}, Options{})
	if res.Verdict != Ready {
		t.Fatalf("verdict %s, want ready", res.Verdict)
	}
	if len(res.Addrs) != 1 || !strings.HasPrefix(res.Addrs[0], "127.0.0.1:") {
		t.Errorf("addrs %v, want one 127.0.0.1 port", res.Addrs)
	}
	if left := processesWith(m); len(left) > 0 {
		t.Errorf("processes left after probe returned: %v", left)
	}
	if _, err := os.Stat(res.Conditions.Dir); !os.IsNotExist(err) {
		t.Errorf("the temporary working directory %s is still there (%v)", res.Conditions.Dir, err)
	}
}

func TestHealthURL(t *testing.T) {
	// The works fixture listens on an ephemeral port, so the health URL points at a server
	// of the test: probe waits for both.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"))
			c.Close()
		}
	}()
	res := probe(t, []string{fixture(t, "works")}, Conditions{}, Options{Health: "http://" + ln.Addr().String() + "/healthz", Timeout: 700 * time.Millisecond})
	if res.Verdict != Hung {
		t.Errorf("verdict %s with a health URL answering 503, want hung", res.Verdict)
	}
}

func TestFailsOnCwd(t *testing.T) {
	res := probe(t, []string{fixture(t, "cwd")}, Conditions{}, Options{})
	if res.Verdict != Failed || res.ExitCode != 1 {
		t.Fatalf("verdict %s exit %q, want failed with status 1", res.Verdict, res.Exit)
	}
	if !strings.Contains(string(res.Tail), "open config.yaml: no such file or directory") {
		t.Errorf("tail lacks the error:\n%s", res.Tail)
	}
	// With the config in the working directory, it starts.
	dir := worldDir(t)
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := probe(t, []string{fixture(t, "cwd")}, Conditions{Dir: dir}, Options{}); res.Verdict != Ready {
		t.Errorf("with config.yaml in the working directory: %s, want ready", res.Verdict)
	}
}

func TestFailsOnEnv(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://developer@localhost/dev")
	res := probe(t, []string{fixture(t, "env")}, Conditions{}, Options{})
	if res.Verdict != Failed {
		t.Fatalf("verdict %s, want failed: the developer's DATABASE_URL leaked into the target's environment", res.Verdict)
	}
	if res.Diagnosis == nil || len(res.Diagnosis.Diagnoses) == 0 || res.Diagnosis.Diagnoses[0].Class != "env-missing" {
		t.Errorf("diagnosis %+v, want env-missing", res.Diagnosis)
	}
	if res := probe(t, []string{fixture(t, "env")}, Conditions{Env: []string{"DATABASE_URL=postgres://db/app"}}, Options{}); res.Verdict != Ready {
		t.Errorf("with DATABASE_URL set by the target: %s, want ready", res.Verdict)
	}
}

func TestFailsOnUser(t *testing.T) {
	requireRoot(t)
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"); strings.TrimSpace(string(b)) != "1024" {
		t.Skipf("ip_unprivileged_port_start is %s here, not 1024", b)
	}
	// Isolated: the host's port 80 may be taken; a network namespace has its own.
	res := probe(t, []string{fixture(t, "user")}, Conditions{}, Options{Isolated: true})
	if res.Verdict != Failed {
		t.Fatalf("verdict %s, want failed as nobody", res.Verdict)
	}
	if !strings.Contains(string(res.Tail), "bind: permission denied") {
		t.Errorf("tail lacks the bind error:\n%s", res.Tail)
	}
	if res.Conditions.User == nil || res.Conditions.User.UID != Nobody {
		t.Errorf("ran as %v, want nobody", res.Conditions.User)
	}
	res = probe(t, []string{fixture(t, "user")}, Conditions{User: &User{UID: 0, GID: 0, Name: "root"}}, Options{Isolated: true})
	if res.Verdict != Failed || res.SetupError == "" {
		t.Errorf("a root target without AllowRoot: %s, want a setup error", res.Summary())
	}
	res = probe(t, []string{fixture(t, "user")}, Conditions{User: &User{UID: 0, GID: 0, Name: "root"}}, Options{Isolated: true, AllowRoot: true})
	if res.Verdict != Ready || len(res.Addrs) != 1 || res.Addrs[0] != ":80" {
		t.Errorf("as root with AllowRoot: %s, want ready on :80", res.Summary())
	}
}

// requireMountNamespace skips when neither root nor a user namespace can make the read-only
// root.
func requireMountNamespace(t *testing.T) {
	if os.Geteuid() != 0 && !userNamespaces() {
		t.Skip("needs root or unprivileged user namespaces")
	}
}

func TestFailsOnReadOnlyRoot(t *testing.T) {
	requireMountNamespace(t)
	res := probe(t, []string{fixture(t, "readonly")}, Conditions{ReadOnlyRoot: true}, Options{})
	if res.Verdict != Failed {
		t.Fatalf("verdict %s, want failed on a read-only root", res.Verdict)
	}
	if !strings.Contains(string(res.Tail), "read-only file system") {
		t.Errorf("tail lacks EROFS:\n%s", res.Tail)
	}
	if res := probe(t, []string{fixture(t, "readonly")}, Conditions{}, Options{}); res.Verdict != Ready {
		t.Errorf("on a writable root: %s, want ready", res.Summary())
	}
	// The host's file systems are untouched: the test can still write next to the fixtures.
	if err := os.WriteFile(filepath.Join(fixtureDir, "still-writable"), nil, 0o644); err != nil {
		t.Errorf("host file system changed: %v", err)
	}
}

// blackhole returns a local TCP address whose accept queue is full: a connection to it stays in
// SYN_SENT, as one to a firewalled database does.
func blackhole(t *testing.T) string { return blackholeOn(t, [4]byte{127, 0, 0, 1}) }

func blackholeOn(t *testing.T, ip [4]byte) string {
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: ip}); err != nil {
		t.Fatal(err)
	}
	// Backlog 0 holds one connection; the kernel drops the SYNs of the next ones.
	if err := syscall.Listen(fd, 0); err != nil {
		t.Fatal(err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatal(err)
	}
	addr := net.IP(ip[:]).String() + ":" + itoa(sa.(*syscall.SockaddrInet4).Port)
	for i := 0; i < 2; i++ {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err != nil {
			break
		}
		t.Cleanup(func() { c.Close() })
	}
	return addr
}

func TestHangDialing(t *testing.T) {
	addr := blackhole(t)
	m := marker(t)
	res := probe(t, []string{fixture(t, "hang"), addr, m}, Conditions{}, Options{Timeout: 1500 * time.Millisecond})
	if res.Verdict != Hung {
		t.Fatalf("verdict %s, want hung", res.Verdict)
	}
	b := res.Blocked
	if b == nil || b.Caller != "main.main" || !strings.HasPrefix(b.Call, "net.") {
		t.Fatalf("blocked %+v, want main.main in a net call", b)
	}
	if len(b.Connecting) != 1 || !strings.HasPrefix(b.Connecting[0], addr+" (SYN_SENT") {
		t.Errorf("connecting %v, want %s in SYN_SENT", b.Connecting, addr)
	}
	if left := processesWith(m); len(left) > 0 {
		t.Errorf("processes left: %v", left)
	}
}

func TestSetupErrors(t *testing.T) {
	res := probe(t, []string{fixture(t, "works")}, Conditions{Dir: "/nonexistent/dir"}, Options{})
	if res.Verdict != Failed || !strings.Contains(res.SetupError, "no such file or directory") {
		t.Errorf("missing working directory: %s", res.Summary())
	}
	if _, err := Run(context.Background(), []string{"/nonexistent/server"}, Conditions{}, Options{}); err == nil {
		t.Error("a missing program gave no error")
	}
	if _, err := Run(context.Background(), nil, Conditions{}, Options{}); err == nil {
		t.Error("no program gave no error")
	}
}

func TestCancel(t *testing.T) {
	m := marker(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := Run(ctx, []string{fixture(t, "hang"), blackhole(t), m}, Conditions{}, Options{Timeout: time.Minute})
	if err == nil {
		t.Fatal("cancelled probe returned no error")
	}
	if left := processesWith(m); len(left) > 0 {
		t.Errorf("processes left after cancel: %v", left)
	}
}

func TestMemoryLimit(t *testing.T) {
	res := probe(t, []string{fixture(t, "hog")}, Conditions{Memory: 64 << 20}, Options{})
	for _, n := range res.Notes {
		if strings.Contains(n, "not simulated") {
			t.Skipf("no memory cgroup here: %s", n)
		}
	}
	if res.Verdict != Failed || !strings.Contains(res.Exit, "memory limit of 64Mi") {
		t.Errorf("%s, want killed by the 64Mi limit", res.Summary())
	}
	if res := probe(t, []string{fixture(t, "hog")}, Conditions{Memory: 1 << 30}, Options{}); res.Verdict != Ready {
		t.Errorf("with 1Gi: %s, want ready", res.Summary())
	}
}

func TestNoFileLimit(t *testing.T) {
	// The works fixture needs a handful of descriptors; 3 leaves none past stdio.
	res := probe(t, []string{fixture(t, "works")}, Conditions{NoFile: 3}, Options{})
	if res.Verdict != Failed || !strings.Contains(string(res.Tail), "too many open files") {
		t.Errorf("%s, want too many open files", res.Summary())
	}
}

func TestSockDiagAgreesWithProc(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ln6, err := net.Listen("tcp6", "[::1]:0")
	if err == nil {
		defer ln6.Close()
	}
	addr := blackhole(t)
	go net.DialTimeout("tcp", addr, 2*time.Second)
	time.Sleep(50 * time.Millisecond)
	sk := newSockets(os.Getpid())
	defer sk.Close()
	if sk.fd < 0 {
		t.Skip("no NETLINK_SOCK_DIAG here")
	}
	states := uint32(1<<tcpListen | 1<<tcpSynSent | 1<<tcpEstablished)
	key := func(es []socketEntry) map[socketEntry]bool {
		m := map[socketEntry]bool{}
		for _, e := range es {
			if states&(1<<uint(e.state)) != 0 {
				m[e] = true
			}
		}
		return m
	}
	diag, proc := key(sk.list(states)), key(readSockets(os.Getpid()))
	for e := range proc {
		if !diag[e] {
			t.Errorf("/proc has %+v, sock_diag does not", e)
		}
	}
	for e := range diag {
		if !proc[e] {
			t.Errorf("sock_diag has %+v, /proc does not", e)
		}
	}
	if l := sk.listening(os.Getpid()); !slices.Contains(l, ln.Addr().String()) {
		t.Errorf("listening %v lacks %s", l, ln.Addr())
	}
	if c := sk.connecting(os.Getpid()); !slices.ContainsFunc(c, func(s string) bool { return strings.HasPrefix(s, addr+" (SYN_SENT") }) {
		t.Errorf("connecting %v lacks %s in SYN_SENT", c, addr)
	}
}

// syncBuffer is an Options.Output the test reads after the probe.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestUmaskLimitsAndEnvironmentApplied(t *testing.T) {
	// A shell reports what it was given, then becomes the service.
	umask := 0o077
	for _, tc := range []struct {
		name string
		c    Conditions
		opt  Options
		want []string
	}{
		{"helper", Conditions{Umask: &umask, NoFile: 256, Env: []string{"A=1"}}, Options{},
			[]string{"umask=0077", "nofile=256", "env=A=1,PATH=" + DefaultPath, "tty=no", "stdin=eof", "CapEff:\t0000000000000000"}},
		// As root, direct in a network namespace; otherwise through the helper in a user
		// namespace, whose capabilities must not reach the service.
		{"isolated", Conditions{Env: []string{"PATH=/bin:/usr/bin"}}, Options{Isolated: true},
			[]string{"umask=0022", "env=PATH=/bin:/usr/bin", "tty=no", "stdin=eof", "CapEff:\t0000000000000000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out syncBuffer
			tc.opt.Output = &out
			script := `echo "umask=$(umask)"; echo "nofile=$(ulimit -n)"; echo "env=$(env | grep -v '^PWD=\|^SHLVL=\|^_=' | sort | paste -sd, -)"; ` +
				`if [ -t 0 ] || [ -t 1 ]; then echo tty=yes; else echo tty=no; fi; if read -r x; then echo stdin=data; else echo stdin=eof; fi; grep CapEff /proc/self/status; exec "$0"`
			res := probe(t, []string{"/bin/sh", "-c", script, fixture(t, "works")}, tc.c, tc.opt)
			if res.Verdict != Ready {
				t.Fatalf("%s", res.Summary())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w+"\n") {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestExpectedPort(t *testing.T) {
	// The works fixture listens on an ephemeral port, never on the one the target declares.
	res := probe(t, []string{fixture(t, "works")}, Conditions{}, Options{Port: 1, Timeout: 500 * time.Millisecond})
	if res.Verdict != Hung {
		t.Fatalf("%s, want hung: it never listens on :1", res.Summary())
	}
	if len(res.Addrs) != 1 || !strings.Contains(res.Summary(), "listens on "+res.Addrs[0]+" but not on :1") {
		t.Errorf("%q, want where it listens instead", res.Summary())
	}
}
