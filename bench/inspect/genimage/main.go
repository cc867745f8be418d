// Command genimage writes a large docker save archive for the inspect benchmark: many layers of
// many files, upper layers that delete and replace lower ones, and a real entrypoint binary.
//
//	go run ./bench/inspect/genimage -o big.tar -size 1073741824 -entry ./shipshape [-gzip]
package main

import (
	"archive/tar"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/shipshape-dev/shipshape/internal/testimage"
)

func main() {
	out := flag.String("o", "big.tar", "archive to write")
	size := flag.Int64("size", 1<<30, "approximate archive size in bytes")
	layers := flag.Int("layers", 24, "number of layers")
	entry := flag.String("entry", "", "executable to use as the entrypoint /app (required)")
	gz := flag.Bool("gzip", false, "gzip the layers (as registries store them) instead of leaving them uncompressed (as docker save does)")
	flag.Parse()
	if *entry == "" {
		log.Fatal("-entry is required")
	}
	app, err := os.ReadFile(*entry)
	if err != nil {
		log.Fatal(err)
	}
	tmp, err := os.MkdirTemp("", "genimage-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	rng := rand.New(rand.NewPCG(1, 2))
	perLayer := *size / int64(*layers)
	var files []string
	for l := 0; l < *layers; l++ {
		f := filepath.Join(tmp, fmt.Sprintf("layer%d.tar", l))
		if err := writeLayer(f, l, *layers, perLayer, app, rng, *gz); err != nil {
			log.Fatal(err)
		}
		files = append(files, f)
	}
	w, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	spec := testimage.Spec{Config: v1.Config{Entrypoint: []string{"/app"}, User: "app", WorkingDir: "/srv",
		Env: []string{"PATH=/usr/local/bin:/usr/bin:/bin"}, ExposedPorts: map[string]struct{}{"8080/tcp": {}}}}
	err = testimage.WriteSaveLayers(w, "bench:latest", spec, func(yield func(int64, io.Reader) error) error {
		for _, f := range files {
			r, err := os.Open(f)
			if err != nil {
				return err
			}
			st, _ := r.Stat()
			err = yield(st.Size(), r)
			r.Close()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	st, _ := os.Stat(*out)
	fmt.Printf("wrote %s: %d bytes, %d layers\n", *out, st.Size(), *layers)
}

// writeLayer fills one layer with files of 1 KB to 2 MB until it reaches size. The last layer
// holds the entrypoint, /etc/passwd and a CA bundle; every layer after the first deletes a few
// paths of the one below and one makes a directory opaque.
func writeLayer(file string, n, total int, size int64, app []byte, rng *rand.Rand, gz bool) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if gz {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestSpeed)
		w = zw
	}
	tw := tar.NewWriter(w)
	mtime := time.Unix(1700000000, 0)
	dir := func(name string) error {
		return tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime})
	}
	put := func(name string, mode int64, body []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(body)), ModTime: mtime}); err != nil {
			return err
		}
		_, err := tw.Write(body)
		return err
	}
	buf := make([]byte, 2<<20)
	for i := range buf {
		buf[i] = byte(rng.IntN(256))
	}
	base := fmt.Sprintf("usr/share/layer%02d", n)
	if err := dir(base); err != nil {
		return err
	}
	if n > 0 {
		prev := fmt.Sprintf("usr/share/layer%02d", n-1)
		for i := 0; i < 10; i++ {
			if err := put(fmt.Sprintf("%s/d%03d/.wh.f%05d", prev, i%50, i), 0o644, nil); err != nil {
				return err
			}
		}
		if n%5 == 0 {
			if err := put(prev+"/d001/.wh..wh..opq", 0o644, nil); err != nil {
				return err
			}
		}
	}
	var written int64
	for i := 0; written < size; i++ {
		if i%100 == 0 {
			if err := dir(fmt.Sprintf("%s/d%03d", base, i/100%50)); err != nil {
				return err
			}
		}
		sz := 1024 + rng.IntN(64<<10)
		if i%50 == 0 {
			sz = 1<<20 + rng.IntN(1<<20)
		}
		if err := put(fmt.Sprintf("%s/d%03d/f%05d", base, i/100%50, i), 0o644, buf[:sz]); err != nil {
			return err
		}
		written += int64(sz) + 512
	}
	if n == total-1 {
		for _, d := range []string{"etc", "etc/ssl", "etc/ssl/certs", "srv"} {
			if err := dir(d); err != nil {
				return err
			}
		}
		if err := put("etc/passwd", 0o644, []byte("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/srv:/bin/false\n")); err != nil {
			return err
		}
		if err := put("etc/ssl/certs/ca-certificates.crt", 0o644, []byte("-----BEGIN CERTIFICATE-----\n")); err != nil {
			return err
		}
		if err := put("app", 0o755, app); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	return f.Close()
}
