package host

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/moby/sys/user"
	"golang.org/x/sys/unix"
)

// Options say what Collect reads. The zero value snapshots the running process on its host.
type Options struct {
	// FS is the file system rooted at the host's "/" (default os.DirFS("/")).
	FS fs.FS
	// Root is the OS path FS is rooted at, used for access(2) on /tmp ("/" by default when
	// FS is nil; when FS is set and Root is empty, /tmp's writability is unknown).
	Root string
	// Sys answers uname, rlimits, ids and access (default Live).
	Sys System
	// Env is the environment as "NAME=value" (default os.Environ()).
	Env []string
	// Key, when set, adds an HMAC-SHA256 digest of each environment value not on the
	// allow-list, so that two hosts snapshotted with the same key can be compared without
	// writing the values.
	Key []byte
	// Tool is written as Snapshot.Tool.
	Tool string
}

// collector holds one collection's inputs and the notes it gathers.
type collector struct {
	fsys  fs.FS
	root  string
	sys   System
	env   map[string]string
	mu    sync.Mutex
	notes []string
}

func (c *collector) note(format string, args ...any) {
	c.mu.Lock()
	c.notes = append(c.notes, fmt.Sprintf(format, args...))
	c.mu.Unlock()
}

// notExist says err means the file is absent (not unreadable).
func notExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR)
}

// proc reads a /proc or /sys file; a missing or unreadable one is a note and nil.
func (c *collector) proc(p string) []byte {
	b, err := readName(c.fsys, rel(p))
	if err != nil {
		c.note("%s: %v", p, plainError(err))
		return nil
	}
	return b
}

// plainError drops the *PathError wrapping, which repeats the path.
func plainError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Collect takes a snapshot. It never fails: what cannot be read is "unknown" with a note.
func Collect(o Options) *Snapshot {
	c := &collector{fsys: o.FS, root: o.Root, sys: o.Sys, env: map[string]string{}}
	if c.fsys == nil {
		c.fsys = os.DirFS("/")
		if c.root == "" {
			c.root = "/"
		}
	}
	if c.sys == nil {
		c.sys = Live{}
	}
	environ := o.Env
	if environ == nil {
		environ = os.Environ()
	}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := c.env[k]; !dup && k != "" {
			c.env[k] = v // the first wins, as getenv(3) and os.Getenv do
		}
	}
	s := &Snapshot{Version: Version, Tool: o.Tool}
	s.Env = envVars(c.env, o.Key)

	// The sections are independent: the slow ones (libc, the CA bundle, /etc/passwd) run
	// concurrently with the rest.
	mounts := c.mountinfo()
	var wg sync.WaitGroup
	for _, f := range []func(){
		func() { s.Net = c.net() }, // the slowest: first
		func() { c.kernel(s) },
		func() { s.OS = c.osRelease() },
		func() { s.Libc, s.Loaders = c.libc(), c.loaders() },
		func() { s.CA = c.ca() },
		func() { s.Zoneinfo = c.zoneinfo() },
		func() { c.identity(s) },
		func() { s.Limits = c.limits() },
		func() { s.Cgroup = c.cgroup(mounts) },
		func() { s.DNS = c.dns() },
		func() { s.Systemd = c.systemd() },
		func() { s.Go = c.goTool() },
		func() { s.Tmp = c.tmp() },
	} {
		wg.Add(1)
		go func() { defer wg.Done(); f() }()
	}
	wg.Wait()
	s.Mounts = readOnlyMounts(mounts)
	s.Container = c.container(s.Cgroup.Path)
	sort.Strings(c.notes)
	s.Notes = c.notes
	return s
}

func (c *collector) kernel(s *Snapshot) {
	u, err := c.sys.Uname()
	if err != nil {
		c.note("uname: %v", err)
		u = Uname{Release: Unknown, Version: Unknown, Machine: Unknown}
	}
	s.Kernel = Kernel{Release: u.Release, Version: u.Version}
	s.Machine = u.Machine
	s.Arch = goarch(u.Machine)
	if b, err := readName(c.fsys, "proc/sys/kernel/hostname"); err == nil {
		s.Hostname = strings.TrimSpace(string(b))
	} else {
		s.Hostname = u.Nodename
	}
	if s.Hostname == "" {
		s.Hostname = Unknown
	}
}

