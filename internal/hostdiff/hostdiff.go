// Package hostdiff answers what differs between a host where a Go service starts (A) and one
// where it may not (B), ranked by whether the difference stops the service, and how a fleet of
// hosts drifts from a baseline.
package hostdiff

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/host"
)

// Difference is one way B differs from A.
type Difference struct {
	// ID is the catalog failure mode the difference leads to; "" for a difference that no
	// failure mode explains (listed only with --all).
	ID string `json:"id,omitempty"`
	// Class and Fix come from the catalog ("" when the ID is not in it).
	Class    string `json:"class,omitempty"`
	Severity string `json:"severity,omitempty"`
	// Field is the snapshot field, like "libc.version" or "env.DATABASE_URL".
	Field string `json:"field"`
	// A and B are the two values as text ("" for absent).
	A string `json:"a"`
	B string `json:"b"`
	// Message states the consequence on B.
	Message string `json:"message"`
	Fix     string `json:"fix,omitempty"`
	// Matters says the difference can stop the service from starting on B.
	Matters bool `json:"matters"`
	// rank orders differences that matter (see rankOf).
	rank int
}

// Result is the comparison of two snapshots.
type Result struct {
	A string `json:"a"` // host names
	B string `json:"b"`
	// Identical says the snapshots have no difference at all, apart from the fields that
	// only identify a host (IdentityFields).
	Identical bool `json:"identical"`
	// Differences are those that matter first, ranked, then every other one by field.
	Differences []Difference `json:"differences"`
	// Needs says what the comparison was narrowed to ("" when it was not).
	Needs string `json:"needs,omitempty"`
}

// Matters returns the differences that can stop the service.
func (r *Result) Matters() []Difference {
	var out []Difference
	for _, d := range r.Differences {
		if d.Matters {
			out = append(out, d)
		}
	}
	return out
}

// IdentityFields name a host or a container rather than describe it: they are never a
// difference.
var IdentityFields = []string{"tool", "hostname", "cgroup.path", "notes"}

// order is the ranking of failure modes: those that stop every binary first (the kernel
// cannot run it at all), then the process's identity and file system, then ports and memory,
// then configuration.
var order = []string{"SS2003", "SS2001", "SS2002", "SS2012", "SS2008", "SS2013", "SS6003", "SS6004", "SS7001", "SS2015", "SS2004", "SS2005", "SS1010"}

func rankOf(id string) int {
	if i := slices.Index(order, id); i >= 0 {
		return i
	}
	return len(order)
}

// Compare lists how B differs from A. need narrows the differences that matter to what one
// binary or project needs; nil means anything A offers may be needed.
func Compare(a, b *host.Snapshot, need *Needs) *Result {
	return compare(a, b, flatten(a), need)
}

// compare is Compare with A's fields flattened once (a fleet compares one baseline N times).
func compare(a, b *host.Snapshot, fa map[string]string, need *Needs) *Result {
	c := &comparison{a: a, b: b, need: need, covered: map[string]bool{}}
	c.arch()
	c.loader()
	c.glibc()
	c.user()
	c.readOnly()
	c.tmp()
	c.privilegedPort()
	c.portTaken()
	c.memory()
	c.env()
	c.ca()
	c.zoneinfo()
	c.toolchain()
	sort.SliceStable(c.out, func(i, j int) bool {
		x, y := c.out[i], c.out[j]
		if x.rank != y.rank {
			return x.rank < y.rank
		}
		return x.Field < y.Field
	})
	all := fieldDiffs(fa, flatten(b))
	r := &Result{A: a.Hostname, B: b.Hostname, Identical: len(all) == 0, Needs: need.String()}
	r.Differences = c.out
	for _, d := range all {
		if !c.isCovered(d.Field) {
			r.Differences = append(r.Differences, d)
		}
	}
	return r
}

