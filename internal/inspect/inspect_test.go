package inspect_test

import (
	"context"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/inspect"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

const (
	helloSrc = `package main

import "fmt"

func main() { fmt.Println("hello") }
`
	cgoSrc = `package main

/*
#include <stdio.h>
static void hi(void) { puts("hello from cgo"); fflush(stdout); }
*/
import "C"

func main() { C.hi() }
`
	// tlsSrc fetches the URL in its first argument and fails when TLS verification does.
	tlsSrc = `package main

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"time"
)

func main() {
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{}}}
	if len(os.Args) < 2 {
		fmt.Println("ok: no URL")
		return
	}
	resp, err := c.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	resp.Body.Close()
	fmt.Println("ok:", resp.Status)
}
`
	// zoneSrc loads the zone in its first argument.
	zoneSrc = `package main

import (
	"fmt"
	"os"
	"time"
)

func main() {
	name := "Europe/Berlin"
	if len(os.Args) > 1 {
		name = os.Args[1]
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ok:", loc)
}
`
)

func static(t *testing.T) []byte { return ti.GoBuild(t, helloSrc, "CGO_ENABLED=0") }

func cgo(t *testing.T) []byte {
	t.Helper()
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler: cannot build a cgo binary")
	}
	return ti.GoBuild(t, cgoSrc, "CGO_ENABLED=1")
}

// inspectSpec writes spec as a docker save archive and inspects it.
func inspectSpec(t *testing.T, spec ti.Spec, opt inspect.Options) *inspect.Result {
	t.Helper()
	file := filepath.Join(t.TempDir(), "img.tar")
	if err := ti.WriteSaveFile(file, "test:latest", spec); err != nil {
		t.Fatal(err)
	}
	img, err := image.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	return inspect.Image(img, opt)
}

func ids(r *inspect.Result) string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.ID)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func scratch(files ...ti.File) [][]ti.File { return [][]ti.File{files} }

func entry(argv ...string) v1.Config { return v1.Config{Entrypoint: argv} }

