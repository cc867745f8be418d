package hostdiff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// base is a Debian server running a service as root: the host where it starts.
func base() *host.Snapshot {
	return &host.Snapshot{
		Version: 1, Hostname: "web-1",
		OS:     host.OS{ID: "debian", Name: "Debian GNU/Linux", VersionID: "12"},
		Kernel: host.Kernel{Release: "6.1.0-18-amd64", Version: "#1 SMP"},
		Arch:   "amd64", Machine: "x86_64",
		Libc:      host.Libc{Family: "glibc", Version: "2.36", Path: "/lib/x86_64-linux-gnu/libc.so.6"},
		Loaders:   []string{"/lib64/ld-linux-x86-64.so.2"},
		CA:        host.CA{File: "/etc/ssl/certs/ca-certificates.crt", Certificates: 140, Dirs: []host.CADir{{Path: "/etc/ssl/certs", Files: 290}}},
		Zoneinfo:  host.Zoneinfo{Dirs: []string{"/usr/share/zoneinfo"}, Localtime: "/usr/share/zoneinfo/Etc/UTC"},
		Identity:  host.Identity{UID: 0, GID: 0, User: "root", Group: "root", Groups: []int{}, Home: "/root", NetBindService: host.Yes},
		Users:     []host.User{{Name: "app", UID: 1000, GID: 1000, Home: "/home/app", Shell: "/bin/sh"}, {Name: "root", Home: "/root", Shell: "/bin/bash"}},
		Groups:    []host.Group{{Name: "app", GID: 1000}, {Name: "root"}},
		Limits:    host.Limits{NoFile: host.Rlimit{Soft: 1048576, Hard: 1048576}, NProc: host.Rlimit{Soft: host.Unlimited, Hard: host.Unlimited}},
		Cgroup:    host.Cgroup{Version: 2, Path: "/system.slice/web.service", Memory: host.Unlimited, CPU: host.Unlimited},
		Container: host.Container{Evidence: []string{}},
		Net:       host.Net{UnprivilegedPortStart: 1024, Listening: []host.Port{{Proto: "tcp", Addr: "0.0.0.0", Port: 22}}},
		Mounts:    host.Mounts{RootReadOnly: host.No, ReadOnly: []string{"/sys/fs/cgroup"}},
		Tmp:       host.Tmp{Exists: host.Yes, Writable: host.Yes},
		DNS:       host.DNS{Present: host.Yes, Nameservers: []string{"10.0.0.2"}, Search: []string{}, Options: []string{}},
		Env: []host.EnvVar{
			{Name: "DATABASE_URL", State: "set"}, {Name: "PATH", State: "set", Value: "/usr/bin:/bin"},
			{Name: "SSH_AUTH_SOCK", State: "set"}, {Name: "TERM", State: "set", Value: "xterm"},
		},
		Systemd: host.Systemd{Present: host.Yes, Version: "252"},
		Go:      host.GoTool{Env: []host.EnvVar{}},
	}
}