type comparison struct {
	a, b    *host.Snapshot
	need    *Needs
	out     []Difference
	covered map[string]bool // fields a difference that matters already explains
}

// add records a difference that matters (when matters is true) or one that does not but is
// tied to a failure mode; fields lists the snapshot fields it explains.
func (c *comparison) add(id string, matters bool, field, a, b, msg string, fields ...string) {
	d := Difference{ID: id, Field: field, A: a, B: b, Message: msg, Matters: matters, rank: rankOf(id)}
	if !matters {
		d.rank += len(order) + 1
	}
	if r := catalog.Lookup(id); r != nil {
		d.Class, d.Fix, d.Severity = string(r.Class), r.Fix, r.Severity.String()
	}
	c.out = append(c.out, d)
	c.covered[field] = true
	for _, f := range fields {
		c.covered[f] = true
	}
}

func known(s string) bool { return s != "" && s != host.Unknown }

func (c *comparison) arch() {
	a, b := c.a.Arch, c.b.Arch
	if c.need != nil && c.need.Arch != "" {
		if known(b) && c.need.Arch != b {
			c.add("SS2003", true, "arch", c.need.Arch, b, fmt.Sprintf("B is %s and %s is built for %s → exec format error", b, c.need.What, c.need.Arch), "machine")
		}
		return
	}
	if known(a) && known(b) && a != b {
		c.add("SS2003", true, "arch", a, b, fmt.Sprintf("B is %s: a binary built for A (%s) does not run there → exec format error", b, a), "machine")
	}
}

func (c *comparison) loader() {
	if c.need != nil && c.need.Binary {
		if c.need.Interp != "" && !slices.Contains(c.b.Loaders, c.need.Interp) {
			c.add("SS2001", true, "loaders", c.need.Interp, strings.Join(c.b.Loaders, " "),
				fmt.Sprintf("B has no %s, the loader %s names → exec: no such file or directory", c.need.Interp, c.need.What), "libc.family")
		}
		return
	}
	var missing []string
	for _, l := range c.a.Loaders {
		if !slices.Contains(c.b.Loaders, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		c.add("SS2001", true, "loaders", strings.Join(c.a.Loaders, " "), strings.Join(c.b.Loaders, " "),
			fmt.Sprintf("B has no %s: a dynamically linked (cgo) binary built on A fails → exec: no such file or directory", strings.Join(missing, ", ")), "libc.family")
	}
}

func (c *comparison) glibc() {
	bl := c.b.Libc
	if c.need != nil && c.need.Binary {
		if c.need.GlibcFloor == "" || bl.Family != "glibc" || !known(bl.Version) {
			return
		}
		if host.CompareVersions(bl.Version, c.need.GlibcFloor) < 0 {
			sym := ""
			if c.need.GlibcSymbol != "" {
				sym = " (" + c.need.GlibcSymbol + ")"
			}
			c.add("SS2002", true, "libc.version", c.need.GlibcFloor, bl.Version,
				fmt.Sprintf("B has glibc %s: %s needs up to %s%s → version `GLIBC_%s' not found", bl.Version, c.need.What, c.need.GlibcFloor, sym, c.need.GlibcFloor))
		}
		return
	}
	al := c.a.Libc
	if al.Family == "glibc" && bl.Family == "glibc" && known(al.Version) && known(bl.Version) && host.CompareVersions(bl.Version, al.Version) < 0 {
		c.add("SS2002", true, "libc.version", al.Version, bl.Version,
			fmt.Sprintf("B has glibc %s: a cgo binary built on A needs up to %s → GLIBC_%s not found", bl.Version, al.Version, al.Version))
	}
}

func (c *comparison) user() {
	a, b := c.a.Identity, c.b.Identity
	// Root needs no entry: uid 0 is root whatever /etc/passwd says.
	if a.User != "" && a.UID != 0 && !hasUser(c.b, a.User) {
		c.add("SS2012", true, "users."+a.User, a.User, "",
			fmt.Sprintf("B has no user %q in /etc/passwd: a service run as %s there (User=, USER, runAsUser) cannot start", a.User, a.User))
	}
	if a.UID == 0 && b.UID != 0 {
		name := fmt.Sprintf("uid %d", b.UID)
		if b.User != "" {
			name += " (" + b.User + ")"
		} else {
			name += ", which /etc/passwd does not name"
		}
		c.add("SS2008", true, "identity.uid", fmt.Sprint(a.UID), fmt.Sprint(b.UID),
			fmt.Sprintf("B runs as %s, A as root: paths only root may write (its home, /var, /etc, the working directory) fail with permission denied", name),
			"identity.user", "identity.gid", "identity.group", "identity.home", "identity.groups", "identity.netBindService")
	}
}

func hasUser(s *host.Snapshot, name string) bool {
	for _, u := range s.Users {
		if u.Name == name {
			return true
		}
	}
	return false
}

// systemMount says a mount point belongs to the kernel's interfaces, which containers mount
// read-only as a rule, or is one of the files a container runtime bind-mounts (read-only with
// docker run --read-only): services do not write them.
func systemMount(p string) bool {
	switch p {
	case "/etc/hostname", "/etc/hosts", "/etc/resolv.conf":
		return true
	}
	for _, pre := range []string{"/proc", "/sys", "/dev"} {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			return true
		}
	}
	return false
}

