package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/sys/user"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// DefaultPath is the PATH the Docker engine sets when the image config has none.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// CertFiles and CertDirs are where Go's crypto/x509 looks for the system roots on Linux
// (src/crypto/x509/root_linux.go); SSL_CERT_FILE and SSL_CERT_DIR replace them.
var (
	CertFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/ca-bundle.pem",
		"/etc/pki/tls/cacert.pem",
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
		"/etc/ssl/cert.pem",
	}
	CertDirs = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}
)

// ZoneDirs are where Go's time package looks for zoneinfo on Unix
// (src/time/zoneinfo_unix.go, platformZoneSources); ZONEINFO is tried first.
var ZoneDirs = []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}

// multiarch are Debian's library directories per GOARCH.
var multiarch = map[string]string{
	"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu", "arm": "arm-linux-gnueabihf",
	"386": "i386-linux-gnu", "ppc64le": "powerpc64le-linux-gnu", "s390x": "s390x-linux-gnu",
	"riscv64": "riscv64-linux-gnu", "mips64le": "mips64el-linux-gnuabi64",
}

// maxConfigFile bounds /etc/passwd, /etc/group and ld.so paths files read from an image.
const maxConfigFile = 4 << 20

type imageCheck struct {
	*run
	img     *image.Facts
	fs      *image.FS
	opt     Options
	env     map[string]string
	workdir string
	// service is the program the command finally runs (after a shell or an interpreter),
	// when it is an ELF; the Go checks read it.
	service     *binary.Facts
	servicePath string
	cfgPos      source.Pos
}

func (c *imageCheck) check() {
	c.cfgPos = source.Pos{File: c.img.Ref + ": config"}
	if c.img.Config == nil {
		c.unknown("the image has no config")
		return
	}
	cfg := c.img.Config.Config
	c.env = map[string]string{"PATH": DefaultPath}
	for _, kv := range cfg.Env {
		k, v, _ := strings.Cut(kv, "=")
		c.env[k] = v
	}
	c.workdir = "/"
	if cfg.WorkingDir != "" {
		c.workdir = path.Clean("/" + cfg.WorkingDir)
	}
	if os := c.img.Config.OS; os != "" && os != "linux" {
		c.unknown("anything about a %s image (inspect knows Linux images)", os)
		return
	}
	if c.img.Config.Architecture == "" {
		c.unknown("the image's platform (its config names no architecture)")
	} else if h := c.opt.Host; h != nil && h.GoArch() != "" && h.GoArch() != c.img.Config.Architecture {
		c.report("SS2003", 0, c.cfgPos, "exec format error",
			"the image is for %s but the host is %s: its binaries fail with exec format error", c.img.Platform(), h.GoArch())
	}
	c.checkUser(cfg.User)
	c.checkWorkdir()
	argv := append(append([]string(nil), cfg.Entrypoint...), cfg.Cmd...)
	if len(argv) == 0 {
		c.block("no command: the image has neither Entrypoint nor Cmd")
	} else {
		c.checkCommand(argv, "the command")
	}
	c.res.Binary = c.service
	if hc := cfg.Healthcheck; hc != nil && len(hc.Test) > 0 {
		c.checkHealthcheck(hc.Test)
	}
	if c.service != nil && c.service.Go != nil {
		c.checkGoNeeds()
	}
	if c.opt.Project != nil {
		c.checkProject()
	}
}

// shell is the shell of shell-form commands: the config's Shell or /bin/sh -c.
func (c *imageCheck) shell() []string {
	if s := c.img.Config.Config.Shell; len(s) > 0 {
		return s
	}
	return []string{"/bin/sh", "-c"}
}

// shellForm says argv is a shell-form command as the builder stores it: the shell, its flag
// and one string.
func (c *imageCheck) shellForm(argv []string) bool {
	sh := c.shell()
	if len(argv) < len(sh)+1 {
		return false
	}
	for i, s := range sh {
		if argv[i] != s {
			return false
		}
	}
	return true
}

// firstWord is the program a shell command runs, when it is a plain word: "exec ./app --x"
// gives "./app". It returns "" for anything needing a real shell to evaluate.
func firstWord(cmd string) string {
	fields := strings.Fields(cmd)
	for len(fields) > 0 && (fields[0] == "exec" || strings.Contains(fields[0], "=") && !strings.ContainsAny(fields[0], "/$`")) {
		fields = fields[1:]
	}
	if len(fields) == 0 || strings.ContainsAny(fields[0], "$`'\"\\|&;<>(){}*?[]~") {
		return ""
	}
	return fields[0]
}