// clone deep-copies a snapshot through JSON, as diff reads them.
func clone(t testing.TB, s *host.Snapshot) *host.Snapshot {
	b, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	c, err := host.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type want struct{ id, field, msg string }

func TestCompareMatters(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*host.Snapshot)
		want   []want
	}{
		{"old glibc", func(s *host.Snapshot) { s.Libc.Version = "2.17" }, []want{
			{"SS2002", "libc.version", `^B has glibc 2.17: a cgo binary built on A needs up to 2.36 → GLIBC_2.36 not found$`}}},
		{"no CA bundle", func(s *host.Snapshot) { s.CA = host.CA{Dirs: []host.CADir{}} }, []want{
			{"SS2004", "ca.file", `^B has no CA bundle`}}},
		{"no zoneinfo", func(s *host.Snapshot) { s.Zoneinfo.Dirs = []string{} }, []want{
			{"SS2005", "zoneinfo.dirs", `^B has no zoneinfo`}}},
		{"read-only root", func(s *host.Snapshot) {
			s.Mounts.RootReadOnly = host.Yes
			s.Mounts.ReadOnly = append(s.Mounts.ReadOnly, "/")
		}, []want{
			{"SS2008", "mounts.rootReadOnly", `^B: / is read-only`}}},
		{"read-only data mount", func(s *host.Snapshot) { s.Mounts.ReadOnly = append(s.Mounts.ReadOnly, "/proc/sys", "/srv/data") }, []want{
			{"SS2008", "mounts.readOnly./srv/data", `^B: /srv/data is read-only`}}},
		{"port taken", func(s *host.Snapshot) {
			s.Net.Listening = append(s.Net.Listening, host.Port{Proto: "tcp6", Addr: "::", Port: 8080})
		}, []want{{"SS6004", "net.listening.8080", `^B: port 8080 is taken \(tcp6 ::\)`}}},
		{"memory limit", func(s *host.Snapshot) { s.Cgroup.Memory = 256 << 20 }, []want{
			{"SS7001", "cgroup.memory", `^B: memory limit 256 MiB \(A: unlimited\)`}}},
		{"non-root without the capability", func(s *host.Snapshot) {
			s.Identity = host.Identity{UID: 1000, GID: 1000, User: "app", Group: "app", Groups: []int{}, Home: "/home/app", NetBindService: host.No}
		}, []want{
			{"SS2008", "identity.uid", `^B runs as uid 1000 \(app\), A as root`},
			{"SS6003", "net.unprivilegedPortStart", `^B: ip_unprivileged_port_start=1024 and the service runs as uid 1000`}}},
		{"arch", func(s *host.Snapshot) { s.Arch, s.Machine = "arm64", "aarch64" }, []want{
			{"SS2003", "arch", `^B is arm64: a binary built for A \(amd64\)`}}},
		{"musl instead of glibc", func(s *host.Snapshot) {
			s.Libc = host.Libc{Family: "musl", Version: "1.2.4", Path: "/lib/ld-musl-x86_64.so.1"}
			s.Loaders = []string{"/lib/ld-musl-x86_64.so.1"}
		}, []want{{"SS2001", "loaders", `^B has no /lib64/ld-linux-x86-64.so.2`}}},
		{"tmp not writable", func(s *host.Snapshot) { s.Tmp.Writable = host.No }, []want{
			{"SS2013", "tmp.writable", `^B: /tmp is not writable`}}},
		{"no tmp", func(s *host.Snapshot) { s.Tmp = host.Tmp{Exists: host.No, Writable: host.No} }, []want{
			{"SS2013", "tmp.writable", `^B has no /tmp`}}},
		{"env missing, session variables aside", func(s *host.Snapshot) {
			s.Env = []host.EnvVar{{Name: "DATABASE_URL", State: "empty"}, {Name: "PATH", State: "set", Value: "/bin"}}
		}, []want{{"SS2015", "env.DATABASE_URL", `^B does not set DATABASE_URL, which A sets`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := base(), base()
			b.Hostname = "web-2"
			tc.change(b)
			r := Compare(a, b, nil)
			got := r.Matters()
			if len(got) != len(tc.want) {
				t.Fatalf("%d differences matter, want %d:\n%s", len(got), len(tc.want), dump(got))
			}
			for i, w := range tc.want {
				d := got[i]
				if d.ID != w.id || d.Field != w.field || !regexp.MustCompile(w.msg).MatchString(d.Message) {
					t.Errorf("difference %d = %s %s %q, want %s %s /%s/", i, d.ID, d.Field, d.Message, w.id, w.field, w.msg)
				}
				if catalog.Lookup(d.ID) == nil {
					t.Errorf("%s is not in the catalog yet: the difference has no class or fix", d.ID)
				} else if d.Class == "" || d.Fix == "" {
					t.Errorf("%s: class %q fix %q not taken from the catalog", d.ID, d.Class, d.Fix)
				}
			}
			if r.Identical {
				t.Error("Identical for different snapshots")
			}
		})
	}
}