func TestImages(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the cases assume an amd64 host")
	}
	glibc := ti.RootOrSkip(t, "glibc", ti.GlibcRoot)
	musl := ti.RootOrSkip(t, "musl", ti.MuslRoot)
	arm := ti.GoBuild(t, helloSrc, "CGO_ENABLED=0", "GOARCH=arm64")
	darwin := ti.GoBuild(t, helloSrc, "CGO_ENABLED=0", "GOOS=darwin")
	tlsBin := ti.GoBuild(t, tlsSrc, "CGO_ENABLED=0")
	zoneBin := ti.GoBuild(t, zoneSrc, "CGO_ENABLED=0")
	zoneTZ := ti.GoBuild(t, zoneSrc, "CGO_ENABLED=0", "-tags=timetzdata")
	ca := ti.Text("/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n")
	// mergedUsr is the glibc root laid out as Debian 12 and Fedora do: /lib, /lib64 and /bin are
	// symlinks into /usr.
	var mergedUsr []ti.File
	for _, f := range glibc {
		p := path.Clean("/" + f.Path)
		if p == "/lib" || p == "/lib64" || p == "/bin" {
			continue
		}
		if strings.HasPrefix(p, "/lib") || strings.HasPrefix(p, "/bin/") {
			f.Path = "/usr" + p
		}
		mergedUsr = append(mergedUsr, f)
	}
	mergedUsr = append(mergedUsr, ti.Dir("/usr"), ti.Dir("/usr/lib"), ti.Dir("/usr/lib64"), ti.Symlink("/lib", "usr/lib"), ti.Symlink("/lib64", "usr/lib64"), ti.Symlink("/bin", "usr/bin"))
	mergedUsr = ti.Merge(mergedUsr)
	passwd := ti.Text("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/false\n")

	cases := []struct {
		name    string
		spec    ti.Spec
		ids     string
		verdict string
	}{
		{"static in scratch", ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: entry("/app")}, "", "will start"},
		{"glibc binary in scratch", ti.Spec{Layers: scratch(ti.Exec("/app", cgo(t))), Config: entry("/app")}, "SS2001", "will not start: SS2001"},
		{"glibc binary on musl", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/app", cgo(t))}}, Config: entry("/app")}, "SS2001", "will not start: SS2001"},
		{"glibc binary on glibc", ti.Spec{Layers: [][]ti.File{glibc, {ti.Exec("/app", cgo(t))}}, Config: entry("/app")}, "", "will start"},
		{"glibc binary on merged /usr", ti.Spec{Layers: [][]ti.File{mergedUsr, {ti.Exec("/app", cgo(t))}}, Config: entry("/app")}, "", "will start"},
		{"crlf script", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entry.sh", []byte("#!/bin/sh\r\nexec /app\r\n"))}}, Config: entry("/entry.sh")}, "SS2010", "will not start: SS2010"},
		{"script on musl", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entry.sh", []byte("#!/bin/sh\nexec /app\n"))}}, Config: entry("/entry.sh")}, "", "will start"},
		{"entrypoint script runs a glibc Cmd", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entry.sh", []byte("#!/bin/sh\nset -e\nexec \"$@\"\n")), ti.Exec("/app", cgo(t))}},
			Config: v1.Config{Entrypoint: []string{"/entry.sh"}, Cmd: []string{"/app"}}}, "SS2001", "will not start: SS2001"},
		{"entrypoint script ignores Cmd", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entry.sh", []byte("#!/bin/sh\necho hi\n")), ti.Exec("/app", cgo(t))}},
			Config: v1.Config{Entrypoint: []string{"/entry.sh"}, Cmd: []string{"/app"}}}, "", "will start"},
		{"bash script on busybox", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entry.sh", []byte("#!/usr/bin/env bash\n"))}}, Config: entry("/entry.sh")}, "SS2011", "will not start: SS2011"},
		{"no exec bit", ti.Spec{Layers: scratch(ti.File{Path: "/app", Mode: 0o644, Body: static(t)}), Config: entry("/app")}, "SS2009", "will not start: SS2009"},
		{"arm64 binary in amd64 image", ti.Spec{Layers: scratch(ti.Exec("/app", arm)), Config: entry("/app")}, "SS2003", "will not start: SS2003"},
		{"darwin binary", ti.Spec{Layers: scratch(ti.Exec("/app", darwin)), Config: entry("/app")}, "SS2003", "will not start: SS2003"},
		{"user without passwd", ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: v1.Config{Entrypoint: []string{"/app"}, User: "app"}}, "SS2012", "will not start: SS2012"},
		{"user not in passwd", ti.Spec{Layers: scratch(ti.Exec("/app", static(t)), passwd), Config: v1.Config{Entrypoint: []string{"/app"}, User: "web"}}, "SS2012", "will not start: SS2012"},
		{"user in passwd", ti.Spec{Layers: scratch(ti.Exec("/app", static(t)), passwd), Config: v1.Config{Entrypoint: []string{"/app"}, User: "app"}}, "", "will start"},
		{"numeric user", ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: v1.Config{Entrypoint: []string{"/app"}, User: "65532:65532"}}, "", "will start"},
		{"tls without ca", ti.Spec{Layers: scratch(ti.Exec("/app", tlsBin)), Config: entry("/app")}, "SS2004", "will start"},
		{"tls with ca", ti.Spec{Layers: scratch(ti.Exec("/app", tlsBin), ca), Config: entry("/app")}, "", "will start"},
		{"tls with SSL_CERT_FILE elsewhere", ti.Spec{Layers: scratch(ti.Exec("/app", tlsBin), ca), Config: v1.Config{Entrypoint: []string{"/app"}, Env: []string{"SSL_CERT_FILE=/certs/ca.pem", "SSL_CERT_DIR=/certs"}}}, "SS2004", "will start"},
		{"zone without zoneinfo", ti.Spec{Layers: scratch(ti.Exec("/app", zoneBin)), Config: entry("/app")}, "SS2005", "will start"},
		{"zone with tzdata linked", ti.Spec{Layers: scratch(ti.Exec("/app", zoneTZ)), Config: entry("/app")}, "", "will start"},
		{"zone with zoneinfo", ti.Spec{Layers: scratch(ti.Exec("/app", zoneBin), ti.Text("/usr/share/zoneinfo/Europe/Berlin", "TZif")), Config: entry("/app")}, "", "will start"},
		{"shell form in scratch", ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: v1.Config{Cmd: []string{"/bin/sh", "-c", "/app --port 80"}}}, "SS2011", "will not start: SS2011"},
		{"shell form on musl", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/app", static(t))}}, Config: v1.Config{Cmd: []string{"/bin/sh", "-c", "exec /app"}}}, "", "will start"},
		{"healthcheck curl missing", ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/app", static(t))}}, Config: v1.Config{Entrypoint: []string{"/app"},
			Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "curl", "-f", "http://localhost/"}}}}, "SS2011", "will not start: SS2011"},
		{"workdir is a file", ti.Spec{Layers: scratch(ti.Exec("/app", static(t)), ti.Text("/srv", "x")), Config: v1.Config{Entrypoint: []string{"/app"}, WorkingDir: "/srv"}}, "SS2007", "will not start: SS2007"},
		{"workdir missing is created", ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: v1.Config{Entrypoint: []string{"/app"}, WorkingDir: "/srv"}}, "", "will start"},
		{"symlinked entrypoint", ti.Spec{Layers: scratch(ti.Dir("/usr"), ti.Dir("/usr/bin"), ti.Exec("/usr/bin/app", static(t)), ti.Symlink("/app", "usr/bin/../bin/app")), Config: entry("/app")}, "", "will start"},
		{"entrypoint symlink loop", ti.Spec{Layers: scratch(ti.Symlink("/app", "/b"), ti.Symlink("/b", "/app")), Config: entry("/app")}, "SS2011", "will not start: SS2011"},
		{"entrypoint in PATH", ti.Spec{Layers: scratch(ti.Exec("/usr/local/bin/app", static(t))), Config: v1.Config{Entrypoint: []string{"app"}, Env: []string{"PATH=/usr/local/bin"}}}, "", "will start"},
		{"entrypoint not in PATH", ti.Spec{Layers: scratch(ti.Exec("/opt/app", static(t))), Config: v1.Config{Entrypoint: []string{"app"}}}, "SS2011", "will not start: SS2011"},
		{"entrypoint deleted by whiteout", ti.Spec{Layers: [][]ti.File{{ti.Exec("/app", static(t))}, {ti.Text("/.wh.app", "")}}, Config: entry("/app")}, "SS2011", "will not start: SS2011"},
		{"no command", ti.Spec{Layers: scratch(ti.Exec("/app", static(t)))}, "", "will not start: no command: the image has neither Entrypoint nor Cmd"},
		{"not an executable", ti.Spec{Layers: scratch(ti.Exec("/app", []byte("just text"))), Config: entry("/app")}, "SS2003", "will not start: SS2003"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := inspectSpec(t, c.spec, inspect.Options{})
			if got := ids(r); got != c.ids || r.Verdict != c.verdict {
				for _, f := range r.Findings {
					t.Logf("%s: %s: %s [%s]", f.Pos, f.Severity, f.Message, f.ID)
				}
				t.Errorf("ids %q verdict %q; want %q, %q (unknown %v)", got, r.Verdict, c.ids, c.verdict, r.Unknown)
			}
		})
	}
}

