package image

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Entry is one visible path of the flattened file system: the tar header of the newest layer
// that holds it.
type Entry struct {
	// Path is absolute and clean ("/usr/bin/app").
	Path string
	// Layer is the 1-based layer the entry comes from.
	Layer int
	// Type is the tar type flag (tar.TypeReg, TypeDir, TypeSymlink, TypeLink, …).
	Type byte
	// Mode is the permission bits and the setuid/setgid/sticky bits.
	Mode fs.FileMode
	Size int64
	// Linkname is the target of a symlink as written, or the clean absolute target of a
	// hard link.
	Linkname string
	UID, GID int

	// seq is the entry's ordinal within its layer's tar; off is its body's offset in the
	// layer blob when the blob is an uncompressed tar (-1 otherwise).
	seq int
	off int64
}

// IsDir, IsRegular and IsSymlink classify the entry.
func (e *Entry) IsDir() bool     { return e.Type == tar.TypeDir }
func (e *Entry) IsRegular() bool { return e.Type == tar.TypeReg || e.Type == tar.TypeRegA }
func (e *Entry) IsSymlink() bool { return e.Type == tar.TypeSymlink }

// Executable says some exec bit is set (what runc checks before exec for a non-root user, and
// what the kernel checks for everyone).
func (e *Entry) Executable() bool { return e.Mode&0o111 != 0 }

// FS is the flattened file system of an image.
type FS struct {
	entries map[string]*Entry
	// children maps a directory to the names directly under it, for ReadDir.
	children map[string][]string
	// implied are directories that no layer lists but that hold entries: the engine creates
	// them when it unpacks the layer.
	implied map[string]bool
	layers  []*layer
}

// Lstat returns the entry at an absolute path without following a final symlink.
func (f *FS) Lstat(p string) (*Entry, bool) {
	e, ok := f.entries[clean(p)]
	return e, ok
}

// Len is the number of visible paths.
func (f *FS) Len() int { return len(f.entries) }

