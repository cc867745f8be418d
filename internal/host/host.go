// Package host answers the facts of a host that decide whether a Go service starts there: its
// OS, kernel, libc, loaders, CA bundle, zoneinfo, users, limits, cgroup, container, ports,
// mounts, DNS, environment names, systemd and Go toolchain. Collect reads them from a file
// system rooted at "/" (so a fixture directory or a flattened image rootfs works the same) and
// from a few system calls; nothing runs a subprocess and nothing needs cgo.
package host

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
)

// Version is the version of the snapshot document. It changes when a field changes meaning or
// disappears; readers refuse other versions with a message saying which side is older.
const Version = 1

// Unknown is the value of a string fact that could not be read; a note says why.
const Unknown = "unknown"

// Snapshot is the facts of one host. Every list is sorted so that two snapshots of the same
// host are byte-identical; a fact that could not be read is "unknown" (or the Unknown
// Quantity) and Notes says why.
type Snapshot struct {
	// Version is the document version (Version).
	Version int `json:"version"`
	// Tool is the shipshape version that wrote the snapshot.
	Tool string `json:"tool,omitempty"`
	// Hostname is the kernel's host name (/proc/sys/kernel/hostname, else uname): the name
	// fleet reports use. It identifies the host and is never a difference.
	Hostname string `json:"hostname"`
	OS       OS     `json:"os"`
	Kernel   Kernel `json:"kernel"`
	// Arch is the machine in GOARCH words ("amd64", "arm64", …); Machine is uname's word.
	Arch    string `json:"arch"`
	Machine string `json:"machine"`
	Libc    Libc   `json:"libc"`
	// Loaders are the dynamic loaders present (paths of the standard names that resolve to
	// a file), like "/lib64/ld-linux-x86-64.so.2" or "/lib/ld-musl-x86_64.so.1".
	Loaders   []string  `json:"loaders"`
	CA        CA        `json:"ca"`
	Zoneinfo  Zoneinfo  `json:"zoneinfo"`
	Identity  Identity  `json:"identity"`
	Users     []User    `json:"users"`
	Groups    []Group   `json:"groups"`
	Limits    Limits    `json:"limits"`
	Cgroup    Cgroup    `json:"cgroup"`
	Container Container `json:"container"`
	Net       Net       `json:"net"`
	Mounts    Mounts    `json:"mounts"`
	Tmp       Tmp       `json:"tmp"`
	DNS       DNS       `json:"dns"`
	// Env are the environment variables by name; values only for the allow-list (AllowedEnv).
	Env     []EnvVar `json:"env"`
	Systemd Systemd  `json:"systemd"`
	Go      GoTool   `json:"go"`
	// Notes say what could not be read and why.
	Notes []string `json:"notes,omitempty"`
}

// OS is what /etc/os-release (or /usr/lib/os-release) says. Fields the file lacks are empty;
// when neither file exists every field is "unknown".
type OS struct {
	ID         string `json:"id"`
	IDLike     string `json:"idLike,omitempty"`
	Name       string `json:"name"`
	VersionID  string `json:"versionID"`
	PrettyName string `json:"prettyName,omitempty"`
}

// Kernel is what uname says.
type Kernel struct {
	// Release is like "6.1.0-18-amd64".
	Release string `json:"release"`
	// Version is the build string, like "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1".
	Version string `json:"version"`
}

// Libc is the C library a dynamically linked program would load.
type Libc struct {
	// Family is "glibc", "musl", "none" (no libc found: scratch, distroless/static) or
	// "unknown" (a libc file exists but could not be read).
	Family string `json:"family"`
	// Version is like "2.36" (glibc) or "1.2.4" (musl); "unknown" when the file does not say.
	Version string `json:"version"`
	// Path is the file the version was read from.
	Path string `json:"path,omitempty"`
}

// CA is where Go's crypto/x509 would find system roots (crypto/x509/root_linux.go): the
// first readable bundle file (or SSL_CERT_FILE alone when set) and the certificate
// directories (or SSL_CERT_DIR when set).
type CA struct {
	// File is the bundle Go would read ("" when none exists).
	File string `json:"file"`
	// Certificates counts "-----BEGIN CERTIFICATE-----" in File.
	Certificates int `json:"certificates"`
	// Dirs are the certificate directories that exist, with their file counts.
	Dirs []CADir `json:"dirs"`
	// SSLCertFile and SSLCertDir are the environment overrides ("" when unset).
	SSLCertFile string `json:"sslCertFile,omitempty"`
	SSLCertDir  string `json:"sslCertDir,omitempty"`
}

// CADir is one certificate directory.
type CADir struct {
	Path  string `json:"path"`
	Files int    `json:"files"`
}

// Present says Go would find at least one root certificate.
func (c CA) Present() bool {
	if c.Certificates > 0 {
		return true
	}
	for _, d := range c.Dirs {
		if d.Files > 0 {
			return true
		}
	}
	return false
}

