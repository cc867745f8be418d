package probe

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
)

// The readiness of a process tree is read from /proc: the sockets its members hold (the
// socket:[inode] links of /proc/<pid>/fd) matched against the listening sockets of its network
// namespace (/proc/<pid>/net/tcp and tcp6).

// tcpState is the kernel's TCP state number as /proc/net/tcp prints it (include/net/tcp_states.h).
const (
	tcpEstablished = 0x01
	tcpSynSent     = 0x02
	tcpListen      = 0x0A
)

// socketEntry is one line of /proc/net/tcp{,6}.
type socketEntry struct {
	local, remote string
	state         int
	inode         uint64
}

// readSockets reads the TCP sockets of pid's network namespace.
func readSockets(pid int) []socketEntry {
	var out []socketEntry
	for _, f := range []string{"tcp", "tcp6"} {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, f))
		if err != nil {
			continue
		}
		out = append(out, parseSockets(b)...)
	}
	return out
}

// parseSockets parses the table of /proc/net/tcp or tcp6.
func parseSockets(b []byte) []socketEntry {
	var out []socketEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 10 {
			continue
		}
		st, err := strconv.ParseUint(f[3], 16, 8)
		if err != nil {
			continue
		}
		ino, err := strconv.ParseUint(f[9], 10, 64)
		if err != nil {
			continue
		}
		out = append(out, socketEntry{local: hexAddr(f[1]), remote: hexAddr(f[2]), state: int(st), inode: ino})
	}
	return out
}

// hexAddr turns "0100007F:1F90" into "127.0.0.1:8080". The kernel prints the address as
// 32-bit words in host byte order (little-endian here).
func hexAddr(s string) string {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return s
	}
	raw, err := hex.DecodeString(h)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return s
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return s
	}
	ip := make(net.IP, len(raw))
	for i := 0; i < len(raw); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(int(port)))
}

// displayAddr shows a wildcard listener as ":port".
func displayAddr(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		return ":" + port
	}
	return a
}

// socketInodes returns the socket inodes pid holds open.
func socketInodes(pid int, into map[uint64]bool) {
	dir := fmt.Sprintf("/proc/%d/fd", pid)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		l, err := os.Readlink(dir + "/" + e.Name())
		if err != nil || !strings.HasPrefix(l, "socket:[") {
			continue
		}
		if ino, err := strconv.ParseUint(strings.TrimSuffix(l[len("socket:["):], "]"), 10, 64); err == nil {
			into[ino] = true
		}
	}
}

// procStat is the part of /proc/<pid>/stat a process tree is found with.
type procStat struct {
	pid, ppid, pgrp, session int
}

func readStat(pid string) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return procStat{}, false
	}
	// The command name is in parentheses and may hold spaces and parentheses: fields start
	// after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 4 {
		return procStat{}, false
	}
	var s procStat
	s.pid, _ = strconv.Atoi(pid)
	s.ppid, _ = strconv.Atoi(f[1])
	s.pgrp, _ = strconv.Atoi(f[2])
	s.session, _ = strconv.Atoi(f[3])
	return s, true
}

// members returns the processes of the tree rooted at leader: its session (the service was
// started as a session leader) and every descendant, including those that left the session.
func members(leader int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return []int{leader}
	}
	var all []procStat
	for _, e := range ents {
		if c := e.Name()[0]; c < '0' || c > '9' {
			continue
		}
		if s, ok := readStat(e.Name()); ok {
			all = append(all, s)
		}
	}
	in := map[int]bool{leader: true}
	for changed := true; changed; {
		changed = false
		for _, s := range all {
			if !in[s.pid] && (s.session == leader || in[s.ppid]) {
				in[s.pid] = true
				changed = true
			}
		}
	}
	out := make([]int, 0, len(in))
	for p := range in {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

// listening returns the addresses the process tree rooted at leader listens on.
func listening(leader int) []string {
	sk := newSockets(leader)
	defer sk.Close()
	return sk.listening(leader)
}

// listening returns the addresses the process tree rooted at leader listens on.
func (sk *sockets) listening(leader int) []string {
	l, _ := treeSockets(leader, sk.list(1<<tcpListen))
	return l
}

// connecting returns the connections the tree is opening (SYN_SENT) or holds open.
func (sk *sockets) connecting(leader int) []string {
	_, c := treeSockets(leader, sk.list(1<<tcpSynSent|1<<tcpEstablished))
	return c
}

// treeSockets sorts the sockets the process tree rooted at leader holds into listening
// addresses and connections being opened or held.
func treeSockets(leader int, socks []socketEntry) (listen, connecting []string) {
	if len(socks) == 0 {
		return nil, nil
	}
	// The leader usually holds the listener: its descriptors alone answer most polls, and
	// the scan of every process for the tree's members is left for when they do not.
	held := map[uint64]bool{}
	socketInodes(leader, held)
	if !holdsAny(socks, held) {
		for _, p := range members(leader) {
			if p != leader {
				socketInodes(p, held)
			}
		}
	}
	seen := map[string]bool{}
	for _, s := range socks {
		if s.inode == 0 || !held[s.inode] {
			continue
		}
		var a string
		switch s.state {
		case tcpListen:
			a = displayAddr(s.local)
			if !seen[a] {
				listen = append(listen, a)
			}
		case tcpSynSent:
			a = s.remote + " (SYN_SENT: no answer)"
			if !seen[a] {
				connecting = append(connecting, a)
			}
		case tcpEstablished:
			a = s.remote + " (connected)"
			if !seen[a] {
				connecting = append(connecting, a)
			}
		}
		seen[a] = true
	}
	sort.Strings(listen)
	return listen, connecting
}

// holdsAny says whether one of socks is a listening socket among held.
func holdsAny(socks []socketEntry, held map[uint64]bool) bool {
	for _, s := range socks {
		if s.state == tcpListen && held[s.inode] {
			return true
		}
	}
	return false
}

// canSee says whether pid's process is on this kernel and its network namespace readable: a
// container of a local engine, not one in a VM.
func canSee(pid int) bool {
	_, err := os.Stat(fmt.Sprintf("/proc/%d/net/tcp", pid))
	return err == nil
}