// ReadDir lists the visible entries directly under a directory (after resolving it), in name
// order.
func (f *FS) ReadDir(dir string) []*Entry {
	d, err := f.Resolve(dir)
	if err != nil {
		return nil
	}
	var out []*Entry
	for _, n := range f.children[d.Path] {
		p := path.Join(d.Path, n)
		if e, ok := f.entries[p]; ok {
			out = append(out, e)
		} else if f.implied[p] {
			out = append(out, &Entry{Path: p, Type: tar.TypeDir, Mode: 0o755, off: -1})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// MaxSymlinks is the number of symlinks followed in one resolution before giving up, as Linux
// does (ELOOP after 40).
const MaxSymlinks = 40

// ErrLoop is returned when a path has too many levels of symbolic links.
var ErrLoop = errors.New("too many levels of symbolic links")

// ErrNotExist is fs.ErrNotExist: the path is not in the image.
var ErrNotExist = fs.ErrNotExist

// Resolve follows symlinks in every component of an absolute path, as the kernel would inside
// the container: absolute targets start again from the image root, ".." never leaves it. It
// returns the final entry.
func (f *FS) Resolve(p string) (*Entry, error) {
	e, _, err := f.resolve(p, true)
	return e, err
}

// ResolvePath is Resolve that also returns the path the symlinks lead to.
func (f *FS) ResolvePath(p string) (*Entry, string, error) { return f.resolve(p, true) }

func (f *FS) resolve(p string, followLast bool) (*Entry, string, error) {
	hops := 0
	todo := splitPath(clean(p))
	cur := "/"
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, name)
		e, ok := f.entries[next]
		if !ok {
			if next == "/" || f.implied[next] {
				cur = next
				continue
			}
			return nil, next, fmt.Errorf("%s: %w", next, ErrNotExist)
		}
		if e.IsSymlink() && (len(todo) > 0 || followLast) {
			hops++
			if e.Linkname == "" { // Linux: an empty target resolves to nothing (ENOENT)
				return nil, next, fmt.Errorf("%s: empty symlink: %w", next, ErrNotExist)
			}
			if hops > MaxSymlinks {
				return nil, next, fmt.Errorf("%s: %w", p, ErrLoop)
			}
			target := splitPath(e.Linkname)
			if strings.HasPrefix(e.Linkname, "/") {
				cur = "/"
			}
			todo = append(target, todo...)
			continue
		}
		if len(todo) > 0 && !e.IsDir() {
			return nil, next, fmt.Errorf("%s: not a directory", next)
		}
		cur = next
	}
	if e, ok := f.entries[cur]; ok {
		return e, cur, nil
	}
	return &Entry{Path: cur, Type: tar.TypeDir, Mode: 0o755, off: -1}, cur, nil // the root or an implied directory
}

func splitPath(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func clean(p string) string { return path.Clean("/" + p) }

// Open returns a reader over a file's body after resolving symlinks (and hard links). The body
// is read in place when its layer is stored uncompressed; otherwise its layer is streamed again
// and the body (at most MaxBufferedBody bytes) is held in memory.
func (f *FS) Open(p string) (*io.SectionReader, *Entry, error) {
	e, err := f.Resolve(p)
	if err != nil {
		return nil, nil, err
	}
	for hops := 0; e.Type == tar.TypeLink; hops++ {
		t, ok := f.entries[e.Linkname]
		if !ok || hops > MaxSymlinks {
			return nil, nil, fmt.Errorf("%s: hard link to %s, which is not in the image", p, e.Linkname)
		}
		e = t
	}
	if !e.IsRegular() {
		return nil, nil, fmt.Errorf("%s: not a regular file", p)
	}
	l := f.layers[e.Layer-1]
	if l.plain && e.off >= 0 {
		return io.NewSectionReader(l.blob, e.off, e.Size), e, nil
	}
	if e.Size > MaxBufferedBody {
		return nil, nil, fmt.Errorf("%s: %d bytes in a compressed layer is more than the %d read into memory", p, e.Size, MaxBufferedBody)
	}
	r, done, err := l.open()
	if err != nil {
		return nil, nil, err
	}
	defer done()
	tr := tar.NewReader(r)
	for seq := 0; ; seq++ {
		if _, err := tr.Next(); err != nil {
			return nil, nil, fmt.Errorf("%s: reading %s again: %w", p, l.name, err)
		}
		if seq == e.seq {
			// Not make([]byte, e.Size): the header's size is the archive's word, the body
			// may be shorter.
			b, err := io.ReadAll(io.LimitReader(tr, e.Size))
			if err == nil && int64(len(b)) < e.Size {
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: reading body from %s: %w", p, l.name, err)
			}
			return io.NewSectionReader(bytes.NewReader(b), 0, e.Size), e, nil
		}
	}
}

// ReadFile returns a file's body, or an error when it is larger than max bytes.
func (f *FS) ReadFile(p string, max int64) ([]byte, error) {
	r, e, err := f.Open(p)
	if err != nil {
		return nil, err
	}
	if e.Size > max {
		return nil, fmt.Errorf("%s: %d bytes is larger than the %d read", p, e.Size, max)
	}
	return io.ReadAll(r)
}

// scanned is what one layer's tar holds, in order: entries and whiteouts.
type scanned struct {
	entries []*Entry
	// deleted are the paths this layer's whiteouts remove from the layers below; opaque the
	// directories it makes opaque.
	deleted, opaque []string
	notes           []source.Note
	err             error
}

// flatten streams the layers into the index. Layers are scanned in parallel (decompression is
// the cost) and merged newest first, so that a path keeps the newest layer's header and
// whiteouts hide only what lies below them. At most GOMAXPROCS scanned layers wait in memory.
func (img *Facts) flatten(layers []*layer) error {
	if len(layers) > MaxLayers {
		return fmt.Errorf("%s: %d layers is more than the %d read", img.Ref, len(layers), MaxLayers)
	}
	img.Layers = len(layers)
	shareBudget(layers)
	fsys := &FS{entries: map[string]*Entry{}, children: map[string][]string{}, implied: map[string]bool{}, layers: layers}
	results := make([]chan *scanned, len(layers))
	for i := range results {
		results[i] = make(chan *scanned, 1)
	}
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i := len(layers) - 1; i >= 0; i-- {
			select {
			case slots <- struct{}{}:
			case <-stop:
				return
			}
			go func(i int) { results[i] <- scanLayer(img.Ref, i+1, layers[i]) }(i)
		}
	}()
	deleted := map[string]bool{} // whiteouts of newer layers: the path and all below it
	opaque := map[string]bool{}  // opaque directories of newer layers: everything below them
	for i := len(layers) - 1; i >= 0; i-- {
		sc := <-results[i]
		<-slots
		if sc.err != nil {
			return fmt.Errorf("%s: %w", img.Ref, sc.err)
		}
		img.Notes = append(img.Notes, sc.notes...)
		if err := fsys.merge(i+1, sc, deleted, opaque); err != nil {
			return fmt.Errorf("%s: %w", img.Ref, err)
		}
		for _, k := range sc.deleted {
			deleted[k] = true
		}
		for _, k := range sc.opaque {
			opaque[k] = true
		}
	}
	img.FS = fsys
	return nil
}

// scanLayer reads a layer's tar headers, skipping bodies (by seeking when the layer is stored
// uncompressed).
func scanLayer(ref string, n int, l *layer) *scanned {
	sc := &scanned{}
	r, done, err := l.open()
	if err != nil {
		sc.err = err
		return sc
	}
	defer done()
	seeker, _ := r.(io.Seeker)
	tr := tar.NewReader(r)
	for seq := 0; ; seq++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if seq == 0 {
				sc.err = fmt.Errorf("%s is not a tar archive: %w", l.name, err)
			} else {
				sc.err = fmt.Errorf("%s: entry %d: %w", l.name, seq+1, err)
			}
			return sc
		}
		if seq >= MaxEntries {
			sc.err = fmt.Errorf("%s: more than %d entries", l.name, MaxEntries)
			return sc
		}
		rel := path.Clean(h.Name)
		if rel == ".." || strings.HasPrefix(rel, "../") {
			sc.err = fmt.Errorf("%s: entry %q leaves the image root (docker refuses to load such a layer)", l.name, h.Name)
			return sc
		}
		p := clean(rel)
		dir, base := path.Split(p)
		dir = clean(dir)
		if base == ".wh..wh..opq" {
			sc.opaque = append(sc.opaque, dir)
			continue
		}
		if name, ok := strings.CutPrefix(base, ".wh."); ok {
			if strings.HasPrefix(name, ".wh.") { // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs)
				continue
			}
			if name == "" || name == "." || name == ".." {
				sc.notes = append(sc.notes, source.Notef(source.Pos{File: ref}, "%s: whiteout %q names nothing; ignored", l.name, h.Name))
				continue
			}
			sc.deleted = append(sc.deleted, path.Join(dir, name))
			continue
		}
		if p == "/" || strings.HasPrefix(p, "/.wh..wh.") { // the root itself; AUFS hard-link directory
			continue
		}
		e := &Entry{Path: p, Layer: n, Type: h.Typeflag, Mode: fs.FileMode(h.Mode) & fs.ModePerm,
			Size: h.Size, Linkname: h.Linkname, UID: h.Uid, GID: h.Gid, seq: seq, off: -1}
		if h.Mode&0o4000 != 0 {
			e.Mode |= fs.ModeSetuid
		}
		if h.Mode&0o2000 != 0 {
			e.Mode |= fs.ModeSetgid
		}
		if h.Mode&0o1000 != 0 {
			e.Mode |= fs.ModeSticky
		}
		if h.Typeflag == tar.TypeLink {
			lrel := path.Clean(h.Linkname)
			if lrel == ".." || strings.HasPrefix(lrel, "../") {
				sc.err = fmt.Errorf("%s: hard link %q -> %q leaves the image root (docker refuses to load such a layer)", l.name, h.Name, h.Linkname)
				return sc
			}
			e.Linkname = clean(lrel)
		}
		if e.IsRegular() && l.plain && seeker != nil {
			e.off, _ = seeker.Seek(0, io.SeekCurrent)
		}
		sc.entries = append(sc.entries, e)
	}
	return sc
}

