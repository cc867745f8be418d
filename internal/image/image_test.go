package image_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/shipshape-dev/shipshape/internal/image"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

var cfg = v1.Config{Entrypoint: []string{"/app"}, User: "1000", WorkingDir: "/srv", Env: []string{"PATH=/usr/bin:/bin"}}

// layered is an image whose upper layers delete, replace and hide what the lower ones hold.
var layered = ti.Spec{Config: cfg, Layers: [][]ti.File{
	{ti.Dir("etc"), ti.Text("etc/passwd", "root:x:0:0::/root:/bin/sh\n"), ti.Text("etc/old", "x"),
		ti.Dir("var"), ti.Dir("var/cache"), ti.Text("var/cache/a", "a"), ti.Text("var/cache/b", "b"),
		ti.Dir("opt"), ti.Dir("opt/sub"), ti.Text("opt/sub/f", "f"), ti.Exec("usr/bin/app", []byte("#!/bin/sh\n")),
		ti.Dir("data"), ti.Text("data/keep", "k")},
	{ti.Text("etc/.wh.old", ""), ti.Text("var/cache/.wh..wh..opq", ""), ti.Text("var/cache/c", "c"),
		ti.Text("opt", "now a file"), ti.Symlink("app", "/usr/bin/app"), ti.Symlink("rel", "usr/bin/../bin/app"),
		ti.Symlink("loop1", "loop2"), ti.Symlink("loop2", "/loop1"),
		ti.Text("etc/passwd", "root:x:0:0::/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"), ti.File{Path: "hard", Hardlink: "etc/passwd"}},
	{ti.Text("data/.wh.nothere", ""), ti.Text("usr/.wh.bin", ""), ti.Dir("usr/bin"), ti.Exec("usr/bin/app2", []byte("new"))},
}}

func write(t *testing.T, how string, spec ti.Spec) string {
	t.Helper()
	dir := t.TempDir()
	switch how {
	case "save":
		f := filepath.Join(dir, "img.tar")
		if err := ti.WriteSaveFile(f, "test:latest", spec); err != nil {
			t.Fatal(err)
		}
		return f
	case "tarball":
		f := filepath.Join(dir, "img.tar")
		if err := ti.WriteTarball(f, "test:latest", spec); err != nil {
			t.Fatal(err)
		}
		return f
	case "layout":
		d := filepath.Join(dir, "layout")
		if err := ti.WriteLayout(d, spec); err != nil {
			t.Fatal(err)
		}
		return d
	case "oci-archive":
		d := filepath.Join(dir, "layout")
		if err := ti.WriteLayout(d, spec); err != nil {
			t.Fatal(err)
		}
		f := filepath.Join(dir, "oci.tar")
		if out, err := exec.Command("tar", "-cf", f, "-C", d, ".").CombinedOutput(); err != nil {
			t.Fatalf("tar: %v %s", err, out)
		}
		return f
	}
	t.Fatalf("unknown format %s", how)
	return ""
}