// goarch names a uname machine in GOARCH words.
func goarch(machine string) string {
	switch machine {
	case "x86_64":
		return "amd64"
	case "aarch64", "arm64", "aarch64_be":
		return "arm64"
	case "i386", "i486", "i586", "i686":
		return "386"
	case "ppc64le":
		return "ppc64le"
	case "ppc64":
		return "ppc64"
	case "s390x":
		return "s390x"
	case "riscv64":
		return "riscv64"
	case "mips64":
		return "mips64"
	case "loongarch64":
		return "loong64"
	case Unknown, "":
		return Unknown
	}
	if strings.HasPrefix(machine, "armv") || machine == "arm" {
		return "arm"
	}
	return machine
}

func (c *collector) limits() Limits {
	get := func(name string, res int) Rlimit {
		soft, hard, err := c.sys.Rlimit(res)
		if err != nil {
			c.note("getrlimit %s: %v", name, err)
			return Rlimit{UnknownQuantity, UnknownQuantity}
		}
		return Rlimit{rlimit(soft), rlimit(hard)}
	}
	return Limits{NoFile: get("RLIMIT_NOFILE", unix.RLIMIT_NOFILE), NProc: get("RLIMIT_NPROC", unix.RLIMIT_NPROC)}
}

func rlimit(v uint64) Quantity {
	if v == rlimitInfinity || v > 1<<62 {
		return Unlimited
	}
	return Quantity(v)
}

func (c *collector) identity(s *Snapshot) {
	id := Identity{NetBindService: Unknown}
	uid, gid, groups, err := c.sys.IDs()
	if err != nil {
		c.note("process ids: %v", err)
	}
	id.UID, id.GID = uid, gid
	sort.Ints(groups)
	id.Groups = append([]int{}, groups...)

	s.Users, s.Groups = []User{}, []Group{}
	if b, err := readFile(c.fsys, "/etc/passwd"); err != nil {
		c.note("/etc/passwd: %v", plainError(err))
	} else if us, err := user.ParsePasswd(bytes.NewReader(b)); err != nil {
		c.note("/etc/passwd: %v", err)
	} else {
		for _, u := range us {
			s.Users = append(s.Users, User{Name: u.Name, UID: u.Uid, GID: u.Gid, Home: u.Home, Shell: u.Shell})
		}
	}
	if b, err := readFile(c.fsys, "/etc/group"); err != nil {
		c.note("/etc/group: %v", plainError(err))
	} else if gs, err := user.ParseGroup(bytes.NewReader(b)); err != nil {
		c.note("/etc/group: %v", err)
	} else {
		for _, g := range gs {
			s.Groups = append(s.Groups, Group{Name: g.Name, GID: g.Gid})
		}
	}
	sort.SliceStable(s.Users, func(i, j int) bool { return s.Users[i].Name < s.Users[j].Name })
	sort.SliceStable(s.Groups, func(i, j int) bool { return s.Groups[i].Name < s.Groups[j].Name })
	// The first entry for an id is the one getpwuid(3) returns: look up in file order.
	for _, u := range s.Users {
		if u.UID == uid && id.User == "" {
			id.User, id.Home = u.Name, u.Home
		}
	}
	for _, g := range s.Groups {
		if g.GID == gid && id.Group == "" {
			id.Group = g.Name
		}
	}
	if st := c.proc("/proc/self/status"); st != nil {
		for line := range strings.SplitSeq(string(st), "\n") {
			if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
				caps, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				if err == nil {
					id.NetBindService = yesNo(caps&(1<<unix.CAP_NET_BIND_SERVICE) != 0)
				}
			}
		}
	}
	s.Identity = id
}

// osRelease reads os-release(5): /etc/os-release, else /usr/lib/os-release.
func (c *collector) osRelease() OS {
	for _, p := range []string{"/etc/os-release", "/usr/lib/os-release"} {
		b, err := readFile(c.fsys, p)
		if notExist(err) {
			continue
		}
		if err != nil {
			c.note("%s: %v", p, plainError(err))
			return OS{ID: Unknown, Name: Unknown, VersionID: Unknown}
		}
		kv, notes := parseOSRelease(b)
		for _, n := range notes {
			c.note("%s: %s", p, n)
		}
		return OS{ID: kv["ID"], IDLike: kv["ID_LIKE"], Name: kv["NAME"], VersionID: kv["VERSION_ID"], PrettyName: kv["PRETTY_NAME"]}
	}
	c.note("no /etc/os-release or /usr/lib/os-release")
	return OS{ID: Unknown, Name: Unknown, VersionID: Unknown}
}

