package probe

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Case is one run of a matrix: a name, the conditions it ran under and what happened.
type Case struct {
	// Name is "yours", "production", or the one difference applied: "cwd", "env", "user",
	// "umask", "read-only root", "limits".
	Name       string
	Conditions Conditions
	Result     *Result
	// Yours and Theirs describe the difference ("/work/app" and "an empty directory").
	Yours, Theirs string
}

// Matrix is the result of RunMatrix.
type Matrix struct {
	// Yours ran with the developer's own conditions, Production with all of the target's.
	Yours, Production *Case
	// Differences each ran with the developer's conditions and one of the target's.
	Differences []*Case
	// Parallel says whether the cases ran at once, each in its own network namespace.
	Parallel bool
	Notes    []string
}

// Yours returns the developer's own conditions: this process's environment, working
// directory, user, umask and limits, on a writable root.
func Yours() Conditions {
	c := Conditions{Env: os.Environ(), Why: map[string]string{}}
	c.Dir, _ = os.Getwd()
	c.User = &User{UID: os.Getuid(), GID: os.Getgid()}
	if u, err := user.Current(); err == nil {
		c.User.Name = u.Username
	}
	if m, ok := currentUmask(); ok {
		c.Umask = &m
	}
	return c
}

// currentUmask reads the umask from /proc/self/status (calling umask(2) to read it would
// change it for every thread for a moment).
func currentUmask() (int, bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "Umask:"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 8, 32)
			return int(n), err == nil
		}
	}
	return 0, false
}

// differences lists the cases that apply one of target's conditions to yours, for each
// condition where they differ.
func differences(yours, target Conditions) []*Case {
	var out []*Case
	add := func(name, y, t string, apply func(c *Conditions)) {
		c := yours
		c.Why = target.Why
		apply(&c)
		out = append(out, &Case{Name: name, Conditions: c, Yours: y, Theirs: t})
	}
	if yours.Dir != target.Dir {
		theirs := "the working directory " + target.Dir
		if target.Dir == "" {
			theirs = "an empty working directory"
		}
		add("cwd", "your working directory ("+yours.Dir+")", theirs, func(c *Conditions) { c.Dir = target.Dir })
	}
	if !sameEnv(yours.Env, target.Env) {
		add("env", fmt.Sprintf("your environment (%d variables)", len(yours.Env)), describeEnv(target.Env),
			func(c *Conditions) { c.Env = target.Env })
	}
	tu := target.User
	if tu == nil && os.Geteuid() == 0 {
		tu = &User{UID: Nobody, GID: Nobody, Name: "nobody"}
	}
	if tu != nil && (yours.User == nil || tu.UID != yours.User.UID || tu.GID != yours.User.GID) {
		add("user", "user "+yours.User.String(), "user "+tu.String(), func(c *Conditions) { c.User = tu })
	}
	tm := 0o022
	if target.Umask != nil {
		tm = *target.Umask
	}
	if yours.Umask == nil || *yours.Umask != tm {
		ym := "your umask"
		if yours.Umask != nil {
			ym = fmt.Sprintf("umask %03o", *yours.Umask)
		}
		add("umask", ym, fmt.Sprintf("umask %03o", tm), func(c *Conditions) { c.Umask = &tm })
	}
	if target.ReadOnlyRoot && !yours.ReadOnlyRoot {
		theirs := "a read-only root"
		if len(target.Writable) > 0 {
			theirs += " (writable: " + strings.Join(target.Writable, ", ") + ")"
		}
		add("read-only root", "a writable root", theirs, func(c *Conditions) {
			c.ReadOnlyRoot, c.Writable, c.ReadWrite = true, target.Writable, target.ReadWrite
		})
	}
	if target.Memory > 0 || target.NoFile > 0 {
		add("limits", "your limits", describeLimits(target), func(c *Conditions) {
			c.Memory, c.NoFile = target.Memory, target.NoFile
		})
	}
	return out
}

