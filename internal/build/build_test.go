package build_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// project copies a fixture to a temporary directory (builds write dist/ there) and loads it.
func project(t *testing.T, name string) *facts.Project {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "src", name))); err != nil {
		t.Fatal(err)
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return facts.Load(tr)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}

func targets(t *testing.T, ss ...string) []build.Target {
	var out []build.Target
	for _, s := range ss {
		tg, err := build.ParseTarget(s)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tg)
	}
	return out
}

// TestCrossBuildArtifacts builds linux/amd64 and linux/arm64 with CGO_ENABLED=0 and reads every
// artifact back with the binary package: static, the right architecture, the recorded settings,
// stripped, the version stamped, and SHA256SUMS matching the files.
func TestCrossBuildArtifacts(t *testing.T) {
	p := project(t, "versioned")
	res, err := build.Run(ctx(t), p, build.RunOptions{Targets: targets(t, "linux/amd64", "linux/arm64"), Version: "v1.2.3-test"})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Settings
	if len(s.Cgo) != 0 || s.Link != build.Static || s.VersionVar != "main.version" {
		t.Fatalf("settings: cgo %v link %s version var %q", s.Cgo, s.Link, s.VersionVar)
	}
	if strings.Join(s.Tags, ",") != "timetzdata" {
		t.Errorf("tags %v: the code loads Europe/Paris and no snapshot says the target has zoneinfo", s.Tags)
	}
	var sums strings.Builder
	for _, a := range res.Artifacts {
		want := "versioned_linux_" + a.Target.Arch
		if a.Name != want || filepath.Dir(a.Path) != filepath.Join(p.Tree.Root, "dist") {
			t.Errorf("artifact %s at %s, want dist/%s", a.Name, a.Path, want)
		}
		f, err := binary.ReadFile(a.Path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Format != binary.ELF || f.Arch != a.Target.Arch || !f.Static || !f.Stripped {
			t.Errorf("%s: format %s arch %s static %v stripped %v", a.Name, f.Format, f.Arch, f.Static, f.Stripped)
		}
		for k, v := range map[string]string{"CGO_ENABLED": "0", "GOOS": "linux", "GOARCH": a.Target.Arch, "-trimpath": "true", "-tags": "timetzdata"} {
			if got := f.Go.Setting(k); got != v {
				t.Errorf("%s: %s=%q, want %q", a.Name, k, got, v)
			}
		}
		if !f.Go.TZData {
			t.Errorf("%s: time/tzdata not linked", a.Name)
		}
		b, _ := os.ReadFile(a.Path)
		if !bytes.Contains(b, []byte("v1.2.3-test")) {
			t.Errorf("%s: version not stamped", a.Name)
		}
		if a.Unstripped <= a.Size {
			t.Errorf("%s: without -s -w %d bytes, with %d", a.Name, a.Unstripped, a.Size)
		}
		h := sha256.Sum256(b)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(h[:]), a.Name)
	}
	got, err := os.ReadFile(res.Sums)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != sums.String() {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", got, sums.String())
	}
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		out, err := exec.Command(filepath.Join(p.Tree.Root, "dist", "versioned_linux_amd64")).Output()
		if err != nil || !strings.HasPrefix(string(out), "v1.2.3-test Europe/Paris <nil>") {
			t.Errorf("running the artifact: %q %v", out, err)
		}
	}
	var table bytes.Buffer
	res.SizeTable(&table, p.Tree.Root)
	if !strings.Contains(table.String(), "dist/versioned_linux_arm64") {
		t.Errorf("size table:\n%s", table.String())
	}
}

// TestVerifyRejectsMismatches reads a real artifact and checks it against settings and
// targets it does not match.
func TestVerifyRejectsMismatches(t *testing.T) {
	p := project(t, "versioned")
	res, err := build.Run(ctx(t), p, build.RunOptions{Targets: targets(t, "linux/arm64"), Version: "v9"})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Artifacts[0]
	s := *res.Settings
	if probs := build.Verify(&s, a.Target, "v9", nil, a.Facts); len(probs) != 0 {
		t.Fatalf("the artifact does not verify against its own settings: %v", probs)
	}
	amd := build.Target{OS: "linux", Arch: "amd64"}
	wantProblem(t, build.Verify(&s, amd, "v9", nil, a.Facts), "architecture is arm64, want amd64")
	s.Tags = []string{"netgo"}
	wantProblem(t, build.Verify(&s, a.Target, "v9", nil, a.Facts), `build setting -tags is "timetzdata", want "netgo"`)
	s = *res.Settings
	s.Cgo = build.CgoReasons(project(t, "cgo").Go, project(t, "cgo").Go.Programs[0])
	wantProblem(t, build.Verify(&s, a.Target, "v9", nil, a.Facts), `build setting CGO_ENABLED is "0", want "1"`)
}

