package host

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// fakeSys answers the system calls from fields; a set err fails every call.
type fakeSys struct {
	uname    Uname
	uid, gid int
	groups   []int
	nofile   [2]uint64
	writable map[string]bool
	err      error
}

func (f *fakeSys) Uname() (Uname, error) { return f.uname, f.err }
func (f *fakeSys) Rlimit(res int) (uint64, uint64, error) {
	return f.nofile[0], f.nofile[1], f.err
}
func (f *fakeSys) IDs() (int, int, []int, error) { return f.uid, f.gid, f.groups, f.err }
func (f *fakeSys) Writable(p string) (bool, error) {
	if f.err != nil {
		return false, f.err
	}
	return f.writable[filepath.Base(p)], nil
}

func debianSys() *fakeSys {
	return &fakeSys{
		uname: Uname{Release: "6.1.0-18-amd64", Version: "#1 SMP Debian", Machine: "x86_64", Nodename: "web-1"},
		uid:   1000, gid: 1000, groups: []int{27, 1000},
		nofile:   [2]uint64{1024, 524288},
		writable: map[string]bool{"tmp": true},
	}
}

// writeTree writes files under a fresh directory; a value starting with "->" makes a link.
func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if target, ok := strings.CutPrefix(content, "->"); ok {
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		mode := os.FileMode(0o644)
		if strings.Contains(name, "/bin/") {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

// debianRoot is a merged-/usr Debian host: /lib is a link to usr/lib, the loader and
// /etc/localtime are absolute links that must resolve inside the root, not on this machine.
func debianRoot(t *testing.T) map[string]string {
	return map[string]string{
		"lib":                            "->usr/lib",
		"lib64":                          "->usr/lib64",
		"usr/lib64/ld-linux-x86-64.so.2": "->/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2": "\x7fELF loader",
		"usr/lib/x86_64-linux-gnu/libc.so.6":            "\x7fELF junk GNU C Library (Debian GLIBC 2.36-9+deb12u4) stable release version 2.36.\n",
		"etc/os-release":                                "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
		"etc/ssl/certs/ca-certificates.crt":             pem + pem + pem,
		"etc/ssl/certs/a.pem":                           pem,
		"usr/share/zoneinfo/UTC":                        "TZif",
		"usr/share/zoneinfo/Europe/Paris":               "TZif",
		"etc/localtime":                                 "->/usr/share/zoneinfo/Europe/Paris",
		"etc/timezone":                                  "Europe/Paris\n",
		"etc/passwd":                                    "root:x:0:0:root:/root:/bin/bash\napp:x:1000:1000::/home/app:/bin/sh\n",
		"etc/group":                                     "root:x:0:\napp:x:1000:\nsudo:x:27:app\n",
		"etc/resolv.conf":                               "# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch corp.example svc.example\noptions ndots:5 timeout:2\n",
		"tmp/":                                          "",
		"run/systemd/system/":                           "",
		"usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so": "x",
		"usr/local/go/bin/go":  "go",
		"usr/local/go/VERSION": "go1.22.5\ntime 2024-06-27T20:11:12Z\n",
		"proc/self/status":     "Name:\tshipshape\nCapEff:\t0000000000000000\n",
		"proc/self/cgroup":     "0::/system.slice/web.service\n",
		"proc/self/mountinfo":  "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n31 22 8:2 / /srv\\040data ro,relatime - ext4 /dev/sda2 rw\n",
		"sys/fs/cgroup/system.slice/web.service/memory.max": "268435456\n",
		"sys/fs/cgroup/system.slice/web.service/cpu.max":    "50000 100000\n",
		"sys/fs/cgroup/system.slice/memory.max":             "max\n",
		"proc/sys/kernel/hostname":                          "web-1\n",
		"proc/sys/net/ipv4/ip_unprivileged_port_start":      "1024\n",
		"proc/net/tcp":  "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0\n   1: 0100007F:0CEA 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 100 0 0 10 0\n",
		"proc/net/tcp6": "  sl  local_address                         remote_address                        st\n   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000\n",
		"proc/net/udp":  "  sl  local_address rem_address   st\n  1: 00000000:0035 00000000:0000 07 00000000:00000000\n",
		"proc/net/udp6": "  sl  local_address rem_address   st\n",
	}
}

func TestCollectDebianFixture(t *testing.T) {
	dir := writeTree(t, debianRoot(t))
	env := []string{"PATH=/usr/local/go/bin:/usr/bin", "TZ=Europe/Paris", "LANG=C.UTF-8", "LC_ALL=C", "DATABASE_URL=postgres://u:hunter2@db/x", "EMPTY=", "GOFLAGS=-mod=vendor", "GO111MODULE=off"}
	s := Collect(Options{FS: os.DirFS(dir), Root: dir, Sys: debianSys(), Env: env, Tool: "test"})
	if len(s.Notes) != 0 {
		t.Errorf("notes on a complete fixture: %q", s.Notes)
	}
	want := &Snapshot{
		Version: 1, Tool: "test", Hostname: "web-1",
		OS:     OS{ID: "debian", Name: "Debian GNU/Linux", VersionID: "12", PrettyName: "Debian GNU/Linux 12 (bookworm)"},
		Kernel: Kernel{Release: "6.1.0-18-amd64", Version: "#1 SMP Debian"},
		Arch:   "amd64", Machine: "x86_64",
		Libc:    Libc{Family: "glibc", Version: "2.36", Path: "/lib/x86_64-linux-gnu/libc.so.6"},
		Loaders: []string{"/lib64/ld-linux-x86-64.so.2"},
		CA:      CA{File: "/etc/ssl/certs/ca-certificates.crt", Certificates: 3, Dirs: []CADir{{"/etc/ssl/certs", 2}}},
		Zoneinfo: Zoneinfo{Dirs: []string{"/usr/share/zoneinfo"}, TZ: "Europe/Paris",
			Localtime: "/usr/share/zoneinfo/Europe/Paris", Timezone: "Europe/Paris"},
		Identity:  Identity{UID: 1000, GID: 1000, User: "app", Group: "app", Groups: []int{27, 1000}, Home: "/home/app", NetBindService: No},
		Users:     []User{{"app", 1000, 1000, "/home/app", "/bin/sh"}, {"root", 0, 0, "/root", "/bin/bash"}},
		Groups:    []Group{{"app", 1000}, {"root", 0}, {"sudo", 27}},
		Limits:    Limits{NoFile: Rlimit{1024, 524288}, NProc: Rlimit{1024, 524288}},
		Cgroup:    Cgroup{Version: 2, Path: "/system.slice/web.service", Memory: 268435456, CPU: 500},
		Container: Container{Evidence: []string{}},
		Net: Net{UnprivilegedPortStart: 1024, Listening: []Port{
			{"udp", "0.0.0.0", 53}, {"tcp6", "::1", 80}, {"tcp", "0.0.0.0", 8080}}},
		Mounts: Mounts{RootReadOnly: No, ReadOnly: []string{"/srv data"}},
		Tmp:    Tmp{Exists: Yes, Writable: Yes},
		DNS: DNS{Present: Yes, Nameservers: []string{"10.0.0.2", "10.0.0.3"},
			Search: []string{"corp.example", "svc.example"}, Options: []string{"ndots:5", "timeout:2"}},
		Env: []EnvVar{
			{Name: "DATABASE_URL", State: "set"}, {Name: "EMPTY", State: "empty"},
			{Name: "GO111MODULE", State: "set", Value: "off"}, {Name: "GOFLAGS", State: "set", Value: "-mod=vendor"},
			{Name: "LANG", State: "set", Value: "C.UTF-8"}, {Name: "LC_ALL", State: "set", Value: "C"},
			{Name: "PATH", State: "set", Value: "/usr/local/go/bin:/usr/bin"}, {Name: "TZ", State: "set", Value: "Europe/Paris"},
		},
		Systemd: Systemd{Present: Yes, Version: "252"},
		Go: GoTool{Path: "/usr/local/go/bin/go", GOROOT: "/usr/local/go", Version: "go1.22.5",
			Env: []EnvVar{{Name: "GO111MODULE", State: "set", Value: "off"}, {Name: "GOFLAGS", State: "set", Value: "-mod=vendor"}}},
	}
	want.Notes = s.Notes
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("snapshot (-want +got):\n%s", d)
	}
}

// TestCollectEmptyRoot is a scratch image: nothing but the process. Every /proc fact is
// unknown with a note, nothing fails, and libc is none.
func TestCollectEmptyRoot(t *testing.T) {
	s := Collect(Options{FS: fstest.MapFS{}, Sys: &fakeSys{err: errors.New("not permitted")}, Env: []string{}})
	if s.Libc.Family != "none" || len(s.Loaders) != 0 {
		t.Errorf("libc %+v loaders %v, want none", s.Libc, s.Loaders)
	}
	if s.OS.ID != Unknown || s.Kernel.Release != Unknown || s.Arch != Unknown {
		t.Errorf("os %+v kernel %+v arch %q, want unknown", s.OS, s.Kernel, s.Arch)
	}
	if s.Cgroup.Memory != UnknownQuantity || s.Net.UnprivilegedPortStart != UnknownQuantity || s.Mounts.RootReadOnly != Unknown {
		t.Errorf("cgroup %+v net %+v mounts %+v, want unknown", s.Cgroup, s.Net, s.Mounts)
	}
	if s.Limits.NoFile.Soft != UnknownQuantity || s.Identity.NetBindService != Unknown {
		t.Errorf("limits %+v identity %+v, want unknown", s.Limits, s.Identity)
	}
	if s.Tmp.Exists != No || s.CA.Present() || s.Zoneinfo.Present() || s.DNS.Present != No {
		t.Errorf("tmp %+v ca %+v zoneinfo %+v dns %+v", s.Tmp, s.CA, s.Zoneinfo, s.DNS)
	}
	notes := strings.Join(s.Notes, "\n")
	for _, want := range []string{"/proc/self/mountinfo", "/proc/self/cgroup", "/proc/net/tcp", "uname: not permitted", "/etc/os-release", "ip_unprivileged_port_start"} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note about %s in\n%s", want, notes)
		}
	}
	// Unknown quantities survive a round trip through JSON.
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(s, back); d != "" {
		t.Errorf("round trip (-before +after):\n%s", d)
	}
	if !bytes.Contains(b, []byte(`"memory": "unknown"`)) {
		t.Errorf("unknown memory not written as \"unknown\":\n%s", b)
	}
}