// TestGlibcTooOld puts a libc.so.6 that defines versions only up to GLIBC_2.17 (built with a
// version script) under a binary that needs the host's newer glibc.
func TestGlibcTooOld(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("amd64 paths")
	}
	bin := cgo(t)
	glibc := ti.RootOrSkip(t, "glibc", ti.GlibcRoot)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "v.map"), []byte("GLIBC_2.2.5 { global: old_symbol; local: *; };\nGLIBC_2.17 { global: new_symbol; } GLIBC_2.2.5;\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "c.c"), []byte("int old_symbol(void) { return 1; }\nint new_symbol(void) { return 2; }\n"), 0o644)
	lib := filepath.Join(dir, "libc.so.6")
	if out, err := exec.Command("gcc", "-shared", "-fPIC", "-nostdlib", "-Wl,--version-script="+filepath.Join(dir, "v.map"), "-Wl,-soname,libc.so.6", "-o", lib, filepath.Join(dir, "c.c")).CombinedOutput(); err != nil {
		t.Skipf("gcc: %v %s", err, out)
	}
	old, _ := os.ReadFile(lib)
	r := inspectSpec(t, ti.Spec{Layers: [][]ti.File{glibc, {ti.Exec("/lib/x86_64-linux-gnu/libc.so.6", old), ti.Exec("/app", bin)}}, Config: entry("/app")}, inspect.Options{})
	if ids(r) != "SS2002" || !strings.Contains(r.Findings[0].Message, "glibc 2.17") {
		for _, f := range r.Findings {
			t.Logf("%s: %s [%s]", f.Pos, f.Message, f.ID)
		}
		t.Errorf("ids %q", ids(r))
	}
}