func (c *imageCheck) checkCommand(argv []string, role string) {
	if c.shellForm(argv) {
		sh := c.shell()
		if _, ok := c.execCheck(sh[0], "the shell-form "+strings.TrimPrefix(role, "the "), 0); !ok {
			return
		}
		if w := firstWord(argv[len(sh)]); w != "" {
			if b, ok := c.execCheck(w, role+" ("+w+")", 0); ok && b != nil && b.Format == binary.ELF {
				c.service, c.servicePath = b, b.Path
			}
		}
		return
	}
	b, ok := c.execCheck(argv[0], role, 0)
	if !ok || b == nil {
		return
	}
	if b.Format == binary.ELF {
		c.service, c.servicePath = b, b.Path
		return
	}
	// An entrypoint script that ends with exec "$@" runs the image's Cmd: check it too.
	cmd := c.img.Config.Config.Cmd
	if b.Format == binary.Script && len(c.img.Config.Config.Entrypoint) > 0 && len(cmd) > 0 && c.runsArgs(b.Path) {
		if cb, ok := c.execCheck(cmd[0], fmt.Sprintf("the Cmd (run by %s through \"$@\")", b.Path), 0); ok && cb != nil && cb.Format == binary.ELF {
			c.service, c.servicePath = cb, cb.Path
		}
	}
}

// maxScript bounds the entrypoint script read to see whether it runs its arguments.
const maxScript = 1 << 20

// runsArgs says whether a script executes its arguments: exec "$@" (or "$@" alone as a
// command), as docker-entrypoint.sh scripts end.
func (c *imageCheck) runsArgs(script string) bool {
	body, err := c.fs.ReadFile(script, maxScript)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(strings.TrimSpace(line))
		if len(f) > 0 && f[0] == "exec" {
			f = f[1:]
		}
		if len(f) > 0 && (f[0] == `"$@"` || f[0] == "$@") {
			return true
		}
	}
	return false
}

// lookPath finds a program as the runtime does: a name with a slash is a path (relative to
// the working directory), a bare name is searched in PATH, skipping files without an exec
// bit. It returns the resolved path, the entry, and a reason when it fails.
func (c *imageCheck) lookPath(name string) (string, *image.Entry, error) {
	if strings.Contains(name, "/") {
		p := name
		if !path.IsAbs(p) {
			p = path.Join(c.workdir, p)
		}
		e, rp, err := c.fs.ResolvePath(p)
		if err != nil {
			return rp, nil, err // rp is where resolution stopped
		}
		return rp, e, nil
	}
	var firstNonExec *image.Entry
	var firstPath string
	for _, dir := range strings.Split(c.env["PATH"], ":") {
		if dir == "" {
			dir = "."
		}
		if !path.IsAbs(dir) {
			dir = path.Join(c.workdir, dir)
		}
		e, rp, err := c.fs.ResolvePath(path.Join(dir, name))
		if err != nil || e.IsDir() {
			continue
		}
		if e.Executable() {
			return rp, e, nil
		}
		if firstNonExec == nil {
			firstNonExec, firstPath = e, rp
		}
	}
	if firstNonExec != nil {
		return firstPath, firstNonExec, nil
	}
	return name, nil, errNotInPath
}

var errNotInPath = errors.New("executable file not found in $PATH")

