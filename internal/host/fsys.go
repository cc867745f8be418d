package host

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
)

// maxLinks is how many symbolic links one lookup follows, as the kernel's MAXSYMLINKS (40).
const maxLinks = 40

// maxFile bounds what one read takes from a file: the largest file read whole is a CA bundle
// (about 220 KB on Debian) or a musl loader (about 800 KB); 16 MiB leaves room for any real one
// and keeps a hostile or special file from exhausting memory.
const maxFile = 16 << 20

// errLoop is returned when a path has more than maxLinks links.
var errLoop = errors.New("too many levels of symbolic links")

// resolve follows the symbolic links of name component by component, inside fsys: an absolute
// link target is taken from the root of fsys, as the kernel does inside a chroot. So a
// flattened image rootfs where /lib -> usr/lib and /etc/localtime -> /usr/share/zoneinfo/UTC
// is read as the image sees itself, not through the host's files. When fsys cannot read links
// the name is returned as is.
func resolve(fsys fs.FS, name string) (string, error) {
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return name, nil
	}
	rest := strings.Split(name, "/")
	done := ""
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			done = path.Dir(done)
			if done == "." {
				done = ""
			}
			continue
		}
		next := c
		if done != "" {
			next = done + "/" + c
		}
		fi, err := rl.Lstat(next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		if links++; links > maxLinks {
			return "", &fs.PathError{Op: "resolve", Path: name, Err: errLoop}
		}
		target, err := rl.ReadLink(next)
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			done = ""
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	if done == "" {
		return ".", nil
	}
	return done, nil
}

// rel turns an absolute host path into an fs.FS name.
func rel(p string) string {
	p = strings.TrimLeft(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// readFile reads an absolute path inside fsys, following links inside it, up to maxFile bytes.
func readFile(fsys fs.FS, p string) ([]byte, error) {
	name, err := resolve(fsys, rel(p))
	if err != nil {
		return nil, err
	}
	return readName(fsys, name)
}

// readName reads an fs.FS name without resolving links itself (for /proc and /sys, whose links
// the kernel resolves), up to maxFile bytes.
func readName(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err == nil && st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errors.New("is a directory")}
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFile {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("larger than %d MiB", maxFile>>20)}
	}
	return b, nil
}

// stat stats an absolute path inside fsys, following links inside it.
func stat(fsys fs.FS, p string) (fs.FileInfo, error) {
	name, err := resolve(fsys, rel(p))
	if err != nil {
		return nil, err
	}
	return fs.Stat(fsys, name)
}

// readDir lists an absolute directory inside fsys, following links inside it.
func readDir(fsys fs.FS, p string) ([]fs.DirEntry, error) {
	name, err := resolve(fsys, rel(p))
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(fsys, name)
}

// isFile says an absolute path resolves to a regular file inside fsys.
func isFile(fsys fs.FS, p string) bool {
	fi, err := stat(fsys, p)
	return err == nil && fi.Mode().IsRegular()
}

// isDir says an absolute path resolves to a directory inside fsys.
func isDir(fsys fs.FS, p string) bool {
	fi, err := stat(fsys, p)
	return err == nil && fi.IsDir()
}
