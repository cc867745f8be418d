package binary_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/binary"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

const hello = `package main

import "fmt"

func main() { fmt.Println("hello") }
`

// zones loads a zone and embeds the zone database.
const zones = `package main

import (
	"fmt"
	"net/http"
	"time"
	_ "time/tzdata"
)

func main() {
	l, err := time.LoadLocation("Europe/Berlin")
	fmt.Println(l, err)
	http.Get("https://example.com")
}
`

// server only serves HTTP: it links the TLS handshake code but opens no outbound connection.
const server = `package main

import "net/http"

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hi")) })
	http.ListenAndServe(":8080", nil)
}
`

// cgoHello links glibc through cgo (net's cgo resolver and os/user).
const cgoHello = `package main

/*
#include <stdio.h>
static void hi(void) { puts("hi"); }
*/
import "C"

func main() { C.hi() }
`

func read(t *testing.T, b []byte) *binary.Facts {
	t.Helper()
	f, err := binary.Read(bytes.NewReader(b), int64(len(b)), "app")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestGoBinaries(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	static := read(t, ti.GoBuild(t, hello, "CGO_ENABLED=0"))
	if static.Format != binary.ELF || !static.Static || static.Interp != "" || static.Arch != runtime.GOARCH || static.Bits != 64 {
		t.Errorf("static: %+v", static)
	}
	if static.Go == nil || static.Go.CGO != "0" || static.Go.Path != "example.com/app" || static.Go.Setting("-trimpath") != "true" {
		t.Fatalf("static build info: %+v", static.Go)
	}
	if static.Go.TZData || static.Go.LoadsLocation || !static.Go.FuncNamesRead || static.Go.MinKernel != "3.2" {
		t.Errorf("static func facts: %+v", static.Go)
	}

	z := read(t, ti.GoBuild(t, zones, "CGO_ENABLED=0", "-ldflags=-s -w"))
	if !z.Go.TZData || !z.Go.LoadsLocation || !z.Go.TLSClient || !z.Stripped {
		t.Errorf("zones: tzdata %v loadsLocation %v tlsClient %v stripped %v", z.Go.TZData, z.Go.LoadsLocation, z.Go.TLSClient, z.Stripped)
	}

	if srv := read(t, ti.GoBuild(t, server, "CGO_ENABLED=0")); srv.Go.TLSClient || srv.Go.LoadsLocation {
		t.Errorf("an HTTP server: tlsClient %v loadsLocation %v", srv.Go.TLSClient, srv.Go.LoadsLocation)
	}

	arm := read(t, ti.GoBuild(t, hello, "CGO_ENABLED=0", "GOARCH=arm64"))
	if arm.Arch != "arm64" || arm.Go.Setting("GOARCH") != "arm64" {
		t.Errorf("arm64: arch %s", arm.Arch)
	}
	arm32 := read(t, ti.GoBuild(t, hello, "CGO_ENABLED=0", "GOARCH=arm", "GOARM=7"))
	if arm32.Arch != "arm" || arm32.Bits != 32 || arm32.Go.Setting("GOARM") != "7" {
		t.Errorf("arm: %s/%d GOARM=%s", arm32.Arch, arm32.Bits, arm32.Go.Setting("GOARM"))
	}

	for goos, want := range map[string]binary.Format{"darwin": binary.MachO, "windows": binary.PE} {
		f := read(t, ti.GoBuild(t, hello, "CGO_ENABLED=0", "GOOS="+goos, "GOARCH=arm64"))
		if f.Format != want || f.OS != goos || f.Arch != "arm64" || f.Go == nil {
			t.Errorf("%s: %s %s/%s go %v", goos, f.Format, f.OS, f.Arch, f.Go != nil)
		}
	}
}

func TestCgoBinary(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler for cgo")
	}
	f := read(t, ti.GoBuild(t, cgoHello, "CGO_ENABLED=1"))
	if f.Static || f.Libc != "glibc" || f.Interp == "" || f.GlibcFloor == "" || f.Go.CGO != "1" {
		t.Fatalf("cgo: static %v libc %q interp %q floor %q cgo %q", f.Static, f.Libc, f.Interp, f.GlibcFloor, f.Go.CGO)
	}
	found := false
	for _, n := range f.Needed {
		found = found || n == "libc.so.6"
	}
	if !found {
		t.Errorf("needed %v lacks libc.so.6", f.Needed)
	}
	pie := read(t, ti.GoBuild(t, cgoHello, "CGO_ENABLED=1", "-buildmode=pie"))
	if !pie.PIE {
		t.Error("a -buildmode=pie binary is not PIE")
	}
}