// merge adds the visible entries of layer n to the index.
func (fsys *FS) merge(n int, sc *scanned, deleted, opaque map[string]bool) error {
	for _, e := range sc.entries {
		p := e.Path
		prev, exists := fsys.entries[p]
		if exists && prev.Layer != n {
			continue // a newer layer holds it
		}
		if hidden(fsys, p, n, deleted, opaque) {
			continue
		}
		if !exists && len(fsys.entries) >= MaxEntries {
			return fmt.Errorf("more than %d paths", MaxEntries)
		}
		dir, base := path.Split(p)
		dir = clean(dir)
		if !exists && !fsys.implied[p] {
			fsys.children[dir] = append(fsys.children[dir], base)
			for d, b := path.Split(dir); dir != "/" && !fsys.implied[dir]; d, b = path.Split(dir) {
				fsys.implied[dir] = true
				d = clean(d)
				if _, ok := fsys.entries[dir]; !ok {
					fsys.children[d] = append(fsys.children[d], b)
				}
				dir = d
			}
		}
		fsys.entries[p] = e
	}
	return nil
}

// hidden says whether a path of layer n is hidden by a newer layer: a whiteout of it or of a
// parent, an opaque parent, or a parent that a newer layer made something other than a
// directory.
func hidden(fsys *FS, p string, n int, deleted, opaque map[string]bool) bool {
	if deleted[p] {
		return true
	}
	for a := path.Dir(p); ; a = path.Dir(a) {
		if deleted[a] || opaque[a] {
			return true
		}
		if e, ok := fsys.entries[a]; ok && e.Layer != n && !e.IsDir() {
			return true
		}
		if a == "/" {
			return false
		}
	}
}
