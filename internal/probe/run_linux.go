package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/shipshape-dev/shipshape/internal/explain"
)

// pollEvery is how often readiness is checked: a tenth of the 100 ms a verdict may lag behind
// the service's own start.
const pollEvery = 10 * time.Millisecond

// quitWait is how long a hung Go service gets to print its goroutine dump after SIGQUIT.
const quitWait = 2 * time.Second

// Run starts argv under c and waits until the service is ready, exits, or hangs past the
// timeout. argv[0] is a path (relative to the caller's working directory) or a name looked up
// in the caller's PATH. The error is for misuse and for a cancelled ctx; a service that does
// not start is a Result with Verdict Failed or Hung. Every process of the service is killed and
// every temporary directory removed before Run returns.
func Run(ctx context.Context, argv []string, c Conditions, opt Options) (*Result, error) {
	if len(argv) == 0 {
		return nil, errors.New("no command to probe")
	}
	prog, err := exec.LookPath(argv[0])
	if err != nil {
		return nil, fmt.Errorf("finding %s: %w", argv[0], err)
	}
	if prog, err = filepath.Abs(prog); err != nil {
		return nil, err
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	if opt.TailSize <= 0 {
		opt.TailSize = 64 << 10
	}
	res := &Result{ExitCode: -1, Port: opt.Port}
	root := os.Geteuid() == 0
	spec := helperSpec{Path: prog, Args: append([]string(nil), argv...), UID: -1, GID: -1, Umask: 0o022, NoFile: c.NoFile}
	if c.Umask != nil {
		spec.Umask = *c.Umask
	}

	env := envMap(c.Env)
	if _, ok := env["PATH"]; !ok {
		env["PATH"] = DefaultPath
	}
	spec.Env = envList(env)

	if c.Dir == "" {
		dir, err := os.MkdirTemp("", "shipshape-probe-cwd-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		// An image's WORKDIR is created by root with mode 0755: enterable, not writable.
		os.Chmod(dir, 0o755)
		if err := plantSeeds(dir, c.Seeds); err != nil {
			return nil, err
		}
		c.Dir = dir
		if c.Why["cwd"] == "" {
			c.Why = withWhy(c.Why, "cwd", "an empty temporary directory")
		}
	}
	spec.Dir = c.Dir

	u, note, err := resolveUser(c.User, root, opt.AllowRoot)
	if err != nil {
		res.Verdict, res.SetupError = Failed, err.Error()
		res.Conditions = c
		return res, nil
	}
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	if u != nil && root {
		spec.UID, spec.GID = u.UID, u.GID
	}
	c.User = u

	// Without root, a user namespace (mapping only the caller's own ids) gives the helper the
	// right to make a mount and a network namespace of its own.
	userns := !root && (c.ReadOnlyRoot || opt.Isolated) && userNamespaces()
	var flags uintptr
	if c.ReadOnlyRoot {
		if root || userns {
			flags |= syscall.CLONE_NEWNS
			spec.ReadOnly, spec.Writable, spec.ReadWrite = true, c.Writable, c.ReadWrite
		} else {
			res.Notes = append(res.Notes, "read-only root not simulated: a mount namespace needs root or unprivileged user namespaces")
		}
	}
	if opt.Isolated {
		if root || userns {
			flags |= syscall.CLONE_NEWNET
			spec.LoopbackUp = true
		} else {
			res.Notes = append(res.Notes, "own network namespace not available without root or user namespaces: the service shares this host's ports")
		}
	}
	g, note := newGroup(c.Memory)
	if note != "" {
		res.Notes = append(res.Notes, note)
	}
	defer g.remove()
	spec.Cgroups = g.procs
	res.Conditions = c

	out := newTail(opt.TailSize)
	var w io.Writer = out
	if opt.Output != nil {
		w = io.MultiWriter(out, &lockedWriter{w: opt.Output})
	}
	var cmd *exec.Cmd
	var statusR *os.File
	start := time.Now()
	if !userns && direct(spec, g) {
		// exec.Cmd can do all of it (user, groups, session, working directory, cgroup): the
		// service is started without the helper, a few milliseconds sooner.
		cmd = exec.Command(prog)
		cmd.Args, cmd.Env, cmd.Dir = spec.Args, spec.Env, spec.Dir
		cmd.Stdout, cmd.Stderr = w, w
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if spec.UID >= 0 {
			cmd.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(spec.UID), Gid: uint32(spec.GID), Groups: []uint32{}}
		}
		if g.v2 != "" {
			fd, err := os.Open(g.v2)
			if err != nil {
				return nil, err
			}
			defer fd.Close()
			cmd.SysProcAttr.UseCgroupFD, cmd.SysProcAttr.CgroupFD = true, int(fd.Fd())
		}
		cmd.WaitDelay = 500 * time.Millisecond
		start = time.Now()
		startIn := cmd.Start
		if spec.LoopbackUp {
			startIn = func() error { return startInNewNetns(cmd) }
		}
		if err := startIn(); err != nil {
			res.Verdict, res.SetupError = Failed, startError(err, spec.Dir)
			res.Elapsed = time.Since(start)
			return res, nil
		}
	} else {
		js, err := json.Marshal(spec)
		if err != nil {
			return nil, err
		}
		self, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("finding this executable to start the helper: %w", err)
		}
		var statusW *os.File
		statusR, statusW, err = os.Pipe()
		if err != nil {
			return nil, err
		}
		defer statusR.Close()
		cmd = exec.Command(self)
		cmd.Args = []string{"shipshape-probe-helper"}
		cmd.Env = []string{helperEnv + "=" + string(js)}
		cmd.Dir = "/"
		cmd.Stdout, cmd.Stderr = w, w
		cmd.ExtraFiles = []*os.File{statusW}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Unshareflags: flags}
		if userns {
			uid, gid := os.Getuid(), os.Getgid()
			cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER
			cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
			cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
			cmd.SysProcAttr.GidMappingsEnableSetgroups = false
			// The helper keeps the capabilities it needs across its exec; it clears them
			// before it execs the service.
			cmd.SysProcAttr.AmbientCaps = []uintptr{unix.CAP_SYS_ADMIN, unix.CAP_NET_ADMIN}
		}
		cmd.WaitDelay = 500 * time.Millisecond
		start = time.Now()
		if err := cmd.Start(); err != nil {
			statusW.Close()
			return nil, fmt.Errorf("starting the helper: %w", err)
		}
		statusW.Close()
	}
	pid := cmd.Process.Pid
	sk := newSockets(pid)
	defer sk.Close()
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() {
		killTree(pid, g)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}()

	// The status pipe closes when the helper execs the service (close-on-exec), or carries
	// the reason it could not.
	var msg []byte
	if statusR != nil {
		msg, _ = io.ReadAll(statusR)
	}
	if len(msg) > 0 {
		<-done
		res.Verdict, res.SetupError = Failed, string(msg)
		res.Elapsed = time.Since(start)
		return res, nil
	}

	deadline := time.NewTimer(opt.Timeout)
	defer deadline.Stop()
	// Most services that start at all listen within a few milliseconds: poll faster at first.
	tick := time.NewTicker(pollEvery / 4)
	defer tick.Stop()
	fast := true
	waiting := "a listening TCP socket"
	if opt.Port > 0 {
		waiting = ":" + strconv.Itoa(opt.Port)
	}
	if opt.Health != "" {
		waiting = opt.Health
	}
	lastProgress := time.Time{}
	health := &http.Client{Timeout: 250 * time.Millisecond}
	var listen []string
	for res.Verdict == "" {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-done:
			res.Verdict = Failed
		case <-deadline.C:
			res.Verdict = Hung
		case now := <-tick.C:
			if fast && now.Sub(start) > 20*pollEvery {
				tick.Reset(pollEvery)
				fast = false
			}
			listen = sk.listening(pid)
			if opt.Progress != nil && now.Sub(lastProgress) >= 100*time.Millisecond {
				lastProgress = now
				opt.Progress(waiting, now.Sub(start))
			}
			if ready(listen, opt.Port) && (opt.Health == "" || healthy(ctx, health, opt.Health)) {
				res.Verdict = Ready
			}
		}
	}
	res.Elapsed = time.Since(start)
	switch res.Verdict {
	case Ready:
		res.Addrs = listen
	case Hung:
		l, conns := sk.listening(pid), sk.connecting(pid)
		if opt.Port > 0 && len(l) > 0 {
			res.Addrs = l
		}
		syscall.Kill(pid, syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(quitWait):
		}
		res.Tail = out.Bytes()
		res.Blocked = ParseDump(res.Tail)
		if res.Blocked == nil {
			res.Blocked = &Blocked{}
		}
		res.Blocked.Connecting = conns
	case Failed:
		res.Tail = out.Bytes()
		st := cmd.ProcessState
		res.Exit, res.ExitCode = st.String(), st.ExitCode()
		if g.oomKilled() {
			res.Exit += fmt.Sprintf(" (the memory limit of %s was exceeded)", formatBytes(c.Memory))
		}
	}
	if res.Verdict != Ready && opt.Rules != nil {
		if d, err := explain.Explain(bytes.NewReader(res.Tail), explain.Options{Rules: opt.Rules, Workers: 1}); err == nil {
			res.Diagnosis = d
		}
	}
	return res, nil
}

