package hostdiff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// isCovered says a field, or a field it belongs to ("loaders" for "loaders./lib/ld.so"), is
// explained by a difference already listed.
func (c *comparison) isCovered(field string) bool {
	for f := field; ; {
		if c.covered[f] {
			return true
		}
		i := strings.LastIndexByte(f, '.')
		if i < 0 {
			return false
		}
		f = f[:i]
	}
}

// flatten turns a snapshot into field → value text, lists into one field per element keyed by
// what identifies it (a user's name, a mount point, a port), so that a difference names the
// element rather than a position in a list. IdentityFields are left out.
func flatten(s *host.Snapshot) map[string]string {
	m := make(map[string]string, 64+len(s.Users)+len(s.Groups)+len(s.Env))
	set := func(k, v string) { m[k] = v }
	set("os.id", s.OS.ID)
	set("os.idLike", s.OS.IDLike)
	set("os.name", s.OS.Name)
	set("os.versionID", s.OS.VersionID)
	set("os.prettyName", s.OS.PrettyName)
	set("kernel.release", s.Kernel.Release)
	set("kernel.version", s.Kernel.Version)
	set("arch", s.Arch)
	set("machine", s.Machine)
	set("libc.family", s.Libc.Family)
	set("libc.version", s.Libc.Version)
	set("libc.path", s.Libc.Path)
	for _, l := range s.Loaders {
		set("loaders."+l, "present")
	}
	set("ca.file", s.CA.File)
	set("ca.certificates", strconv.Itoa(s.CA.Certificates))
	for _, d := range s.CA.Dirs {
		set("ca.dirs."+d.Path, fmt.Sprintf("%d files", d.Files))
	}
	set("ca.sslCertFile", s.CA.SSLCertFile)
	set("ca.sslCertDir", s.CA.SSLCertDir)
	for _, d := range s.Zoneinfo.Dirs {
		set("zoneinfo.dirs."+d, "present")
	}
	set("zoneinfo.tz", s.Zoneinfo.TZ)
	set("zoneinfo.zoneinfo", s.Zoneinfo.ZONEINFO)
	set("zoneinfo.localtime", s.Zoneinfo.Localtime)
	set("zoneinfo.timezone", s.Zoneinfo.Timezone)
	id := s.Identity
	set("identity.uid", strconv.Itoa(id.UID))
	set("identity.gid", strconv.Itoa(id.GID))
	set("identity.user", id.User)
	set("identity.group", id.Group)
	set("identity.home", id.Home)
	set("identity.netBindService", id.NetBindService)
	gs := make([]string, len(id.Groups))
	for i, g := range id.Groups {
		gs[i] = strconv.Itoa(g)
	}
	set("identity.groups", strings.Join(gs, " "))
	for _, u := range s.Users {
		set("users."+u.Name, fmt.Sprintf("uid %d gid %d home %s shell %s", u.UID, u.GID, u.Home, u.Shell))
	}
	for _, g := range s.Groups {
		set("groups."+g.Name, fmt.Sprintf("gid %d", g.GID))
	}
	set("limits.nofile.soft", s.Limits.NoFile.Soft.String())
	set("limits.nofile.hard", s.Limits.NoFile.Hard.String())
	set("limits.nproc.soft", s.Limits.NProc.Soft.String())
	set("limits.nproc.hard", s.Limits.NProc.Hard.String())
	set("cgroup.version", strconv.Itoa(s.Cgroup.Version))
	set("cgroup.memory", mib(s.Cgroup.Memory))
	set("cgroup.cpuMillis", s.Cgroup.CPU.String())
	set("container.kind", s.Container.Kind)
	set("container.evidence", strings.Join(s.Container.Evidence, "; "))
	set("net.unprivilegedPortStart", s.Net.UnprivilegedPortStart.String())
	for _, p := range s.Net.Listening {
		k := fmt.Sprintf("net.listening.%d", p.Port)
		v := p.Proto + " " + p.Addr
		if old, ok := m[k]; ok {
			v = old + ", " + v
		}
		set(k, v)
	}
	set("mounts.rootReadOnly", s.Mounts.RootReadOnly)
	for _, p := range s.Mounts.ReadOnly {
		set("mounts.readOnly."+p, "read-only")
	}
	set("tmp.exists", s.Tmp.Exists)
	set("tmp.writable", s.Tmp.Writable)
	set("tmp.tmpdir", s.Tmp.TMPDIR)
	set("dns.present", s.DNS.Present)
	set("dns.nameservers", strings.Join(s.DNS.Nameservers, " "))
	set("dns.search", strings.Join(s.DNS.Search, " "))
	set("dns.options", strings.Join(s.DNS.Options, " "))
	for _, e := range s.Env {
		v := e.State
		switch {
		case e.Value != "":
			v = strconv.Quote(e.Value)
		case e.Digest != "":
			v = e.State + " " + e.Digest
		}
		set("env."+e.Name, v)
	}
	set("systemd.present", s.Systemd.Present)
	set("systemd.version", s.Systemd.Version)
	set("go.path", s.Go.Path)
	set("go.goroot", s.Go.GOROOT)
	set("go.version", s.Go.Version)
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

// fieldDiffs lists every field whose value differs, sorted by field.
func fieldDiffs(a, b map[string]string) []Difference {
	var out []Difference
	for k, av := range a {
		if bv := b[k]; av != bv {
			out = append(out, other(k, av, bv))
		}
	}
	for k, bv := range b {
		if _, ok := a[k]; !ok {
			out = append(out, other(k, "", bv))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

func other(field, a, b string) Difference {
	var msg string
	switch {
	case a == "":
		msg = fmt.Sprintf("B has %s = %s; A has none", field, b)
	case b == "":
		msg = fmt.Sprintf("B has no %s; A has %s", field, a)
	default:
		msg = fmt.Sprintf("%s: A %s, B %s", field, a, b)
	}
	if c := goEnvConsequence(field, b); c != "" {
		msg += ": " + c
	}
	return Difference{Field: field, A: a, B: b, Message: msg}
}

// goEnvConsequence says what a Go environment value on B does to a go build or go run
// there: the GOPATH-versus-modules differences that make a build work on one host only.
func goEnvConsequence(field, b string) string {
	v, _ := strconv.Unquote(b)
	switch field {
	case "env.GO111MODULE":
		switch v {
		case "off":
			return "go build there runs in GOPATH mode and ignores go.mod (cannot find package … in any of $GOROOT, $GOPATH)"
		case "auto":
			return "outside a module go build there falls back to GOPATH mode"
		}
	case "env.GOFLAGS":
		switch {
		case strings.Contains(v, "-mod=vendor"):
			return "go build there reads vendor/ and stops when it is inconsistent with go.mod"
		case strings.Contains(v, "-mod=readonly"), strings.Contains(v, "-mod=mod"):
			return "go build there resolves modules differently from A"
		}
	case "env.CGO_ENABLED":
		if v == "0" {
			return "go build there makes static binaries and fails for packages that need cgo"
		}
		return "go build there links libc dynamically where A's build did not"
	case "env.GOPROXY", "env.GOPRIVATE", "env.GONOSUMDB", "env.GOSUMDB", "env.GONOPROXY":
		return "go mod download there fetches modules from elsewhere than on A"
	}
	return ""
}