func TestHost(t *testing.T) {
	cgoBin := cgo(t)
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o755)
		return p
	}
	app := write("app", string(cgoBin))
	cases := []struct {
		host    string
		verdict string
	}{
		{`{"arch":"x86_64","libc":{"family":"glibc","version":"2.99"},"kernel":"6.1.0-13-amd64"}`, "will start"},
		{`{"arch":"aarch64","libc":{"family":"glibc","version":"2.99"},"kernel":"6.1.0"}`, "will not start: SS2003"},
		{`{"arch":"amd64","libc":{"family":"musl","version":"1.2.4"},"kernel":"6.1.0"}`, "will not start: SS2001"},
		{`{"arch":"amd64","libc":{"family":"glibc","version":"2.17"},"kernel":"6.1.0"}`, "will not start: SS2002"},
		{`{"arch":"amd64","libc":{"family":"glibc","version":"2.99"},"kernel":"2.6.32-754.el6.x86_64"}`, "will not start: kernel 2.6.32-754.el6.x86_64 is older than the 3.2 that " + runtimeGo() + " requires"},
		{`{"arch":"amd64"}`, "cannot tell: the host's C library (the snapshot has no libc.family); the host's kernel version"},
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("the host snapshots are amd64")
	}
	for _, c := range cases {
		h, err := inspect.ReadHost(write("host.json", c.host))
		if err != nil {
			t.Fatal(err)
		}
		r, err := inspect.Binary(app, inspect.Options{Host: h})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != c.verdict {
			t.Errorf("%s: verdict %q, want %q", c.host, r.Verdict, c.verdict)
		}
	}
	if _, err := inspect.ReadHost(write("bad.json", `{"libc":{"family":"bsd"}}`)); err == nil {
		t.Error("libc family bsd accepted")
	}
	if _, err := inspect.ReadHost(write("bad.json", `not json`)); err == nil {
		t.Error("not JSON accepted")
	}
}

func runtimeGo() string {
	out, _ := exec.Command("go", "env", "GOVERSION").Output()
	return strings.TrimSpace(string(out))
}

// TestProject compares the facts of a source tree with the image built from it.
func TestProject(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/web\n\ngo 1.24\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte(`package main

import (
	"html/template"
	"net/http"
)

func main() {
	tpl := template.Must(template.ParseFiles("templates/index.html"))
	_ = tpl
	http.ListenAndServe(":8080", nil)
}
`), 0o644)
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := facts.Load(tr)
	if p.Go == nil || len(p.Go.Files) == 0 || len(p.Go.Listeners) == 0 {
		t.Skipf("the Go facts of the project are not there yet (files %v)", p.Go != nil)
	}
	bin := static(t)
	broken := ti.Spec{Layers: scratch(ti.Exec("/app/server", bin), ti.Text("/app/templates/index.html", "<p>")),
		Config: v1.Config{Entrypoint: []string{"/app/server"}, ExposedPorts: map[string]struct{}{"9090/tcp": {}}}}
	r := inspectSpec(t, broken, inspect.Options{Project: p})
	if got := ids(r); got != "SS2007 SS6001" {
		for _, f := range r.Findings {
			t.Logf("%s: %s [%s]", f.Pos, f.Message, f.ID)
		}
		t.Errorf("ids %q, want SS2007 (templates next to the binary, WorkingDir /) and SS6001", got)
	}
	fixed := broken
	fixed.Config.WorkingDir = "/app"
	fixed.Config.ExposedPorts = map[string]struct{}{"8080/tcp": {}}
	if r := inspectSpec(t, fixed, inspect.Options{Project: p}); ids(r) != "" {
		t.Errorf("fixed image: %q", ids(r))
	}
	gone := fixed
	gone.Layers = scratch(ti.Exec("/app/server", bin))
	if r := inspectSpec(t, gone, inspect.Options{Project: p}); ids(r) != "SS2006" {
		t.Errorf("image without the templates: %q, want SS2006", ids(r))
	}
}
