// Package testimage builds container images for tests without a registry: images FROM scratch
// holding Go binaries built by the test, a musl root file system from Debian's musl and
// busybox-static packages, and a glibc one from the host's libc6 files. Images are written as
// docker save archives or OCI layouts with go-containerregistry, or as a docker save archive
// with uncompressed layers (what the Docker engine exports), and loaded and run on the local
// Docker engine when there is one.
//
// Tests that need the engine call Engine, which skips them with a reason when there is none,
// or fails them when SHIPSHAPE_REQUIRE_DOCKER=1 (CI, where the engine must be there).
//
// What a machine needs for every test that uses this package (Debian package names): docker.io
// (engine and CLI, or docker-ce), gcc (cgo builds), libc6 and dpkg (the glibc root), tzdata
// (zoneinfo for the fixed image of the zoneinfo reproduction), binutils (objcopy), and musl plus
// busybox-static either installed or fetchable with apt-get download (the musl root).
package testimage

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// File is one entry of a layer.
type File struct {
	// Path is where the entry goes in the image ("/app", "etc/passwd"; a leading slash is
	// optional).
	Path string
	// Mode is the permission bits; 0 means 0644 for files and 0755 for directories.
	Mode fs.FileMode
	Body []byte
	// Symlink makes the entry a symlink to this target.
	Symlink string
	// Hardlink makes the entry a hard link to this path of the same or a lower layer.
	Hardlink string
	// Dir makes the entry a directory.
	Dir      bool
	UID, GID int
	// Name, when set, is written as the tar name verbatim, and Hardlink with it (for hostile
	// archives: "../x").
	Name string
}

// Exec is a file with mode 0755.
func Exec(p string, body []byte) File { return File{Path: p, Mode: 0o755, Body: body} }

// Text is a file with mode 0644.
func Text(p, body string) File { return File{Path: p, Body: []byte(body)} }

// Symlink is a symlink entry.
func Symlink(p, target string) File { return File{Path: p, Symlink: target} }

// Dir is a directory entry.
func Dir(p string) File { return File{Path: p, Dir: true} }

// Spec is an image to build.
type Spec struct {
	// Layers are the layers, oldest first.
	Layers [][]File
	// Config is the run config: Entrypoint, Cmd, User, WorkingDir, Env, ExposedPorts, …
	Config v1.Config
	// Arch is the platform's architecture; runtime.GOARCH when empty.
	Arch string
}