// TestCollectUnreadable makes /proc and /etc files unreadable (mode 0) or directories where
// files belong: each is a note, never an error or a panic.
func TestCollectUnreadable(t *testing.T) {
	if os.Getuid() == 0 {
		t.Log("running as root: mode 0 files stay readable, the directory-in-place cases still apply")
	}
	files := debianRoot(t)
	files["proc/self/mountinfo"] = ""
	files["proc/net/tcp/"] = ""
	delete(files, "proc/net/tcp")
	files["etc/passwd/"] = ""
	delete(files, "etc/passwd")
	files["etc/os-release"] = "->/etc/os-release" // a loop
	dir := writeTree(t, files)
	for _, p := range []string{"proc/self/cgroup", "etc/group", "etc/resolv.conf"} {
		if err := os.Chmod(filepath.Join(dir, p), 0); err != nil {
			t.Fatal(err)
		}
	}
	s := Collect(Options{FS: os.DirFS(dir), Root: dir, Sys: debianSys(), Env: []string{}})
	notes := strings.Join(s.Notes, "\n")
	for _, want := range []string{"/proc/net/tcp: is a directory", "/etc/passwd: is a directory", "/etc/os-release: too many levels of symbolic links"} {
		if !strings.Contains(notes, want) {
			t.Errorf("no note %q in\n%s", want, notes)
		}
	}
	if s.OS.ID != Unknown {
		t.Errorf("os-release loop: OS %+v, want unknown", s.OS)
	}
	if s.Mounts.RootReadOnly != Unknown {
		t.Errorf("empty mountinfo: root read-only %q, want unknown", s.Mounts.RootReadOnly)
	}
	if os.Getuid() != 0 {
		for _, want := range []string{"/proc/self/cgroup: permission denied", "/etc/group: permission denied", "/etc/resolv.conf: permission denied"} {
			if !strings.Contains(notes, want) {
				t.Errorf("no note %q in\n%s", want, notes)
			}
		}
		if s.Cgroup.Memory != UnknownQuantity || s.DNS.Present != Unknown {
			t.Errorf("unreadable cgroup and resolv.conf: %+v %+v, want unknown", s.Cgroup, s.DNS)
		}
	}
}