// execCheck checks that name can be executed: present, executable, a format Linux runs, its
// interpreter or loader present. It returns the program's facts (nil when they could not be
// read) and whether it will start as far as inspect can tell.
func (c *imageCheck) execCheck(name, role string, depth int) (*binary.Facts, bool) {
	if depth > 4 {
		c.report("SS2011", 0, source.Pos{File: name}, "", "%s: interpreters nested more than 4 deep; Linux gives up with too many levels of symbolic links (ELOOP)", role)
		return nil, false
	}
	rp, e, err := c.lookPath(name)
	pos := source.Pos{File: rp}
	switch {
	case errors.Is(err, errNotInPath):
		c.report("SS2011", 0, c.cfgPos, fmt.Sprintf("exec: %q: executable file not found in $PATH", name),
			"%s runs %s, which is in no directory of PATH (%s)", role, name, c.env["PATH"])
		return nil, false
	case errors.Is(err, image.ErrLoop):
		c.report("SS2011", 0, pos, fmt.Sprintf("exec: %q: stat %s: too many levels of symbolic links", name, rp),
			"%s runs %s, whose symlinks loop: too many levels of symbolic links", role, name)
		return nil, false
	case errors.Is(err, image.ErrNotExist):
		why := ""
		if rp != path.Clean(name) && path.IsAbs(name) {
			why = " (there is no " + rp + ")"
		}
		c.report("SS2011", 0, c.cfgPos, fmt.Sprintf("exec: %q: stat %s: no such file or directory", name, name),
			"%s runs %s, which is not in the image%s", role, name, why)
		return nil, false
	case err != nil:
		c.report("SS2011", 0, c.cfgPos, fmt.Sprintf("exec: %q: stat %s: not a directory", name, name),
			"%s runs %s, which cannot be reached in the image (%v)", role, name, err)
		return nil, false
	}
	if e.IsDir() {
		c.report("SS2009", 0, pos, fmt.Sprintf("exec: %q: permission denied", name),
			"%s runs %s, which is a directory: exec fails with permission denied", role, rp)
		return nil, false
	}
	if !e.Executable() {
		c.report("SS2009", 0, pos, fmt.Sprintf("exec: %q: permission denied", name),
			"%s runs %s, whose mode %v has no exec bit (layer %d): exec fails with permission denied", role, rp, e.Mode, e.Layer)
		return nil, false
	}
	sr, fe, err := c.fs.Open(rp)
	if err != nil {
		c.unknown("whether %s can run (%v)", rp, err)
		return nil, true
	}
	b, err := binary.Read(sr, fe.Size, rp)
	if err != nil {
		if errors.Is(err, binary.ErrEmpty) {
			c.report("SS2003", 0, pos, "exec format error", "%s runs %s, which is empty: exec fails with exec format error", role, rp)
			return nil, false
		}
		c.report("SS2003", 0, pos, "exec format error", "%s runs %s, which is not a valid executable: %v", role, rp, err)
		return nil, false
	}
	switch b.Format {
	case binary.Script:
		return b, c.scriptCheck(b, role, depth)
	case binary.ELF:
		return b, c.elfCheck(b, role)
	}
	c.linuxExecutable(b, pos)
	return b, false
}

func (c *imageCheck) scriptCheck(b *binary.Facts, role string, depth int) bool {
	pos := source.Pos{File: b.Path, Line: 1}
	interp, arg := binary.Interpreter(b.Shebang)
	if b.ShebangCR {
		c.report("SS2010", 0, pos, fmt.Sprintf("exec %s: no such file or directory", b.Path),
			"%s runs %s, whose #! line ends in a carriage return (CRLF line endings): the kernel looks for the interpreter %q and exec fails with no such file or directory", role, b.Path, interp+"\r")
		return false
	}
	if interp == "" {
		c.report("SS2003", 0, pos, "exec format error", "%s runs %s, whose #! line names no interpreter: exec format error", role, b.Path)
		return false
	}
	if !path.IsAbs(interp) {
		// The kernel resolves a relative interpreter against the working directory.
		interp = path.Join(c.workdir, interp)
	}
	ib, ok := c.execCheck(interp, fmt.Sprintf("the #! interpreter of %s", b.Path), depth+1)
	if !ok {
		return false
	}
	if path.Base(interp) == "env" && ib != nil && arg != "" {
		prog := strings.Fields(arg)[0]
		if strings.HasPrefix(prog, "-") {
			return true // env -S and other options: not followed
		}
		_, ok = c.execCheck(prog, fmt.Sprintf("the #!%s line of %s", b.Shebang, b.Path), depth+1)
	}
	return ok
}

// libc is what C library the image provides.
type libc struct {
	family  string // "glibc", "musl" or ""
	loader  string // a loader found
	version string // glibc release from libc.so.6's version definitions
}

func (c *imageCheck) imageLibc() libc {
	var l libc
	for _, dir := range []string{"/lib", "/lib64", "/usr/lib", "/usr/lib64"} {
		for _, e := range c.fs.ReadDir(dir) {
			base := path.Base(e.Path)
			switch {
			case strings.HasPrefix(base, "ld-musl-") && l.family == "":
				l.family, l.loader = "musl", e.Path
			case strings.HasPrefix(base, "ld-linux") && strings.Contains(base, ".so"):
				l.family, l.loader = "glibc", e.Path
			}
		}
	}
	return l
}