func TestSystemFiles(t *testing.T) {
	libc := "/lib/x86_64-linux-gnu/libc.so.6"
	if runtime.GOARCH != "amd64" {
		t.Skip("the path is amd64's")
	}
	b, err := os.ReadFile(libc)
	if err != nil {
		t.Skip("no glibc here")
	}
	defs, err := binary.LibraryVersions(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.GlibcRelease(defs); binary.CompareVersions(v, "2.17") < 0 {
		t.Errorf("glibc release %q from %s", v, libc)
	}
}

func TestNoBuildInfo(t *testing.T) {
	if _, err := exec.LookPath("objcopy"); err != nil {
		t.Skip("no objcopy")
	}
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	os.WriteFile(in, ti.GoBuild(t, hello, "CGO_ENABLED=0"), 0o755)
	if b, err := exec.Command("objcopy", "--remove-section", ".go.buildinfo", in, out).CombinedOutput(); err != nil {
		t.Skipf("objcopy: %v %s", err, b)
	}
	f, err := binary.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Go != nil || f.Format != binary.ELF || !f.Static {
		t.Errorf("without build info: go %+v format %s", f.Go, f.Format)
	}
}

func TestScripts(t *testing.T) {
	for src, want := range map[string]struct {
		shebang string
		cr      bool
	}{
		"#!/bin/sh\necho hi\n":      {"/bin/sh", false},
		"#!/bin/sh\r\necho hi\r\n":  {"/bin/sh", true},
		"#! /usr/bin/env bash -e\n": {"/usr/bin/env bash -e", false},
		"#!":                        {"", false},
	} {
		f := read(t, []byte(src))
		if f.Format != binary.Script || f.Shebang != want.shebang || f.ShebangCR != want.cr {
			t.Errorf("%q: %s %q cr=%v", src, f.Format, f.Shebang, f.ShebangCR)
		}
	}
	if p, a := binary.Interpreter("/usr/bin/env  bash -e"); p != "/usr/bin/env" || a != "bash -e" {
		t.Errorf("Interpreter = %q %q", p, a)
	}
	if obj, err := os.ReadFile("/usr/lib/x86_64-linux-gnu/crt1.o"); err == nil {
		if f := read(t, obj); f.Format != binary.Unknown || f.Arch != "amd64" {
			t.Errorf("an object file: %s %s", f.Format, f.Arch)
		}
	}
	if f := read(t, []byte("plain text")); f.Format != binary.Unknown {
		t.Errorf("text is %s", f.Format)
	}
}

func TestMinKernel(t *testing.T) {
	for v, want := range map[string]string{"go1.24.0": "3.2", "go1.26.8": "3.2", "go1.23.4": "2.6.32",
		"go1.21rc2": "2.6.32", "go1.22.0 X:boringcrypto": "2.6.32", "devel": ""} {
		if got := binary.MinKernel(v); got != want {
			t.Errorf("MinKernel(%q) = %q, want %q", v, got, want)
		}
	}
	for _, c := range []struct {
		a, b string
		want int
	}{{"2.34", "2.4", 1}, {"2.17", "2.17", 0}, {"", "2.2.5", -1}, {"2.3.4", "2.3", 1}} {
		if got := binary.CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d", c.a, c.b, got)
		}
	}
}

// TestTruncated cuts a real binary at many lengths: every prefix gives facts or an error.
func TestTruncated(t *testing.T) {
	b := ti.GoBuild(t, hello, "CGO_ENABLED=0")
	for n := 1; n < len(b); n = n*3/2 + 1 {
		f, err := binary.Read(bytes.NewReader(b[:n]), int64(n), "cut")
		if err == nil && f == nil {
			t.Fatalf("prefix %d: neither facts nor error", n)
		}
	}
	if _, err := binary.Read(bytes.NewReader(nil), 0, "empty"); err == nil {
		t.Error("empty file: no error")
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x00"))
	f.Add([]byte("#!/bin/sh\r\n"))
	f.Add([]byte("MZ\x90\x00"))
	f.Add([]byte("\xcf\xfa\xed\xfe\x0c\x00\x00\x01"))
	if b, err := os.ReadFile("/bin/true"); err == nil && len(b) < 1<<20 {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fc, err := binary.Read(bytes.NewReader(b), int64(len(b)), "fuzz")
		if err == nil && fc == nil {
			t.Fatal("neither facts nor error")
		}
		binary.LibraryVersions(bytes.NewReader(b))
	})
}
