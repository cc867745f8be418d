// Package fleet holds the collection examples of shipshape snapshot (an Ansible playbook, a
// Kubernetes DaemonSet) and the tests that run them.
package fleet

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// ansiblePackage is the Debian package that provides ansible-playbook; CI installs it.
const ansiblePackage = "ansible-core"

// playbook finds ansible-playbook, installing Debian's ansible-core when it is absent and the
// test runs as root with apt-get; otherwise the test is skipped with the reason.
func playbook(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("ansible-playbook"); err == nil {
		return p
	}
	if os.Getuid() != 0 {
		t.Skipf("ansible-playbook is not installed and the test is not root: install the Debian package %s", ansiblePackage)
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		t.Skipf("ansible-playbook is not installed and there is no apt-get: install %s", ansiblePackage)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "apt-get", "install", "-y", "--no-install-recommends", ansiblePackage)
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("ansible-playbook is not installed and apt-get install %s failed (%v): %s", ansiblePackage, err, lastLines(out, 3))
	}
	p, err := exec.LookPath("ansible-playbook")
	if err != nil {
		t.Skipf("apt-get installed %s but there is no ansible-playbook", ansiblePackage)
	}
	return p
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " / ")
}

// staticShipshape builds cmd/shipshape with CGO_ENABLED=0, as the playbook's users do.
func staticShipshape(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "shipshape")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/shipshape")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestPlaybookLocalhost runs snapshot.yml with ansible-playbook against this machine
// (-c local) and reads the snapshot it fetched.
func TestPlaybookLocalhost(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Ansible run")
	}
	ap := playbook(t)
	bin := staticShipshape(t)
	out := t.TempDir()
	remoteTmp := t.TempDir() // where Ansible and the playbook's tempfile work
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "shipshape.*"))

	run := func(extra ...string) {
		t.Helper()
		args := append([]string{"-i", "localhost,", "-c", "local", "snapshot.yml",
			"-e", "shipshape_binary=" + bin, "-e", "snapshot_dir=" + out}, extra...)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, ap, args...)
		cmd.Env = append(os.Environ(), "ANSIBLE_LOCAL_TEMP="+remoteTmp, "ANSIBLE_REMOTE_TMP="+remoteTmp,
			"ANSIBLE_NOCOLOR=1", "ANSIBLE_HOST_KEY_CHECKING=0", "PAYMENT_TOKEN=tok_9Zx81qLmWv3")
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stdout
		if err := cmd.Run(); err != nil {
			t.Fatalf("ansible-playbook %s: %v\n%s", strings.Join(args, " "), err, stdout.String())
		}
		if bytes.Contains(stdout.Bytes(), []byte("tok_9Zx81qLmWv3")) {
			t.Error("the playbook's output shows a secret")
		}
	}
	read := func() ([]byte, *host.Snapshot) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, "localhost.json"))
		if err != nil {
			t.Fatalf("the playbook fetched no snapshot: %v", err)
		}
		s, err := host.Decode(b)
		if err != nil {
			t.Fatalf("fetched snapshot: %v", err)
		}
		return b, s
	}

	run()
	b, s := read()
	if want, err := os.ReadFile("/proc/sys/kernel/hostname"); err == nil && s.Hostname != strings.TrimSpace(string(want)) {
		t.Errorf("snapshot of host %q, want this machine (%q)", s.Hostname, strings.TrimSpace(string(want)))
	}
	if s.Identity.UID != os.Getuid() {
		t.Errorf("snapshot taken as uid %d, want the connection user %d", s.Identity.UID, os.Getuid())
	}
	if !hasEnv(s, "PAYMENT_TOKEN", "set", "") {
		t.Errorf("the snapshot does not list PAYMENT_TOKEN as set:\n%s", b)
	}

	// With a key: digests, no value, and the key's own variable is not listed.
	run("-e", "snapshot_key=fleet key")
	b, s = read()
	if bytes.Contains(b, []byte("tok_9Zx81qLmWv3")) || bytes.Contains(b, []byte("fleet key")) {
		t.Error("the keyed snapshot contains a secret or the key")
	}
	if !hasEnv(s, "PAYMENT_TOKEN", "set", "hmac-sha256:") {
		t.Errorf("no keyed digest for PAYMENT_TOKEN")
	}
	if hasEnv(s, "SHIPSHAPE_SNAPSHOT_KEY", "", "") {
		t.Error("the snapshot lists SHIPSHAPE_SNAPSHOT_KEY")
	}

	after, _ := filepath.Glob(filepath.Join(os.TempDir(), "shipshape.*"))
	left, _ := filepath.Glob(filepath.Join(remoteTmp, "shipshape.*"))
	if len(after) > len(before) || len(left) > 0 {
		t.Errorf("the playbook left its temporary directory behind: %v %v", after, left)
	}
}

func hasEnv(s *host.Snapshot, name, state, digestPrefix string) bool {
	for _, e := range s.Env {
		if e.Name == name && (state == "" || e.State == state) && strings.HasPrefix(e.Digest, digestPrefix) {
			return true
		}
	}
	return false
}

// TestDaemonSet reads daemonset.yaml and checks what its comments promise: one pod per node,
// the node's / read-only at /host for --root, host PID and network namespaces, a snapshot init
// container whose log collect.sh reads.
func TestDaemonSet(t *testing.T) {
	f, err := os.Open("daemonset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	var ds map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("daemonset.yaml: %v", err)
		}
		if doc["kind"] == "DaemonSet" {
			ds = doc
		}
	}
	if ds == nil {
		t.Fatal("daemonset.yaml has no DaemonSet")
	}
	spec := dig(t, ds, "spec", "template", "spec")
	for _, k := range []string{"hostPID", "hostNetwork"} {
		if spec[k] != true {
			t.Errorf("%s is not true", k)
		}
	}
	inits, _ := spec["initContainers"].([]any)
	if len(inits) != 1 {
		t.Fatalf("%d init containers, want the snapshot one", len(inits))
	}
	snap := inits[0].(map[string]any)
	if snap["name"] != "snapshot" {
		t.Errorf("init container %q, want snapshot (collect.sh reads its log)", snap["name"])
	}
	if args := strings.Join(strs(snap["args"]), " "); args != "snapshot --root /host" {
		t.Errorf("args %q", args)
	}
	mounts, _ := snap["volumeMounts"].([]any)
	vols, _ := spec["volumes"].([]any)
	if len(mounts) != 1 || len(vols) != 1 {
		t.Fatalf("mounts %v volumes %v", mounts, vols)
	}
	m, v := mounts[0].(map[string]any), vols[0].(map[string]any)
	if m["mountPath"] != "/host" || m["readOnly"] != true || m["name"] != v["name"] {
		t.Errorf("mount %v", m)
	}
	if hp, _ := v["hostPath"].(map[string]any); hp["path"] != "/" {
		t.Errorf("volume %v, want the node's /", v)
	}
	collect, err := os.ReadFile("collect.sh")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(collect, []byte("-c snapshot")) || !bytes.Contains(collect, []byte("app.kubernetes.io/name=shipshape-snapshot")) {
		t.Error("collect.sh does not read the snapshot container of the DaemonSet's pods")
	}
}

func dig(t *testing.T, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			t.Fatalf("no %s in %v", k, m)
		}
		m = next
	}
	return m
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
