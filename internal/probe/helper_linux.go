package probe

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// The service is started through a helper: this same executable, re-run with helperEnv set,
// sets up what exec.Cmd cannot (read-only mounts, loopback, rlimits, umask, cgroup, then the
// user) in the new process before it execs the service, so that every condition holds from the
// service's first instruction. Any program that imports probe becomes the helper when started
// with helperEnv set: the init below never returns then.
const helperEnv = "_SHIPSHAPE_PROBE_HELPER"

// helperSpec is what the helper does, passed as JSON in helperEnv.
type helperSpec struct {
	Path string   `json:"path"`
	Args []string `json:"args"`
	Env  []string `json:"env"`
	Dir  string   `json:"dir"`
	// UID and GID are who to become; -1 keeps the helper's.
	UID    int    `json:"uid"`
	GID    int    `json:"gid"`
	Umask  int    `json:"umask"`
	NoFile uint64 `json:"nofile"`
	// ReadOnly remounts the disk file systems read-only (the helper is in its own mount
	// namespace); Writable get an empty tmpfs each.
	ReadOnly  bool     `json:"readonly"`
	Writable  []string `json:"writable"`
	ReadWrite []string `json:"readwrite"`
	// LoopbackUp brings lo up (the helper is in its own network namespace).
	LoopbackUp bool `json:"lo"`
	// Cgroups are the cgroup.procs files to join.
	Cgroups []string `json:"cgroups"`
}

// helperStatusFD is the pipe the helper reports a setup error on; it is close-on-exec, so the
// parent reads EOF when the service starts.
const helperStatusFD = 3

// helperExitSetup is the helper's exit status when it could not establish the conditions.
const helperExitSetup = 125

func init() {
	if s, ok := os.LookupEnv(helperEnv); ok {
		runHelper(s)
	}
}

func runHelper(spec string) {
	syscall.CloseOnExec(helperStatusFD)
	status := os.NewFile(helperStatusFD, "status")
	fail := func(format string, args ...any) {
		fmt.Fprintf(status, format, args...)
		os.Exit(helperExitSetup)
	}
	var s helperSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		fail("reading the helper spec: %v", err)
	}
	if s.LoopbackUp {
		if err := loopbackUp(); err != nil {
			fail("bringing up loopback in the network namespace: %v", err)
		}
	}
	if s.ReadOnly {
		if err := readOnlyRoot(s.Writable, s.ReadWrite, []string{filepath.Dir(s.Path), s.Dir}); err != nil {
			fail("%v", err)
		}
	}
	for _, cg := range s.Cgroups {
		if err := os.WriteFile(cg, []byte("0"), 0); err != nil {
			fail("joining the cgroup %s: %v", cg, unwrapPath(err))
		}
	}
	if s.NoFile > 0 {
		if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: s.NoFile, Max: s.NoFile}); err != nil {
			fail("setting RLIMIT_NOFILE to %d: %v", s.NoFile, err)
		}
	}
	if s.Umask >= 0 {
		syscall.Umask(s.Umask)
	}
	if s.GID >= 0 {
		if err := syscall.Setgroups(nil); err != nil {
			fail("dropping supplementary groups: %v", err)
		}
		if err := syscall.Setgid(s.GID); err != nil {
			fail("setgid %d: %v", s.GID, err)
		}
	}
	if s.UID >= 0 {
		if err := syscall.Setuid(s.UID); err != nil {
			fail("setuid %d: %v", s.UID, err)
		}
	}
	// In a user namespace the helper kept CAP_SYS_ADMIN and CAP_NET_ADMIN as ambient
	// capabilities for the mounts and loopback; the service gets none.
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil && err != unix.EINVAL {
		fail("clearing ambient capabilities: %v", err)
	}
	// As in runc and systemd, the working directory is entered as the service's user.
	if err := os.Chdir(s.Dir); err != nil {
		fail("changing to the working directory %s: %v", s.Dir, unwrapPath(err))
	}
	err := syscall.Exec(s.Path, s.Args, s.Env)
	fail("exec %s: %v", s.Path, err)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// loopbackUp sets IFF_UP on lo, which a new network namespace has down.
func loopbackUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// virtualFS are file systems that are not the image's: a container gets its own /proc, /sys
// and /dev, writable where they are on the host, whatever readOnlyRootFilesystem says.
var virtualFS = map[string]bool{
	"proc": true, "sysfs": true, "devtmpfs": true, "devpts": true, "mqueue": true, "cgroup": true,
	"cgroup2": true, "securityfs": true, "debugfs": true, "tracefs": true, "pstore": true,
	"bpf": true, "configfs": true, "fusectl": true, "hugetlbfs": true, "binfmt_misc": true,
	"autofs": true, "nsfs": true,
}

// readOnlyRoot remounts every mount of the namespace read-only except the virtual file systems
// and /dev, /proc, /sys, then mounts an empty tmpfs on each writable path. The mount namespace
// is the helper's own (exec.Cmd unshared it and made it private), so the host is unaffected.
func readOnlyRoot(writable, readWrite, keep []string) error {
	keepRW := map[string]bool{}
	for _, p := range readWrite {
		// A bind mount of the path onto itself makes it a mount of its own, which the loop
		// below leaves writable.
		if err := unix.Mount(p, p, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return fmt.Errorf("keeping %s writable: %v", p, err)
		}
		keepRW[p] = true
	}
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return fmt.Errorf("reading the mounts: %v", err)
	}
	var points []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 {
			continue
		}
		mp := unescapeMount(fields[4])
		sep := -1
		for i, x := range fields {
			if x == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+1 >= len(fields) {
			continue
		}
		fstype := fields[sep+1]
		if virtualFS[fstype] || mp == "/dev" || strings.HasPrefix(mp, "/dev/") || strings.HasPrefix(mp, "/proc/") ||
			mp == "/proc" || mp == "/sys" || strings.HasPrefix(mp, "/sys/") || keepRW[mp] {
			continue
		}
		points = append(points, mp)
	}
	f.Close()
	sort.Strings(points) // parents first
	for _, mp := range points {
		var st unix.Statfs_t
		if err := unix.Statfs(mp, &st); err != nil {
			continue // hidden by a mount above it
		}
		if st.Flags&unix.ST_RDONLY != 0 {
			continue
		}
		keep := mountFlags(st.Flags)
		if err := unix.Mount("", mp, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|keep, ""); err != nil {
			return fmt.Errorf("remounting %s read-only: %v", mp, err)
		}
	}
	for _, w := range writable {
		// The program and the working directory stand in for the image's: a tmpfs mounted
		// over a directory holding them (the host's /tmp) must not hide them. They are opened
		// before the mount and bound back, read-only, inside the new tmpfs.
		type held struct {
			path string
			fd   int
		}
		var hold []held
		for _, k := range keep {
			if k == w || !strings.HasPrefix(k, strings.TrimSuffix(w, "/")+"/") {
				continue
			}
			fd, err := unix.Open(k, unix.O_PATH|unix.O_CLOEXEC, 0)
			if err != nil {
				return fmt.Errorf("opening %s: %v", k, err)
			}
			hold = append(hold, held{k, fd})
		}
		if err := unix.Mount("tmpfs", w, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=1777"); err != nil {
			return fmt.Errorf("mounting a writable tmpfs on %s: %v", w, err)
		}
		for _, h := range hold {
			if err := os.MkdirAll(h.path, 0o755); err != nil {
				return fmt.Errorf("keeping %s visible under the tmpfs on %s: %v", h.path, w, err)
			}
			src := fmt.Sprintf("/proc/self/fd/%d", h.fd)
			if err := unix.Mount(src, h.path, "", unix.MS_BIND, ""); err != nil {
				return fmt.Errorf("keeping %s visible under the tmpfs on %s: %v", h.path, w, err)
			}
			if err := unix.Mount("", h.path, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
				return fmt.Errorf("keeping %s read-only under the tmpfs on %s: %v", h.path, w, err)
			}
			unix.Close(h.fd)
		}
	}
	return nil
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var c int
			if _, err := fmt.Sscanf(s[i+1:i+4], "%03o", &c); err == nil {
				b.WriteByte(byte(c))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountFlags turns statfs's ST_* flags into the MS_* flags a remount must keep (in a user
// namespace the kernel refuses a remount that drops a locked one). Most share their values;
// ST_RELATIME does not.
func mountFlags(st int64) uintptr {
	var f uintptr
	for _, m := range [...]struct {
		st int64
		ms uintptr
	}{
		{unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV}, {unix.ST_NOEXEC, unix.MS_NOEXEC},
		{unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME},
	} {
		if st&m.st != 0 {
			f |= m.ms
		}
	}
	return f
}
