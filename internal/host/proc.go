package host

import (
	"bufio"
	"encoding/hex"
	"io"
	"net/netip"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// mount is one line of /proc/self/mountinfo (proc(5)).
type mount struct {
	root, point string
	opts        []string // per-mount options
	fstype      string
	super       []string // per-superblock options
}

// mountinfo reads /proc/self/mountinfo; nil (with a note) when it cannot be read.
func (c *collector) mountinfo() []mount {
	b := c.proc("/proc/self/mountinfo")
	if b == nil {
		return nil
	}
	var out []mount
	for i, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		m, ok := parseMountinfoLine(line)
		if !ok {
			c.note("/proc/self/mountinfo:%d: malformed line skipped", i+1)
			continue
		}
		out = append(out, m)
	}
	return out
}

// parseMountinfoLine reads "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw".
func parseMountinfoLine(line string) (mount, bool) {
	f := strings.Fields(line)
	sep := slices.Index(f, "-")
	if sep < 6 || len(f) < sep+4 {
		return mount{}, false
	}
	return mount{
		root:   unescapeMount(f[3]),
		point:  unescapeMount(f[4]),
		opts:   strings.Split(f[5], ","),
		fstype: f[sep+1],
		super:  strings.Split(f[sep+3], ","),
	}, true
}

// unescapeMount undoes the octal escapes (\040 for a space) of mountinfo paths.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (m mount) readOnly() bool {
	return slices.Contains(m.opts, "ro") || slices.Contains(m.super, "ro")
}

// readOnlyMounts lists the read-only mount points. A mount point mounted several times counts
// as its last (visible) mount.
func readOnlyMounts(ms []mount) Mounts {
	out := Mounts{RootReadOnly: Unknown, ReadOnly: []string{}}
	if ms == nil {
		return out
	}
	last := map[string]mount{}
	for _, m := range ms {
		last[m.point] = m
	}
	for p, m := range last {
		if m.readOnly() {
			out.ReadOnly = append(out.ReadOnly, p)
		}
	}
	sort.Strings(out.ReadOnly)
	if r, ok := last["/"]; ok {
		out.RootReadOnly = yesNo(r.readOnly())
	}
	return out
}

// memoryUnlimited is where a cgroup v1 memory limit means "none": the kernel reports
// PAGE_COUNTER_MAX pages (9223372036854771712 on 64-bit with 4 KiB pages) when unset.
const memoryUnlimited = 1 << 62

// cgroup reads the process's cgroup (/proc/self/cgroup) and the memory and CPU limits of its
// hierarchy, finding each controller's mount in mountinfo as runc and the cgroups libraries do.
func (c *collector) cgroup(ms []mount) Cgroup {
	cg := Cgroup{Memory: UnknownQuantity, CPU: UnknownQuantity}
	b := c.proc("/proc/self/cgroup")
	if b == nil {
		return cg
	}
	paths := map[string]string{} // controller ("" for the unified hierarchy) → path
	for line := range strings.SplitSeq(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			paths[""] = parts[2]
			continue
		}
		for ctrl := range strings.SplitSeq(parts[1], ",") {
			paths[ctrl] = parts[2]
		}
	}
	v1mem, v1 := paths["memory"]
	if v1 {
		cg.Version, cg.Path = 1, v1mem
		if dir, point := controllerDir(ms, "memory", v1mem); dir != "" {
			cg.Memory = c.v1Memory(dir, point)
		} else {
			c.note("cgroup v1 memory controller is not mounted")
		}
		if p, ok := paths["cpu"]; ok {
			if dir, point := controllerDir(ms, "cpu", p); dir != "" {
				cg.CPU = c.v1CPU(dir, point)
			}
		}
		return cg
	}
	p, ok := paths[""]
	if !ok {
		c.note("/proc/self/cgroup: no memory controller and no unified hierarchy")
		return cg
	}
	cg.Version, cg.Path = 2, p
	dir, _ := controllerDir(ms, "", p)
	if dir == "" {
		c.note("cgroup v2 hierarchy is not mounted")
		return cg
	}
	cg.Memory, cg.CPU = c.v2Limits(dir)
	return cg
}

