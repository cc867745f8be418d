// Package image answers what a built container image holds: its config and its flattened file
// system, read lazily from a tarball, an OCI layout or the Docker engine.
//
// Open reads the config with go-containerregistry and streams every layer once, newest first,
// keeping an index of the visible paths (whiteouts honoured) to the tar header that made them:
// no file body is extracted. A body is read only when asked for (FS.Open), straight from the
// archive when the layer is stored uncompressed, else by streaming that one layer again.
package image

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Facts describe one image.
type Facts struct {
	// Ref is the image as the user named it (a file, a directory or daemon:REF).
	Ref string
	// Config is the image config: Entrypoint, Cmd, WorkingDir, User, Env, ExposedPorts,
	// Healthcheck, Shell, and the platform (OS, Architecture, Variant).
	Config *v1.ConfigFile
	// Layers is the number of layers.
	Layers int
	// FS is the flattened file system.
	FS *FS
	// Notes are what could not be read fully (skipped entries, several images in one archive).
	Notes []source.Note

	closers []io.Closer
	tmp     string
}

// Close releases the files the image is read from (and removes the temporary archive of an
// image exported from the Docker engine).
func (f *Facts) Close() error {
	var first error
	for _, c := range f.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	f.closers = nil
	if f.tmp != "" {
		os.Remove(f.tmp)
		f.tmp = ""
	}
	return first
}

// Platform is os/arch[/variant] of the config.
func (f *Facts) Platform() string {
	if f.Config == nil {
		return ""
	}
	p := f.Config.OS + "/" + f.Config.Architecture
	if f.Config.Variant != "" {
		p += "/" + f.Config.Variant
	}
	return p
}

// Limits bound what a hostile archive can cost.
const (
	// MaxEntries is the most paths an image may have (real images have tens of thousands).
	MaxEntries = 2_000_000
	// MaxLayers is the most layers read; Docker refuses more than 127 on overlayfs, and 1000
	// leaves room for other engines.
	MaxLayers = 1000
	// MaxExpansion and MinExpansionAllowance bound a compressed layer's expanded size to
	// MaxExpansion times its compressed size plus the allowance: real layers compress 2-10x,
	// a gzip bomb 1000x.
	MaxExpansion          = 100
	MinExpansionAllowance = 1 << 30
	// MaxBufferedBody is the largest file body held in memory when its layer is compressed.
	MaxBufferedBody = 512 << 20
	// maxMeta bounds the JSON documents of an archive (manifest, index, config).
	maxMeta = 16 << 20
)

// ErrNotImage is returned for an archive or directory that holds no image.
var ErrNotImage = errors.New("not an image")

// Open reads the image ref names: "daemon:REF" exports REF from the Docker engine, a directory
// is an OCI layout, anything else a tarball (docker save, legacy or OCI, or an OCI archive).
func Open(ctx context.Context, ref string) (*Facts, error) {
	if r, ok := strings.CutPrefix(ref, "daemon:"); ok {
		return FromDaemon(ctx, r)
	}
	st, err := os.Stat(ref)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return FromLayout(ref)
	}
	return FromTarball(ref)
}

// layer is one layer's blob: how to stream it uncompressed, and, when it is stored
// uncompressed in a seekable file, a ReaderAt over it so that bodies are read in place.
type layer struct {
	name string
	// key identifies the blob (its archive member or digest): a manifest may list one blob
	// many times.
	key  string
	blob *io.SectionReader
	// plain is set when the blob is an uncompressed tar.
	plain bool
	// budget is the decompressed bytes left to the whole image (shared by its layers), so
	// that a small blob listed a thousand times cannot make a bomb either.
	budget *atomic.Int64
}