func TestOSReleaseUnusual(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     map[string]string
		notes    int
	}{
		{"single quotes and escapes", "ID='alpine'\nNAME=\"Alpine \\\"Linux\\\"\"\nVERSION_ID=3.19.1\n", map[string]string{"ID": "alpine", "NAME": `Alpine "Linux"`, "VERSION_ID": "3.19.1"}, 0},
		{"CRLF and comments", "# comment\r\nID=fedora\r\n\r\nVERSION_ID=40\r\n", map[string]string{"ID": "fedora", "VERSION_ID": "40"}, 0},
		{"unbalanced quote", "ID=\"nixos\nVERSION_ID=24.05\n", map[string]string{"VERSION_ID": "24.05"}, 1},
		{"stray words", "this is not an assignment\nID=arch\n", map[string]string{"ID": "arch"}, 1},
		{"NUL bytes", "ID=de\x00bian\nVERSION_ID=12\n", map[string]string{"VERSION_ID": "12"}, 1},
		{"no ID", "NAME=Distroless\n", map[string]string{"NAME": "Distroless"}, 0},
		{"command substitution is not run", "ID=$(reboot)\nNAME=`id`\nVERSION_ID=1\n", map[string]string{"ID": "", "NAME": "", "VERSION_ID": "1"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kv, notes := parseOSRelease([]byte(tc.in))
			if len(notes) != tc.notes {
				t.Errorf("notes %q, want %d", notes, tc.notes)
			}
			for k, v := range tc.want {
				if kv[k] != v {
					t.Errorf("%s = %q, want %q", k, kv[k], v)
				}
			}
		})
	}
}

