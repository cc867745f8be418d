package image_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/image"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

// openAll reads every regular file of the image, the way inspect may.
func openAll(img *image.Facts) {
	for _, p := range []string{"/app", "/etc/passwd", "/hard", "/link", "/"} {
		img.FS.Resolve(p)
		if r, _, err := img.FS.Open(p); err == nil {
			io.Copy(io.Discard, io.LimitReader(r, 1<<20))
		}
		img.FS.ReadDir(p)
	}
}

// FuzzLayer feeds arbitrary bytes as the one layer of a docker save archive.
func FuzzLayer(f *testing.F) {
	for _, files := range [][]ti.File{
		{ti.Exec("app", []byte("#!/bin/sh\n")), ti.Symlink("link", "/app"), {Path: "hard", Hardlink: "app"}},
		{ti.Text(".wh..wh..opq", ""), ti.Text("etc/.wh.passwd", ""), ti.Symlink("a", "b"), ti.Symlink("b", "a")},
	} {
		b, _ := ti.LayerTar(files)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, layer []byte) {
		file := filepath.Join(t.TempDir(), "img.tar")
		out, _ := os.Create(file)
		err := ti.WriteSaveLayers(out, "fuzz:latest", ti.Spec{}, func(yield func(int64, io.Reader) error) error {
			return yield(int64(len(layer)), bytes.NewReader(layer))
		})
		out.Close()
		if err != nil {
			t.Fatal(err)
		}
		img, err := image.Open(context.Background(), file)
		if err != nil {
			return
		}
		defer img.Close()
		openAll(img)
	})
}

// FuzzArchive feeds arbitrary bytes as the image archive itself.
func FuzzArchive(f *testing.F) {
	var buf bytes.Buffer
	ti.WriteSave(&buf, "fuzz:latest", ti.Spec{Layers: [][]ti.File{{ti.Exec("app", []byte("x"))}}})
	f.Add(buf.Bytes())
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, archive []byte) {
		file := filepath.Join(t.TempDir(), "img.tar")
		os.WriteFile(file, archive, 0o644)
		img, err := image.Open(context.Background(), file)
		if err != nil {
			return
		}
		defer img.Close()
		openAll(img)
	})
}