func ready(listen []string, port int) bool {
	if port == 0 {
		return len(listen) > 0
	}
	suffix := ":" + strconv.Itoa(port)
	for _, a := range listen {
		if len(a) >= len(suffix) && a[len(a)-len(suffix):] == suffix {
			return true
		}
	}
	return false
}

func healthy(ctx context.Context, c *http.Client, url string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}

// resolveUser decides who runs the service: the conditions' user, or nobody when the caller is
// root and the conditions name no user; root only when named and allowed.
func resolveUser(u *User, root, allowRoot bool) (*User, string, error) {
	if !root {
		me := &User{UID: os.Getuid(), GID: os.Getgid()}
		if cu, err := user.Current(); err == nil {
			me.Name = cu.Username
		}
		if u != nil && u.UID != me.UID {
			return me, fmt.Sprintf("user %s not simulated: switching users needs root; running as %s", u, me), nil
		}
		return me, "", nil
	}
	if u == nil {
		return &User{UID: Nobody, GID: Nobody, Name: "nobody"}, "", nil
	}
	if u.UID == 0 && !allowRoot {
		return nil, "", errors.New("the target runs as root: pass --allow-root to let probe run it as root")
	}
	return u, "", nil
}

// killTree kills the service's session, every descendant and everything in its cgroups, and
// waits (up to a second) until none of them runs any more.
func killTree(pid int, g *group) {
	ms := members(pid)
	for _, p := range ms {
		killPid(p)
	}
	syscall.Kill(-pid, syscall.SIGKILL)
	g.kill()
	for end := time.Now().Add(time.Second); time.Now().Before(end); time.Sleep(2 * time.Millisecond) {
		alive := false
		for _, p := range append(ms, g.pids()...) {
			if p != pid && running(p) {
				alive = true
				break
			}
		}
		if !alive {
			return
		}
	}
}