func dump(ds []Difference) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "  %s %s matters=%v: %s\n", d.ID, d.Field, d.Matters, d.Message)
	}
	return b.String()
}

// TestEveryIDInCatalog says which failure modes diff names are missing from the catalog.
func TestEveryIDInCatalog(t *testing.T) {
	for _, id := range order {
		if catalog.Lookup(id) == nil {
			t.Errorf("%s: catalog.Lookup returns nil: diff reports it without class or fix", id)
		}
	}
}

func TestIdenticalAndIdentityOnly(t *testing.T) {
	a := base()
	r := Compare(a, clone(t, a), nil)
	if !r.Identical || len(r.Differences) != 0 {
		t.Errorf("identical snapshots: %+v", r)
	}
	b := clone(t, a)
	b.Hostname, b.Cgroup.Path, b.Notes, b.Tool = "web-9", "/docker/ffff", []string{"x"}, "v9"
	if r := Compare(a, b, nil); !r.Identical {
		t.Errorf("snapshots differing only in identity fields:\n%s", dump(r.Differences))
	}
	var out bytes.Buffer
	if err := Write(&out, "text", a, b, r, true); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "A and B are identical") {
		t.Errorf("text for identical snapshots:\n%s", out.String())
	}
}

func TestOtherDifferences(t *testing.T) {
	a, b := base(), base()
	b.Kernel.Release = "5.10.0-28-amd64"
	b.Env = append(b.Env, host.EnvVar{Name: "EXTRA", State: "set"})
	b.Users = b.Users[1:]
	b.Limits.NoFile.Soft = 1024
	b.Env = append(b.Env, host.EnvVar{Name: "GO111MODULE", State: "set", Value: "off"})
	r := Compare(a, b, nil)
	// A runs as root, so a missing "app" user is not a user-missing failure: it is listed
	// with the other differences.
	if len(r.Matters()) != 0 {
		t.Errorf("matters:\n%s", dump(r.Matters()))
	}
	var fields []string
	for _, d := range r.Differences {
		if !d.Matters {
			fields = append(fields, d.Field)
		}
	}
	wantFields := []string{"env.EXTRA", "env.GO111MODULE", "kernel.release", "limits.nofile.soft", "users.app"}
	if d := cmp.Diff(wantFields, fields); d != "" {
		t.Errorf("other differences (-want +got):\n%s", d)
	}
	if m := r.Differences[1].Message; !strings.Contains(m, "GOPATH mode") {
		t.Errorf("GO111MODULE=off: %q", m)
	}
}

func TestUserMissing(t *testing.T) {
	a, b := base(), base()
	a.Identity = host.Identity{UID: 1000, GID: 1000, User: "app", Group: "app", Groups: []int{}, Home: "/home/app", NetBindService: host.No}
	b.Identity = a.Identity
	b.Identity.User, b.Identity.Home = "", ""
	b.Users = b.Users[1:]
	r := Compare(a, b, nil)
	ms := r.Matters()
	if len(ms) == 0 || ms[0].ID != "SS2012" || !strings.Contains(ms[0].Message, `B has no user "app"`) {
		t.Errorf("matters:\n%s", dump(ms))
	}
}

