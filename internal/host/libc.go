package host

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/binary"
)

// loaderDirs are where PT_INTERP names dynamic loaders on Linux (ld-linux-x86-64.so.2 in
// /lib64, ld-linux-aarch64.so.1, ld-musl-*.so.1 and ld-linux-armhf.so.3 in /lib, ld64.so.* for
// POWER and s390x).
var loaderDirs = []string{"/lib", "/lib64", "/lib32", "/libx32"}

// loaders lists the dynamic loaders present: files named ld-*.so* or ld64.so* in loaderDirs
// that resolve to a regular file (a dangling link is not a loader).
func (c *collector) loaders() []string {
	out := []string{}
	for _, d := range loaderDirs {
		ents, err := readDir(c.fsys, d)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if !(strings.HasPrefix(n, "ld-") || strings.HasPrefix(n, "ld64.")) || !strings.Contains(n, ".so") {
				continue
			}
			if isFile(c.fsys, d+"/"+n) {
				out = append(out, d+"/"+n)
			}
		}
	}
	sort.Strings(out)
	return out
}

// libcDirs are where glibc's libc.so.6 lives: the multiarch directories of Debian and Ubuntu,
// /lib64 and /usr/lib64 of Fedora, RHEL and SUSE, /lib of Arch and older layouts.
func libcCandidates(c *collector) []string {
	var out []string
	for _, d := range []string{"/lib", "/usr/lib"} {
		ents, _ := readDir(c.fsys, d)
		for _, e := range ents {
			if strings.Contains(e.Name(), "-linux-gnu") {
				out = append(out, d+"/"+e.Name()+"/libc.so.6")
			}
		}
	}
	return append(out, "/lib64/libc.so.6", "/usr/lib64/libc.so.6", "/lib/libc.so.6", "/usr/lib/libc.so.6")
}

func (c *collector) libc() Libc {
	for _, p := range libcCandidates(c) {
		name, err := resolve(c.fsys, rel(p))
		if err != nil {
			continue
		}
		if fi, err := fs.Stat(c.fsys, name); err != nil || !fi.Mode().IsRegular() {
			continue
		}
		v, err := glibcVersion(c.fsys, name)
		if err != nil {
			c.note("%s: %v", p, err)
			return Libc{Family: "glibc", Version: Unknown, Path: p}
		}
		return Libc{Family: "glibc", Version: v, Path: p}
	}
	for _, d := range []string{"/lib", "/usr/lib"} {
		ents, _ := readDir(c.fsys, d)
		for _, e := range ents {
			if !strings.HasPrefix(e.Name(), "ld-musl-") {
				continue
			}
			p := d + "/" + e.Name()
			b, err := readFile(c.fsys, p)
			if err != nil {
				c.note("%s: %v", p, plainError(err))
				return Libc{Family: "musl", Version: Unknown, Path: p}
			}
			v := muslVersion(b)
			if v == "" {
				c.note("%s: no version string found", p)
				v = Unknown
			}
			return Libc{Family: "musl", Version: v, Path: p}
		}
	}
	if isDir(c.fsys, "/nix/store") {
		// NixOS keeps every libc in the store, none at the standard paths a binary built
		// elsewhere names: which one a service gets depends on how it is packaged.
		c.note("no libc at the standard paths; /nix/store holds this system's")
		return Libc{Family: Unknown, Version: Unknown}
	}
	return Libc{Family: "none", Version: ""}
}

// glibcVersion reads the glibc release a libc.so.6 defines: the highest GLIBC_x.y of its
// version definitions (debug/elf DynamicVersions), else the release in its
// gnu_get_libc_version banner.
func glibcVersion(fsys fs.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", plainError(err)
	}
	defer f.Close()
	ra, ok := f.(io.ReaderAt)
	if !ok {
		b, err := io.ReadAll(io.LimitReader(f, maxFile))
		if err != nil {
			return "", err
		}
		ra = bytes.NewReader(b)
	}
	defs, err := binary.LibraryVersions(ra)
	if err == nil {
		if v := binary.GlibcRelease(defs); v != "" {
			return v, nil
		}
	}
	// No verdefs: look for the banner ("GNU C Library (Debian GLIBC 2.36-9) stable release
	// version 2.36.").
	b, rerr := io.ReadAll(io.NewSectionReader(ra, 0, maxFile))
	if rerr == nil {
		if m := glibcBanner.FindSubmatch(b); m != nil {
			return string(m[1]), nil
		}
	}
	if err != nil {
		return "", err
	}
	return "", fmt.Errorf("defines no GLIBC_ version and has no release banner")
}

var glibcBanner = regexp.MustCompile(`GNU C Library [^\n\x00]*?release version (\d+\.\d+)`)

// muslVersion finds musl's version in its loader (which is also its libc): the string musl
// compiles in as __libc_version, a NUL-terminated "1.2.3" that the loader run alone prints as
// "Version 1.2.3". In Debian's musl 1.2.3 it is the only NUL-delimited string of the form
// major.minor.patch starting 0.9 or 1.x (TestMuslFromThisMachine checks a real loader against
// what it prints).
func muslVersion(b []byte) string {
	if m := muslVersionRe.FindSubmatch(b); m != nil {
		return string(m[1])
	}
	return ""
}

var muslVersionRe = regexp.MustCompile(`\x00((?:0\.9|1\.[0-9])\.[0-9]{1,2}(?:_git[0-9]*)?)\x00`)

// CompareVersions compares dotted numeric versions ("2.34" > "2.4"), as binary.CompareVersions
// does: the empty version is lower than every other; a non-numeric part compares as 0.
func CompareVersions(a, b string) int { return binary.CompareVersions(a, b) }