func wantProblem(t *testing.T, probs []string, want string) {
	t.Helper()
	for _, p := range probs {
		if p == want {
			return
		}
	}
	t.Errorf("problems %q lack %q", probs, want)
}

// noStatic hides every static C toolchain so that cgo links dynamically.
func noStatic(name string) (string, error) {
	if name == "musl-gcc" {
		return "", exec.ErrNotFound
	}
	return exec.LookPath(name)
}

func noLibcA(name string) (os.FileInfo, error) {
	if strings.HasSuffix(name, "libc.a") {
		return nil, os.ErrNotExist
	}
	return os.Stat(name)
}

// TestCgoGlibcFloor builds a cgo program linked dynamically and checks its glibc floor against
// two host snapshots: one with an ancient glibc fails the build, one with a new glibc passes.
func TestCgoGlibcFloor(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("skipping: no gcc for the cgo build")
	}
	old := &host.Snapshot{Arch: runtime.GOARCH}
	old.Libc.Family, old.Libc.Version = "glibc", "2.0"
	p := project(t, "cgo")
	choose := build.Options{LookPath: noStatic, Stat: noLibcA}
	res, err := build.Run(ctx(t), p, build.RunOptions{Host: old, Choose: choose})
	var verr *build.VerifyError
	if !errors.As(err, &verr) {
		t.Fatalf("build for a glibc 2.0 host: %v, want a VerifyError", err)
	}
	if res.Settings.Link != build.Dynamic || !strings.Contains(err.Error(), "needs glibc 2.") || !strings.Contains(err.Error(), "the host has 2.0") {
		t.Errorf("link %s, error %v", res.Settings.Link, err)
	}
	if _, err := os.Stat(res.Artifacts[0].Path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a rejected artifact is in dist/: %v", err)
	}
	recent := &host.Snapshot{Arch: runtime.GOARCH}
	recent.Libc.Family, recent.Libc.Version = "glibc", "99.0"
	res, err = build.Run(ctx(t), p, build.RunOptions{Host: recent, Choose: choose})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Artifacts[0].Facts
	if f.Static || f.Libc != "glibc" || f.GlibcFloor == "" || f.Go.Setting("CGO_ENABLED") != "1" {
		t.Errorf("static %v libc %q floor %q cgo %q", f.Static, f.Libc, f.GlibcFloor, f.Go.Setting("CGO_ENABLED"))
	}
}