// TestNeedsBinary narrows with a real dynamically linked executable of this machine.
func TestNeedsBinary(t *testing.T) {
	var exe string
	for _, p := range []string{"/bin/ls", "/usr/bin/ls", "/bin/sh"} {
		if n, err := FromBinary(p); err == nil && n.Interp != "" && n.GlibcFloor != "" {
			exe = p
			break
		}
	}
	if exe == "" {
		t.Skip("no glibc-linked executable on this machine")
	}
	n, err := FromBinary(exe)
	if err != nil {
		t.Fatal(err)
	}
	a, b := base(), base()
	b.Libc.Version = "2.0"
	b.Loaders = []string{"/lib/ld-musl-x86_64.so.1"}
	b.Arch = "arm64"
	b.Mounts.RootReadOnly = host.Yes
	r := Compare(a, b, n)
	var ids []string
	for _, d := range r.Matters() {
		ids = append(ids, d.ID)
	}
	// glibc is compared against the binary's floor; the read-only root still matters since
	// a binary alone says nothing about writes.
	if d := cmp.Diff([]string{"SS2003", "SS2001", "SS2002", "SS2008"}, ids); d != "" {
		t.Errorf("matters for %s (interp %s, floor %s) (-want +got):\n%s\n%s", exe, n.Interp, n.GlibcFloor, d, dump(r.Matters()))
	}
	if m := r.Matters()[2].Message; !strings.Contains(m, "GLIBC_"+n.GlibcFloor) || !strings.Contains(m, exe) {
		t.Errorf("glibc message %q does not name the floor and the binary", m)
	}
	// A static binary needs no loader and no glibc.
	static := &Needs{What: "./app", Binary: true, Arch: "amd64"}
	b.Arch = "amd64"
	r = Compare(a, b, static)
	for _, d := range r.Matters() {
		if d.ID == "SS2001" || d.ID == "SS2002" {
			t.Errorf("static binary: %s %s", d.ID, d.Message)
		}
	}
	for _, bad := range []string{"/", filepath.Join(t.TempDir(), "missing"), writeFile(t, "notelf", "#!/bin/sh\n")} {
		if _, err := FromBinary(bad); err == nil {
			t.Errorf("FromBinary(%s): no error", bad)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestNeedsProject narrows with the facts of a real project tree.
func TestNeedsProject(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.22\n",
		"main.go": `package main

import (
	"log"
	"net/http"
	"os"
)

func main() {
	key := os.Getenv("API_KEY")
	if key == "" {
		log.Fatal("API_KEY is required")
	}
	log.Fatal(http.ListenAndServe(":80", nil))
}
`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := FromProject(facts.Load(tr))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]int{80}, n.Ports); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}
	a, b := base(), base()
	a.Env = append(a.Env, host.EnvVar{Name: "API_KEY", State: "set"})
	b.Identity = host.Identity{UID: 1000, GID: 1000, User: "app", Group: "app", Groups: []int{}, Home: "/home/app", NetBindService: host.No}
	b.Net.Listening = append(b.Net.Listening, host.Port{Proto: "tcp", Addr: "0.0.0.0", Port: 80}, host.Port{Proto: "tcp", Addr: "0.0.0.0", Port: 9000})
	b.CA = host.CA{Dirs: []host.CADir{}}
	b.Zoneinfo.Dirs = []string{}
	r := Compare(a, b, n)
	got := map[string]string{}
	for _, d := range r.Matters() {
		got[d.ID+" "+d.Field] = d.Message
	}
	// DATABASE_URL is set on A only, but the code does not read it; port 9000 is not the
	// service's; no TLS and no time zone: those are not differences that matter.
	for _, k := range []string{"SS6003 net.unprivilegedPortStart", "SS6004 net.listening.80", "SS2015 env.API_KEY"} {
		if _, ok := got[k]; !ok {
			t.Errorf("missing %s in\n%s", k, dump(r.Matters()))
		}
	}
	for _, k := range []string{"SS2015 env.DATABASE_URL", "SS6004 net.listening.9000", "SS2004 ca.file", "SS2005 zoneinfo.dirs"} {
		if _, ok := got[k]; ok {
			t.Errorf("%s matters though the project does not need it", k)
		}
	}
	if want := "the project: ports :80; env API_KEY (required)"; r.Needs != want {
		t.Errorf("Needs %q, want %q", r.Needs, want)
	}
	// A variable neither host sets comes from the deployment, which snapshots do not see.
	a.Env = a.Env[:len(a.Env)-1]
	if r := Compare(a, b, n); strings.Contains(dump(r.Differences), "API_KEY") {
		t.Errorf("API_KEY, set on neither host, is a difference:\n%s", dump(r.Differences))
	}
	if m := got["SS6003 net.unprivilegedPortStart"]; !strings.Contains(m, "listening on :80 fails") {
		t.Errorf("privileged port message %q does not name :80", m)
	}
	if _, err := FromProject(facts.Load(mustWalk(t, t.TempDir()))); err == nil {
		t.Error("FromProject of an empty tree: no error")
	}
}