func (c *comparison) readOnly() {
	writes := c.need == nil || c.need.Writes || !c.need.Project
	if c.a.Mounts.RootReadOnly == host.No && c.b.Mounts.RootReadOnly == host.Yes {
		c.add("SS2008", writes, "mounts.rootReadOnly", "no", "yes",
			"B: / is read-only: any write outside a writable mount fails with read-only file system", "mounts.readOnly./")
	}
	for _, m := range c.b.Mounts.ReadOnly {
		if m == "/" || systemMount(m) || slices.Contains(c.a.Mounts.ReadOnly, m) {
			continue
		}
		c.add("SS2008", writes, "mounts.readOnly."+m, "", "read-only",
			fmt.Sprintf("B: %s is read-only: writes under it fail with read-only file system", m))
	}
}

func (c *comparison) tmp() {
	a, b := c.a.Tmp, c.b.Tmp
	if a.Writable != host.Yes || b.Writable != host.No {
		return
	}
	matters := c.need == nil || c.need.Temp || !c.need.Project
	msg := "B: /tmp is not writable: os.CreateTemp, os.MkdirTemp and multipart uploads fail"
	if b.Exists == host.No {
		msg = "B has no /tmp: os.CreateTemp, os.MkdirTemp and multipart uploads fail"
	}
	c.add("SS2013", matters, "tmp.writable", a.Writable, b.Writable, msg, "tmp.exists")
}

func (c *comparison) privilegedPort() {
	b := c.b
	start := b.Net.UnprivilegedPortStart
	if start <= 0 || b.Identity.UID == 0 || b.Identity.NetBindService == host.Yes {
		return
	}
	// A could bind the ports B cannot: root, the capability or a lower start.
	a := c.a
	aCould := a.Identity.UID == 0 || a.Identity.NetBindService == host.Yes || (a.Net.UnprivilegedPortStart.Known() && a.Net.UnprivilegedPortStart < start)
	var low []int
	if c.need != nil && c.need.Project {
		for _, p := range c.need.Ports {
			if p > 0 && host.Quantity(p) < start {
				low = append(low, p)
			}
		}
		if len(low) == 0 {
			return
		}
	} else if !aCould {
		return
	}
	msg := fmt.Sprintf("B: ip_unprivileged_port_start=%d and the service runs as uid %d without CAP_NET_BIND_SERVICE: listening on a port below %d fails with permission denied", start, b.Identity.UID, start)
	if len(low) > 0 {
		msg = fmt.Sprintf("B: ip_unprivileged_port_start=%d and the service runs as uid %d: listening on %s fails with permission denied", start, b.Identity.UID, portList(low))
	}
	c.add("SS6003", true, "net.unprivilegedPortStart", a.Net.UnprivilegedPortStart.String(), start.String(), msg)
}