func (c *collector) dns() DNS {
	d := DNS{Present: Unknown, Nameservers: []string{}, Search: []string{}, Options: []string{}}
	b, err := readFile(c.fsys, "/etc/resolv.conf")
	switch {
	case notExist(err):
		d.Present = No
		return d
	case err != nil:
		c.note("/etc/resolv.conf: %v", plainError(err))
		return d
	}
	d.Present = Yes
	// resolv.conf(5): a keyword and its values per line; '#' or ';' starts a comment; the
	// last search or domain line wins.
	for line := range strings.SplitSeq(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			if len(f) > 1 {
				d.Nameservers = append(d.Nameservers, f[1])
			}
		case "search", "domain":
			d.Search = append([]string{}, f[1:]...)
		case "options":
			d.Options = append(d.Options, f[1:]...)
		}
	}
	return d
}

func (c *collector) tmp() Tmp {
	t := Tmp{Exists: Unknown, Writable: Unknown, TMPDIR: c.env["TMPDIR"]}
	fi, err := stat(c.fsys, "/tmp")
	switch {
	case notExist(err):
		t.Exists, t.Writable = No, No
		return t
	case err != nil:
		c.note("/tmp: %v", plainError(err))
		return t
	}
	t.Exists = yesNo(fi.IsDir())
	if !fi.IsDir() {
		t.Writable = No
		return t
	}
	if c.root == "" {
		c.note("/tmp: writability is unknown when the root is not a directory of this machine")
		return t
	}
	ok, err := c.sys.Writable(filepath.Join(c.root, "tmp"))
	if err != nil {
		c.note("/tmp: access: %v", err)
		return t
	}
	t.Writable = yesNo(ok)
	return t
}

func (c *collector) systemd() Systemd {
	if !isDir(c.fsys, "/run/systemd/system") {
		return Systemd{Present: No}
	}
	// systemd names its private shared library with its version
	// (libsystemd-shared-252.so on Debian 12), which is cheaper than reading the binary; an
	// install without such a file gives "unknown".
	dirs := []string{"/lib/systemd", "/usr/lib/systemd", "/usr/lib64/systemd"}
	if ents, err := readDir(c.fsys, "/usr/lib"); err == nil {
		for _, e := range ents {
			if strings.Contains(e.Name(), "-linux-") {
				dirs = append(dirs, "/usr/lib/"+e.Name()+"/systemd")
			}
		}
	}
	for _, d := range dirs {
		ents, _ := readDir(c.fsys, d)
		for _, e := range ents {
			if v, ok := strings.CutPrefix(e.Name(), "libsystemd-shared-"); ok {
				if v, ok := strings.CutSuffix(v, ".so"); ok {
					return Systemd{Present: Yes, Version: v}
				}
			}
		}
	}
	return Systemd{Present: Yes, Version: Unknown}
}

// goEnv are the Go environment variables the snapshot keeps with their values: they decide
// how a service is built and run on the host (GOPATH mode versus modules, the proxy, cgo).
var goEnv = []string{
	"CGO_ENABLED", "GO111MODULE", "GOARCH", "GOFLAGS", "GOMODCACHE", "GONOPROXY", "GONOSUMDB",
	"GOOS", "GOPATH", "GOPRIVATE", "GOPROXY", "GOROOT", "GOSUMDB", "GOTOOLCHAIN",
}

func (c *collector) goTool() GoTool {
	g := GoTool{Env: []EnvVar{}}
	for _, k := range goEnv {
		if v, ok := c.env[k]; ok {
			g.Env = append(g.Env, allowed(k, v))
		}
	}
	var candidates []string
	if r := c.env["GOROOT"]; r != "" {
		candidates = append(candidates, path.Join(r, "bin/go"))
	}
	for _, d := range filepath.SplitList(c.env["PATH"]) {
		if strings.HasPrefix(d, "/") {
			candidates = append(candidates, path.Join(d, "go"))
		}
	}
	for _, p := range candidates {
		name, err := resolve(c.fsys, rel(p))
		if err != nil {
			continue
		}
		fi, err := fs.Stat(c.fsys, name)
		if err != nil || !fi.Mode().IsRegular() || fi.Mode()&0o111 == 0 {
			continue
		}
		g.Path = p
		root := "/" + path.Dir(path.Dir(name)) // …/bin/go → …
		if b, err := readFile(c.fsys, root+"/VERSION"); err == nil {
			g.GOROOT = root
			g.Version = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
		} else {
			g.Version = Unknown
			c.note("%s: no VERSION file in %s: %v", p, root, plainError(err))
		}
		break
	}
	return g
}