// running says whether a process exists and is not a zombie.
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

func killPid(p int) {
	if p > 1 && p != os.Getpid() {
		syscall.Kill(p, syscall.SIGKILL)
	}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// withWhy returns a copy of why with k set (conditions are shared between matrix cases).
func withWhy(why map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(why)+1)
	for x, y := range why {
		out[x] = y
	}
	out[k] = v
	return out
}

// direct says whether exec.Cmd alone can establish the conditions: no mounts, no rlimit, the umask this process has, and no cgroup but a v2 one (joined with
// CLONE_INTO_CGROUP).
func direct(s helperSpec, g *group) bool {
	if s.ReadOnly || s.NoFile > 0 || g.v1mem {
		return false
	}
	if len(g.procs) > 1 || len(g.procs) == 1 && g.v2 == "" {
		return false
	}
	m, ok := currentUmask()
	return ok && m == s.Umask
}

// startError words an exec.Cmd start failure as the helper does.
func startError(err error, dir string) string {
	var pe *os.PathError
	if errors.As(err, &pe) && pe.Op == "chdir" {
		return fmt.Sprintf("changing to the working directory %s: %v", dir, pe.Err)
	}
	return err.Error()
}

// errNetns marks a failure to prepare the network namespace, which is probe's, not the
// service's.
var errNetns = errors.New("preparing a network namespace")

// startInNewNetns starts cmd in a new network namespace with loopback up: the namespace is
// made on a locked thread, which the child, forked from that thread, inherits. The thread
// returns to this process's namespace afterwards, or, if it cannot, stays locked so that the
// runtime ends it with the goroutine.
func startInNewNetns(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		self, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("%w: %v", errNetns, err)
			return
		}
		defer self.Close()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("%w: %v", errNetns, err)
			return
		}
		err = loopbackUp()
		if err == nil {
			err = cmd.Start()
		} else {
			err = fmt.Errorf("%w: bringing up loopback: %v", errNetns, err)
		}
		if unix.Setns(int(self.Fd()), unix.CLONE_NEWNET) == nil {
			runtime.UnlockOSThread()
		}
		errc <- err
	}()
	return <-errc
}

// userNamespaces says whether this kernel lets an unprivileged process make a user namespace
// (the limit, Debian's switch and Ubuntu's AppArmor restriction all allow it).
func userNamespaces() bool {
	read := func(p string) (int, bool) {
		b, err := os.ReadFile(p)
		if err != nil {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(b)))
		return n, err == nil
	}
	if n, ok := read("/proc/sys/user/max_user_namespaces"); ok && n == 0 {
		return false
	}
	if n, ok := read("/proc/sys/kernel/unprivileged_userns_clone"); ok && n == 0 {
		return false
	}
	if n, ok := read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns"); ok && n == 1 {
		return false
	}
	_, err := os.Stat("/proc/self/ns/user")
	return err == nil
}
