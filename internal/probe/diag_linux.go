package probe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// sockets lists the TCP sockets of one network namespace. It asks the kernel through
// NETLINK_SOCK_DIAG, as ss does: a dump of listening sockets walks only the listening hash,
// where reading /proc/net/tcp walks every bucket of the connection hash (tens of milliseconds
// on a large machine, once per poll). Without the netlink socket it reads /proc/<pid>/net.
type sockets struct {
	pid int
	fd  int // -1: read /proc
}

// newSockets opens the netlink socket in the network namespace of pid; entering another
// namespace needs CAP_SYS_ADMIN, and without it (or netlink) /proc is read instead.
func newSockets(pid int) *sockets {
	s := &sockets{pid: pid, fd: -1}
	fd, err := diagSocketIn(pid)
	if err == nil {
		s.fd = fd
	}
	return s
}

func (s *sockets) Close() {
	if s.fd >= 0 {
		unix.Close(s.fd)
		s.fd = -1
	}
}

// list returns the sockets in the given states (a bit mask of 1<<tcpState).
func (s *sockets) list(states uint32) []socketEntry {
	if s.fd >= 0 {
		var out []socketEntry
		ok := true
		for _, fam := range []uint8{unix.AF_INET, unix.AF_INET6} {
			es, err := diagDump(s.fd, fam, states)
			if err != nil {
				ok = false
				break
			}
			out = append(out, es...)
		}
		if ok {
			return out
		}
		s.Close()
	}
	var out []socketEntry
	for _, e := range readSockets(s.pid) {
		if states&(1<<uint(e.state)) != 0 {
			out = append(out, e)
		}
	}
	return out
}

func sameNetns(pid int) bool {
	a, err1 := os.Readlink("/proc/self/ns/net")
	b, err2 := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid))
	return err1 == nil && err2 == nil && a == b
}

// diagSocketIn opens a NETLINK_SOCK_DIAG socket in pid's network namespace: a socket stays in
// the namespace of the thread that created it.
func diagSocketIn(pid int) (int, error) {
	open := func() (int, error) {
		return unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_INET_DIAG)
	}
	if sameNetns(pid) {
		return open()
	}
	target, err := os.Open(fmt.Sprintf("/proc/%d/ns/net", pid))
	if err != nil {
		return -1, err
	}
	defer target.Close()
	self, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return -1, err
	}
	defer self.Close()
	runtime.LockOSThread()
	if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return -1, err
	}
	fd, err := open()
	if unix.Setns(int(self.Fd()), unix.CLONE_NEWNET) != nil {
		// The thread is stuck in the other namespace: leave it locked, so that the runtime
		// ends it with this goroutine instead of reusing it.
		return fd, err
	}
	runtime.UnlockOSThread()
	return fd, err
}

// inet_diag request and reply sizes (linux/inet_diag.h).
const (
	sizeofDiagReq = 56 // struct inet_diag_req_v2
	sizeofDiagMsg = 72 // struct inet_diag_msg
)

// diagDump asks for the TCP sockets of one family in the given states.
func diagDump(fd int, family uint8, states uint32) ([]socketEntry, error) {
	req := make([]byte, unix.NLMSG_HDRLEN+sizeofDiagReq)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], uint32(len(req)))
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST|unix.NLM_F_DUMP)
	ne.PutUint32(req[8:], 1) // sequence
	body := req[unix.NLMSG_HDRLEN:]
	body[0], body[1] = family, unix.IPPROTO_TCP
	ne.PutUint32(body[4:], states)
	if err := unix.Sendto(fd, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return nil, err
	}
	var out []socketEntry
	buf := make([]byte, 64<<10)
	for {
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err != nil {
			return nil, err
		}
		for b := buf[:n]; len(b) >= unix.NLMSG_HDRLEN; {
			l := int(ne.Uint32(b[0:]))
			typ := ne.Uint16(b[4:])
			if l < unix.NLMSG_HDRLEN || l > len(b) {
				return nil, errors.New("sock_diag: short message")
			}
			switch typ {
			case unix.NLMSG_DONE:
				return out, nil
			case unix.NLMSG_ERROR:
				if l >= unix.NLMSG_HDRLEN+4 {
					if errno := int32(ne.Uint32(b[unix.NLMSG_HDRLEN:])); errno != 0 {
						return nil, unix.Errno(-errno)
					}
				}
				return nil, errors.New("sock_diag: error")
			case unix.SOCK_DIAG_BY_FAMILY:
				if m := b[unix.NLMSG_HDRLEN:l]; len(m) >= sizeofDiagMsg {
					out = append(out, parseDiagMsg(m))
				}
			}
			al := (l + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1)
			if al > len(b) {
				break
			}
			b = b[al:]
		}
	}
}

// parseDiagMsg reads a struct inet_diag_msg: ports and addresses in network byte order, the
// rest in the host's.
func parseDiagMsg(m []byte) socketEntry {
	fam, state := m[0], m[1]
	sport := binary.BigEndian.Uint16(m[4:])
	dport := binary.BigEndian.Uint16(m[6:])
	src, dst := net.IP(append([]byte(nil), m[8:24]...)), net.IP(append([]byte(nil), m[24:40]...))
	if fam == unix.AF_INET {
		src, dst = src[:4], dst[:4]
	} else if v4 := src.To4(); v4 != nil {
		src, dst = v4, dst.To4()
	}
	return socketEntry{
		local:  net.JoinHostPort(src.String(), strconv.Itoa(int(sport))),
		remote: net.JoinHostPort(dst.String(), strconv.Itoa(int(dport))),
		state:  int(state),
		inode:  uint64(binary.NativeEndian.Uint32(m[68:])),
	}
}