func FuzzParseOSRelease(f *testing.F) {
	f.Add([]byte("ID=debian\nNAME=\"Debian\"\n"))
	f.Add([]byte("ID='x\nY=\"\\\n$(a)`b`${c:-d}\r\n\x00"))
	f.Fuzz(func(t *testing.T, b []byte) { parseOSRelease(b) })
}

func FuzzParseMountinfo(f *testing.F) {
	f.Add("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue")
	f.Add(`1 2 3 \040 \04 - x`)
	f.Fuzz(func(t *testing.T, line string) { parseMountinfoLine(line) })
}

func FuzzParseProcNet(f *testing.F) {
	f.Add([]byte("h\n 0: 0100007F:1F90 00000000:0000 0A x\n 1: 00000000000000000000000001000000:0050 0 0A\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseProcNet("tcp", bytes.NewReader(b))
		parseProcNet("udp6", bytes.NewReader(b))
	})
}

func TestMuslVersion(t *testing.T) {
	// The shape of musl's .rodata: other strings around the NUL-terminated version.
	b := []byte("\x00musl libc (x86_64)\nVersion %s\nDynamic Program Loader\n\x00/lib:/usr/local/lib:/usr/lib\x001.2.4\x00%d.%d.%d\x00")
	if v := muslVersion(b); v != "1.2.4" {
		t.Errorf("muslVersion = %q, want 1.2.4", v)
	}
	if v := muslVersion([]byte("\x002.36\x0010.2.3\x00")); v != "" {
		t.Errorf("muslVersion of no musl version = %q", v)
	}
	dir := writeTree(t, map[string]string{"lib/ld-musl-aarch64.so.1": string(b), "lib/libc.musl-aarch64.so.1": "->ld-musl-aarch64.so.1"})
	s := Collect(Options{FS: os.DirFS(dir), Sys: debianSys(), Env: []string{}})
	if s.Libc != (Libc{Family: "musl", Version: "1.2.4", Path: "/lib/ld-musl-aarch64.so.1"}) {
		t.Errorf("libc %+v", s.Libc)
	}
	if d := cmp.Diff([]string{"/lib/ld-musl-aarch64.so.1"}, s.Loaders); d != "" {
		t.Errorf("loaders (-want +got):\n%s", d)
	}
}