func (l *layer) open() (io.Reader, func(), error) {
	sr := io.NewSectionReader(l.blob, 0, l.blob.Size())
	var magic [4]byte
	n, _ := sr.ReadAt(magic[:], 0)
	m := magic[:n]
	budget := l.budget
	if budget == nil {
		budget = new(atomic.Int64)
		budget.Store(l.blob.Size()*MaxExpansion + MinExpansionAllowance)
	}
	switch {
	case bytes.HasPrefix(m, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(sr)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", l.name, err)
		}
		return &boundedReader{r: zr, left: budget, name: l.name}, func() { zr.Close() }, nil
	case bytes.HasPrefix(m, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(sr, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", l.name, err)
		}
		return &boundedReader{r: zr, left: budget, name: l.name}, zr.Close, nil
	}
	return &bufferedSection{sr: sr}, func() {}, nil
}

// bufferedSection reads a section through a 64 KiB buffer and seeks within it without a
// system call: tar.Reader reads a 512-byte header and seeks over the body, and with small
// files both land in the buffer.
type bufferedSection struct {
	sr   *io.SectionReader
	buf  []byte
	base int64 // offset of buf[0]
	pos  int64 // current offset
}

func (b *bufferedSection) Read(p []byte) (int, error) {
	if b.pos < b.base || b.pos >= b.base+int64(len(b.buf)) {
		if b.buf == nil {
			b.buf = make([]byte, 0, 64<<10)
		}
		n, err := b.sr.ReadAt(b.buf[:cap(b.buf)], b.pos)
		b.buf, b.base = b.buf[:n], b.pos
		if n == 0 {
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
	}
	n := copy(p, b.buf[b.pos-b.base:])
	b.pos += int64(n)
	return n, nil
}

func (b *bufferedSection) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += b.pos
	case io.SeekEnd:
		off += b.sr.Size()
	default:
		return 0, errors.New("bufferedSection.Seek: invalid whence")
	}
	if off < 0 {
		return 0, errors.New("bufferedSection.Seek: negative position")
	}
	b.pos = off
	return off, nil
}

func sniffPlain(sr *io.SectionReader) bool {
	var magic [4]byte
	n, _ := sr.ReadAt(magic[:], 0)
	m := magic[:n]
	return !bytes.HasPrefix(m, []byte{0x1f, 0x8b}) && !bytes.HasPrefix(m, []byte{0x28, 0xb5, 0x2f, 0xfd})
}

// boundedReader stops a decompression bomb: it draws on a budget of decompressed bytes.
type boundedReader struct {
	r    io.Reader
	left *atomic.Int64
	name string
}

func (b *boundedReader) Read(p []byte) (int, error) {
	left := b.left.Load()
	if left <= 0 {
		return 0, fmt.Errorf("%s: the image's layers expand to more than %d times their compressed size: refusing them as a decompression bomb", b.name, MaxExpansion)
	}
	if int64(len(p)) > left {
		p = p[:left]
	}
	n, err := b.r.Read(p)
	b.left.Add(-int64(n))
	return n, err
}

// shareBudget gives the layers one decompression budget: MaxExpansion times the size of their
// distinct blobs, plus the allowance.
func shareBudget(layers []*layer) {
	var total int64
	seen := map[string]bool{}
	for _, l := range layers {
		if !seen[l.key] {
			seen[l.key] = true
			total += l.blob.Size()
		}
	}
	b := new(atomic.Int64)
	b.Store(total*MaxExpansion + MinExpansionAllowance)
	for _, l := range layers {
		l.budget = b
	}
}

