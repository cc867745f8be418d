package testimage

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
)

// CacheDir is where built binaries and extracted Debian packages are kept between runs:
// $SHIPSHAPE_TESTIMAGE_CACHE, else shipshape-testimage under the user cache directory.
func CacheDir() (string, error) {
	if d := os.Getenv("SHIPSHAPE_TESTIMAGE_CACHE"); d != "" {
		return d, os.MkdirAll(d, 0o755)
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	d := filepath.Join(base, "shipshape-testimage")
	return d, os.MkdirAll(d, 0o755)
}

// HostFiles reads files of this machine into image entries at the same paths: regular files
// with their mode, symlinks as symlinks, directories as directories (without their content).
func HostFiles(paths ...string) ([]File, error) {
	return filesUnder("/", paths)
}

func filesUnder(root string, paths []string) ([]File, error) {
	var out []File
	for _, p := range paths {
		full := filepath.Join(root, p)
		st, err := os.Lstat(full)
		if err != nil {
			return nil, err
		}
		f := File{Path: p, Mode: st.Mode().Perm()}
		switch {
		case st.Mode()&fs.ModeSymlink != 0:
			t, err := os.Readlink(full)
			if err != nil {
				return nil, err
			}
			f.Symlink, f.Mode = t, 0
		case st.IsDir():
			f.Dir = true
		case st.Mode().IsRegular():
			if f.Body, err = os.ReadFile(full); err != nil {
				return nil, err
			}
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

// withParents adds directory entries for every parent of the files not already listed.
func withParents(files []File) []File {
	have := map[string]bool{}
	for _, f := range files {
		have[path.Clean("/"+f.Path)] = true
	}
	var dirs []File
	for _, f := range files {
		for d := path.Dir(path.Clean("/" + f.Path)); d != "/"; d = path.Dir(d) {
			if !have[d] {
				have[d] = true
				dirs = append(dirs, Dir(d))
			}
		}
	}
	return Merge(dirs, files)
}

// GlibcRoot is a minimal glibc root file system assembled from this machine's libc6 package
// (dpkg -L libc6): the loader at its ABI path, libc.so.6 and its sibling libraries. It fails
// when dpkg or libc6 is absent (not a Debian-based machine).
func GlibcRoot() ([]File, error) {
	out, err := exec.Command("dpkg", "-L", "libc6").Output()
	if err != nil {
		return nil, fmt.Errorf("dpkg -L libc6: %w (a glibc root needs a Debian-based machine)", err)
	}
	var paths []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		p := sc.Text()
		// Libraries and the loader only: locales, docs and gconv modules are not needed to
		// start a program.
		if !strings.HasPrefix(p, "/lib") && !strings.HasPrefix(p, "/usr/lib") {
			continue
		}
		if strings.Contains(p, "/gconv") || strings.Contains(p, "/audit") || strings.Contains(p, "/libexec") {
			continue
		}
		// Directories (and, on merged-/usr machines, symlinks to directories such as /lib ->
		// usr/lib) come from withParents as plain directories.
		if st, err := os.Stat(p); err != nil || st.IsDir() {
			continue
		}
		paths = append(paths, p)
	}
	files, err := HostFiles(paths...)
	if err != nil {
		return nil, err
	}
	return withParents(files), nil
}

var debMu sync.Mutex

// DebianRoot returns the files of Debian packages: from this machine when the package is
// installed (dpkg -L), else extracted with dpkg-deb -x into the cache directory after
// apt-get download (which needs the package index and a reachable mirror).
func DebianRoot(pkgs ...string) ([]File, error) {
	debMu.Lock()
	defer debMu.Unlock()
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	var all []File
	for _, pkg := range pkgs {
		if files, ok := installed(pkg); ok {
			all = append(all, files...)
			continue
		}
		dir := filepath.Join(cache, "deb", pkg)
		if _, err := os.Stat(filepath.Join(dir, ".done")); err != nil {
			if err := fetchDeb(pkg, dir); err != nil {
				return nil, err
			}
		}
		files, err := tree(dir)
		if err != nil {
			return nil, err
		}
		all = append(all, files...)
	}
	return withParents(Merge(all)), nil
}

// installed returns the files of an installed Debian package, documentation left out.
func installed(pkg string) ([]File, bool) {
	st, err := exec.Command("dpkg-query", "-W", "-f=${Status}", pkg).Output()
	if err != nil || !strings.HasSuffix(strings.TrimSpace(string(st)), "installed") {
		return nil, false
	}
	out, err := exec.Command("dpkg", "-L", pkg).Output()
	if err != nil {
		return nil, false
	}
	var paths []string
	for _, p := range strings.Split(string(out), "\n") {
		if p == "" || strings.HasPrefix(p, "/usr/share/") {
			continue
		}
		// os.Stat, not Lstat: on merged-/usr machines /bin and /lib are symlinks to
		// directories, which withParents makes plain directories.
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			paths = append(paths, p)
		}
	}
	files, err := HostFiles(paths...)
	return files, err == nil
}

func fetchDeb(pkg, dir string) error {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	dl, err := os.MkdirTemp(filepath.Dir(dir), "download-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dl)
	cmd := exec.Command("apt-get", "download", pkg)
	cmd.Dir = dl
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("apt-get download %s: %w: %s", pkg, err, bytes.TrimSpace(out))
	}
	debs, _ := filepath.Glob(filepath.Join(dl, "*.deb"))
	if len(debs) != 1 {
		return fmt.Errorf("apt-get download %s left %d .deb files", pkg, len(debs))
	}
	os.RemoveAll(dir)
	if out, err := exec.Command("dpkg-deb", "-x", debs[0], dir).CombinedOutput(); err != nil {
		return fmt.Errorf("dpkg-deb -x %s: %w: %s", debs[0], err, bytes.TrimSpace(out))
	}
	return os.WriteFile(filepath.Join(dir, ".done"), nil, 0o644)
}

// tree lists a directory as image entries, skipping documentation.
func tree(dir string) ([]File, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." || rel == ".done" {
			return nil
		}
		if strings.HasPrefix(rel, "usr/share") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		paths = append(paths, "/"+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return filesUnder(dir, paths)
}

// MuslRoot is a busybox root file system on musl, from Debian's musl and busybox-static
// packages: /lib/ld-musl-<arch>.so.1, /bin/busybox and /bin/sh linked to it, /tmp and an
// /etc/passwd with root and nobody.
func MuslRoot() ([]File, error) {
	files, err := DebianRoot("musl", "busybox-static")
	if err != nil {
		return nil, err
	}
	extra := []File{Symlink("/bin/sh", "busybox"), {Path: "/tmp", Dir: true, Mode: 0o777 | fs.ModeSticky},
		Text("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"),
		Text("/etc/group", "root:x:0:\nnogroup:x:65534:\n")}
	return withParents(Merge(files, extra)), nil
}

// RootOrSkip returns a root file system from build, or skips the test with the reason when it
// cannot be built (no dpkg, no mirror) — unless SHIPSHAPE_REQUIRE_DOCKER=1, where it fails.
func RootOrSkip(t testing.TB, what string, build func() ([]File, error)) []File {
	t.Helper()
	files, err := build()
	if err != nil {
		if Required() {
			t.Fatalf("%s root file system: %v (SHIPSHAPE_REQUIRE_DOCKER=1)", what, err)
		}
		t.Skipf("%s root file system not available: %v (install the Debian packages listed in internal/testimage or set SHIPSHAPE_TESTIMAGE_CACHE)", what, err)
	}
	return files
}

// GoBuild builds a main package from source (one main.go) with extra environment entries
// ("CGO_ENABLED=0", "GOARCH=arm64") and build flags (arguments starting with "-":
// "-ldflags=-s -w", "-buildmode=pie") and returns the binary. Builds are cached by content.
func GoBuild(t testing.TB, src string, env ...string) []byte {
	t.Helper()
	b, err := GoBuildFiles(map[string][]byte{"main.go": []byte(src)}, env...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// GoBuildFiles is GoBuild for a package of several files (a main.go with //go:embed data,
// say), keyed by file name.
func GoBuildFiles(files map[string][]byte, env ...string) ([]byte, error) {
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(h, "v3\x00%s\x00%s", strings.Join(env, "\x00"), goVersion())
	for _, n := range names {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", n, len(files[n]))
		h.Write(files[n])
	}
	key := hex.EncodeToString(h.Sum(nil))[:24]
	bin := filepath.Join(cache, "bin", key)
	if b, err := os.ReadFile(bin); err == nil {
		return b, nil
	}
	dir, err := os.MkdirTemp("", "shipshape-gobuild-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.24\n"), 0o644); err != nil {
		return nil, err
	}
	for n, b := range files {
		if err := os.WriteFile(filepath.Join(dir, n), b, 0o644); err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return nil, err
	}
	tmp := fmt.Sprintf("%s.%d.tmp", bin, os.Getpid())
	args := []string{"build", "-trimpath", "-o", tmp}
	cmd := exec.Command("go")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false", "GOTOOLCHAIN=local")
	for _, e := range env {
		if strings.HasPrefix(e, "-") {
			args = append(args, e)
		} else {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Args = append(append([]string{"go"}, args...), ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build (%s): %v\n%s", strings.Join(env, " "), err, out)
	}
	if err := os.Rename(tmp, bin); err != nil {
		return nil, err
	}
	return os.ReadFile(bin)
}

func goVersion() string {
	out, _ := exec.Command("go", "env", "GOVERSION").Output()
	return strings.TrimSpace(string(out))
}
