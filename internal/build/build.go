package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
)

// RunOptions say what to build and where.
type RunOptions struct {
	// Program is the main package directory or binary name ("" for the only one).
	Program string
	// Targets are the platforms; none means DefaultTargets.
	Targets []Target
	// Host is the target host's snapshot, if any.
	Host *host.Snapshot
	// Dist is the output directory (default <root>/dist).
	Dist string
	// Version is stamped into the version variable; "" means `git describe --tags --always
	// --dirty`, or "dev" without git.
	Version string
	// UPX compresses the artifacts with upx after they are verified.
	UPX bool
	// Go is the go command (default "go").
	Go string
	// Progress, when not nil, receives a line as each target starts and ends.
	Progress io.Writer
	// Choose are the options of the settings decision (tests replace LookPath).
	Choose Options
}

// Artifact is one built binary.
type Artifact struct {
	Target Target
	// Path is the file in Dist; Name its base name.
	Path, Name string
	// Size is the file size as shipped; Unstripped the size of the same build without
	// -s -w; Packed the size after upx (0 without --upx).
	Size, Unstripped, Packed int64
	SHA256                   string
	// Facts are what the binary package reads from the artifact.
	Facts *binary.Facts
	// Problems are the verification failures; the build fails when any artifact has one.
	Problems []string
	Elapsed  time.Duration
}

// Result is a finished build.
type Result struct {
	Settings *Settings
	// TargetsFrom says where the targets came from.
	TargetsFrom string
	Version     string
	Artifacts   []*Artifact
	// Sums is the SHA256SUMS file ("" when the build failed).
	Sums string
}

// VerifyError is returned when an artifact does not match what was asked for.
type VerifyError struct{ Artifacts []*Artifact }

func (e *VerifyError) Error() string {
	var parts []string
	for _, a := range e.Artifacts {
		parts = append(parts, a.Name+": "+strings.Join(a.Problems, "; "))
	}
	return "artifacts do not match the build settings: " + strings.Join(parts, " | ")
}

