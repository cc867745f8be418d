package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/probe"
)

type probeFlags struct {
	from, container, image string
	timeout                time.Duration
	health                 string
	port                   int
	allowRoot, matrix      bool
	readOnly, isolate      bool
	tmpfs, envs            []string
	workdir, user, memory  string
	nofile                 uint64
	format                 string
}

func newProbeCmd(e *env) *cobra.Command {
	var f probeFlags
	cmd := &cobra.Command{
		Use:   "probe [flags] -- PROGRAM [ARGS...]",
		Short: "Start the service the way production will, and say why it does not become ready",
		Long: `probe RUNS YOUR PROGRAM. It starts it under the conditions of its deployment target and
reports "ready" (how long it took, the address it listens on) or why not: the exit status, the
last lines of its output and the failure mode they show, or for a service that hangs, where its
main goroutine is blocked (from the goroutine dump of a SIGQUIT) and which connections it was
opening.

Conditions come from --from (a Dockerfile's final stage, a systemd unit, or a Kubernetes
manifest's container), else safe defaults: only the target's environment (none of yours; PATH
is a minimal one), an empty working directory, nobody when you are root, umask 022, no
terminal, stdin from /dev/null, and the flags below. As root, a read-only root file system is
a mount namespace and the memory limit a cgroup; what cannot be simulated here is said, not
pretended.

--matrix runs it once with your own conditions, once with production's, and once per single
difference (working directory, environment, user, umask, read-only root, limits), and names the
difference that alone breaks start-up.

--image REF runs a local image on the Docker engine as production would (never pulling).

The program never runs as root unless --allow-root; the whole process tree is killed when probe
is done, and its temporary directories removed.

Exit codes: 0 ready (or, with --matrix, ready with production's conditions), 1 failed or hung,
2 misuse.`,
		Example: `  shipshape probe -- ./server --config config.yaml
  shipshape probe --from k8s/deployment.yaml -- ./bin/api
  shipshape probe --matrix --from Dockerfile -- ./server
  shipshape probe --image example.com/api:dev --from k8s/deployment.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runProbe(cmd, e, &f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "read the conditions from this Dockerfile, systemd unit or Kubernetes manifest")
	fl.StringVar(&f.container, "container", "", "the container of the Kubernetes workload (default: the first)")
	fl.StringVar(&f.image, "image", "", "run this local image on the Docker engine instead of a program")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Second, "how long the service may take to become ready")
	fl.StringVar(&f.health, "health", "", "ready only when this URL answers 2xx (default: when it listens on a TCP port)")
	fl.IntVar(&f.port, "port", 0, "ready only when it listens on this port (default: the EXPOSE or containerPort of --from)")
	fl.BoolVar(&f.allowRoot, "allow-root", false, "let the program run as root when the conditions say so")
	fl.BoolVar(&f.matrix, "matrix", false, "run with your conditions, production's and each single difference")
	fl.BoolVar(&f.readOnly, "read-only", false, "make the root file system read-only (as root: a mount namespace)")
	fl.StringArrayVar(&f.tmpfs, "tmpfs", nil, "with a read-only root, keep this directory writable as an empty tmpfs (repeatable)")
	fl.StringArrayVarP(&f.envs, "env", "e", nil, "set NAME=value in the program's environment (repeatable)")
	fl.StringVar(&f.workdir, "workdir", "", "working directory (default: an empty temporary directory)")
	fl.StringVar(&f.user, "user", "", "run as UID[:GID] or a user name of this machine (default: nobody when root)")
	fl.StringVar(&f.memory, "memory", "", "memory limit, e.g. 64Mi (a cgroup)")
	fl.Uint64Var(&f.nofile, "nofile", 0, "RLIMIT_NOFILE for the program")
	fl.BoolVar(&f.isolate, "isolate", false, "run in its own network namespace with only loopback (root)")
	fl.StringVar(&f.format, "format", "text", "output format: text or json")
	return cmd
}

func runProbe(cmd *cobra.Command, e *env, f *probeFlags, args []string) error {
	if f.format != "text" && f.format != "json" {
		return misuse("--format: want text or json, not %q", f.format)
	}
	if f.image == "" && len(args) == 0 {
		return misuse("probe needs a program to run: shipshape probe [flags] -- ./server [args]")
	}
	if f.image != "" && len(args) > 0 {
		return misuse("--image runs the image's own entrypoint: give no program")
	}
	if f.image != "" && f.matrix {
		return misuse("--matrix runs a program on this machine; it does not combine with --image")
	}
	target := &probe.Target{Conditions: probe.Conditions{Why: map[string]string{}}}
	if f.from != "" {
		root, rel, err := fromRoot(f.from)
		if err != nil {
			return misuse("--from: %v", err)
		}
		if target, err = probe.FromFile(root, rel, f.container); err != nil {
			return misuse("--from: %v", err)
		}
	}
	c := &target.Conditions
	if err := applyFlags(c, f); err != nil {
		return err
	}
	opt := probe.Options{Timeout: f.timeout, Health: f.health, Port: f.port, AllowRoot: f.allowRoot,
		Isolated: f.isolate, Rules: catalog.All()}
	if opt.Port == 0 {
		opt.Port = target.Port
	}
	if opt.Health == "" && target.Health != "" && !f.isolate {
		opt.Health = target.Health
	}
	for _, n := range target.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	prog := &probe.Progress{W: e.stderr, TTY: e.errTTY}
	if f.format == "text" {
		opt.Progress = prog.Update
	}
	ctx := cmd.Context()

	if f.image != "" {
		// Inside the image, the working directory is the image's own unless the manifest or
		// --workdir names one; probe's empty directory and seeds are for programs run here.
		c.Seeds = nil
		if f.workdir == "" {
			c.Dir = target.Workdir
		}
		if target.EmptyDirs != nil {
			c.Writable = append(append([]string(nil), target.EmptyDirs...), f.tmpfs...)
		}
		res, err := probe.RunImage(ctx, f.image, *c, probe.ImageOptions{Options: opt})
		prog.Done()
		if err != nil {
			return &exitError{code: ExitMisuse, err: err}
		}
		return writeProbe(e, f, res)
	}
	if f.matrix {
		fmt.Fprintf(e.stderr, "probe runs %s under several conditions at once\n", args[0])
		m, err := probe.RunMatrix(ctx, args, probe.Yours(), *c, opt)
		prog.Done()
		if err != nil {
			return &exitError{code: ExitMisuse, err: err}
		}
		for _, n := range m.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
		if f.format == "json" {
			if err := m.WriteJSON(e.stdout); err != nil {
				return err
			}
		} else {
			m.WriteText(e.stdout)
		}
		if m.Production.Result.Verdict != probe.Ready {
			return &exitError{code: ExitFindings}
		}
		return nil
	}
	res, err := probe.Run(ctx, args, *c, opt)
	prog.Done()
	if err != nil {
		if errors.Is(err, ctx.Err()) {
			return &exitError{code: ExitFindings, err: fmt.Errorf("interrupted: %w", err)}
		}
		return misuse("%v", err)
	}
	return writeProbe(e, f, res)
}

func writeProbe(e *env, f *probeFlags, res *probe.Result) error {
	for _, n := range res.Notes {
		fmt.Fprintf(e.stderr, "note: %s\n", n)
	}
	if f.format == "json" {
		if err := res.WriteJSON(e.stdout); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(e.stdout, "conditions:")
		probe.WriteConditions(e.stdout, res.Conditions)
		res.WriteText(e.stdout)
	}
	if res.Verdict != probe.Ready {
		return &exitError{code: ExitFindings}
	}
	return nil
}

// fromRoot splits a --from path into the directory the facts are read from (the working
// directory when the file is under it, so that a Dockerfile's build context is the project)
// and the file's slash path relative to it.
func fromRoot(p string) (root, rel string, err error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", "", err
	}
	if st, err := os.Stat(abs); err != nil {
		return "", "", err
	} else if st.IsDir() {
		return "", "", fmt.Errorf("%s is a directory; give the Dockerfile, unit or manifest", p)
	}
	wd, err := os.Getwd()
	if err == nil {
		if r, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(r, "..") {
			return wd, filepath.ToSlash(r), nil
		}
	}
	return filepath.Dir(abs), filepath.Base(abs), nil
}

// applyFlags lays the flags over the conditions read from --from.
func applyFlags(c *probe.Conditions, f *probeFlags) error {
	if c.Why == nil {
		c.Why = map[string]string{}
	}
	for _, kv := range f.envs {
		if !strings.Contains(kv, "=") {
			return misuse("--env %q: want NAME=value", kv)
		}
		c.Env = append(c.Env, kv)
	}
	if f.workdir != "" {
		abs, err := filepath.Abs(f.workdir)
		if err != nil {
			return misuse("--workdir: %v", err)
		}
		c.Dir, c.Seeds = abs, nil
		c.Why["cwd"] = "--workdir"
	}
	if f.user != "" {
		u, err := parseUserFlag(f.user)
		if err != nil {
			return misuse("--user: %v", err)
		}
		c.User = u
		c.Why["user"] = "--user"
	}
	if f.readOnly {
		c.ReadOnlyRoot = true
		c.Why["read-only root"] = "--read-only"
	}
	c.Writable = append(c.Writable, f.tmpfs...)
	if f.memory != "" {
		n, err := probe.ParseQuantity(f.memory)
		if err != nil {
			return misuse("--memory: %v", err)
		}
		c.Memory = n
		c.Why["memory"] = "--memory"
	}
	if f.nofile > 0 {
		c.NoFile = f.nofile
		c.Why["nofile"] = "--nofile"
	}
	return nil
}

func parseUserFlag(s string) (*probe.User, error) {
	name, group, _ := strings.Cut(s, ":")
	u, err := probe.LookupUser(name)
	if err != nil {
		return nil, err
	}
	if group != "" {
		g, err := strconv.Atoi(group)
		if err != nil {
			return nil, fmt.Errorf("group %q: want a number", group)
		}
		u.GID = g
	}
	return u, nil
}