func (c *imageCheck) describeLibc() string {
	l := c.imageLibc()
	if l.family == "" {
		return "the image has no C library loader"
	}
	return "the image has " + l.family + " (" + l.loader + ")"
}

// libDirs are where the loader of a binary looks for its libraries, without ld.so.cache:
// RUNPATH ($ORIGIN expanded), LD_LIBRARY_PATH, ld.so.conf or musl's path file, the multiarch
// and default directories.
func (c *imageCheck) libDirs(b *binary.Facts) []string {
	var dirs []string
	for _, rp := range b.RunPath {
		dirs = append(dirs, strings.ReplaceAll(strings.ReplaceAll(rp, "${ORIGIN}", path.Dir(b.Path)), "$ORIGIN", path.Dir(b.Path)))
	}
	dirs = append(dirs, strings.Split(c.env["LD_LIBRARY_PATH"], ":")...)
	if b.Libc == "musl" {
		arch := strings.TrimSuffix(strings.TrimPrefix(path.Base(b.Interp), "ld-musl-"), ".so.1")
		if body, err := c.fs.ReadFile("/etc/ld-musl-"+arch+".path", maxConfigFile); err == nil {
			dirs = append(dirs, strings.FieldsFunc(string(body), func(r rune) bool { return r == ':' || r == '\n' })...)
		}
		return append(dirs, "/lib", "/usr/local/lib", "/usr/lib")
	}
	dirs = append(dirs, c.ldSoConf("/etc/ld.so.conf", 0)...)
	if t := multiarch[b.Arch]; t != "" {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	if b.Bits == 64 {
		dirs = append(dirs, "/lib64", "/usr/lib64")
	}
	return append(dirs, "/lib", "/usr/lib")
}

func (c *imageCheck) ldSoConf(file string, depth int) []string {
	body, err := c.fs.ReadFile(file, maxConfigFile)
	if err != nil || depth > 4 {
		return nil
	}
	var dirs []string
	for _, line := range strings.Split(string(body), "\n") {
		line, _, _ = strings.Cut(line, "#")
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case f[0] == "include" && len(f) > 1:
			for _, pat := range f[1:] {
				for _, e := range c.fs.ReadDir(path.Dir(pat)) {
					if ok, _ := path.Match(path.Base(pat), path.Base(e.Path)); ok {
						dirs = append(dirs, c.ldSoConf(e.Path, depth+1)...)
					}
				}
			}
		default:
			dirs = append(dirs, f...)
		}
	}
	return dirs
}

func (c *imageCheck) findLib(name string, dirs []string) string {
	if strings.Contains(name, "/") {
		if e, err := c.fs.Resolve(name); err == nil && !e.IsDir() {
			return name
		}
		return ""
	}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		p := path.Join(d, name)
		if e, err := c.fs.Resolve(p); err == nil && !e.IsDir() {
			return p
		}
	}
	return ""
}

func (c *imageCheck) elfCheck(b *binary.Facts, role string) bool {
	pos := source.Pos{File: b.Path}
	if arch := c.img.Config.Architecture; arch != "" && b.Arch != arch {
		switch {
		case arch == "amd64" && b.Arch == "386":
			// x86-64 kernels run i386 binaries (IA32 emulation is on in every distribution
			// kernel), given the 32-bit loader and libraries, which the checks below look for.
		case arch == "arm64" && b.Arch == "arm":
			c.unknown("whether the arm64 host runs 32-bit arm binaries (%s); many arm64 CPUs cannot", b.Path)
			return true
		default:
			c.report("SS2003", 0, pos, fmt.Sprintf("exec %s: exec format error", b.Path),
				"%s runs %s, which is %s, in an image for %s: exec fails with exec format error", role, b.Path, b.Describe(), c.img.Platform())
			return false
		}
	}
	if b.Static {
		return true
	}
	if e, err := c.fs.Resolve(b.Interp); err != nil || e.IsDir() {
		c.report("SS2001", 0, pos, fmt.Sprintf("exec %s: no such file or directory", b.Path),
			"%s runs %s, which is dynamically linked against %s and needs the loader %s; %s, so exec fails with no such file or directory",
			role, b.Path, orUnknown(b.Libc), b.Interp, c.describeLibc())
		return false
	}
	dirs := c.libDirs(b)
	ok := true
	var missing []string
	for _, lib := range b.Needed {
		if c.findLib(lib, dirs) == "" {
			missing = append(missing, lib)
		}
	}
	if len(missing) > 0 {
		c.report("SS2001", 0, pos, fmt.Sprintf("error while loading shared libraries: %s: cannot open shared object file: No such file or directory", missing[0]),
			"%s runs %s, which needs %s; the image has no such library in %s", role, b.Path, strings.Join(missing, ", "), strings.Join(compact(dirs), ":"))
		ok = false
	}
	if b.Libc == "glibc" && b.GlibcFloor != "" {
		libcPath := c.findLib("libc.so.6", dirs)
		if libcPath == "" {
			return ok // reported as a missing library above
		}
		v := c.glibcVersion(libcPath)
		switch {
		case v == "":
			c.unknown("the image's glibc version (%s defines no GLIBC_ version)", libcPath)
		case binary.CompareVersions(b.GlibcFloor, v) > 0:
			c.report("SS2002", 0, pos, fmt.Sprintf("%s: version `GLIBC_%s' not found (required by %s)", libcPath, b.GlibcFloor, b.Path),
				"%s runs %s, which needs glibc %s (%s), but the image's %s is glibc %s", role, b.Path, b.GlibcFloor, floorSymbol(b), libcPath, v)
			ok = false
		}
	}
	return ok
}