// FromTarball reads a docker save archive (legacy, or OCI with manifest.json) or an OCI archive
// (index.json and blobs/).
func FromTarball(file string) (*Facts, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	img := &Facts{Ref: file, closers: []io.Closer{f}}
	ok := false
	defer func() {
		if !ok {
			img.Close()
		}
	}()
	var magic [4]byte
	if n, _ := f.ReadAt(magic[:], 0); n >= 2 && (magic[0] == 0x1f && magic[1] == 0x8b || n == 4 && bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd})) {
		return nil, fmt.Errorf("%s: a compressed archive; decompress it first (gunzip or zstd -d): inspect reads image tarballs in place", file)
	}
	outer, err := indexTar(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	var layers []*layer
	switch {
	case outer.has("manifest.json"):
		m, err := tarball.LoadManifest(func() (io.ReadCloser, error) {
			return io.NopCloser(io.NewSectionReader(f, 0, outer.size)), nil
		})
		if err != nil {
			return nil, fmt.Errorf("%s: reading manifest.json: %w", file, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%s: %w: manifest.json lists no image", file, ErrNotImage)
		}
		if len(m) > 1 {
			img.Notes = append(img.Notes, source.Notef(source.Pos{File: file}, "the archive holds %d images; inspecting the first (%s)", len(m), strings.Join(m[0].RepoTags, ", ")))
		}
		raw, err := outer.read(m[0].Config, maxMeta)
		if err != nil {
			return nil, fmt.Errorf("%s: reading config: %w", file, err)
		}
		if img.Config, err = v1.ParseConfigFile(bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("%s: parsing config %s: %w", file, m[0].Config, err)
		}
		for i, p := range m[0].Layers {
			sr, err := outer.open(p)
			if err != nil {
				return nil, fmt.Errorf("%s: layer %d: %w", file, i+1, err)
			}
			layers = append(layers, &layer{name: fmt.Sprintf("layer %d (%s)", i+1, p), key: path.Clean(p), blob: sr, plain: sniffPlain(sr)})
		}
	case outer.has("index.json"):
		blob := func(h v1.Hash) (*io.SectionReader, error) {
			return outer.open("blobs/" + h.Algorithm + "/" + h.Hex)
		}
		raw, err := outer.read("index.json", maxMeta)
		if err != nil {
			return nil, err
		}
		if layers, err = img.fromOCI(raw, blob); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
	default:
		return nil, fmt.Errorf("%s: %w: the archive has neither manifest.json (docker save) nor index.json (OCI)", file, ErrNotImage)
	}
	if err := img.flatten(layers); err != nil {
		return nil, err
	}
	ok = true
	return img, nil
}

// fromOCI reads an OCI index from raw and the image it points to, choosing linux/<this
// machine's arch> among several.
func (img *Facts) fromOCI(raw []byte, blob func(v1.Hash) (*io.SectionReader, error)) ([]*layer, error) {
	readBlob := func(h v1.Hash) ([]byte, error) {
		sr, err := blob(h)
		if err != nil {
			return nil, err
		}
		if sr.Size() > maxMeta {
			return nil, fmt.Errorf("blob %s of %d bytes is too large for a manifest", h, sr.Size())
		}
		return io.ReadAll(sr)
	}
	for depth := 0; ; depth++ {
		if depth > 4 {
			return nil, fmt.Errorf("%w: image indexes nested more than 4 deep", ErrNotImage)
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("parsing index: %w", err)
		}
		d, err := img.choose(idx)
		if err != nil {
			return nil, err
		}
		if raw, err = readBlob(d.Digest); err != nil {
			return nil, fmt.Errorf("reading manifest %s: %w", d.Digest, err)
		}
		if d.MediaType.IsIndex() {
			continue
		}
		m, err := v1.ParseManifest(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("parsing manifest %s: %w", d.Digest, err)
		}
		cfg, err := readBlob(m.Config.Digest)
		if err != nil {
			return nil, fmt.Errorf("reading config %s: %w", m.Config.Digest, err)
		}
		if img.Config, err = v1.ParseConfigFile(bytes.NewReader(cfg)); err != nil {
			return nil, fmt.Errorf("parsing config %s: %w", m.Config.Digest, err)
		}
		var layers []*layer
		for i, l := range m.Layers {
			sr, err := blob(l.Digest)
			if err != nil {
				return nil, fmt.Errorf("layer %d: %w", i+1, err)
			}
			layers = append(layers, &layer{name: fmt.Sprintf("layer %d (%s)", i+1, l.Digest), key: l.Digest.String(), blob: sr, plain: sniffPlain(sr)})
		}
		return layers, nil
	}
}

func (img *Facts) choose(idx *v1.IndexManifest) (v1.Descriptor, error) {
	var cands []v1.Descriptor
	for _, d := range idx.Manifests {
		// BuildKit adds attestation manifests (platform unknown/unknown) next to the images.
		if d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" || d.Platform != nil && d.Platform.OS == "unknown" {
			continue
		}
		if d.MediaType.IsImage() || d.MediaType.IsIndex() {
			cands = append(cands, d)
		}
	}
	switch len(cands) {
	case 0:
		return v1.Descriptor{}, fmt.Errorf("%w: the index lists no image manifest", ErrNotImage)
	case 1:
		return cands[0], nil
	}
	for _, d := range cands {
		if d.Platform != nil && d.Platform.OS == "linux" && d.Platform.Architecture == runtime.GOARCH {
			img.Notes = append(img.Notes, source.Notef(source.Pos{File: img.Ref}, "the index holds %d images; inspecting linux/%s", len(cands), runtime.GOARCH))
			return d, nil
		}
	}
	img.Notes = append(img.Notes, source.Notef(source.Pos{File: img.Ref}, "the index holds %d images and none for linux/%s; inspecting the first", len(cands), runtime.GOARCH))
	return cands[0], nil
}

