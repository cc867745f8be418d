package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shipshape-dev/shipshape/internal/explain"
)

// ImageOptions tune RunImage.
type ImageOptions struct {
	Options
	// Docker is the docker command; "" means "docker" from PATH.
	Docker string
}

// imageConfig is the part of `docker image inspect` RunImage reads.
type imageConfig struct {
	User         string
	Env          []string
	ExposedPorts map[string]struct{}
}

// containerState is the part of `docker inspect` RunImage polls.
type containerState struct {
	Status    string
	Pid       int
	ExitCode  int
	OOMKilled bool
}

// RunImage runs a local image on the Docker engine as production would: never pulling, with
// all capabilities dropped, --read-only and --tmpfs when c says so, c's user (else the image's,
// refused when it is root without AllowRoot), c's memory limit, c's environment over the
// image's and c's working directory when set. Readiness is read from the container's sockets
// in /proc (a local engine), else from the health URL or the published port. The container is
// removed before RunImage returns.
func RunImage(ctx context.Context, ref string, c Conditions, opt ImageOptions) (*Result, error) {
	docker := opt.Docker
	if docker == "" {
		docker = "docker"
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 10 * time.Second
	}
	run := func(ctx context.Context, args ...string) ([]byte, error) {
		var out, errb bytes.Buffer
		cmd := exec.CommandContext(ctx, docker, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			return out.Bytes(), fmt.Errorf("docker %s: %v: %s", args[0], err, strings.TrimSpace(errb.String()))
		}
		return out.Bytes(), nil
	}
	b, err := run(ctx, "image", "inspect", "--format", "{{json .Config}}", ref)
	if err != nil {
		return nil, fmt.Errorf("image %s is not on this Docker engine (probe never pulls): %w", ref, err)
	}
	var cfg imageConfig
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, fmt.Errorf("reading the config of %s: %w", ref, err)
	}
	res := &Result{ExitCode: -1, Conditions: c}
	userArg := ""
	switch {
	case c.User != nil:
		if c.User.UID == 0 && !opt.AllowRoot {
			res.Verdict, res.SetupError = Failed, "the target runs as root: pass --allow-root to let probe run it as root"
			return res, nil
		}
		userArg = fmt.Sprintf("%d:%d", c.User.UID, c.User.GID)
	case imageUserIsRoot(cfg.User) && !opt.AllowRoot:
		res.Verdict, res.SetupError = Failed, fmt.Sprintf("the image runs as root (USER %q): pass --allow-root to let probe run it as root, or --user", cfg.User)
		return res, nil
	}
	port := opt.Port
	if port == 0 {
		var ports []int
		for p := range cfg.ExposedPorts {
			num, proto, _ := strings.Cut(p, "/")
			if n, err := strconv.Atoi(num); err == nil && (proto == "" || proto == "tcp") {
				ports = append(ports, n)
			}
		}
		sort.Ints(ports)
		if len(ports) > 0 {
			port = ports[0]
		}
	}
	res.Port = port
	var nb [6]byte
	rand.Read(nb[:])
	name := "shipshape-probe-" + hex.EncodeToString(nb[:])
	args := []string{"run", "--detach", "--pull", "never", "--name", name, "--cap-drop", "ALL", "--label", "dev.shipshape.probe=1"}
	if userArg != "" {
		args = append(args, "--user", userArg)
	}
	if c.ReadOnlyRoot {
		args = append(args, "--read-only")
		for _, w := range c.Writable {
			args = append(args, "--tmpfs", w)
		}
	}
	if c.Memory > 0 {
		args = append(args, "--memory", strconv.FormatInt(c.Memory, 10))
	}
	if c.NoFile > 0 {
		args = append(args, "--ulimit", fmt.Sprintf("nofile=%d:%d", c.NoFile, c.NoFile))
	}
	if c.Umask != nil {
		res.Notes = append(res.Notes, "umask not set: docker run has no umask option")
	}
	for _, kv := range c.Env {
		k, v, _ := strings.Cut(kv, "=")
		// PATH, HOME and HOSTNAME as probe defaults them for a program stand in for what the
		// image and the engine set: leave those to them.
		if k == "HOME" || k == "HOSTNAME" || k == "PATH" && v == DefaultPath {
			continue
		}
		args = append(args, "--env", kv)
	}
	if c.Dir != "" {
		args = append(args, "--workdir", c.Dir)
	}
	if port > 0 {
		args = append(args, "--publish", fmt.Sprintf("127.0.0.1::%d", port))
	}
	args = append(args, ref)

	start := time.Now()
	out, err := run(ctx, args...)
	id := strings.TrimSpace(string(out))
	cleanup := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		run(ctx, "rm", "--force", "--volumes", name)
	}
	defer cleanup()
	if err != nil {
		res.Verdict, res.SetupError = Failed, err.Error()
		res.Elapsed = time.Since(start)
		return res, nil
	}
	if id == "" {
		id = name
	}

	inspect := func() (containerState, error) {
		b, err := run(ctx, "inspect", "--format", "{{json .State}}", id)
		var st containerState
		if err == nil {
			err = json.Unmarshal(b, &st)
		}
		return st, err
	}
	hostPort := ""
	if port > 0 {
		if b, err := run(ctx, "port", id, fmt.Sprintf("%d/tcp", port)); err == nil {
			hostPort = strings.TrimSpace(strings.Split(string(b), "\n")[0])
		}
	}
	waiting := "a listening TCP socket"
	if port > 0 {
		waiting = ":" + strconv.Itoa(port)
	}
	health := &http.Client{Timeout: 250 * time.Millisecond}
	deadline := start.Add(opt.Timeout)
	var st containerState
	var listen []string
	var sk *sockets
	procSeen := false
	for res.Verdict == "" {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		st, err = inspect()
		if err != nil {
			return nil, err
		}
		elapsed := time.Since(start)
		if opt.Progress != nil {
			opt.Progress(waiting, elapsed)
		}
		switch {
		case st.Status == "exited" || st.Status == "dead":
			res.Verdict = Failed
			continue
		case st.Pid > 0:
			if sk == nil {
				sk = newSockets(st.Pid)
				defer sk.Close()
			}
			// A container's sockets are visible when the engine runs on this kernel (its
			// network namespace has at least loopback's sockets once the service runs).
			procSeen = procSeen || canSee(st.Pid)
			listen = sk.listening(st.Pid)
		}
		switch {
		case opt.Health != "":
			if ready(listen, port) || !procSeen {
				if healthy(ctx, health, opt.Health) {
					res.Verdict = Ready
				}
			}
		case procSeen && ready(listen, port):
			res.Verdict = Ready
		case !procSeen && hostPort != "" && answers(hostPort):
			res.Verdict = Ready
			listen = []string{":" + strconv.Itoa(port)}
		}
		if res.Verdict == "" && time.Now().After(deadline) {
			res.Verdict = Hung
		}
		if res.Verdict == "" {
			time.Sleep(5 * pollEvery)
		}
	}
	res.Elapsed = time.Since(start)
	switch res.Verdict {
	case Ready:
		res.Addrs = listen
		if hostPort != "" {
			res.Notes = append(res.Notes, fmt.Sprintf("container port %d is published on %s", port, hostPort))
		}
		return res, nil
	case Hung:
		var conns []string
		if sk != nil {
			conns = sk.connecting(st.Pid)
		}
		if port > 0 && len(listen) > 0 {
			res.Addrs = listen
		}
		run(ctx, "kill", "--signal", "QUIT", id)
		for end := time.Now().Add(quitWait); time.Now().Before(end); time.Sleep(5 * pollEvery) {
			if s, err := inspect(); err != nil || s.Status != "running" {
				break
			}
		}
		logs, _ := logsOf(ctx, docker, id)
		res.Tail = lastBytes(logs, 64<<10)
		res.Blocked = ParseDump(res.Tail)
		if res.Blocked == nil {
			res.Blocked = &Blocked{}
		}
		res.Blocked.Connecting = conns
	case Failed:
		logs, _ := logsOf(ctx, docker, id)
		res.Tail = lastBytes(logs, 64<<10)
		res.ExitCode = st.ExitCode
		res.Exit = fmt.Sprintf("exit status %d", st.ExitCode)
		if st.OOMKilled {
			res.Exit += fmt.Sprintf(" (killed: the memory limit of %s was exceeded)", formatBytes(c.Memory))
		}
	}
	if opt.Rules != nil {
		if d, err := explain.Explain(bytes.NewReader(res.Tail), explain.Options{Rules: opt.Rules, Workers: 1}); err == nil {
			res.Diagnosis = d
		}
	}
	return res, nil
}

func imageUserIsRoot(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	return name == "" || name == "root" || name == "0"
}

// logsOf returns the container's stdout and stderr together, as docker logs prints them.
func logsOf(ctx context.Context, docker, id string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, docker, "logs", id)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func lastBytes(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// answers says whether something behind a published port accepts a connection and keeps it:
// docker's userland proxy accepts every connection and closes it at once when nothing listens
// in the container, so a connection still open after a moment counts.
func answers(hostPort string) bool {
	conn, err := net.DialTimeout("tcp", hostPort, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	var b [1]byte
	_, err = conn.Read(b[:])
	var ne interface{ Timeout() bool }
	return errors.As(err, &ne) && ne.Timeout() || err == nil
}