// Zoneinfo is where Go's time package would find zone files (time/zoneinfo_unix.go).
type Zoneinfo struct {
	// Dirs are the zoneinfo directories that exist and hold a UTC zone file.
	Dirs []string `json:"dirs"`
	// TZ and ZONEINFO are the environment variables ("" when unset; TZ "" and set means UTC).
	TZ       string `json:"tz,omitempty"`
	ZONEINFO string `json:"zoneinfo,omitempty"`
	// Localtime is the target of the /etc/localtime link, "file" when it is a regular file,
	// "" when absent.
	Localtime string `json:"localtime"`
	// Timezone is /etc/timezone's first line ("" when absent).
	Timezone string `json:"timezone,omitempty"`
}

// Present says time.LoadLocation would find zone files (a ZONEINFO override counts).
func (z Zoneinfo) Present() bool { return len(z.Dirs) > 0 || z.ZONEINFO != "" }

// Identity is who the snapshot ran as.
type Identity struct {
	UID int `json:"uid"`
	GID int `json:"gid"`
	// User and Group are the names /etc/passwd and /etc/group give the ids ("" when none).
	User  string `json:"user"`
	Group string `json:"group"`
	// Groups are the supplementary group ids.
	Groups []int `json:"groups"`
	// Home is the passwd home of UID ("" when the user has no entry).
	Home string `json:"home"`
	// NetBindService says the effective capabilities include CAP_NET_BIND_SERVICE (root
	// usually has it), from /proc/self/status CapEff: "yes", "no" or "unknown".
	NetBindService string `json:"netBindService"`
}

// User is one /etc/passwd entry.
type User struct {
	Name  string `json:"name"`
	UID   int    `json:"uid"`
	GID   int    `json:"gid"`
	Home  string `json:"home"`
	Shell string `json:"shell"`
}

// Group is one /etc/group entry.
type Group struct {
	Name string `json:"name"`
	GID  int    `json:"gid"`
}

// Limits are the resource limits of the snapshot process (its children inherit them).
type Limits struct {
	NoFile Rlimit `json:"nofile"`
	NProc  Rlimit `json:"nproc"`
}

// Rlimit is one soft and hard limit.
type Rlimit struct {
	Soft Quantity `json:"soft"`
	Hard Quantity `json:"hard"`
}

// Cgroup is the cgroup the process runs in and its limits.
type Cgroup struct {
	// Version is 1, 2, or 0 when unknown.
	Version int `json:"version"`
	// Path is the memory (v1) or unified (v2) cgroup path from /proc/self/cgroup. It
	// identifies the container and is never a difference.
	Path string `json:"path"`
	// Memory is the memory limit in bytes.
	Memory Quantity `json:"memory"`
	// CPU is the CPU limit in thousandths of a CPU (quota/period), like 500 for half a CPU.
	CPU Quantity `json:"cpuMillis"`
}

// Container says whether the host is a container and which.
type Container struct {
	// Kind is "docker", "podman", "kubernetes", "containerd", "lxc", "systemd-nspawn",
	// "container" (some other) or "" when none was detected.
	Kind string `json:"kind"`
	// Evidence are the facts that decided, like "/.dockerenv exists".
	Evidence []string `json:"evidence"`
}

// Net is the network facts of the process's network namespace.
type Net struct {
	// UnprivilegedPortStart is net.ipv4.ip_unprivileged_port_start: ports below it need
	// CAP_NET_BIND_SERVICE.
	UnprivilegedPortStart Quantity `json:"unprivilegedPortStart"`
	// Listening are the TCP sockets in LISTEN state and the bound UDP sockets.
	Listening []Port `json:"listening"`
}

// Port is one listening socket.
type Port struct {
	Proto string `json:"proto"` // "tcp", "tcp6", "udp", "udp6"
	Addr  string `json:"addr"`
	Port  int    `json:"port"`
}

// Mounts are the mount facts from /proc/self/mountinfo.
type Mounts struct {
	// RootReadOnly says "/" is mounted read-only: "yes", "no" or "unknown".
	RootReadOnly string `json:"rootReadOnly"`
	// ReadOnly are the read-only mount points.
	ReadOnly []string `json:"readOnly"`
}

// Tmp is the temporary directory Go's os.TempDir returns when TMPDIR is unset.
type Tmp struct {
	// Exists and Writable are "yes", "no" or "unknown"; Writable is access(2) W_OK, so it
	// accounts for the user, the mode and a read-only file system without creating a file.
	Exists   string `json:"exists"`
	Writable string `json:"writable"`
	// TMPDIR is the environment override ("" when unset).
	TMPDIR string `json:"tmpdir,omitempty"`
}

// DNS is /etc/resolv.conf.
type DNS struct {
	// Present says the file exists: "yes", "no" or "unknown".
	Present     string   `json:"present"`
	Nameservers []string `json:"nameservers"`
	Search      []string `json:"search"`
	Options     []string `json:"options"`
}

// EnvVar is one environment variable. Value is written only for AllowedEnv names; the
// others are "set" or "empty", with a keyed digest when a key was given.
type EnvVar struct {
	Name string `json:"name"`
	// State is "set" (non-empty) or "empty".
	State string `json:"state"`
	// Value is the value of an allow-listed name.
	Value string `json:"value,omitempty"`
	// Digest is "hmac-sha256:<hex>" of the value under the user's key, for comparison only.
	Digest string `json:"digest,omitempty"`
}