// TestGlibcFromThisMachine reads the real libc.so.6 of the machine the test runs on, when
// there is one, through its version definitions.
func TestGlibcFromThisMachine(t *testing.T) {
	s := Collect(Options{Env: []string{}})
	if s.Libc.Family != "glibc" {
		t.Skipf("this machine's libc is %q, not glibc", s.Libc.Family)
	}
	if CompareVersions(s.Libc.Version, "2.17") < 0 {
		t.Errorf("glibc version %q from %s, want a real release", s.Libc.Version, s.Libc.Path)
	}
	// libc.so.6 run alone prints its banner: "… stable release version 2.36."
	out, err := exec.Command(s.Libc.Path).Output()
	m := regexp.MustCompile(`release version (\d+\.\d+)`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Skipf("%s printed no release version (%v): %q", s.Libc.Path, err, out)
	}
	if s.Libc.Version != string(m[1]) {
		t.Errorf("glibc version %q from the version definitions, %s says %q", s.Libc.Version, s.Libc.Path, m[1])
	}
}

func TestCgroupV1Docker(t *testing.T) {
	// Docker on a cgroup v1 host, private mounts: the mount root is the container's cgroup.
	files := map[string]string{
		"proc/self/cgroup":                            "12:memory:/docker/abc\n11:cpu,cpuacct:/docker/abc\n0::/docker/abc\n",
		"proc/self/mountinfo":                         "1 0 0:1 / / ro - overlay overlay rw\n2 1 0:2 /docker/abc /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n3 1 0:3 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro - cgroup cgroup rw,cpu,cpuacct\n",
		"sys/fs/cgroup/memory/memory.stat":            "cache 0\nhierarchical_memory_limit 268435456\n",
		"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us":  "-1\n",
		"sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n",
		".dockerenv": "",
	}
	s := Collect(Options{FS: os.DirFS(writeTree(t, files)), Sys: debianSys(), Env: []string{}})
	if s.Cgroup != (Cgroup{Version: 1, Path: "/docker/abc", Memory: 268435456, CPU: Unlimited}) {
		t.Errorf("cgroup %+v", s.Cgroup)
	}
	if s.Container.Kind != "docker" || len(s.Container.Evidence) != 2 {
		t.Errorf("container %+v", s.Container)
	}
	if s.Mounts.RootReadOnly != Yes {
		t.Errorf("root read-only %q", s.Mounts.RootReadOnly)
	}
}