func mustWalk(t *testing.T, dir string) *tree.Tree {
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestWriteFormats(t *testing.T) {
	a, b := base(), base()
	b.Libc.Version = "2.17"
	b.Kernel.Release = "5.4|x"
	r := Compare(a, b, nil)
	for _, f := range Formats {
		var out bytes.Buffer
		if err := Write(&out, f, a, b, r, true); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		s := out.String()
		switch f {
		case "json":
			var doc struct {
				Matters     int
				Differences []Difference
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Matters != 1 || len(doc.Differences) != 2 {
				t.Errorf("json: %v %+v\n%s", err, doc, s)
			}
		case "markdown":
			if !strings.Contains(s, "| 1 | SS2002 | glibc-too-old | `libc.version` | 2.36 | 2.17 |") || !strings.Contains(s, `5.4\|x`) {
				t.Errorf("markdown:\n%s", s)
			}
		case "text":
			if !strings.Contains(s, "1. SS2002 glibc-too-old: B has glibc 2.17") || !strings.Contains(s, "kernel.release: A 6.1.0-18-amd64, B 5.4|x") {
				t.Errorf("text:\n%s", s)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, "sarif", a, b, r, false); err == nil {
		t.Error("unknown format accepted")
	}
}

// fleet writes n snapshots of hosts drifting from base: every 10th has an old glibc, every
// 7th a memory limit, every 3rd another kernel.
func fleet(t testing.TB, n int) (string, []string) {
	dir := t.TempDir()
	write := func(name string, s *host.Snapshot) string {
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bp := write("base.json", base())
	var files []string
	for i := range n {
		s := base()
		s.Hostname = fmt.Sprintf("web-%04d", i)
		// The size of a real snapshot (12 KB on a Debian 12 server): 24 users, 48 groups, 40
		// environment names.
		for j := range 48 {
			if j < 24 {
				s.Users = append(s.Users, host.User{Name: fmt.Sprintf("svc%02d", j), UID: 2000 + j, GID: 2000 + j, Home: "/nonexistent", Shell: "/usr/sbin/nologin"})
			}
			if j < 40 {
				s.Env = append(s.Env, host.EnvVar{Name: fmt.Sprintf("VAR_%02d", j), State: "set"})
			}
			s.Groups = append(s.Groups, host.Group{Name: fmt.Sprintf("grp%02d", j), GID: 3000 + j})
		}
		if i%10 == 0 {
			s.Libc.Version = "2.31"
		}
		if i%7 == 0 {
			s.Cgroup.Memory = 512 << 20
		}
		if i%3 == 0 {
			s.Kernel.Release = "5.10.0-28-amd64"
		}
		files = append(files, write(fmt.Sprintf("host-%04d.json", i), s))
	}
	return bp, files
}

func TestFleet(t *testing.T) {
	bp, files := fleet(t, 1000)
	baseSnap, err := Read(bp)
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := ReadAll(files)
	if err != nil {
		t.Fatal(err)
	}
	d := Fleet(Named{File: bp, Snapshot: baseSnap}, hosts, nil)
	count := map[string]int{}
	for _, g := range d.Groups {
		count[g.ID+" "+g.Field] = len(g.Hosts)
	}
	for k, want := range map[string]int{"SS2002 libc.version": 100, "SS7001 cgroup.memory": 143, " kernel.release": 334} {
		if count[k] != want {
			t.Errorf("%s: %d hosts, want %d", k, count[k], want)
		}
	}
	if d.Groups[0].ID != "SS2002" || d.Groups[1].ID != "SS7001" {
		t.Errorf("groups not ranked: %s, %s", d.Groups[0].ID, d.Groups[1].ID)
	}
	if !d.Matters() {
		t.Error("Matters false with old glibc hosts")
	}
	var out bytes.Buffer
	if err := WriteFleet(&out, "text", d, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "SS2002 glibc-too-old libc.version: 100 hosts: ") || !strings.Contains(out.String(), "and 92 more") {
		t.Errorf("fleet text:\n%s", out.String())
	}
	for _, f := range Formats {
		if err := WriteFleet(&bytes.Buffer{}, f, d, true); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestReadBadFiles(t *testing.T) {
	dir := t.TempDir()
	good, _ := base().Marshal()
	cases := map[string][]byte{
		"truncated.json": good[:len(good)-40],
		"newer.json":     bytes.Replace(good, []byte(`"version": 1,`), []byte(`"version": 2,`), 1),
		"older.json":     bytes.Replace(good, []byte(`"version": 1,`), []byte(`"version": 0,`), 1),
		"empty.json":     nil,
		"binary.json":    {0x7f, 'E', 'L', 'F', 0, 0, 1},
	}
	wants := map[string]string{
		"truncated.json": "truncated.json: truncated JSON",
		"newer.json":     "newer.json: unsupported snapshot version: snapshot version 2 is newer than this shipshape reads (1): upgrade shipshape",
		"older.json":     "older.json: unsupported snapshot version: snapshot version 0 is older",
		"empty.json":     "empty.json: empty file",
		"binary.json":    "binary.json: malformed snapshot JSON at line 1, column 1",
	}
	var names []string
	for name, b := range cases {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		_, err := Read(filepath.Join(dir, name))
		if err == nil || !strings.Contains(err.Error(), wants[name]) {
			t.Errorf("Read(%s) = %v, want %q", name, err, wants[name])
		}
	}
	if _, err := Read(dir); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("Read(dir) = %v", err)
	}
}

func BenchmarkFleet1000(b *testing.B) {
	bp, files := fleet(b, 1000)
	for b.Loop() {
		baseSnap, err := Read(bp)
		if err != nil {
			b.Fatal(err)
		}
		hosts, err := ReadAll(files)
		if err != nil {
			b.Fatal(err)
		}
		d := Fleet(Named{File: bp, Snapshot: baseSnap}, hosts, nil)
		if err := WriteFleet(&bytes.Buffer{}, "text", d, true); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzCompare decodes two documents and compares and renders them: whatever decodes must
// compare and render without a panic.
func FuzzCompare(f *testing.F) {
	good, _ := base().Marshal()
	f.Add(good, []byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"net":{"listening":[{"port":-5}]},"cgroup":{"memory":0}}`), good)
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, err := host.Decode(x)
		if err != nil {
			return
		}
		b, err := host.Decode(y)
		if err != nil {
			return
		}
		r := Compare(a, b, nil)
		for _, format := range Formats {
			if err := Write(io.Discard, format, a, b, r, true); err != nil {
				t.Fatal(err)
			}
		}
		d := Fleet(Named{File: "a", Snapshot: a}, []Named{{File: "b", Snapshot: b}}, nil)
		if err := WriteFleet(io.Discard, "text", d, true); err != nil {
			t.Fatal(err)
		}
	})
}

func TestToolchain(t *testing.T) {
	withGo := func(version string, env ...host.EnvVar) *host.Snapshot {
		s := base()
		s.Go = host.GoTool{Path: "/usr/local/go/bin/go", GOROOT: "/usr/local/go", Version: version, Env: env}
		s.Env = append(s.Env, env...)
		return s
	}
	local := host.EnvVar{Name: "GOTOOLCHAIN", State: "set", Value: "local"}
	for _, tc := range []struct {
		name    string
		a, b    *host.Snapshot
		need    *Needs
		matters bool
		msg     string // "" for no SS1010 difference at all
	}{
		{"older than 1.21", withGo("go1.22.5"), withGo("go1.19.8"), nil, true, `^B has go1.19.8: a module that builds with A's go1.22.5 does not build there → go1.19.8 cannot switch toolchains`},
		{"GOTOOLCHAIN=local", withGo("go1.22.5"), withGo("go1.21.0", local), nil, true, `→ go: go.mod requires go >= 1.22.5 \(running go 1.21.0; GOTOOLCHAIN=local\)$`},
		{"auto downloads", withGo("go1.22.5"), withGo("go1.21.0"), nil, false, `the go command downloads go1.22.5 there`},
		{"project needs less", withGo("go1.22.5"), withGo("go1.19.8"), &Needs{Project: true, GoVersion: "1.18"}, false, ""},
		{"project needs more, A downloads it", withGo("go1.22.5"), withGo("go1.22.5", local), &Needs{Project: true, GoVersion: "1.23.0"}, true, `^B has go1.22.5: go.mod, which requires go 1.23.0, does not build there → go: go.mod requires go >= 1.23.0`},
		{"project needs more, neither can", withGo("go1.22.5", local), withGo("go1.22.5", local), &Needs{Project: true, GoVersion: "1.23.0"}, false, ""},
		{"no go on B", withGo("go1.22.5"), base(), nil, false, ""},
		{"release candidate", withGo("go1.23rc1"), withGo("go1.20.1"), nil, true, `needs|cannot switch`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Compare(tc.a, tc.b, tc.need)
			var got *Difference
			for i, d := range r.Differences {
				if d.ID == "SS1010" {
					got = &r.Differences[i]
				}
			}
			switch {
			case tc.msg == "" && got != nil:
				t.Errorf("unexpected %s", got.Message)
			case tc.msg != "" && got == nil:
				t.Errorf("no SS1010 difference:\n%s", dump(r.Differences))
			case got != nil && (got.Matters != tc.matters || !regexp.MustCompile(tc.msg).MatchString(got.Message)):
				t.Errorf("matters=%v %q, want matters=%v /%s/", got.Matters, got.Message, tc.matters, tc.msg)
			}
		})
	}
}

// TestNeedsGoBinary builds two static Go programs: one that makes outbound TLS connections and
// loads a zone by name, one that does neither. Only the first needs B's CA bundle and zoneinfo.
func TestNeedsGoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no go build")
	}
	dir := t.TempDir()
	for name, content := range map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.22\n",
		"tls/main.go": `package main

import (
	"net/http"
	"time"
)

func main() {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	_, _ = http.Get("https://example.com/" + loc.String())
}
`,
		"plain/main.go": "package main\n\nimport \"os\"\n\nfunc main() { os.Stdout.WriteString(\"hi\\n\") }\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	build := func(pkg string) string {
		out := filepath.Join(dir, pkg+".bin")
		cmd := exec.Command("go", "build", "-o", out, "./"+pkg)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=", "GOWORK=off")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
		return out
	}
	a, b := base(), base()
	b.CA = host.CA{Dirs: []host.CADir{}}
	b.Zoneinfo.Dirs = []string{}
	b.Loaders = []string{}
	for pkg, want := range map[string][]string{
		"tls":   {"SS2004 ca.file", "SS2005 zoneinfo.dirs"},
		"plain": nil,
	} {
		n, err := FromBinary(build(pkg))
		if err != nil {
			t.Fatal(err)
		}
		if n.Interp != "" || n.Arch == "" {
			t.Errorf("%s: interp %q arch %q, want a static binary", pkg, n.Interp, n.Arch)
		}
		var got []string
		for _, d := range Compare(a, b, n).Matters() {
			got = append(got, d.ID+" "+d.Field)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s (TLS %v, zones %v): matters (-want +got):\n%s", pkg, n.TLS, n.Zones, d)
		}
	}
}