// FromLayout reads an OCI image layout directory (index.json, oci-layout, blobs/).
func FromLayout(dir string) (*Facts, error) {
	if _, err := os.Stat(filepath.Join(dir, "index.json")); err != nil {
		return nil, fmt.Errorf("%s: %w: a directory must be an OCI layout with index.json", dir, ErrNotImage)
	}
	img := &Facts{Ref: dir}
	ok := false
	defer func() {
		if !ok {
			img.Close()
		}
	}()
	lp := layout.Path(dir)
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: reading OCI layout: %w", dir, err)
	}
	raw, err := idx.RawManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: reading index.json: %w", dir, err)
	}
	blob := func(h v1.Hash) (*io.SectionReader, error) {
		f, err := os.Open(filepath.Join(string(lp), "blobs", h.Algorithm, h.Hex))
		if err != nil {
			return nil, err
		}
		img.closers = append(img.closers, f)
		st, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return io.NewSectionReader(f, 0, st.Size()), nil
	}
	layers, err := img.fromOCI(raw, blob)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", dir, err)
	}
	if err := img.flatten(layers); err != nil {
		return nil, err
	}
	ok = true
	return img, nil
}

// outerTar indexes the members of an archive file by name, reading only headers.
type outerTar struct {
	f       io.ReaderAt
	size    int64
	members map[string]member
}

type member struct {
	off, size int64
	typ       byte
	link      string
}

// maxMembers bounds the members of an image archive (a docker save of 1000 layers has ~4000).
const maxMembers = 100_000

func indexTar(f *os.File) (*outerTar, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	sr := io.NewSectionReader(f, 0, st.Size())
	tr := tar.NewReader(sr)
	t := &outerTar{f: f, size: st.Size(), members: map[string]member{}}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if len(t.members) == 0 {
				return nil, fmt.Errorf("%w: not a tar archive (%v)", ErrNotImage, err)
			}
			return nil, fmt.Errorf("reading the archive after %d members: %w", len(t.members), err)
		}
		if len(t.members) >= maxMembers {
			return nil, fmt.Errorf("%w: more than %d members", ErrNotImage, maxMembers)
		}
		off, _ := sr.Seek(0, io.SeekCurrent)
		t.members[path.Clean(h.Name)] = member{off: off, size: h.Size, typ: h.Typeflag, link: h.Linkname}
	}
	return t, nil
}

func (t *outerTar) has(name string) bool { _, ok := t.members[name]; return ok }

// open returns a member's body, following the symlinks docker save uses for shared layers.
func (t *outerTar) open(name string) (*io.SectionReader, error) {
	name = path.Clean(name)
	for hops := 0; hops < 16; hops++ {
		m, ok := t.members[name]
		if !ok {
			return nil, fmt.Errorf("%s is not in the archive", name)
		}
		switch m.typ {
		case tar.TypeSymlink:
			name = path.Clean(path.Join(path.Dir(name), m.link))
			continue
		case tar.TypeLink:
			name = path.Clean(m.link)
			continue
		case tar.TypeReg, tar.TypeRegA:
			return io.NewSectionReader(t.f, m.off, m.size), nil
		}
		return nil, fmt.Errorf("%s is not a regular file in the archive", name)
	}
	return nil, fmt.Errorf("%s: too many levels of links in the archive", name)
}

func (t *outerTar) read(name string, max int64) ([]byte, error) {
	sr, err := t.open(name)
	if err != nil {
		return nil, err
	}
	if sr.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes is too large", name, sr.Size())
	}
	return io.ReadAll(sr)
}