func TestDecodeBadInput(t *testing.T) {
	good, err := Collect(Options{FS: fstest.MapFS{}, Sys: debianSys(), Env: []string{}}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "truncated JSON"},
		{"empty", nil, "empty file"},
		{"not JSON", []byte("PK\x03\x04\x00binary"), "malformed snapshot JSON at line 1, column 1"},
		{"no version", []byte(`{"hostname":"x"}`), "not a shipshape snapshot"},
		{"newer", bytes.Replace(good, []byte(`"version": 1`), []byte(`"version": 7`), 1), "snapshot version 7 is newer than this shipshape reads (1): upgrade shipshape"},
		{"older", bytes.Replace(good, []byte(`"version": 1`), []byte(`"version": 0`), 1), "version 0 is older"},
		{"wrong type", bytes.Replace(good, []byte(`"hostname": "web-1"`), []byte(`"hostname": 5`), 1), "malformed snapshot JSON at line 3"},
		{"bad quantity", bytes.Replace(good, []byte(`"memory": "unknown"`), []byte(`"memory": "lots"`), 1), "quantity \"lots\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Decode error %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := Decode(good); err != nil {
		t.Errorf("Decode of a good snapshot: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := Collect(Options{FS: fstest.MapFS{}, Sys: debianSys(), Env: []string{"A=b"}}).Marshal()
	f.Add(good)
	f.Add([]byte(`{"version":1,"limits":{"nofile":{"soft":"unlimited"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b)
		if err == nil && s.Version != Version {
			t.Fatalf("accepted version %d", s.Version)
		}
	})
}

func TestResolveStaysInside(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"etc/passwd": "inside:x:1:1::/:/bin/sh\n",
		"a/b":        "->../../../../etc/passwd", // climbs past the root: stays at the root
		"abs":        "->/etc/passwd",
	})
	fsys := os.DirFS(dir)
	for _, p := range []string{"/a/b", "/abs"} {
		b, err := readFile(fsys, p)
		if err != nil || !strings.HasPrefix(string(b), "inside:") {
			t.Errorf("%s read %q, %v: want the fixture's /etc/passwd", p, b, err)
		}
	}
	if _, err := readFile(fsys, "/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file error %v", err)
	}
}

func TestQuantityJSON(t *testing.T) {
	for _, q := range []Quantity{0, 268435456, Unlimited, UnknownQuantity} {
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var back Quantity
		if err := json.Unmarshal(b, &back); err != nil || back != q {
			t.Errorf("%v → %s → %v, %v", q, b, back, err)
		}
	}
	if !Quantity(256).Less(Unlimited) || Unlimited.Less(256) || UnknownQuantity.Less(1) || Quantity(1).Less(UnknownQuantity) {
		t.Error("Less is wrong about unlimited or unknown")
	}
}

// BenchmarkCollect snapshots this machine (the budget is 100 ms median for the whole command;
// bench/snapshot/run.sh measures that).
func BenchmarkCollect(b *testing.B) {
	for b.Loop() {
		if s := Collect(Options{}); s.Version != Version {
			b.Fatal("no snapshot")
		}
	}
}

// TestGoToolchainLayouts finds Debian's /usr/bin/go link into /usr/lib/go-1.19 through PATH,
// after a GOROOT that holds no go binary.
func TestGoToolchainLayouts(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"usr/bin/go":              "->../lib/go-1.19/bin/go",
		"usr/lib/go-1.19/bin/go":  "go",
		"usr/lib/go-1.19/VERSION": "go1.19.8",
		"opt/empty/":              "",
	})
	s := Collect(Options{FS: os.DirFS(dir), Sys: debianSys(), Env: []string{"GOROOT=/opt/empty", "PATH=relative:/nowhere:/usr/bin"}})
	want := GoTool{Path: "/usr/bin/go", GOROOT: "/usr/lib/go-1.19", Version: "go1.19.8",
		Env: []EnvVar{{Name: "GOROOT", State: "set", Value: "/opt/empty"}}}
	if d := cmp.Diff(want, s.Go); d != "" {
		t.Errorf("go (-want +got):\n%s", d)
	}
}

// TestCgroupV2Namespace is a container with its own cgroup namespace: /proc/self/cgroup says
// "/" and the limits are at the mount's top.
func TestCgroupV2Namespace(t *testing.T) {
	files := map[string]string{
		"proc/self/cgroup":         "0::/\n",
		"proc/self/mountinfo":      "1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /sys/fs/cgroup ro - cgroup2 cgroup rw\n",
		"sys/fs/cgroup/memory.max": "536870912\n",
		"sys/fs/cgroup/cpu.max":    "max 100000\n",
		"run/.containerenv":        "",
	}
	s := Collect(Options{FS: os.DirFS(writeTree(t, files)), Sys: debianSys(), Env: []string{"container=podman"}})
	if s.Cgroup != (Cgroup{Version: 2, Path: "/", Memory: 512 << 20, CPU: Unlimited}) {
		t.Errorf("cgroup %+v", s.Cgroup)
	}
	if s.Container.Kind != "podman" || len(s.Container.Evidence) != 2 {
		t.Errorf("container %+v", s.Container)
	}
	// The host's root cgroup has no memory.max: no limit.
	files["sys/fs/cgroup/memory.max"] = "->nowhere"
	s = Collect(Options{FS: os.DirFS(writeTree(t, files)), Sys: debianSys(), Env: []string{}})
	if s.Cgroup.Memory != Unlimited {
		t.Errorf("root cgroup memory %v, want unlimited", s.Cgroup.Memory)
	}
}

// deniedFS refuses to open some names, as a file of mode 0 does for a user who is not root
// (the tests may run as root, for whom modes do not deny).
type deniedFS struct {
	fs.ReadLinkFS
	deny map[string]bool
}

// Stat passes through: stat(2) of a file of mode 0 succeeds.
func (d deniedFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(d.ReadLinkFS, name) }

func (d deniedFS) Open(name string) (fs.File, error) {
	if d.deny[name] {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return d.ReadLinkFS.Open(name)
}

func TestCollectPermissionDenied(t *testing.T) {
	dir := writeTree(t, debianRoot(t))
	deny := map[string]bool{}
	for _, p := range []string{"proc/self/cgroup", "proc/self/mountinfo", "proc/self/status", "proc/net/tcp",
		"proc/sys/net/ipv4/ip_unprivileged_port_start", "etc/passwd", "etc/group", "etc/resolv.conf",
		"etc/os-release", "usr/lib/x86_64-linux-gnu/libc.so.6", "etc/ssl/certs/ca-certificates.crt"} {
		deny[p] = true
	}
	fsys := deniedFS{os.DirFS(dir).(fs.ReadLinkFS), deny}
	s := Collect(Options{FS: fsys, Root: dir, Sys: debianSys(), Env: []string{}})
	notes := strings.Join(s.Notes, "\n")
	for _, p := range []string{"/proc/self/cgroup", "/proc/self/mountinfo", "/proc/net/tcp", "/etc/passwd", "/etc/group",
		"/etc/resolv.conf", "/etc/os-release", "/lib/x86_64-linux-gnu/libc.so.6", "/etc/ssl/certs/ca-certificates.crt",
		"/proc/sys/net/ipv4/ip_unprivileged_port_start", "/proc/self/status"} {
		if !strings.Contains(notes, p+": permission denied") {
			t.Errorf("no permission note for %s in\n%s", p, notes)
		}
	}
	if s.Cgroup.Memory != UnknownQuantity || s.Mounts.RootReadOnly != Unknown || s.DNS.Present != Unknown ||
		s.Net.UnprivilegedPortStart != UnknownQuantity || s.Identity.NetBindService != Unknown || s.OS.ID != Unknown {
		t.Errorf("unreadable facts are not unknown: cgroup %+v mounts %+v dns %+v net %+v identity %+v os %+v",
			s.Cgroup, s.Mounts, s.DNS, s.Net, s.Identity, s.OS)
	}
	if s.Libc != (Libc{Family: "glibc", Version: Unknown, Path: "/lib/x86_64-linux-gnu/libc.so.6"}) {
		t.Errorf("unreadable libc: %+v", s.Libc)
	}
	// An unreadable bundle is not a bundle Go can use: the next candidates and the
	// directories still count.
	if s.CA.File != "" || !s.CA.Present() {
		t.Errorf("CA %+v", s.CA)
	}
	// What was readable is still there.
	if s.Systemd.Version != "252" || s.Zoneinfo.Timezone != "Europe/Paris" || len(s.Net.Listening) != 2 {
		t.Errorf("readable facts lost: systemd %+v zoneinfo %+v listening %+v", s.Systemd, s.Zoneinfo, s.Net.Listening)
	}
}

// TestProcNetLarge parses a /proc/net/tcp of a busy server, 200,000 connections (about 30 MB,
// more than maxFile), streamed: the listeners among them are all found.
func TestProcNetLarge(t *testing.T) {
	const n = 200_000
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		fmt.Fprintln(w, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")
		for i := range n {
			state := "01"
			if i%50_000 == 0 {
				state = "0A"
			}
			fmt.Fprintf(w, "%6d: 0100007F:%04X 0100007F:1F90 %s 00000000:00000000 00:00000000 00000000  1000        0 %d 1 0000000000000000 20 4 30 10 -1\n", i, 1024+i%60000, state, i)
		}
		w.Flush()
		pw.Close()
	}()
	ports, err := parseProcNet("tcp", pr)
	if err != nil {
		t.Fatal(err)
	}
	if len(ports) != n/50_000 {
		t.Errorf("%d listeners, want %d: %v", len(ports), n/50_000, ports)
	}
}

func TestLibcNixOS(t *testing.T) {
	dir := writeTree(t, map[string]string{"nix/store/abc-glibc-2.39/lib/libc.so.6": "x", "etc/zoneinfo/UTC": "TZif"})
	s := Collect(Options{FS: os.DirFS(dir), Sys: debianSys(), Env: []string{}})
	if s.Libc.Family != Unknown || !strings.Contains(strings.Join(s.Notes, "\n"), "/nix/store") {
		t.Errorf("NixOS libc %+v, notes %q", s.Libc, s.Notes)
	}
	if d := cmp.Diff([]string{"/etc/zoneinfo"}, s.Zoneinfo.Dirs); d != "" {
		t.Errorf("NixOS zoneinfo (-want +got):\n%s", d)
	}
}

// TestMuslFromThisMachine reads a real musl loader, in /lib or under
// $SHIPSHAPE_TEST_MUSL_ROOT (for instance dpkg -x of Debian's musl package), and checks the
// version against what the loader itself prints when run alone.
func TestMuslFromThisMachine(t *testing.T) {
	var loaders []string
	for _, r := range []string{"/", os.Getenv("SHIPSHAPE_TEST_MUSL_ROOT")} {
		if r != "" {
			m, _ := filepath.Glob(filepath.Join(r, "lib/ld-musl-*.so.1"))
			loaders = append(loaders, m...)
		}
	}
	if len(loaders) == 0 {
		t.Skip("no musl loader in /lib, and SHIPSHAPE_TEST_MUSL_ROOT is not set (install Debian's musl package, or dpkg -x it and point the variable at it)")
	}
	for _, l := range loaders {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := exec.Command(l).CombinedOutput() // exits 1 after printing its banner
		m := regexp.MustCompile(`(?m)^Version (\S+)$`).FindSubmatch(out)
		if m == nil {
			t.Logf("%s printed no version (another architecture?): %q", l, out)
			continue
		}
		if v := muslVersion(b); v != string(m[1]) {
			t.Errorf("%s: musl version %q, the loader says %q", l, v, m[1])
		}
		// Alone in a root file system, it is the libc.
		root := writeTree(t, map[string]string{"lib/" + filepath.Base(l): string(b)})
		s := Collect(Options{FS: os.DirFS(root), Sys: debianSys(), Env: []string{}})
		if s.Libc.Family != "musl" || s.Libc.Version != string(m[1]) {
			t.Errorf("libc of a root holding only %s: %+v", l, s.Libc)
		}
	}
}