// controllerDir is the directory of a cgroup path in the mount of its controller ("" for
// cgroup2), as a slash path under the file system root, and the mount point; "" when none is
// mounted.
func controllerDir(ms []mount, ctrl, cgPath string) (dir, point string) {
	for _, m := range ms {
		switch {
		case ctrl == "" && m.fstype == "cgroup2":
		case ctrl != "" && m.fstype == "cgroup" && slices.Contains(m.super, ctrl):
		default:
			continue
		}
		// The mount shows the hierarchy from m.root down; inside a cgroup namespace the
		// process's path is relative to that root already.
		sub := cgPath
		if m.root != "/" && (cgPath == m.root || strings.HasPrefix(cgPath, m.root+"/")) {
			sub = strings.TrimPrefix(cgPath, m.root)
		}
		return path.Join(m.point, sub), m.point
	}
	return "", ""
}

// readValue reads the first line of a control file.
func (c *collector) readValue(p string) (string, bool) {
	b, err := readName(c.fsys, rel(p))
	if err != nil {
		return "", false
	}
	return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]), true
}

// v1Memory reads memory.stat's hierarchical_memory_limit, the limit in force counting every
// ancestor, falling back to the cgroup's own memory.limit_in_bytes; when the process's cgroup
// directory is not visible under the mount (a container's private view of the hierarchy),
// the mount point is read instead: it is the container's own cgroup.
func (c *collector) v1Memory(dir, point string) Quantity {
	for _, d := range []string{dir, point} {
		if b, err := readName(c.fsys, rel(d+"/memory.stat")); err == nil {
			for line := range strings.SplitSeq(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "hierarchical_memory_limit "); ok {
					if n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64); err == nil {
						return memQuantity(n)
					}
				}
			}
		}
		if v, ok := c.readValue(d + "/memory.limit_in_bytes"); ok {
			if n, err := strconv.ParseUint(v, 10, 64); err == nil {
				return memQuantity(n)
			}
		}
	}
	c.note("%s: no readable memory.stat or memory.limit_in_bytes", dir)
	return UnknownQuantity
}

func memQuantity(n uint64) Quantity {
	if n >= memoryUnlimited {
		return Unlimited
	}
	return Quantity(n)
}

// v1CPU reads cpu.cfs_quota_us over cpu.cfs_period_us.
func (c *collector) v1CPU(dir, point string) Quantity {
	q, ok1 := c.readValue(dir + "/cpu.cfs_quota_us")
	p, ok2 := c.readValue(dir + "/cpu.cfs_period_us")
	if !ok1 || !ok2 {
		q, ok1 = c.readValue(point + "/cpu.cfs_quota_us")
		p, ok2 = c.readValue(point + "/cpu.cfs_period_us")
	}
	if !ok1 || !ok2 {
		c.note("%s: no readable cpu.cfs_quota_us and cpu.cfs_period_us", dir)
		return UnknownQuantity
	}
	return cpuMillis(q, p)
}

func cpuMillis(quota, period string) Quantity {
	if quota == "-1" || quota == "max" {
		return Unlimited
	}
	q, err1 := strconv.ParseInt(quota, 10, 64)
	p, err2 := strconv.ParseInt(period, 10, 64)
	if err1 != nil || err2 != nil || p <= 0 || q < 0 {
		return UnknownQuantity
	}
	return Quantity(q * 1000 / p)
}

// v2Limits reads memory.max and cpu.max from the cgroup up to the mount root, keeping the
// strictest: a limit on any ancestor applies.
func (c *collector) v2Limits(dir string) (mem, cpu Quantity) {
	mem, cpu = UnknownQuantity, UnknownQuantity
	seenMem, seenCPU := false, false
	for d := dir; ; d = path.Dir(d) {
		if v, ok := c.readValue(d + "/memory.max"); ok {
			q := Unlimited
			if v != "max" {
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil {
					q = UnknownQuantity
				} else {
					q = memQuantity(n)
				}
			}
			if !seenMem || q.Less(mem) {
				mem, seenMem = q, true
			}
		}
		if v, ok := c.readValue(d + "/cpu.max"); ok {
			f := strings.Fields(v)
			if len(f) == 2 {
				q := cpuMillis(f[0], f[1])
				if !seenCPU || q.Less(cpu) {
					cpu, seenCPU = q, true
				}
			}
		}
		if d == "/" || d == "." || d == "/sys/fs/cgroup" || !strings.HasPrefix(d, "/sys/fs/cgroup") {
			break
		}
	}
	if !seenMem {
		c.note("%s: no readable memory.max", dir)
	}
	if !seenCPU {
		// The root cgroup has no cpu.max: no limit is visible.
		cpu = Unlimited
	}
	if !seenMem && dir == "/sys/fs/cgroup" {
		mem = Unlimited
	}
	return mem, cpu
}