func TestFlatten(t *testing.T) {
	for _, how := range []string{"save", "tarball", "layout", "oci-archive"} {
		t.Run(how, func(t *testing.T) {
			img, err := image.Open(context.Background(), write(t, how, layered))
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			if img.Layers != 3 || img.Config.Config.User != "1000" || img.Platform() == "" {
				t.Errorf("layers %d user %q platform %q", img.Layers, img.Config.Config.User, img.Platform())
			}
			fsys := img.FS
			for p, want := range map[string]bool{
				"/etc/passwd": true, "/etc/old": false, // whiteout
				"/var/cache/a": false, "/var/cache/c": true, "/var/cache": true, // opaque dir
				"/opt": true, "/opt/sub/f": false, // a file replaced the directory
				"/usr/bin/app": false, "/usr/bin/app2": true, "/data/keep": true, // whiteout of a directory
			} {
				if _, ok := fsys.Lstat(p); ok != want {
					t.Errorf("Lstat(%s) = %v, want %v", p, ok, want)
				}
			}
			b, err := fsys.ReadFile("/etc/passwd", 1<<20)
			if err != nil || !strings.Contains(string(b), "app:x:1000") {
				t.Errorf("passwd = %q, %v; want the newer layer's", b, err)
			}
			if b, err := fsys.ReadFile("/hard", 1<<20); err != nil || !strings.Contains(string(b), "app:x") {
				t.Errorf("hard link body = %q, %v", b, err)
			}
			if _, err := fsys.Resolve("/loop1"); !errors.Is(err, image.ErrLoop) {
				t.Errorf("Resolve(/loop1) err = %v, want a loop", err)
			}
			if _, err := fsys.Resolve("/app"); !errors.Is(err, image.ErrNotExist) {
				t.Errorf("Resolve(/app) err = %v, want not exist (its target was deleted)", err)
			}
			e, p, err := fsys.ResolvePath("/usr/bin/../bin/app2")
			if err != nil || p != "/usr/bin/app2" || !e.Executable() {
				t.Errorf("ResolvePath = %v %q %v", e, p, err)
			}
			if ds := fsys.ReadDir("/var/cache"); len(ds) != 1 || ds[0].Path != "/var/cache/c" {
				t.Errorf("ReadDir(/var/cache) = %v", ds)
			}
		})
	}
}