// Run builds the program for every target. It is the one place shipshape runs the Go
// toolchain (go build via os/exec).
func Run(ctx context.Context, p *facts.Project, opt RunOptions) (*Result, error) {
	if opt.Go == "" {
		opt.Go = "go"
	}
	prog, err := Program(p.Go, opt.Program)
	if err != nil {
		return nil, err
	}
	if prog.Module == nil {
		return nil, fmt.Errorf("%s is outside every module (no go.mod above it): go build needs a module", prog.Dir)
	}
	if opt.Choose.Host == nil {
		opt.Choose.Host = opt.Host
	}
	s, err := Choose(p, prog, opt.Choose)
	if err != nil {
		return nil, err
	}
	res := &Result{Settings: s}
	targets := opt.Targets
	if len(targets) == 0 {
		targets, res.TargetsFrom = DefaultTargets(p, opt.Host)
	} else {
		res.TargetsFrom = "--target"
	}
	if err := CheckTargets(ctx, opt.Go, targets); err != nil {
		return nil, err
	}
	if opt.Host != nil {
		for _, t := range targets {
			if a := opt.Host.Arch; a != "" && a != host.Unknown && (t.OS != "linux" || t.Arch != a) {
				return nil, fmt.Errorf("target %s does not run on the host of the snapshot (linux/%s)", t, a)
			}
		}
	}
	look := opt.Choose.LookPath
	if look == nil {
		look = exec.LookPath
	}
	if len(s.Cgo) > 0 {
		for _, t := range targets {
			if _, err := crossCC(s, t, look); err != nil {
				return nil, err
			}
		}
	}
	if opt.UPX {
		if _, err := look("upx"); err != nil {
			return nil, errors.New("--upx: upx is not installed")
		}
	}
	root := p.Tree.Root
	dist := opt.Dist
	if dist == "" {
		dist = filepath.Join(root, "dist")
	}
	if err := writable(dist); err != nil {
		return nil, err
	}
	if s.VersionVar != "" {
		res.Version = opt.Version
		if res.Version == "" {
			res.Version = gitVersion(ctx, root)
		}
	}
	tmp, err := os.MkdirTemp("", "shipshape-build-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)

	modDir := filepath.Join(root, filepath.FromSlash(prog.Module.Dir))
	pkg := "./" + strings.TrimPrefix(strings.TrimPrefix(prog.Dir, prog.Module.Dir), "/")
	if prog.Dir == prog.Module.Dir {
		pkg = "."
	}
	jobs := min(runtime.NumCPU(), len(targets))
	sem := make(chan struct{}, max(jobs, 1))
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     int
	)
	progress := func(format string, args ...any) {
		if opt.Progress != nil {
			mu.Lock()
			fmt.Fprintf(opt.Progress, format+"\n", args...)
			mu.Unlock()
		}
	}
	for _, t := range targets {
		a := &Artifact{Target: t, Name: t.FileName(prog.Name)}
		a.Path = filepath.Join(dist, a.Name)
		res.Artifacts = append(res.Artifacts, a)
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			progress("building %s", t)
			start := time.Now()
			err := buildOne(ctx, opt, s, res.Version, modDir, pkg, tmp, a, look)
			a.Elapsed = time.Since(start)
			mu.Lock()
			done++
			n := done
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
			if err != nil {
				progress("failed %s (%d/%d)", t, n, len(targets))
				return
			}
			progress("built %s in %.1fs, %s (%d/%d)", t, a.Elapsed.Seconds(), humanSize(a.Size), n, len(targets))
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return res, firstErr
	}
	var bad []*Artifact
	for _, a := range res.Artifacts {
		if len(a.Problems) > 0 {
			bad = append(bad, a)
		}
	}
	if len(bad) > 0 {
		return res, &VerifyError{Artifacts: bad}
	}
	if opt.UPX {
		for _, a := range res.Artifacts {
			if err := pack(ctx, a); err != nil {
				return res, err
			}
		}
	}
	var sums bytes.Buffer
	sorted := append([]*Artifact(nil), res.Artifacts...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	for _, a := range sorted {
		sum, err := fileSHA256(a.Path)
		if err != nil {
			return res, err
		}
		a.SHA256 = sum
		fmt.Fprintf(&sums, "%s  %s\n", sum, a.Name)
	}
	res.Sums = filepath.Join(dist, "SHA256SUMS")
	if err := os.WriteFile(res.Sums, sums.Bytes(), 0o644); err != nil {
		return res, fmt.Errorf("writing %s: %w", res.Sums, err)
	}
	return res, nil
}

// writable makes dist and proves it can hold a file, so that an unwritable directory stops
// the build before anything is compiled.
func writable(dist string) error {
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return fmt.Errorf("output directory %s: %w", dist, unwrapPath(err))
	}
	f, err := os.CreateTemp(dist, ".shipshape-write-test-")
	if err != nil {
		return fmt.Errorf("output directory %s is not writable: %w", dist, unwrapPath(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Args are the go build arguments for the settings, writing to out.
func (s *Settings) Args(version, out, pkg string, stripped bool) []string {
	args := []string{"build", "-trimpath", "-buildvcs=" + s.VCS}
	if len(s.Tags) > 0 {
		args = append(args, "-tags", strings.Join(s.Tags, ","))
	}
	var ld []string
	if stripped {
		ld = append(ld, "-s", "-w")
	}
	if s.VersionVar != "" && version != "" {
		ld = append(ld, "-X", s.VersionVar+"="+version)
	}
	if s.Link == StaticCgo {
		ld = append(ld, "-linkmode", "external", "-extldflags", s.ExtLDFlags)
	}
	if len(ld) > 0 {
		args = append(args, "-ldflags", strings.Join(ld, " "))
	}
	return append(args, "-o", out, pkg)
}

// Env are the environment entries of a build for t.
func (s *Settings) Env(t Target, cc string) []string {
	env := []string{"GOOS=" + t.OS, "GOARCH=" + t.Arch, "CGO_ENABLED=0"}
	if t.Variant != "" {
		env = append(env, "GOARM="+strings.TrimPrefix(t.Variant, "v"))
	}
	if len(s.Cgo) > 0 {
		env[2] = "CGO_ENABLED=1"
		env = append(env, "CC="+cc)
	}
	return env
}

// crossArch maps GOARCH to the GNU triple's prefix of Debian's cross compilers.
var crossArch = map[string]string{
	"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf",
	"386": "i686-linux-gnu", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu",
	"riscv64": "riscv64-linux-gnu",
}

// crossCC is the C compiler for a cgo build for t: musl-gcc or the native one on this
// machine's platform, <triple>-gcc for another architecture.
func crossCC(s *Settings, t Target, look func(string) (string, error)) (string, error) {
	if t.OS == runtime.GOOS && t.Arch == runtime.GOARCH {
		if s.Link == StaticCgo {
			if p, err := look("musl-gcc"); err == nil {
				return p, nil
			}
		}
		return s.CC, nil
	}
	triple := crossArch[t.Arch]
	if t.OS == "linux" && triple != "" {
		if p, err := look(triple + "-gcc"); err == nil {
			return p, nil
		}
		return "", fmt.Errorf("cgo is required (%s) and %s needs a C cross compiler: %s-gcc is not installed (Debian: apt-get install gcc-%s)", cgoList(s.Cgo), t, triple, strings.ReplaceAll(triple, "_", "-"))
	}
	return "", fmt.Errorf("cgo is required (%s) and this machine has no C cross compiler for %s", cgoList(s.Cgo), t)
}

func buildOne(ctx context.Context, opt RunOptions, s *Settings, version, modDir, pkg, tmp string, a *Artifact, look func(string) (string, error)) error {
	cc := ""
	if len(s.Cgo) > 0 {
		var err error
		if cc, err = crossCC(s, a.Target, look); err != nil {
			return err
		}
	}
	// Build into the temporary directory and move into dist only once verified, so that a
	// failed build leaves no half-made artifact.
	staged := filepath.Join(tmp, a.Name)
	if err := goBuild(ctx, opt.Go, modDir, s.Env(a.Target, cc), s.Args(version, staged, pkg, true)); err != nil {
		return fmt.Errorf("building %s: %w", a.Target, err)
	}
	full := filepath.Join(tmp, "unstripped-"+a.Name)
	if err := goBuild(ctx, opt.Go, modDir, s.Env(a.Target, cc), s.Args(version, full, pkg, false)); err == nil {
		if st, err := os.Stat(full); err == nil {
			a.Unstripped = st.Size()
		}
	}
	f, err := binary.ReadFile(staged)
	if err != nil {
		return fmt.Errorf("reading the built %s: %w", a.Name, err)
	}
	a.Facts, a.Size = f, f.Size
	a.Problems = Verify(s, a.Target, version, opt.Host, f)
	a.Problems = append(a.Problems, verifyFile(staged, s.VersionVar, version)...)
	if len(a.Problems) > 0 {
		return nil
	}
	if err := os.Rename(staged, a.Path); err != nil {
		// A dist on another file system: copy.
		b, rerr := os.ReadFile(staged)
		if rerr != nil {
			return rerr
		}
		if err := os.WriteFile(a.Path, b, 0o755); err != nil {
			return fmt.Errorf("writing %s: %w", a.Path, unwrapPath(err))
		}
	}
	return nil
}

func goBuild(ctx context.Context, goCmd, dir string, env, args []string) error {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Stdout = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return err
		}
		return fmt.Errorf("go %s: %s", strings.Join(args, " "), msg)
	}
	return nil
}

// goFormats is the executable format of each GOOS.
var goFormats = map[string]binary.Format{"darwin": binary.MachO, "ios": binary.MachO, "windows": binary.PE}

// Verify compares what the binary says with what was asked: its format and architecture, that
// it is static when promised, the build settings Go recorded (CGO_ENABLED, -trimpath, tags,
// ldflags, GOOS/GOARCH) and, on a host snapshot, its libc and glibc floor.
func Verify(s *Settings, t Target, version string, h *host.Snapshot, f *binary.Facts) []string {
	var probs []string
	want := binary.ELF
	if fm, ok := goFormats[t.OS]; ok {
		want = fm
	}
	if f.Format != want {
		probs = append(probs, fmt.Sprintf("format is %s, want %s", f.Format, want))
	}
	if f.Arch != t.Arch {
		probs = append(probs, fmt.Sprintf("architecture is %s, want %s", f.Arch, t.Arch))
	}
	if f.Format == binary.ELF && (s.Link == Static || s.Link == StaticCgo) && !f.Static {
		probs = append(probs, fmt.Sprintf("dynamically linked (loader %s), promised static", f.Interp))
	}
	if f.Format == binary.ELF && !f.Stripped {
		probs = append(probs, "has a symbol table; -s was asked")
	}
	g := f.Go
	if g == nil {
		return append(probs, "no Go build information")
	}
	cgo := "0"
	if len(s.Cgo) > 0 {
		cgo = "1"
	}
	check := func(key, want string) {
		if got := g.Setting(key); got != want {
			probs = append(probs, fmt.Sprintf("build setting %s is %q, want %q", key, got, want))
		}
	}
	check("CGO_ENABLED", cgo)
	check("GOOS", t.OS)
	check("GOARCH", t.Arch)
	check("-trimpath", "true")
	if len(s.Tags) > 0 {
		check("-tags", strings.Join(s.Tags, ","))
	}
	if s.VCSExpected && g.Setting("vcs") == "" {
		probs = append(probs, "no VCS information recorded, though the tree is a git checkout (-buildvcs=auto)")
	}
	// go build records -ldflags only without -trimpath (they may hold paths), so -s and -w
	// are judged from the file: no symbol table, no DWARF.
	if ld := g.Setting("-ldflags"); ld != "" {
		probs = append(probs, fmt.Sprintf("-ldflags %q recorded: the build was not -trimpath", ld))
	}
	if h != nil && f.Format == binary.ELF && !f.Static {
		switch {
		case h.Libc.Family == "musl" && f.Libc == "glibc", h.Libc.Family == "glibc" && f.Libc == "musl":
			probs = append(probs, fmt.Sprintf("linked against %s, the host has %s", f.Libc, h.Libc.Family))
		case h.Libc.Family == "none":
			probs = append(probs, "dynamically linked, the host has no libc")
		case f.GlibcFloor != "" && h.Libc.Family == "glibc" && h.Libc.Version != host.Unknown && host.CompareVersions(f.GlibcFloor, h.Libc.Version) > 0:
			probs = append(probs, fmt.Sprintf("needs glibc %s (%s), the host has %s", f.GlibcFloor, f.GlibcFloorSymbol, h.Libc.Version))
		}
	}
	return probs
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

func gitVersion(ctx context.Context, root string) string {
	if _, err := exec.LookPath("git"); err != nil {
		return "dev"
	}
	cmd := exec.CommandContext(ctx, "git", "describe", "--tags", "--always", "--dirty")
	cmd.Dir = root
	out, err := cmd.Output()
	if v := strings.TrimSpace(string(out)); err == nil && v != "" {
		return v
	}
	return "dev"
}

// pack compresses an artifact with upx in place.
func pack(ctx context.Context, a *Artifact) error {
	out, err := exec.CommandContext(ctx, "upx", "-q", a.Path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("upx %s: %s", a.Name, strings.TrimSpace(string(out)))
	}
	st, err := os.Stat(a.Path)
	if err != nil {
		return err
	}
	a.Packed = st.Size()
	return nil
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// SizeTable renders the artifacts' sizes: as shipped, without -s -w, and after upx.
func (r *Result) SizeTable(w io.Writer, root string) {
	fmt.Fprintf(w, "%-16s %-40s %10s %12s %10s\n", "TARGET", "FILE", "SIZE", "WITHOUT -s -w", "UPX")
	for _, a := range r.Artifacts {
		name := a.Path
		if rel, err := filepath.Rel(root, a.Path); err == nil && !strings.HasPrefix(rel, "..") {
			name = filepath.ToSlash(rel)
		}
		unstripped, packed := "-", "-"
		if a.Unstripped > 0 {
			unstripped = humanSize(a.Unstripped)
		}
		if a.Packed > 0 {
			packed = humanSize(a.Packed)
		}
		fmt.Fprintf(w, "%-16s %-40s %10s %12s %10s\n", a.Target, name, humanSize(a.Size), unstripped, packed)
	}
	if r.Sums != "" {
		fmt.Fprintf(w, "checksums: %s\n", path.Base(filepath.ToSlash(r.Sums)))
	}
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// verifyFile checks what the binary package does not report: DWARF sections (-w drops them)
// and, with a version variable, that the version string is in the file (-X stamped it).
func verifyFile(p, versionVar, version string) []string {
	var probs []string
	if ef, err := elf.Open(p); err == nil {
		if ef.Section(".debug_info") != nil || ef.Section(".zdebug_info") != nil {
			probs = append(probs, "has DWARF sections; -w was asked")
		}
		ef.Close()
	}
	if versionVar != "" && version != "" {
		b, err := os.ReadFile(p)
		if err != nil || !bytes.Contains(b, []byte(version)) {
			probs = append(probs, fmt.Sprintf("the version %q is not in the binary: -X %s did not stamp it", version, versionVar))
		}
	}
	return probs
}