// Systemd is whether systemd is the init system.
type Systemd struct {
	// Present is "yes" when /run/systemd/system exists (what sd_booted checks), else "no".
	Present string `json:"present"`
	// Version is the systemd version from its shared library's name ("unknown" when not
	// found, "" when systemd is absent).
	Version string `json:"version"`
}

// GoTool is the Go toolchain found on the host and the Go environment variables.
type GoTool struct {
	// Path is the go binary ("" when none was found in $GOROOT/bin or PATH).
	Path string `json:"path"`
	// GOROOT is the toolchain root and Version its VERSION file's first line ("go1.26.8").
	GOROOT  string `json:"goroot,omitempty"`
	Version string `json:"version,omitempty"`
	// Env are the Go environment variables set, with their values (GOFLAGS, GO111MODULE,
	// GOPROXY, GOTOOLCHAIN, CGO_ENABLED, GOPATH, …), sorted by name.
	Env []EnvVar `json:"env"`
}

// Quantity is a count or size that may be unlimited or unknown. It is written as a JSON
// number, or as the string "unlimited" or "unknown".
type Quantity int64

const (
	// Unlimited is no limit.
	Unlimited Quantity = -1
	// UnknownQuantity is a quantity that could not be read.
	UnknownQuantity Quantity = -2
)

// Known says q is a number or unlimited.
func (q Quantity) Known() bool { return q != UnknownQuantity }

// Less says q is a stricter limit than r: a number below r, or any number when r is unlimited.
// Unknown is never less nor more.
func (q Quantity) Less(r Quantity) bool {
	if !q.Known() || !r.Known() || q == Unlimited {
		return false
	}
	return r == Unlimited || q < r
}

func (q Quantity) String() string {
	switch {
	case q == Unlimited:
		return "unlimited"
	case q < 0:
		return Unknown
	}
	return strconv.FormatInt(int64(q), 10)
}

// MarshalJSON writes a number, "unlimited" or "unknown".
func (q Quantity) MarshalJSON() ([]byte, error) {
	if q < 0 {
		return strconv.AppendQuote(nil, q.String()), nil
	}
	return strconv.AppendInt(nil, int64(q), 10), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"unlimited"`:
		*q = Unlimited
		return nil
	case `"unknown"`:
		*q = UnknownQuantity
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || n < 0 {
		return fmt.Errorf("quantity %s: want a non-negative number, \"unlimited\" or \"unknown\"", b)
	}
	*q = Quantity(n)
	return nil
}

// Answers of yes/no facts that may be unknown.
const (
	Yes = "yes"
	No  = "no"
)

func yesNo(b bool) string {
	if b {
		return Yes
	}
	return No
}

// Marshal writes the snapshot as indented JSON ending in a newline.
func (s *Snapshot) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// ErrVersion is wrapped by Decode for a snapshot of another document version.
var ErrVersion = errors.New("unsupported snapshot version")

// Decode reads a snapshot document. It refuses, with a message saying what to do, input that
// is not JSON, truncated, not a snapshot, or of another version.
func Decode(b []byte) (*Snapshot, error) {
	// One pass: the outer Version shadows Snapshot.Version, so that a missing field is told
	// apart from version 0. A document of another version may not fit the Snapshot type, so
	// on a decoding error the version alone is read again to say which side is older.
	var doc struct {
		*Snapshot
		Version *int `json:"version"`
	}
	doc.Snapshot = new(Snapshot)
	err := json.Unmarshal(b, &doc)
	if err != nil {
		var head struct {
			Version *int `json:"version"`
		}
		if json.Unmarshal(b, &head) != nil || head.Version == nil || *head.Version == Version {
			return nil, jsonError(b, err)
		}
		doc.Version = head.Version
	}
	switch {
	case doc.Version == nil:
		return nil, errors.New(`not a shipshape snapshot: no "version" field (write one with shipshape snapshot)`)
	case *doc.Version > Version:
		return nil, fmt.Errorf("%w: snapshot version %d is newer than this shipshape reads (%d): upgrade shipshape", ErrVersion, *doc.Version, Version)
	case *doc.Version < Version:
		return nil, fmt.Errorf("%w: snapshot version %d is older than this shipshape reads (%d): take the snapshot again with this shipshape", ErrVersion, *doc.Version, Version)
	}
	doc.Snapshot.Version = *doc.Version
	return doc.Snapshot, nil
}

// jsonError says where JSON went wrong, in line:column words.
func jsonError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return errors.New("empty file: not a shipshape snapshot")
	}
	if err.Error() == "unexpected end of JSON input" {
		return fmt.Errorf("truncated JSON: the document ends after %d bytes before it is complete", len(b))
	}
	if off < 0 {
		return fmt.Errorf("malformed snapshot JSON: %v", err)
	}
	line, col := 1, 1
	for _, c := range b[:min(max(int(off)-1, 0), len(b))] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("malformed snapshot JSON at line %d, column %d: %v", line, col, err)
}