func (c *imageCheck) glibcVersion(libcPath string) string {
	sr, _, err := c.fs.Open(libcPath)
	if err != nil {
		return ""
	}
	defs, err := binary.LibraryVersions(sr)
	if err != nil {
		return ""
	}
	return binary.GlibcRelease(defs)
}

func orUnknown(s string) string {
	if s == "" {
		return "an unknown C library"
	}
	return s
}

func compact(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// checkUser checks that USER names an account of /etc/passwd (and its group of /etc/group),
// as the engine does before it starts the process; numeric IDs need no entry.
func (c *imageCheck) checkUser(u string) {
	if u == "" {
		return
	}
	name, group, _ := strings.Cut(u, ":")
	if _, err := strconv.Atoi(name); err != nil {
		c.lookupAccount("/etc/passwd", "user", name, func(b []byte) (bool, error) {
			us, err := user.ParsePasswdFilter(bytes.NewReader(b), func(x user.User) bool { return x.Name == name })
			return len(us) > 0, err
		})
	}
	if group != "" {
		if _, err := strconv.Atoi(group); err != nil {
			c.lookupAccount("/etc/group", "group", group, func(b []byte) (bool, error) {
				gs, err := user.ParseGroupFilter(bytes.NewReader(b), func(x user.Group) bool { return x.Name == group })
				return len(gs) > 0, err
			})
		}
	}
}

func (c *imageCheck) lookupAccount(file, kind, name string, find func([]byte) (bool, error)) {
	symptom := fmt.Sprintf("unable to find %s %s: no matching entries in %s file", kind, name, path.Base(file))
	if kind == "group" {
		symptom = fmt.Sprintf("unable to find group %s: no matching entries in group file", name)
	}
	b, err := c.fs.ReadFile(file, maxConfigFile)
	if errors.Is(err, image.ErrNotExist) {
		c.report("SS2012", 0, c.cfgPos, symptom,
			"USER %s names a %s by name but the image has no %s: the engine refuses to start the container; use a numeric ID or add the account", c.img.Config.Config.User, kind, file)
		return
	}
	if err != nil {
		c.unknown("whether %s %s exists (%v)", kind, name, err)
		return
	}
	found, err := find(b)
	if err != nil {
		c.unknown("whether %s %s exists (%s: %v)", kind, name, file, err)
		return
	}
	if !found {
		c.report("SS2012", 0, source.Pos{File: file}, symptom,
			"USER %s: %s has no %s %s: the engine refuses to start the container", c.img.Config.Config.User, file, kind, name)
	}
}

// checkWorkdir reports a WorkingDir that is a file: the runtime cannot chdir into it. A
// missing one is created by the engine, so it is not a failure.
func (c *imageCheck) checkWorkdir() {
	wd := c.img.Config.Config.WorkingDir
	if wd == "" {
		return
	}
	e, err := c.fs.Resolve(c.workdir)
	switch {
	case err == nil && !e.IsDir():
		c.report("SS2007", 0, source.Pos{File: c.workdir}, "chdir to cwd set in config.json failed: not a directory",
			"WorkingDir %s is not a directory in the image: the runtime cannot enter it and the container does not start", wd)
	case err != nil && !errors.Is(err, image.ErrNotExist):
		c.report("SS2007", 0, c.cfgPos, "chdir to cwd set in config.json failed: not a directory",
			"WorkingDir %s cannot be entered in the image (%v)", wd, err)
	}
}

func (c *imageCheck) checkHealthcheck(test []string) {
	switch test[0] {
	case "CMD":
		if len(test) > 1 {
			c.execCheck(test[1], "HEALTHCHECK", 0)
		}
	case "CMD-SHELL":
		sh := c.shell()
		if _, ok := c.execCheck(sh[0], "the shell-form HEALTHCHECK", 0); ok && len(test) > 1 {
			if w := firstWord(test[1]); w != "" {
				c.execCheck(w, "HEALTHCHECK ("+w+")", 0)
			}
		}
	}
}

// caBundle returns where the image has CA certificates for Go, or "" with the places looked.
func (c *imageCheck) caBundle() (found string, looked []string) {
	files, dirs := CertFiles, CertDirs
	if f, ok := c.env["SSL_CERT_FILE"]; ok {
		files = []string{f}
	}
	if d, ok := c.env["SSL_CERT_DIR"]; ok {
		dirs = strings.Split(d, ":")
	}
	for _, f := range files {
		if e, err := c.fs.Resolve(f); err == nil && !e.IsDir() && e.Size > 0 {
			return f, nil
		}
	}
	for _, d := range dirs {
		for _, e := range c.fs.ReadDir(d) {
			if t, err := c.fs.Resolve(e.Path); err == nil && t.IsRegular() && t.Size > 0 {
				return d, nil
			}
		}
	}
	return "", append(append([]string(nil), files...), dirs...)
}

// zoneinfo says where the image has zoneinfo for name ("" for any zone).
func (c *imageCheck) zoneinfo(name string) string {
	dirs := ZoneDirs
	if z := c.env["ZONEINFO"]; z != "" {
		dirs = append([]string{z}, dirs...)
	}
	for _, d := range dirs {
		e, err := c.fs.Resolve(d)
		if err != nil {
			continue
		}
		if !e.IsDir() {
			return d // a zip of zones (ZONEINFO=.../zoneinfo.zip)
		}
		if name == "" {
			if len(c.fs.ReadDir(d)) > 0 {
				return d
			}
			continue
		}
		if t, err := c.fs.Resolve(path.Join(d, name)); err == nil && !t.IsDir() {
			return d
		}
	}
	return ""
}

func (c *imageCheck) checkGoNeeds() {
	g := c.service.Go
	pos := source.Pos{File: c.servicePath}
	if h := c.opt.Host; h != nil && g.MinKernel != "" {
		if k := h.KernelVersion(); k == "" {
			c.unknown("the host's kernel version")
		} else if binary.CompareVersions(k, g.MinKernel) < 0 {
			c.block("kernel %s is older than the %s that %s requires", h.Kernel, g.MinKernel, g.Version)
		}
	}
	if g.TLSClient {
		if found, looked := c.caBundle(); found == "" {
			c.report("SS2004", 0, pos, "",
				"%s links the TLS client (crypto/tls) and the image has no CA certificates (looked in %s): outbound HTTPS fails with x509: certificate signed by unknown authority",
				c.servicePath, strings.Join(looked, ", "))
		}
	}
	if g.LoadsLocation && !g.TZData && c.zoneinfo("") == "" {
		c.report("SS2005", 0, pos, "",
			"%s calls time.LoadLocation, does not link time/tzdata, and the image has no zoneinfo (%s): loading a named zone fails with unknown time zone",
			c.servicePath, strings.Join(ZoneDirs, ", "))
	}
}

// checkProject compares what the code of --project needs with the image.
func (c *imageCheck) checkProject() {
	p := c.opt.Project
	if p.Go == nil {
		c.res.Notes = append(c.res.Notes, source.Notef(source.Pos{}, "--project: no Go code facts (no Go code, or the Go loader found none)"))
		return
	}
	g := p.Go
	for _, f := range g.Files {
		if f.Path == "" || f.Unresolved || f.Write || f.Optional || f.EmbeddedBy != nil {
			continue
		}
		full := f.Path
		if !path.IsAbs(full) {
			full = path.Join(c.workdir, f.Path)
		}
		if c.exists(full, f.IsGlob) {
			continue
		}
		related := []rule.Related{{Pos: c.cfgPos, Message: "WorkingDir is " + c.workdir}}
		if !path.IsAbs(f.Path) && c.servicePath != "" {
			alt := path.Join(path.Dir(c.servicePath), f.Path)
			if path.Dir(c.servicePath) != c.workdir && c.exists(alt, f.IsGlob) {
				c.reportRel("SS2007", f.Pos, related, "%s resolves %s against the working directory %s, where the image has nothing; it is at %s next to the binary",
					f.Call, f.Path, c.workdir, alt)
				continue
			}
		}
		c.reportRel("SS2006", f.Pos, related, "%s opens %s, which is %s in the image", f.Call, f.Path, "not at "+full)
	}
	exposed := map[int]bool{}
	for k := range c.img.Config.Config.ExposedPorts {
		port, proto, _ := strings.Cut(k, "/")
		if n, err := strconv.Atoi(port); err == nil && (proto == "" || proto == "tcp") {
			exposed[n] = true
		}
	}
	if len(exposed) > 0 {
		for _, l := range g.Listeners {
			port := l.Port
			if l.PortFromEnv != "" {
				if v, ok := c.env[l.PortFromEnv]; ok {
					port, _ = strconv.Atoi(strings.TrimPrefix(v, ":"))
				}
			}
			if port == 0 || l.Unresolved && l.PortFromEnv == "" || exposed[port] {
				continue
			}
			c.reportRel("SS6001", l.Pos, []rule.Related{{Pos: c.cfgPos, Message: "ExposedPorts " + portList(exposed)}},
				"%s listens on port %d but the image exposes %s", l.Via, port, portList(exposed))
		}
	}
	if found, looked := c.caBundle(); found == "" {
		for _, u := range g.TLS {
			c.reportRel("SS2004", u.Pos, nil, "%s (%s) verifies TLS certificates and the image has no CA certificates (looked in %s)", u.Target, u.Kind, strings.Join(looked, ", "))
		}
	}
	tz := c.service != nil && c.service.Go != nil && c.service.Go.TZData
	for _, l := range g.Locations {
		if l.Name == "" || l.Name == "UTC" || l.Name == "Local" || tz {
			continue
		}
		if c.zoneinfo(l.Name) == "" {
			c.reportRel("SS2005", l.Pos, nil, "time.LoadLocation(%q) needs zoneinfo, which the image lacks, and time/tzdata is not linked in", l.Name)
		}
	}
	if _, err := c.fs.Resolve(c.tmpDir()); err != nil {
		for _, u := range g.Temp {
			if u.Dir == "" {
				c.reportRel("SS2013", u.Pos, nil, "%s uses the temporary directory %s, which is not in the image", u.Call, c.tmpDir())
			}
		}
	}
	for _, x := range g.Execs {
		if x.Name == "" || x.Unresolved {
			continue
		}
		if _, e, err := c.lookPath(x.Name); err != nil || e == nil {
			c.reportRel("SS2011", x.Pos, nil, "%s runs %s, which is not in the image (PATH %s)", x.Call, x.Name, c.env["PATH"])
		}
	}
}

func (c *imageCheck) tmpDir() string {
	if t := c.env["TMPDIR"]; t != "" {
		return t
	}
	return "/tmp"
}

func (c *imageCheck) reportRel(id string, pos source.Pos, related []rule.Related, format string, args ...any) {
	before := len(c.res.Findings)
	c.report(id, 0, pos, "", format, args...)
	if len(c.res.Findings) > before {
		c.res.Findings[len(c.res.Findings)-1].Related = related
	}
}

// exists says whether the image has a path, or for a glob some path matching it.
func (c *imageCheck) exists(p string, glob bool) bool {
	if !glob {
		_, err := c.fs.Resolve(p)
		return err == nil
	}
	for _, e := range c.fs.ReadDir(path.Dir(p)) {
		if ok, _ := path.Match(path.Base(p), path.Base(e.Path)); ok {
			return true
		}
	}
	return false
}

func portList(m map[int]bool) string {
	var ps []int
	for p := range m {
		ps = append(ps, p)
	}
	sort.Ints(ps)
	var s []string
	for _, p := range ps {
		s = append(s, strconv.Itoa(p))
	}
	return strings.Join(s, ", ")
}