// LayerTar writes a layer as an uncompressed tar. Parent directories are not added
// implicitly: list them when the test needs them.
func LayerTar(files []File) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mtime := time.Unix(1700000000, 0)
	for _, f := range files {
		name := strings.TrimPrefix(path.Clean("/"+f.Path), "/")
		if f.Name != "" {
			name = f.Name
		}
		h := &tar.Header{Name: name, Uid: f.UID, Gid: f.GID, ModTime: mtime, Format: tar.FormatPAX}
		mode := f.Mode.Perm() | f.Mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)
		switch {
		case f.Dir:
			h.Typeflag, h.Name = tar.TypeDir, name+"/"
			if mode == 0 {
				mode = 0o755
			}
		case f.Symlink != "":
			h.Typeflag, h.Linkname, mode = tar.TypeSymlink, f.Symlink, 0o777
		case f.Hardlink != "":
			h.Typeflag, h.Linkname = tar.TypeLink, strings.TrimPrefix(path.Clean("/"+f.Hardlink), "/")
			if f.Name != "" {
				h.Linkname = f.Hardlink
			}
		default:
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.Body))
			if mode == 0 {
				mode = 0o644
			}
		}
		h.Mode = int64(mode.Perm())
		if mode&fs.ModeSetuid != 0 {
			h.Mode |= 0o4000
		}
		if mode&fs.ModeSetgid != 0 {
			h.Mode |= 0o2000
		}
		if mode&fs.ModeSticky != 0 {
			h.Mode |= 0o1000
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("writing %s: %w", name, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write(f.Body); err != nil {
				return nil, err
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Image builds spec as a go-containerregistry image (layers gzip-compressed by the library).
func Image(spec Spec) (v1.Image, error) {
	img := empty.Image
	for i, files := range spec.Layers {
		b, err := LayerTar(files)
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", i+1, err)
		}
		if img, err = mutate.AppendLayers(img, l); err != nil {
			return nil, err
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", spec.Arch
	if cf.Architecture == "" {
		cf.Architecture = runtime.GOARCH
	}
	cf.Config = spec.Config
	return mutate.ConfigFile(img, cf)
}

// WriteTarball writes spec as a docker save archive (go-containerregistry's tarball.Write)
// tagged ref, with gzip-compressed layers.
func WriteTarball(file, ref string, spec Spec) error {
	img, err := Image(spec)
	if err != nil {
		return err
	}
	tag, err := name.NewTag(ref)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(file, tag, img)
}

// WriteLayout writes spec as an OCI image layout directory.
func WriteLayout(dir string, spec Spec) error {
	img, err := Image(spec)
	if err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return err
	}
	return p.AppendImage(img)
}

// WriteSave writes spec as a legacy docker save archive with uncompressed layers, as the Docker
// engine exports images: manifest.json, the config and <digest>/layer.tar.
func WriteSave(w io.Writer, ref string, spec Spec) error {
	var layers [][]byte
	for i, files := range spec.Layers {
		b, err := LayerTar(files)
		if err != nil {
			return fmt.Errorf("layer %d: %w", i+1, err)
		}
		layers = append(layers, b)
	}
	return WriteSaveLayers(w, ref, spec, func(yield func(size int64, r io.Reader) error) error {
		for _, b := range layers {
			if err := yield(int64(len(b)), bytes.NewReader(b)); err != nil {
				return err
			}
		}
		return nil
	})
}

// WriteSaveLayers is WriteSave with layers produced by the caller as streams (for archives too
// large for memory); each layer's size must be known up front. Layer digests are computed
// while streaming.
func WriteSaveLayers(w io.Writer, ref string, spec Spec, layers func(yield func(size int64, r io.Reader) error) error) error {
	tw := tar.NewWriter(w)
	var names []string
	var diffIDs []v1.Hash
	n := 0
	err := layers(func(size int64, r io.Reader) error {
		n++
		dir := fmt.Sprintf("layer%04d", n)
		if err := tw.WriteHeader(&tar.Header{Name: dir + "/", Typeflag: tar.TypeDir, Mode: 0o755}); err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: dir + "/layer.tar", Typeflag: tar.TypeReg, Mode: 0o644, Size: size}); err != nil {
			return err
		}
		h := sha256.New()
		if _, err := io.Copy(io.MultiWriter(tw, h), r); err != nil {
			return err
		}
		names = append(names, dir+"/layer.tar")
		diffIDs = append(diffIDs, v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))})
		return nil
	})
	if err != nil {
		return err
	}
	arch := spec.Arch
	if arch == "" {
		arch = runtime.GOARCH
	}
	cf := v1.ConfigFile{OS: "linux", Architecture: arch, Config: spec.Config,
		RootFS: v1.RootFS{Type: "layers", DiffIDs: diffIDs}}
	cfg, err := json.Marshal(cf)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(cfg)
	cfgName := hex.EncodeToString(sum[:]) + ".json"
	man, err := json.Marshal([]tarball.Descriptor{{Config: cfgName, RepoTags: []string{ref}, Layers: names}})
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		b    []byte
	}{{cfgName, cfg}, {"manifest.json", man}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(f.b))}); err != nil {
			return err
		}
		if _, err := tw.Write(f.b); err != nil {
			return err
		}
	}
	return tw.Close()
}

// WriteSaveFile is WriteSave into a file.
func WriteSaveFile(file, ref string, spec Spec) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if err := WriteSave(f, ref, spec); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Merge concatenates file lists, later ones winning for the same path, sorted by path so
// that parents come before children.
func Merge(lists ...[]File) []File {
	by := map[string]File{}
	for _, l := range lists {
		for _, f := range l {
			by[path.Clean("/"+f.Path)] = f
		}
	}
	out := make([]File, 0, len(by))
	for _, f := range by {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return path.Clean("/"+out[i].Path) < path.Clean("/"+out[j].Path) })
	return out
}
