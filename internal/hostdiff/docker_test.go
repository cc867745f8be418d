package hostdiff

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// engine skips the test when no Docker engine answers, or fails it when
// SHIPSHAPE_REQUIRE_DOCKER=1 (CI, where the engine must be there).
func engine(t *testing.T) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("SHIPSHAPE_REQUIRE_DOCKER") == "1" {
		fail = t.Fatalf
	}
	if _, err := exec.LookPath("docker"); err != nil {
		fail("no docker command: the Docker collection test needs a Docker engine (SHIPSHAPE_REQUIRE_DOCKER=1 makes this a failure)")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		fail("no Docker engine answers (docker version: %s): skipping the collection test (SHIPSHAPE_REQUIRE_DOCKER=1 makes this a failure)", strings.TrimSpace(string(out)))
	}
}

func docker(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// scratchImage writes a docker-loadable archive of an image FROM scratch holding the static
// shipshape binary at /shipshape, an empty /tmp (mode 1777) and the given files (path → body,
// mode 0755), with shipshape as entrypoint.
func scratchImage(t *testing.T, bin []byte, ref string, files map[string][]byte) string {
	t.Helper()
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	all := map[string][]byte{"shipshape": bin}
	for p, b := range files {
		all[strings.TrimPrefix(p, "/")] = b
	}
	var names []string
	for p := range all {
		names = append(names, p)
	}
	sort.Strings(names)
	dirs := map[string]bool{}
	headers := []*tar.Header{{Name: "tmp/", Typeflag: tar.TypeDir, Mode: 0o1777}}
	for _, p := range names {
		for d := filepath.Dir(p); d != "." && !dirs[d]; d = filepath.Dir(d) {
			dirs[d] = true
			headers = append(headers, &tar.Header{Name: d + "/", Typeflag: tar.TypeDir, Mode: 0o755})
		}
	}
	sort.Slice(headers, func(i, j int) bool { return headers[i].Name < headers[j].Name })
	for _, p := range names {
		headers = append(headers, &tar.Header{Name: p, Typeflag: tar.TypeReg, Mode: 0o755, Size: int64(len(all[p]))})
	}
	for _, h := range headers {
		h.ModTime = time.Unix(0, 0)
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(all[h.Name]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Config(img, v1.Config{Entrypoint: []string{"/shipshape"}, Env: []string{"PATH=/"}})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", goarch()
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "image.tar")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := tarball.Write(tag, img, f); err != nil {
		t.Fatal(err)
	}
	return file
}

func goarch() string {
	out, err := exec.Command("go", "env", "GOARCH").Output()
	if err != nil {
		return "amd64"
	}
	return strings.TrimSpace(string(out))
}

// moduleRoot is the directory of go.mod.
func moduleRoot(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// TestDockerCollection snapshots differently configured containers of one image on the
// Docker engine and checks that diff names exactly the configured differences.
func TestDockerCollection(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no Docker")
	}
	engine(t)
	bin := filepath.Join(t.TempDir(), "shipshape")
	build := exec.Command("go", "build", "-o", bin, "./cmd/shipshape")
	build.Dir = moduleRoot(t)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	body, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	suffix := make([]byte, 4)
	rand.Read(suffix)
	ref := "shipshape-snapshot-test:" + hex.EncodeToString(suffix)
	docker(t, "load", "-i", scratchImage(t, body, ref, nil))
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", ref).Run() })

	snapOf := func(t *testing.T, ref string, flags ...string) *host.Snapshot {
		args := append([]string{"run", "--rm"}, flags...)
		args = append(args, ref, "snapshot")
		s, err := host.Decode(docker(t, args...))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	snap := func(t *testing.T, flags ...string) *host.Snapshot { return snapOf(t, ref, flags...) }
	base := snap(t)
	if base.Container.Kind != "docker" || base.Libc.Family != "none" || base.Tmp.Writable != host.Yes || base.Identity.UID != 0 {
		t.Fatalf("base container: container %+v libc %+v tmp %+v uid %d", base.Container, base.Libc, base.Tmp, base.Identity.UID)
	}
	if r := Compare(base, snap(t), nil); !r.Identical {
		t.Errorf("two containers of the same configuration differ:\n%s", dump(r.Differences))
	}
	for _, tc := range []struct {
		name  string
		flags []string
		// reverse compares the variant (A) with the base (B): an extra variable on A is one
		// missing on B.
		reverse bool
		// fields are every field that differs; matters are the failure modes that matter.
		fields  []string
		matters []string
	}{
		{name: "read-only root", flags: []string{"--read-only"},
			// Docker bind-mounts /etc/hostname, /etc/hosts and /etc/resolv.conf read-only too;
			// they are the runtime's files, which a service does not write.
			fields: []string{"mounts.readOnly./", "mounts.readOnly./etc/hostname", "mounts.readOnly./etc/hosts",
				"mounts.readOnly./etc/resolv.conf", "mounts.rootReadOnly", "tmp.writable"},
			matters: []string{"SS2008 mounts.rootReadOnly", "SS2013 tmp.writable"}},
		{name: "another user", flags: []string{"--user", "1234"},
			// The image has no /etc/passwd, so neither uid has a name; a non-root process has no
			// effective capabilities. /tmp (1777) stays writable.
			fields:  []string{"identity.netBindService", "identity.uid"},
			matters: []string{"SS2008 identity.uid"}},
		{name: "other env", flags: []string{"-e", "EXTRA=1"}, reverse: true,
			fields:  []string{"env.EXTRA"},
			matters: []string{"SS2015 env.EXTRA"}},
		{name: "memory limit", flags: []string{"--memory", "256m"},
			fields:  []string{"cgroup.memory"},
			matters: []string{"SS7001 cgroup.memory"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base, snap(t, tc.flags...)
			if tc.reverse {
				a, b = b, a
			}
			fields := map[string]bool{}
			for _, d := range fieldDiffs(flatten(a), flatten(b)) {
				fields[d.Field] = true
			}
			r := Compare(a, b, nil)
			var matters []string
			for _, d := range r.Matters() {
				matters = append(matters, d.ID+" "+d.Field)
			}
			sort.Strings(matters)
			if d := cmp.Diff(tc.fields, keys(fields)); d != "" {
				t.Errorf("fields that differ (-want +got):\n%s\n%s", d, dump(r.Differences))
			}
			if d := cmp.Diff(tc.matters, matters); d != "" {
				t.Errorf("differences that matter (-want +got):\n%s", d)
			}
		})
	}

	// A user by name in an image without /etc/passwd: the engine refuses to start it, the
	// failure diff predicts as SS2012 when A runs as a named user B does not have.
	t.Run("user by name", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		out, err := exec.CommandContext(ctx, "docker", "run", "--rm", "--user", "app", ref, "snapshot").CombinedOutput()
		if err == nil {
			t.Fatalf("docker run --user app started without a passwd entry:\n%s", out)
		}
		if !strings.Contains(string(out), "unable to find user app: no matching entries in passwd file") {
			t.Errorf("docker run --user app: %s", out)
		}
		t.Logf("reproduced: %s", bytes.TrimSpace(out))
	})

	// The same image with this machine's glibc, loader, CA bundle, a zone file and a passwd:
	// read from inside a container, and each missing from the scratch image is a difference.
	t.Run("glibc image", func(t *testing.T) {
		live := host.Collect(host.Options{Env: []string{}})
		if live.Libc.Family != "glibc" || len(live.Loaders) == 0 || live.CA.File == "" {
			t.Skipf("this machine has no glibc, loader or CA bundle to copy (libc %+v)", live.Libc)
		}
		files := map[string][]byte{"/etc/passwd": []byte("root:x:0:0:root:/root:/bin/sh\n")}
		for _, p := range []string{live.Libc.Path, live.Loaders[0], live.CA.File, "/usr/share/zoneinfo/UTC"} {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Skipf("%v", err)
			}
			files[p] = b
		}
		gref := ref + "-glibc"
		docker(t, "load", "-i", scratchImage(t, body, gref, files))
		t.Cleanup(func() { exec.Command("docker", "rmi", "-f", gref).Run() })
		a := snapOf(t, gref)
		if a.Libc.Family != "glibc" || a.Libc.Version != live.Libc.Version || a.Libc.Path != live.Libc.Path {
			t.Errorf("libc in the container %+v, want this machine's %+v", a.Libc, live.Libc)
		}
		if a.CA.Certificates != live.CA.Certificates || a.Identity.User != "root" {
			t.Errorf("CA %+v identity %+v", a.CA, a.Identity)
		}
		r := Compare(a, base, nil)
		var matters []string
		for _, d := range r.Matters() {
			matters = append(matters, d.ID+" "+d.Field)
		}
		want := []string{"SS2001 loaders", "SS2004 ca.file", "SS2005 zoneinfo.dirs"}
		if d := cmp.Diff(want, matters); d != "" {
			t.Errorf("glibc image against scratch (-want +got):\n%s\n%s", d, dump(r.Differences))
		}
	})
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
