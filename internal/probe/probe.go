// Package probe starts a service under the conditions of its deployment target (environment,
// working directory, user, umask, limits, read-only root), and answers whether it becomes ready
// and, when it does not, why: the exit and the tail of its output explained, or, for a hang,
// where its main goroutine is blocked. Matrix runs one condition at a time to find the
// difference that alone breaks start-up.
//
// Probe runs the user's program. It never runs it as root unless asked, and it kills the whole
// process tree when it is done.
package probe

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shipshape-dev/shipshape/internal/explain"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// DefaultPath is the PATH a target gets when it sets none: Docker's default for images without
// one, a superset of systemd's default.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Nobody is the uid and gid a root caller drops to when the target names no user.
const Nobody = 65534

// Conditions are how the service is started. The zero value is the safe default: an empty
// environment (PATH only), an empty temporary working directory, nobody when run as root, umask
// 022, no limits beyond the caller's, a writable root.
type Conditions struct {
	// Env is the exact environment ("NAME=value"); PATH is DefaultPath unless Env sets it.
	Env []string
	// Dir is the working directory; "" means a new empty temporary directory.
	Dir string
	// Seeds are copied into the working directory when Dir is "" (the files an image's
	// Dockerfile copies into its WORKDIR).
	Seeds []Seed
	// User is who runs the service. Nil means nobody when the caller is root, else the caller.
	User *User
	// Umask is the file mode creation mask; nil means 022.
	Umask *int
	// NoFile is RLIMIT_NOFILE (soft and hard); 0 leaves the caller's.
	NoFile uint64
	// Memory is the memory limit in bytes, applied through a cgroup; 0 means none.
	Memory int64
	// ReadOnlyRoot mounts every disk file system read-only for the service (a mount namespace;
	// needs root). Writable are the paths that stay writable as empty tmpfs (emptyDir volumes,
	// --tmpfs).
	ReadOnlyRoot bool
	Writable     []string
	// ReadWrite are existing paths that stay writable, as they are, on a read-only root
	// (systemd's ReadWritePaths=, StateDirectory=).
	ReadWrite []string
	// Why says where each condition came from, by name ("user": "k8s/app.yaml:21 runAsUser").
	Why map[string]string
}

// User is a numeric user and group, with the name it was given as.
type User struct {
	UID, GID int
	Name     string
}

func (u *User) String() string {
	if u == nil {
		return "you"
	}
	if u.Name != "" && u.Name != fmt.Sprint(u.UID) {
		return fmt.Sprintf("%s (uid %d)", u.Name, u.UID)
	}
	return fmt.Sprintf("uid %d", u.UID)
}

// Seed is a file of the build context that an image has in its working directory: the empty
// directory standing in for it gets a copy.
type Seed struct {
	// Src is the file or directory on disk; Dst is a slash path relative to the working
	// directory.
	Src, Dst string
}

// Options tune one probe.
type Options struct {
	// Timeout is how long the service may take to become ready; 0 means 10 s.
	Timeout time.Duration
	// Health is a URL that must answer 2xx for the service to count as ready; "" means ready as
	// soon as the process tree listens on a TCP port.
	Health string
	// Port, when set, is the port the service must listen on (a containerPort, an EXPOSE);
	// listening on another one does not count.
	Port int
	// AllowRoot lets the service run as root when the conditions say so (or name no user).
	AllowRoot bool
	// Isolated runs the service in its own network namespace with only loopback (root only),
	// so that probes of services binding the same port can run at once.
	Isolated bool
	// Rules are the catalog explain diagnoses failures with; nil means no diagnosis.
	Rules []*rule.Rule
	// Progress, when set, is called about every 100 ms while waiting, with what is awaited.
	Progress func(waitingFor string, elapsed time.Duration)
	// Output, when set, receives the service's stdout and stderr as they come.
	Output io.Writer
	// TailSize is how many bytes of output are kept for the report; 0 means 64 KiB.
	TailSize int
}

// Verdict is how a probe ended.
type Verdict string

const (
	Ready  Verdict = "ready"
	Failed Verdict = "failed" // exited, or could not be started
	Hung   Verdict = "hung"   // alive but not ready by the timeout
)

// Result is what one probe found.
type Result struct {
	Verdict Verdict
	// Elapsed is from the start of the service to the verdict.
	Elapsed time.Duration
	// Addrs are the addresses the process tree listens on (":8080", "127.0.0.1:9090"), also
	// when it hung listening elsewhere than on Port.
	Addrs []string
	// Port is the port readiness waited for (Options.Port), 0 for any.
	Port int
	// Exit is how the service ended ("exit status 1", "signal: killed"); "" while it ran.
	Exit string
	// ExitCode is the exit status, -1 when killed by a signal or never started.
	ExitCode int
	// Tail is the end of stdout and stderr, interleaved as written.
	Tail []byte
	// Blocked is where the main goroutine was when the service hung (nil otherwise).
	Blocked *Blocked
	// Diagnosis is explain's reading of Tail (nil without Options.Rules).
	Diagnosis *explain.Result
	// SetupError is set when the conditions could not be established, so the service never ran.
	SetupError string
	// Notes say what could not be simulated here, and what was done instead.
	Notes []string
	// Conditions are the conditions as applied (User and Dir resolved).
	Conditions Conditions
}

// Summary is the verdict in one line: "ready in 212ms on :8080", "failed: exit status 1".
func (r *Result) Summary() string {
	switch r.Verdict {
	case Ready:
		if len(r.Addrs) == 0 {
			return fmt.Sprintf("ready in %s", round(r.Elapsed))
		}
		return fmt.Sprintf("ready in %s on %s", round(r.Elapsed), strings.Join(r.Addrs, ", "))
	case Hung:
		s := fmt.Sprintf("hung: not ready after %s", round(r.Elapsed))
		if len(r.Addrs) > 0 && r.Port > 0 {
			s = fmt.Sprintf("hung: listens on %s but not on :%d after %s", strings.Join(r.Addrs, ", "), r.Port, round(r.Elapsed))
		}
		if r.Blocked != nil {
			s += "; " + r.Blocked.String()
		}
		return s
	}
	if r.SetupError != "" {
		return "not started: " + r.SetupError
	}
	s := "failed after " + round(r.Elapsed).String() + ": " + r.Exit
	if d := r.Cause(); d != "" && d != r.Exit {
		s += " — " + d
	}
	return s
}

// Cause is the best diagnosis in a few words, else the line that looked most like an error,
// else the last line of output, else how the service ended.
func (r *Result) Cause() string {
	if r.Diagnosis != nil {
		if len(r.Diagnosis.Diagnoses) > 0 {
			d := r.Diagnosis.Diagnoses[0]
			return fmt.Sprintf("%s (%s)", d.Summary, d.ID)
		}
		if n := len(r.Diagnosis.Suspects); n > 0 {
			return strings.TrimSpace(r.Diagnosis.Suspects[0].Text)
		}
	}
	if l := lastLine(r.Tail); l != "" {
		return l
	}
	return r.Exit
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func round(d time.Duration) time.Duration {
	if d > 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// envMap turns NAME=value entries into a map; later entries win, as in exec.
func envMap(env []string) map[string]string {
	m := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		m[k] = v
	}
	return m
}

// envList is the sorted NAME=value list of m.
func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// formatBytes writes a size as Kubernetes would (64Mi, 1Gi), else in bytes.
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGi", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMi", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
