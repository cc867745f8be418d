package probe

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/testimage"
)

// fixtureImage loads an image FROM scratch holding one fixture service as /app/<name>.
func fixtureImage(t *testing.T, name string, cfg v1.Config) string {
	t.Helper()
	bin, err := os.ReadFile(fixture(t, name))
	if err != nil {
		t.Fatal(err)
	}
	ref := testimage.Tag("probe-" + name)
	if cfg.Entrypoint == nil {
		cfg.Entrypoint = []string{"/app/" + name}
	}
	testimage.Load(t, ref, testimage.Spec{
		Layers: [][]testimage.File{{testimage.Dir("app"), testimage.Exec("app/"+name, bin), testimage.Dir("tmp")}},
		Config: cfg,
	})
	return ref
}

func probeImage(t *testing.T, ref string, c Conditions, opt Options) *Result {
	t.Helper()
	opt.Rules = catalog.All()
	if opt.Timeout == 0 {
		opt.Timeout = 15 * time.Second
	}
	res, err := RunImage(context.Background(), ref, c, ImageOptions{Options: opt})
	if err != nil {
		t.Fatalf("RunImage: %v", err)
	}
	t.Logf("%s\n%s", res.Summary(), res.Tail)
	return res
}

func TestImage(t *testing.T) {
	testimage.Engine(t)
	t.Run("ready", func(t *testing.T) {
		ref := fixtureImage(t, "works", v1.Config{User: "65534"})
		res := probeImage(t, ref, Conditions{}, Options{})
		if res.Verdict != Ready || len(res.Addrs) == 0 {
			t.Errorf("%s, want ready", res.Summary())
		}
	})
	t.Run("root refused", func(t *testing.T) {
		ref := fixtureImage(t, "works", v1.Config{})
		if res := probeImage(t, ref, Conditions{}, Options{}); res.Verdict != Failed || !strings.Contains(res.SetupError, "root") {
			t.Errorf("%s, want refused as root", res.Summary())
		}
	})
	t.Run("env", func(t *testing.T) {
		ref := fixtureImage(t, "env", v1.Config{User: "65534"})
		res := probeImage(t, ref, Conditions{}, Options{})
		if res.Verdict != Failed || res.Diagnosis == nil || len(res.Diagnosis.Diagnoses) == 0 || res.Diagnosis.Diagnoses[0].Class != "env-missing" {
			t.Errorf("%s, want failed with env-missing", res.Summary())
		}
		if res := probeImage(t, ref, Conditions{Env: []string{"DATABASE_URL=postgres://db/app"}}, Options{}); res.Verdict != Ready {
			t.Errorf("with DATABASE_URL: %s, want ready", res.Summary())
		}
	})
	t.Run("read-only", func(t *testing.T) {
		ref := fixtureImage(t, "readonly", v1.Config{})
		root := &User{UID: 0, GID: 0, Name: "root"}
		res := probeImage(t, ref, Conditions{User: root, ReadOnlyRoot: true, Writable: []string{"/tmp"}}, Options{AllowRoot: true})
		if res.Verdict != Failed || !strings.Contains(string(res.Tail), "read-only file system") {
			t.Errorf("%s, want failed on the read-only root", res.Summary())
		}
		if res := probeImage(t, ref, Conditions{User: root}, Options{AllowRoot: true}); res.Verdict != Ready {
			t.Errorf("writable: %s, want ready", res.Summary())
		}
	})
	t.Run("hang", func(t *testing.T) {
		// The container reaches this host at the bridge's gateway address: a listener there
		// with a full accept queue leaves its connection in SYN_SENT.
		out, err := exec.Command("docker", "network", "inspect", "bridge", "--format", "{{range .IPAM.Config}}{{.Gateway}} {{end}}").Output()
		gw := net.ParseIP(strings.Fields(string(out) + " 172.17.0.1")[0]).To4()
		if err != nil || gw == nil {
			t.Skipf("no bridge gateway address: %v", err)
		}
		addr := blackholeOn(t, [4]byte(gw))
		ref := fixtureImage(t, "hang", v1.Config{User: "65534", Cmd: []string{addr}})
		res := probeImage(t, ref, Conditions{}, Options{Timeout: 2 * time.Second})
		if res.Verdict != Hung {
			t.Fatalf("%s, want hung", res.Summary())
		}
		if res.Blocked == nil || res.Blocked.Caller != "main.main" || res.Blocked.Call != "net.Dial" {
			t.Errorf("blocked %+v, want main.main in net.Dial", res.Blocked)
		}
		if len(res.Blocked.Connecting) != 1 || !strings.HasPrefix(res.Blocked.Connecting[0], addr) {
			t.Errorf("connecting %v, want %s", res.Blocked.Connecting, addr)
		}
	})
	t.Run("missing image", func(t *testing.T) {
		if _, err := RunImage(context.Background(), "shipshape-test/never-built:none", Conditions{}, ImageOptions{}); err == nil || !strings.Contains(err.Error(), "never pulls") {
			t.Errorf("err %v, want not on this engine", err)
		}
	})
}