func (c *collector) ca() CA {
	ca := CA{Dirs: []CADir{}, SSLCertFile: c.env["SSL_CERT_FILE"], SSLCertDir: c.env["SSL_CERT_DIR"]}
	// crypto/x509/root_linux.go: SSL_CERT_FILE replaces the list of files; the first file
	// that reads is used.
	files := certFiles
	if ca.SSLCertFile != "" {
		files = []string{ca.SSLCertFile}
	}
	for _, f := range files {
		b, err := readFile(c.fsys, f)
		if err != nil {
			if !notExist(err) {
				c.note("%s: %v", f, plainError(err))
			}
			continue
		}
		ca.File = f
		ca.Certificates = bytes.Count(b, []byte("-----BEGIN CERTIFICATE-----"))
		break
	}
	dirs := certDirectories
	if ca.SSLCertDir != "" {
		dirs = strings.Split(ca.SSLCertDir, ":")
	}
	for _, d := range dirs {
		ents, err := readDir(c.fsys, d)
		if err != nil {
			if !notExist(err) {
				c.note("%s: %v", d, plainError(err))
			}
			continue
		}
		n := 0
		for _, e := range ents {
			if !e.IsDir() {
				n++
			}
		}
		ca.Dirs = append(ca.Dirs, CADir{Path: d, Files: n})
	}
	return ca
}

// certFiles and certDirectories are Go's lists (crypto/x509/root_linux.go, Go 1.26).
var (
	certFiles = []string{
		"/etc/ssl/certs/ca-certificates.crt",                // Debian/Ubuntu/Gentoo etc.
		"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora/RHEL 6
		"/etc/ssl/ca-bundle.pem",                            // OpenSUSE
		"/etc/pki/tls/cacert.pem",                           // OpenELEC
		"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // CentOS/RHEL 7
		"/etc/ssl/cert.pem",                                 // Alpine Linux
	}
	certDirectories = []string{"/etc/ssl/certs", "/etc/pki/tls/certs"}
)

// zoneSources is time/zoneinfo_unix.go's platformZoneSources.
var zoneSources = []string{"/usr/share/zoneinfo", "/usr/share/lib/zoneinfo", "/usr/lib/locale/TZ", "/etc/zoneinfo"}

func (c *collector) zoneinfo() Zoneinfo {
	z := Zoneinfo{Dirs: []string{}, TZ: c.env["TZ"], ZONEINFO: c.env["ZONEINFO"]}
	for _, d := range zoneSources {
		if isFile(c.fsys, d+"/UTC") {
			z.Dirs = append(z.Dirs, d)
		}
	}
	if rl, ok := c.fsys.(fs.ReadLinkFS); ok {
		fi, err := rl.Lstat("etc/localtime")
		switch {
		case err == nil && fi.Mode()&fs.ModeSymlink != 0:
			z.Localtime, _ = rl.ReadLink("etc/localtime")
		case err == nil:
			z.Localtime = "file"
		case !notExist(err):
			c.note("/etc/localtime: %v", plainError(err))
			z.Localtime = Unknown
		}
	} else if isFile(c.fsys, "/etc/localtime") {
		z.Localtime = "file"
	}
	if b, err := readFile(c.fsys, "/etc/timezone"); err == nil {
		z.Timezone = strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	return z
}

func (c *collector) container(cgroupPath string) Container {
	ct := Container{Evidence: []string{}}
	add := func(kind, evidence string) {
		if ct.Kind == "" {
			ct.Kind = kind
		}
		ct.Evidence = append(ct.Evidence, evidence)
	}
	// Kubernetes first: a pod runs on docker or containerd, and the pod is what matters.
	if _, ok := c.env["KUBERNETES_SERVICE_HOST"]; ok {
		add("kubernetes", "KUBERNETES_SERVICE_HOST is set")
	}
	if isFile(c.fsys, "/.dockerenv") {
		add("docker", "/.dockerenv exists")
	}
	if isFile(c.fsys, "/run/.containerenv") {
		add("podman", "/run/.containerenv exists")
	}
	if v, ok := c.env["container"]; ok && v != "" {
		kind := v
		if kind != "podman" && kind != "docker" && kind != "lxc" && kind != "systemd-nspawn" {
			kind = "container"
		}
		add(kind, "container="+v+" is set")
	}
	for _, m := range []struct{ sub, kind string }{
		{"/kubepods", "kubernetes"}, {"/docker", "docker"}, {"/libpod", "podman"},
		{"/lxc", "lxc"}, {"containerd", "containerd"}, {"/machine.slice/", "systemd-nspawn"},
	} {
		if strings.Contains(cgroupPath, m.sub) {
			add(m.kind, "cgroup path contains "+m.sub)
			break
		}
	}
	return ct
}