// TestCgoStaticLink links a cgo program statically when a static C library is installed.
func TestCgoStaticLink(t *testing.T) {
	p := project(t, "cgo")
	s, err := build.Choose(p, p.Go.Programs[0], build.Options{})
	if errors.Is(err, build.ErrNoCC) {
		t.Skip("skipping: no C compiler")
	}
	if err != nil {
		t.Fatal(err)
	}
	if s.Link != build.StaticCgo {
		t.Skipf("skipping: no static C library here (link %s)", s.Link)
	}
	res, err := build.Run(ctx(t), p, build.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := res.Artifacts[0].Facts
	if !f.Static || f.Go.Setting("CGO_ENABLED") != "1" || f.Go.Setting("-tags") != "netgo,osusergo" {
		t.Errorf("static %v cgo %q tags %q", f.Static, f.Go.Setting("CGO_ENABLED"), f.Go.Setting("-tags"))
	}
}

func TestBadInput(t *testing.T) {
	t.Run("unknown target", func(t *testing.T) {
		p := project(t, "versioned")
		_, err := build.Run(ctx(t), p, build.RunOptions{Targets: targets(t, "linux/vax")})
		if err == nil || !strings.Contains(err.Error(), "unknown target linux/vax") || !strings.Contains(err.Error(), "linux/arm64") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("malformed target", func(t *testing.T) {
		for _, s := range []string{"linux", "linux/amd64/v3", "/amd64", "a/b/c/d"} {
			if _, err := build.ParseTarget(s); err == nil {
				t.Errorf("%q parsed", s)
			}
		}
	})
	t.Run("no main package", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/lib\n\ngo 1.22\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "lib.go"), []byte("package lib\n"), 0o644)
		tr, _ := tree.Walk(dir, tree.Options{})
		if _, err := build.Run(ctx(t), facts.Load(tr), build.RunOptions{}); !errors.Is(err, build.ErrNoMain) {
			t.Errorf("got %v", err)
		}
	})
	t.Run("several main packages", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/two\n\ngo 1.22\n"), 0o644)
		for _, c := range []string{"a", "b"} {
			os.MkdirAll(filepath.Join(dir, "cmd", c), 0o755)
			os.WriteFile(filepath.Join(dir, "cmd", c, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
		}
		tr, _ := tree.Walk(dir, tree.Options{})
		_, err := build.Run(ctx(t), facts.Load(tr), build.RunOptions{})
		var amb *build.AmbiguousError
		if !errors.As(err, &amb) || strings.Join(amb.Programs, " ") != "cmd/a cmd/b" {
			t.Errorf("got %v", err)
		}
	})
	t.Run("unwritable dist", func(t *testing.T) {
		p := project(t, "versioned")
		file := filepath.Join(t.TempDir(), "file")
		os.WriteFile(file, nil, 0o644)
		_, err := build.Run(ctx(t), p, build.RunOptions{Dist: filepath.Join(file, "dist")})
		if err == nil || !strings.Contains(err.Error(), "output directory") || !strings.Contains(err.Error(), "not a directory") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("cgo without a C compiler", func(t *testing.T) {
		p := project(t, "cgo")
		t.Setenv("CC", "")
		none := func(string) (string, error) { return "", exec.ErrNotFound }
		_, err := build.Run(ctx(t), p, build.RunOptions{Choose: build.Options{LookPath: none}})
		if !errors.Is(err, build.ErrNoCC) {
			t.Errorf("got %v", err)
		}
		if _, err := os.Stat(filepath.Join(p.Tree.Root, "dist")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("dist/ was created: %v", err)
		}
	})
	t.Run("cgo cross build without a cross compiler", func(t *testing.T) {
		p := project(t, "cgo")
		other := "arm64"
		if runtime.GOARCH == "arm64" {
			other = "amd64"
		}
		look := func(n string) (string, error) {
			if strings.HasSuffix(n, "-linux-gnu-gcc") {
				return "", exec.ErrNotFound
			}
			return "/usr/bin/gcc", nil
		}
		_, err := build.Run(ctx(t), p, build.RunOptions{Targets: targets(t, "linux/"+other), Choose: build.Options{LookPath: look}})
		if err == nil || !strings.Contains(err.Error(), "needs a C cross compiler") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("target the host cannot run", func(t *testing.T) {
		p := project(t, "versioned")
		h := &host.Snapshot{Arch: "arm64"}
		_, err := build.Run(ctx(t), p, build.RunOptions{Host: h, Targets: targets(t, "linux/amd64")})
		if err == nil || !strings.Contains(err.Error(), "does not run on the host") {
			t.Errorf("got %v", err)
		}
	})
}

func TestDefaultTargets(t *testing.T) {
	p := project(t, "platforms")
	ts, from := build.DefaultTargets(p, nil)
	if fmt.Sprint(ts) != "[linux/amd64 linux/arm64]" || !strings.Contains(from, ".github/workflows/image.yml") {
		t.Errorf("targets %v from %s", ts, from)
	}
	h := &host.Snapshot{Arch: "arm64"}
	if ts, from := build.DefaultTargets(p, h); fmt.Sprint(ts) != "[linux/arm64]" || from != "the host snapshot" {
		t.Errorf("with a snapshot: %v from %s", ts, from)
	}
	p = project(t, "versioned")
	if ts, _ := build.DefaultTargets(p, nil); fmt.Sprint(ts) != "[linux/"+runtime.GOARCH+"]" {
		t.Errorf("without platforms: %v", ts)
	}
}

func TestFindVersionVar(t *testing.T) {
	cases := map[string]string{
		"var version string":                  "main.version",
		"var Version = \"dev\"":               "main.Version",
		"var (\n\tx int\n\tversion string\n)": "main.version",
		"const version = \"dev\"":             "",
		"var version = computeVersion()\n\nfunc computeVersion() string { return \"\" }": "",
		"var version int":    "",
		"var release string": "",
	}
	for decl, want := range cases {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/v\n\ngo 1.22\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\n"+decl+"\n\nfunc main() {}\n"), 0o644)
		tr, _ := tree.Walk(dir, tree.Options{})
		p := facts.Load(tr)
		got, err := build.FindVersionVar(p, p.Go.Programs[0])
		if err != nil || got != want {
			t.Errorf("%q: got %q %v, want %q", decl, got, err, want)
		}
	}
}

// TestVCSKept builds in a git checkout: the binary records the revision, and a binary without
// it fails verification.
func TestVCSKept(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("skipping: git is not installed")
	}
	p := project(t, "versioned")
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "x"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = p.Tree.Root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	res, err := build.Run(ctx(t), p, build.RunOptions{Version: "v1"})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Artifacts[0]
	if res.Settings.VCS != "auto" || a.Facts.Go.Setting("vcs") != "git" || len(a.Facts.Go.Setting("vcs.revision")) != 40 {
		t.Fatalf("vcs %q: settings %v", res.Settings.VCS, a.Facts.Go.Settings)
	}
	delete(a.Facts.Go.Settings, "vcs")
	wantProblem(t, build.Verify(res.Settings, a.Target, "v1", nil, a.Facts), "no VCS information recorded, though the tree is a git checkout (-buildvcs=auto)")
}