func (c *collector) net() Net {
	n := Net{UnprivilegedPortStart: UnknownQuantity, Listening: []Port{}}
	const portStart = "/proc/sys/net/ipv4/ip_unprivileged_port_start"
	b, err := readName(c.fsys, rel(portStart))
	switch {
	case err == nil:
		v := strings.TrimSpace(string(b))
		if p, err := strconv.ParseInt(v, 10, 32); err == nil && p >= 0 {
			n.UnprivilegedPortStart = Quantity(p)
		} else {
			c.note("%s: %q is not a port number", portStart, v)
		}
	case notExist(err):
		c.note("%s: absent (kernels before 4.11 have no such setting: ports below 1024 are privileged)", portStart)
	default:
		c.note("%s: %v", portStart, plainError(err))
	}
	// The kernel builds these files by walking its socket hash tables, which costs
	// milliseconds each even when few sockets exist: read the four at once.
	protos := []string{"tcp", "tcp6", "udp", "udp6"}
	files := make([][]Port, len(protos))
	var wg sync.WaitGroup
	for i, proto := range protos {
		wg.Add(1)
		go func() { defer wg.Done(); files[i] = c.procNet(proto) }()
	}
	wg.Wait()
	seen := map[Port]bool{}
	for _, ports := range files {
		for _, p := range ports {
			if !seen[p] {
				seen[p] = true
				n.Listening = append(n.Listening, p)
			}
		}
	}
	sort.Slice(n.Listening, func(i, j int) bool {
		a, b := n.Listening[i], n.Listening[j]
		if a.Port != b.Port {
			return a.Port < b.Port
		}
		if a.Proto != b.Proto {
			return a.Proto < b.Proto
		}
		return a.Addr < b.Addr
	})
	return n
}

// parseProcNet reads /proc/net/{tcp,tcp6,udp,udp6}: TCP sockets in LISTEN (0A) and UDP
// sockets that are not connected (07, TCP_CLOSE, the state of a bound datagram socket).
// Addresses are hex, in host byte order per 32-bit word (little-endian on the machines Go
// services run on).
func parseProcNet(proto string, r io.Reader) ([]Port, error) {
	want := "0A"
	if strings.HasPrefix(proto, "udp") {
		want = "07"
	}
	var out []Port
	// Streamed: a busy server's /proc/net/tcp holds a line per connection, tens of MB.
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for i := 0; sc.Scan(); i++ {
		f := strings.Fields(sc.Text())
		if i == 0 || len(f) < 4 || f[3] != want {
			continue
		}
		host, port, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		pn, err := strconv.ParseUint(port, 16, 16)
		if err != nil {
			continue
		}
		raw, err := hex.DecodeString(host)
		if err != nil || (len(raw) != 4 && len(raw) != 16) {
			continue
		}
		for w := 0; w < len(raw); w += 4 {
			raw[w], raw[w+1], raw[w+2], raw[w+3] = raw[w+3], raw[w+2], raw[w+1], raw[w]
		}
		addr, _ := netip.AddrFromSlice(raw)
		out = append(out, Port{Proto: proto, Addr: addr.Unmap().String(), Port: int(pn)})
	}
	return out, sc.Err()
}

// procNet reads the listening sockets of one /proc/net file; a note and nil when it cannot.
func (c *collector) procNet(proto string) []Port {
	p := "/proc/net/" + proto
	f, err := c.fsys.Open(rel(p))
	if err != nil {
		c.note("%s: %v", p, plainError(err))
		return nil
	}
	defer f.Close()
	ports, err := parseProcNet(proto, f)
	if err != nil {
		c.note("%s: %v", p, plainError(err))
		return nil
	}
	return ports
}