func sameEnv(a, b []string) bool {
	x, y := envMap(a), envMap(b)
	if _, ok := y["PATH"]; !ok {
		y["PATH"] = DefaultPath
	}
	if len(x) != len(y) {
		return false
	}
	for k, v := range x {
		if w, ok := y[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func describeEnv(env []string) string {
	names := make([]string, 0, len(env))
	for k := range envMap(env) {
		names = append(names, k)
	}
	sort.Strings(names)
	switch {
	case len(names) == 0:
		return "an empty environment (PATH only)"
	case len(names) > 6:
		return fmt.Sprintf("only the target's %d variables (%s, …)", len(names), strings.Join(names[:6], ", "))
	}
	return "only the target's variables (" + strings.Join(names, ", ") + ")"
}

func describeLimits(c Conditions) string {
	var parts []string
	if c.Memory > 0 {
		parts = append(parts, "memory "+formatBytes(c.Memory))
	}
	if c.NoFile > 0 {
		parts = append(parts, fmt.Sprintf("%d open files", c.NoFile))
	}
	return strings.Join(parts, " and ")
}

// RunMatrix probes argv with yours, with target, and with yours changed in one condition of
// target at a time. As root (or with user namespaces) every case gets its own network
// namespace and they run at once: services binding the same port cannot collide. Otherwise,
// or when a health URL must be reached from here, they run one after the other.
func RunMatrix(ctx context.Context, argv []string, yours, target Conditions, opt Options) (*Matrix, error) {
	var notes []string
	if os.Geteuid() == 0 && !opt.AllowRoot && (yours.User == nil || yours.User.UID == 0) {
		// Yours is root here, which probe does not run without leave: sudo's caller, else nobody.
		yours.User = &User{UID: Nobody, GID: Nobody, Name: "nobody"}
		if uid, err := strconv.Atoi(os.Getenv("SUDO_UID")); err == nil && uid > 0 {
			gid, _ := strconv.Atoi(os.Getenv("SUDO_GID"))
			yours.User = &User{UID: uid, GID: gid, Name: os.Getenv("SUDO_USER")}
		}
		notes = append(notes, fmt.Sprintf("you are root: your own conditions run as %s; pass --allow-root to compare with root", yours.User))
	}
	m := &Matrix{
		Notes:      notes,
		Yours:      &Case{Name: "yours", Conditions: yours},
		Production: &Case{Name: "production", Conditions: target},
	}
	m.Differences = differences(yours, target)
	cases := append([]*Case{m.Yours}, m.Differences...)
	cases = append(cases, m.Production)
	m.Parallel = (os.Geteuid() == 0 || userNamespaces()) && opt.Health == ""
	if m.Parallel {
		opt.Isolated = true
	} else if opt.Health == "" {
		m.Notes = append(m.Notes, "neither root nor user namespaces: cases run one after the other in this host's network")
	}
	one := opt
	one.Progress = nil
	var wg sync.WaitGroup
	errs := make([]error, len(cases))
	for i, c := range cases {
		run := func() {
			c.Result, errs[i] = Run(ctx, argv, c.Conditions, one)
		}
		if m.Parallel {
			wg.Add(1)
			go func() { defer wg.Done(); run() }()
		} else {
			run()
		}
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Breaking returns the differences that alone make the service fail where it starts with
// yours.
func (m *Matrix) Breaking() []*Case {
	if m.Yours.Result == nil || m.Yours.Result.Verdict != Ready {
		return nil
	}
	var out []*Case
	for _, c := range m.Differences {
		if c.Result != nil && c.Result.Verdict != Ready {
			out = append(out, c)
		}
	}
	return out
}

// Conclusion says in sentences what the matrix shows.
func (m *Matrix) Conclusion() []string {
	y := m.Yours.Result
	if y == nil {
		return nil
	}
	if y.Verdict != Ready {
		return []string{"it does not start with your own conditions either (" + y.Summary() + "): the cause is not a difference between here and production"}
	}
	var out []string
	for _, c := range m.Breaking() {
		s := fmt.Sprintf("starts with %s; %s with %s", c.Yours, verb(c.Result), c.Theirs)
		if cause := c.Result.Cause(); cause != "" && c.Result.Verdict == Failed {
			s += " — " + cause
		}
		if c.Result.Verdict == Hung && c.Result.Blocked != nil {
			s += " — " + c.Result.Blocked.String()
		}
		out = append(out, s)
	}
	p := m.Production.Result
	switch {
	case len(out) == 0 && p != nil && p.Verdict == Ready:
		out = append(out, "starts with every difference, alone and together")
	case len(out) == 0 && p != nil:
		out = append(out, "starts with each difference alone but "+string(p.Verdict)+" with all of them together: "+p.Summary())
	}
	return out
}

func verb(r *Result) string {
	if r.SetupError != "" {
		return "cannot start"
	}
	if r.Verdict == Hung {
		return "hangs"
	}
	return "fails"
}