func TestBadArchives(t *testing.T) {
	dir := t.TempDir()
	notTar := filepath.Join(dir, "not.tar")
	os.WriteFile(notTar, bytes.Repeat([]byte("not a tar archive\n"), 100), 0o644)
	var plain bytes.Buffer
	tw := tar.NewWriter(&plain)
	tw.WriteHeader(&tar.Header{Name: "hello.txt", Size: 2, Mode: 0o644, Typeflag: tar.TypeReg})
	tw.Write([]byte("hi"))
	tw.Close()
	plainTar := filepath.Join(dir, "plain.tar")
	os.WriteFile(plainTar, plain.Bytes(), 0o644)
	empty := filepath.Join(dir, "empty.tar")
	os.WriteFile(empty, nil, 0o644)

	traversal := write(t, "save", ti.Spec{Config: cfg, Layers: [][]ti.File{{{Name: "../../etc/evil", Body: []byte("x")}}}})
	hardOut := write(t, "save", ti.Spec{Config: cfg, Layers: [][]ti.File{{{Path: "x", Name: "x", Hardlink: "../../etc/shadow"}}}})

	for name, c := range map[string]struct {
		file string
		want string
	}{
		"not a tar":     {notTar, "not a tar archive"},
		"tar not image": {plainTar, "neither manifest.json"},
		"empty":         {empty, "neither manifest.json"},
		"traversal":     {traversal, "leaves the image root"},
		"hardlink out":  {hardOut, "leaves the image root"},
		"missing":       {filepath.Join(dir, "nope.tar"), "no such file"},
	} {
		t.Run(name, func(t *testing.T) {
			img, err := image.Open(context.Background(), c.file)
			if err == nil {
				img.Close()
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
}

func TestManyLayers(t *testing.T) {
	var spec ti.Spec
	spec.Config = cfg
	for i := 0; i < 150; i++ {
		spec.Layers = append(spec.Layers, []ti.File{ti.Text(fmt.Sprintf("layer/%03d", i), "x"), ti.Text("top", fmt.Sprint(i))})
	}
	img, err := image.Open(context.Background(), write(t, "save", spec))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if img.Layers != 150 {
		t.Errorf("layers = %d", img.Layers)
	}
	if b, _ := img.FS.ReadFile("/top", 10); string(b) != "149" {
		t.Errorf("/top = %q, want the newest layer's 149", b)
	}
	if _, ok := img.FS.Lstat("/layer/000"); !ok {
		t.Error("/layer/000 of the oldest layer is missing")
	}
}

// TestGzipBomb feeds a layer that expands 1000x: it must stop with a reason, not read on.
func TestGzipBomb(t *testing.T) {
	dir := t.TempDir()
	// A tar whose one file is 2 GiB of zeros: a gzip member with the header, then one member of
	// 1 MiB of zeros repeated (gzip readers read concatenated members as one stream).
	member := func(b []byte) []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	const size = 2 << 30
	var hdr bytes.Buffer
	tw := tar.NewWriter(&hdr)
	tw.WriteHeader(&tar.Header{Name: "zeros", Size: size, Mode: 0o644, Typeflag: tar.TypeReg})
	tw.Flush()
	var gz bytes.Buffer
	gz.Write(member(hdr.Bytes()))
	zeros := member(make([]byte, 1<<20))
	for n := 0; n < size; n += 1 << 20 {
		gz.Write(zeros)
	}
	file := filepath.Join(dir, "bomb.tar")
	f, _ := os.Create(file)
	err := ti.WriteSaveLayers(f, "bomb:latest", ti.Spec{Config: cfg}, func(yield func(int64, io.Reader) error) error {
		return yield(int64(gz.Len()), bytes.NewReader(gz.Bytes()))
	})
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	img, err := image.Open(context.Background(), file)
	if err == nil {
		img.Close()
		t.Fatal("no error for a 2 GiB layer compressed 1000x")
	}
	if !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("error %q does not say why", err)
	}
}

// TestWhiteoutEdges covers whiteouts next to entries of the same layer, hard links into lower
// layers, a whiteout naming nothing and an opaque root.
func TestWhiteoutEdges(t *testing.T) {
	spec := ti.Spec{Config: cfg, Layers: [][]ti.File{
		{ti.Text("a", "old a"), ti.Text("b", "b"), ti.Dir("d"), ti.Text("d/x", "x"), ti.Text("base", "base body")},
		// The whiteout of a hides the lower a; the a of this same layer stays.
		{ti.Text(".wh.a", ""), ti.Text("a", "new a"), {Path: "h", Hardlink: "base"}, {Path: ".wh.", Name: ".wh."}},
		{ti.Text("d/.wh..wh..opq", ""), ti.Text("d/y", "y")},
	}}
	img, err := image.Open(context.Background(), write(t, "save", spec))
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	if b, _ := img.FS.ReadFile("/a", 100); string(b) != "new a" {
		t.Errorf("/a = %q, want the same layer's new a", b)
	}
	if b, err := img.FS.ReadFile("/h", 100); string(b) != "base body" {
		t.Errorf("hard link into a lower layer = %q, %v", b, err)
	}
	if _, ok := img.FS.Lstat("/d/x"); ok {
		t.Error("/d/x survived an opaque /d")
	}
	if _, ok := img.FS.Lstat("/d/y"); !ok {
		t.Error("/d/y of the opaque layer itself is gone")
	}
	if len(img.Notes) != 1 || !strings.Contains(img.Notes[0].Text, "names nothing") {
		t.Errorf("notes %v, want one about the empty whiteout", img.Notes)
	}

	root := ti.Spec{Config: cfg, Layers: [][]ti.File{{ti.Text("old", "x")}, {ti.Text(".wh..wh..opq", ""), ti.Text("new", "y")}}}
	img2, err := image.Open(context.Background(), write(t, "save", root))
	if err != nil {
		t.Fatal(err)
	}
	defer img2.Close()
	if _, ok := img2.FS.Lstat("/old"); ok || img2.FS.Len() != 1 {
		t.Errorf("opaque root: /old present %v, %d paths", ok, img2.FS.Len())
	}
}

func TestDaemonErrors(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	if _, err := image.Open(context.Background(), "daemon:alpine"); err == nil || !strings.Contains(err.Error(), "exporting alpine from the Docker engine") {
		t.Errorf("no engine: %v", err)
	}
	t.Setenv("DOCKER_HOST", "ssh://me@host")
	if _, err := image.Open(context.Background(), "daemon:alpine"); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("ssh DOCKER_HOST: %v", err)
	}
}

func TestDaemon(t *testing.T) {
	ti.Engine(t)
	ref := ti.Tag("daemon")
	// Not the layered spec: the engine cannot export a layer that whites out a directory and
	// re-creates it (fuse-overlayfs: "open …/merged/usr/bin/app2: no such file or directory").
	ti.Load(t, ref, ti.Spec{Config: cfg, Layers: [][]ti.File{
		{ti.Exec("usr/bin/app", []byte("old")), ti.Text("etc/old", "x")},
		{ti.Text("etc/.wh.old", ""), ti.Exec("usr/bin/app2", []byte("new"))},
		{ti.Text("top", "y")},
	}})
	img, err := image.Open(context.Background(), "daemon:"+ref)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	_, old := img.FS.Lstat("/etc/old")
	if _, ok := img.FS.Lstat("/usr/bin/app2"); !ok || old || img.Layers != 3 {
		t.Errorf("image from the engine: %d layers, app2 %v, whited-out /etc/old %v", img.Layers, ok, old)
	}
	if _, err := image.Open(context.Background(), "daemon:shipshape-test/absent:none"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("absent image: %v", err)
	}
}

// TestRepeatedLayerBomb lists one small gzip layer (4 MiB of zeros inside) a thousand times:
// every listing alone is harmless, together they expand to 4 GiB.
func TestRepeatedLayerBomb(t *testing.T) {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "zeros", Size: 4 << 20, Mode: 0o644, Typeflag: tar.TypeReg})
	tw.Write(make([]byte, 4<<20))
	tw.Close()
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(tb.Bytes())
	zw.Close()

	var arch bytes.Buffer
	aw := tar.NewWriter(&arch)
	put := func(name string, b []byte) {
		aw.WriteHeader(&tar.Header{Name: name, Size: int64(len(b)), Mode: 0o644, Typeflag: tar.TypeReg})
		aw.Write(b)
	}
	put("layer.tar.gz", gz.Bytes())
	var diffs, layers []string
	for i := 0; i < 1000; i++ {
		diffs = append(diffs, `"sha256:`+strings.Repeat("0", 64)+`"`)
		layers = append(layers, `"layer.tar.gz"`)
	}
	put("config.json", []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[`+strings.Join(diffs, ",")+`]}}`))
	put("manifest.json", []byte(`[{"Config":"config.json","RepoTags":["bomb:latest"],"Layers":[`+strings.Join(layers, ",")+`]}]`))
	aw.Close()
	file := filepath.Join(t.TempDir(), "bomb.tar")
	os.WriteFile(file, arch.Bytes(), 0o644)
	img, err := image.Open(context.Background(), file)
	if err == nil {
		img.Close()
		t.Fatal("no error for one layer listed 1000 times")
	}
	if !strings.Contains(err.Error(), "decompression bomb") {
		t.Errorf("error %q does not say why", err)
	}
}

// TestIndexChoosesPlatform reads a layout holding an arm64 and an amd64 image and a BuildKit
// attestation: it must pick this machine's architecture and skip the attestation.
func TestIndexChoosesPlatform(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "layout")
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"arm64", "amd64", "s390x"} {
		img, err := ti.Image(ti.Spec{Arch: arch, Config: cfg, Layers: [][]ti.File{{ti.Text("arch", arch)}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.AppendImage(img, layout.WithPlatform(v1.Platform{OS: "linux", Architecture: arch})); err != nil {
			t.Fatal(err)
		}
	}
	att, _ := ti.Image(ti.Spec{Arch: "unknown"})
	p.AppendImage(att, layout.WithPlatform(v1.Platform{OS: "unknown", Architecture: "unknown"}),
		layout.WithAnnotations(map[string]string{"vnd.docker.reference.type": "attestation-manifest"}))
	img, err := image.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Close()
	want := runtime.GOARCH
	if want != "arm64" && want != "amd64" && want != "s390x" {
		want = "arm64" // none for this machine: the first
	}
	if b, _ := img.FS.ReadFile("/arch", 10); string(b) != want || img.Config.Architecture != want {
		t.Errorf("chose %q (config %s), want %s", b, img.Config.Architecture, want)
	}
	if len(img.Notes) != 1 || !strings.Contains(img.Notes[0].Text, "holds 3 images") {
		t.Errorf("notes %v", img.Notes)
	}
}