func portList(ps []int) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = fmt.Sprintf(":%d", p)
	}
	return strings.Join(s, ", ")
}

func (c *comparison) portTaken() {
	inA := map[int]bool{}
	for _, p := range c.a.Net.Listening {
		inA[p.Port] = true
	}
	seen := map[int]bool{}
	for _, p := range c.b.Net.Listening {
		if seen[p.Port] {
			continue
		}
		seen[p.Port] = true
		field := fmt.Sprintf("net.listening.%d", p.Port)
		switch {
		case c.need != nil && c.need.Project:
			if slices.Contains(c.need.Ports, p.Port) {
				c.add("SS6004", true, field, "", p.Proto+" "+p.Addr,
					fmt.Sprintf("B: port %d is taken (%s %s): the service's listener fails with address already in use", p.Port, p.Proto, p.Addr))
			}
		case !inA[p.Port] && strings.HasPrefix(p.Proto, "tcp"):
			c.add("SS6004", true, field, "", p.Proto+" "+p.Addr,
				fmt.Sprintf("B: port %d is taken (%s %s): a service listening on it fails with address already in use", p.Port, p.Proto, p.Addr))
		}
	}
}

func (c *comparison) memory() {
	a, b := c.a.Cgroup.Memory, c.b.Cgroup.Memory
	if b.Less(a) {
		c.add("SS7001", true, "cgroup.memory", mib(a), mib(b),
			fmt.Sprintf("B: memory limit %s (A: %s): a service that needs more is OOM-killed (exit 137)", mib(b), mib(a)))
	}
}

func mib(q host.Quantity) string {
	if q < 0 {
		return q.String()
	}
	if q%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", q>>20)
	}
	return fmt.Sprintf("%d bytes", q)
}

// sessionEnv are the variables a login shell or terminal sets: their absence on a server or in
// a container says nothing about the service.
var sessionEnv = map[string]bool{
	"_": true, "COLUMNS": true, "DISPLAY": true, "HISTFILE": true, "HISTSIZE": true, "HOSTNAME": true,
	"LINES": true, "LS_COLORS": true, "MAIL": true, "OLDPWD": true, "PS1": true, "PWD": true,
	"SHLVL": true, "TERM": true, "TERM_PROGRAM": true, "TMUX": true, "COLORTERM": true, "LESSOPEN": true,
	"LESSCLOSE": true, "DBUS_SESSION_BUS_ADDRESS": true, "WINDOWID": true, "EDITOR": true, "VISUAL": true,
}

func sessionVar(name string) bool {
	return sessionEnv[name] || strings.HasPrefix(name, "SSH_") || strings.HasPrefix(name, "XDG_") || strings.HasPrefix(name, "GPG_")
}

func envMap(s *host.Snapshot) map[string]host.EnvVar {
	m := make(map[string]host.EnvVar, len(s.Env))
	for _, e := range s.Env {
		m[e.Name] = e
	}
	return m
}

func (c *comparison) env() {
	am, bm := envMap(c.a), envMap(c.b)
	if c.need != nil && c.need.Project {
		for _, n := range c.need.Env {
			// Only a difference: a variable neither host sets is set by the deployment (a
			// unit's Environment=, a pod spec), which a snapshot does not see.
			a, inA := am[n.Name]
			b, inB := bm[n.Name]
			if inB && b.State == "set" || !inA || a.State != "set" {
				continue
			}
			matters := n.Required
			msg := fmt.Sprintf("B does not set %s, which %s reads", n.Name, n.Where)
			if n.Required {
				msg += " and requires: the service exits at start-up"
			} else {
				msg += " (it has a default)"
			}
			c.add("SS2015", matters, "env."+n.Name, "set", envState(b, inB), msg)
		}
		return
	}
	for _, a := range c.a.Env {
		b, inB := bm[a.Name]
		if a.State != "set" || sessionVar(a.Name) || inB && b.State == "set" {
			continue
		}
		c.add("SS2015", true, "env."+a.Name, "set", envState(b, inB),
			fmt.Sprintf("B does not set %s, which A sets: a service that requires it exits at start-up", a.Name))
	}
}

