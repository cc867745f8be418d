package image_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/image"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

// BenchmarkOpen flattens a 10-layer image of 20 000 files (about 160 MB), as docker save
// writes it (uncompressed) and as a registry or OCI layout holds it (gzip). The 1 GB target is
// measured end to end by bench/inspect/run.sh.
func BenchmarkOpen(b *testing.B) {
	var spec ti.Spec
	body := make([]byte, 8<<10)
	for l := 0; l < 10; l++ {
		var files []ti.File
		for i := 0; i < 2000; i++ {
			files = append(files, ti.File{Path: fmt.Sprintf("layer%d/d%02d/f%04d", l, i%40, i), Body: body})
		}
		spec.Layers = append(spec.Layers, files)
	}
	spec.Config.Entrypoint = []string{"/layer9/d00/f0000"}
	dir := b.TempDir()
	save, oci := filepath.Join(dir, "save.tar"), filepath.Join(dir, "oci")
	if err := ti.WriteSaveFile(save, "bench:latest", spec); err != nil {
		b.Fatal(err)
	}
	if err := ti.WriteLayout(oci, spec); err != nil {
		b.Fatal(err)
	}
	for name, ref := range map[string]string{"save": save, "oci-gzip": oci} {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				img, err := image.Open(context.Background(), ref)
				if err != nil {
					b.Fatal(err)
				}
				if img.FS.Len() < 20000 {
					b.Fatalf("%d paths", img.FS.Len())
				}
				img.Close()
			}
		})
	}
}
