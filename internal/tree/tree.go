// Package tree answers which files a checked directory holds and what kind of artifact each one
// is, by name alone. It never follows directory symlinks (so symlink loops cannot hang it), skips
// what the Go tool and deployments ignore, and notes what it cannot read.
package tree

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// MaxFileSize is the largest file any parser reads; larger files are skipped with a note. Real
// sources and deployment files are far smaller; anything this big is generated or data.
const MaxFileSize = 10 << 20

// Kind is what a file is, judged by its name.
type Kind int

const (
	Other Kind = iota
	GoFile
	GoMod
	GoSum
	GoWork
	VendorModules // vendor/modules.txt
	Dockerfile
	Dockerignore
	YAML // compose, Kubernetes, workflows, goreleaser: the parsers decide by content
	SystemdUnit
	Shell // by extension; files with a shebang are found by the script parser
	EnvFile
)

var kindNames = [...]string{"other", "go", "go.mod", "go.sum", "go.work", "vendor/modules.txt",
	"dockerfile", "dockerignore", "yaml", "systemd", "shell", "env"}

func (k Kind) String() string { return kindNames[k] }

// File is one regular file (or symlink to one) of the tree.
type File struct {
	// Path is slash-separated and relative to the tree's root; it is what findings show.
	Path string
	// Abs is the path on disk.
	Abs  string
	Size int64
	// Mode is the mode of the file itself after following a file symlink (exec bits live here).
	Mode fs.FileMode
	// Symlink is true when the entry in the tree is a symlink to this file.
	Symlink bool
	Kind    Kind
}

// Tree is the set of files under a root.
type Tree struct {
	// Root is the checked directory as given by the user, cleaned.
	Root  string
	Files []*File
	// Notes are what the walk could not read or chose to skip.
	Notes  []source.Note
	byPath map[string]*File
}

// Options tune the walk.
type Options struct {
	// Skip are slash-path patterns (path.Match syntax, plus a trailing "/**" or "/" for a whole
	// directory) relative to the root; matching files and directories are left out.
	Skip []string
}

// skippedDirs are never descended into: VCS metadata, editor state, third-party JavaScript and
// Go's testdata, which the Go tool ignores and which holds fixtures rather than deployments.
var skippedDirs = map[string]bool{
	".git": true, ".hg": true, ".svn": true, ".idea": true, ".vscode": true, ".cache": true,
	"node_modules": true, "testdata": true, ".terraform": true,
}

// ErrNotDir is returned when the root is a file.
var ErrNotDir = errors.New("not a directory")

// Walk lists the files under root. It returns an error only when root itself cannot be read;
// everything below that becomes a note.
func Walk(root string, opt Options) (*Tree, error) {
	root = filepath.Clean(root)
	st, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", root, ErrNotDir)
	}
	t := &Tree{Root: root, byPath: map[string]*File{}}
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if err != nil {
			t.Notes = append(t.Notes, source.Notef(source.Pos{File: rel}, "cannot read: %v", trimPathErr(err)))
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			if skippedDirs[d.Name()] || skipped(opt.Skip, rel, true) {
				return fs.SkipDir
			}
			return nil
		}
		if skipped(opt.Skip, rel, false) {
			return nil
		}
		f := &File{Path: rel, Abs: p}
		info, err := d.Info()
		if err != nil {
			t.Notes = append(t.Notes, source.Notef(source.Pos{File: rel}, "cannot read: %v", trimPathErr(err)))
			return nil
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Stat(p)
			if err != nil {
				t.Notes = append(t.Notes, source.Notef(source.Pos{File: rel}, "broken or looping symlink: %v", trimPathErr(err)))
				return nil
			}
			if target.IsDir() {
				return nil // directory symlinks are not followed: no loops, no escapes
			}
			info, f.Symlink = target, true
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f.Size, f.Mode = info.Size(), info.Mode()
		f.Kind = KindOf(rel)
		if f.Size > MaxFileSize {
			if f.Kind != Other {
				t.Notes = append(t.Notes, source.Notef(source.Pos{File: rel}, "skipped: %d MB is over the %d MB limit for a file", f.Size>>20, MaxFileSize>>20))
			}
			return nil
		}
		t.Files = append(t.Files, f)
		t.byPath[rel] = f
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(t.Files, func(i, j int) bool { return t.Files[i].Path < t.Files[j].Path })
	return t, nil
}

func trimPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func skipped(patterns []string, rel string, dir bool) bool {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "./")
		base := strings.TrimSuffix(strings.TrimSuffix(p, "/**"), "/")
		if base != p || dir {
			if rel == base || strings.HasPrefix(rel, base+"/") {
				return true
			}
		}
		if ok, _ := path.Match(p, rel); ok {
			return true
		}
		if !strings.Contains(p, "/") {
			if ok, _ := path.Match(p, path.Base(rel)); ok {
				return true
			}
		}
	}
	return false
}

// KindOf classifies a slash path by its name.
func KindOf(rel string) Kind {
	base := path.Base(rel)
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(base, ".go"):
		return GoFile
	case base == "go.mod":
		return GoMod
	case base == "go.sum":
		return GoSum
	case base == "go.work":
		return GoWork
	case rel == "vendor/modules.txt" || strings.HasSuffix(rel, "/vendor/modules.txt"):
		return VendorModules
	case base == ".dockerignore" || strings.HasSuffix(base, ".dockerignore"):
		return Dockerignore
	case strings.HasPrefix(lower, "dockerfile") || strings.HasPrefix(lower, "containerfile") ||
		strings.HasSuffix(lower, ".dockerfile") || strings.HasSuffix(lower, ".containerfile"):
		return Dockerfile
	case strings.HasSuffix(lower, ".yaml") || strings.HasSuffix(lower, ".yml"):
		return YAML
	case strings.HasSuffix(base, ".service") || strings.HasSuffix(base, ".socket") ||
		strings.HasSuffix(base, ".timer") || strings.HasSuffix(base, ".target"):
		return SystemdUnit
	case strings.HasSuffix(lower, ".sh") || strings.HasSuffix(lower, ".bash"):
		return Shell
	case base == ".env" || strings.HasPrefix(base, ".env.") || strings.HasSuffix(base, ".env"):
		return EnvFile
	}
	return Other
}

// Get returns the file at a slash path relative to the root, or nil.
func (t *Tree) Get(rel string) *File { return t.byPath[rel] }

// OfKind returns the files of a kind, in path order.
func (t *Tree) OfKind(k Kind) []*File {
	var out []*File
	for _, f := range t.Files {
		if f.Kind == k {
			out = append(out, f)
		}
	}
	return out
}

// Exists says whether a slash path relative to the root is a file or a directory of the tree
// (directories exist when some file lies below them).
func (t *Tree) Exists(rel string) bool {
	rel = path.Clean(rel)
	if rel == "." {
		return true
	}
	if t.byPath[rel] != nil {
		return true
	}
	i := sort.Search(len(t.Files), func(i int) bool { return t.Files[i].Path >= rel+"/" })
	return i < len(t.Files) && strings.HasPrefix(t.Files[i].Path, rel+"/")
}

// Read returns the content of a file, refusing anything over MaxFileSize.
func (t *Tree) Read(f *File) ([]byte, error) {
	fh, err := os.Open(f.Abs)
	if err != nil {
		return nil, trimPathErr(err)
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, MaxFileSize+1))
	if err != nil {
		return nil, trimPathErr(err)
	}
	if len(b) > MaxFileSize {
		return nil, fmt.Errorf("over the %d MB limit for a file", MaxFileSize>>20)
	}
	return b, nil
}