func envState(e host.EnvVar, ok bool) string {
	if !ok {
		return "unset"
	}
	return e.State
}

func (c *comparison) ca() {
	if !c.a.CA.Present() || c.b.CA.Present() {
		return
	}
	matters := c.need == nil || c.need.TLS != No
	c.add("SS2004", matters, "ca.file", c.a.CA.File, c.b.CA.File,
		"B has no CA bundle (none of the files and directories Go's crypto/x509 reads): outbound TLS fails with x509: certificate signed by unknown authority",
		"ca.certificates", "ca.dirs")
}

func (c *comparison) zoneinfo() {
	if !c.a.Zoneinfo.Present() || c.b.Zoneinfo.Present() {
		return
	}
	matters := c.need == nil || c.need.Zones != No
	c.add("SS2005", matters, "zoneinfo.dirs", strings.Join(c.a.Zoneinfo.Dirs, " "), "",
		"B has no zoneinfo: time.LoadLocation fails with unknown time zone, unless the binary embeds time/tzdata")
}

// goVersion turns "go1.22.5" into "1.22.5" and "go1.23rc1" into "1.23" ("" for a
// development or unknown version).
func goVersion(v string) string {
	if m := goVersionRe.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return ""
}

var goVersionRe = regexp.MustCompile(`^go(\d+(?:\.\d+)*)`)

// toolchain compares the Go toolchains of hosts that both have one (build hosts: CI runners,
// machines that go build or go run in place). Since Go 1.21 the go command downloads a newer
// toolchain that go.mod asks for, unless GOTOOLCHAIN=local or it is offline: an older one on
// B stops the build only then.
func (c *comparison) toolchain() {
	a, b := c.a.Go, c.b.Go
	if a.Path == "" || b.Path == "" {
		return
	}
	av, bv := goVersion(a.Version), goVersion(b.Version)
	if bv == "" || av == "" {
		return
	}
	need, what := av, "a module that builds with A's go"+av
	if c.need != nil && c.need.GoVersion != "" {
		need, what = c.need.GoVersion, "go.mod, which requires go "+c.need.GoVersion+","
	} else if c.need != nil && c.need.Project {
		return
	}
	if host.CompareVersions(bv, need) >= 0 {
		return
	}
	local := envValue(c.b, "GOTOOLCHAIN") == "local"
	old := host.CompareVersions(bv, "1.21") < 0
	// A that cannot build it either is no difference.
	if host.CompareVersions(av, need) < 0 && (envValue(c.a, "GOTOOLCHAIN") == "local" || host.CompareVersions(av, "1.21") < 0) {
		return
	}
	msg := fmt.Sprintf("B has go%s: %s does not build there", bv, what)
	switch {
	case local:
		msg += fmt.Sprintf(" → go: go.mod requires go >= %s (running go %s; GOTOOLCHAIN=local)", need, bv)
	case old:
		msg += fmt.Sprintf(" → go%s cannot switch toolchains (Go 1.21 added that): go.mod requires go >= %s", bv, need)
	default:
		msg = fmt.Sprintf("B has go%s, older than %s: the go command downloads go%s there (GOTOOLCHAIN=auto), which fails offline", bv, need, need)
	}
	c.add("SS1010", local || old, "go.version", a.Version, b.Version, msg)
}

func envValue(s *host.Snapshot, name string) string {
	for _, e := range s.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}
