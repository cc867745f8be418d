package unit

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// ForkingForegroundServer is a unit whose Type= expects the process to fork or to exit (forking,
// oneshot) while the Go server stays in the foreground.
var ForkingForegroundServer = &rule.Rule{
	ID:       "SS3001",
	Class:    "systemd-unit",
	Title:    "forking or oneshot unit type for a server that stays in the foreground",
	Severity: rule.Error,
	Doc: `**What happens.** systemctl start hangs for 90 seconds, then systemd kills the service that
was running fine:

    myservice.service: Start operation timed out. Terminating.
    myservice.service: Failed with result 'timeout'.

With Type=oneshot the start job never completes, so units ordered after it never start, and
systemctl start blocks.

**Why.** Type=forking tells systemd that start-up is complete when the process started by
ExecStart exits, leaving a daemon child behind (its PID read from PIDFile=). Type=oneshot means
the same without a child. A Go server does not fork: ListenAndServe blocks in the main process,
so that process never exits, PIDFile is never written, and when TimeoutStartSec expires systemd
sends SIGTERM to what it considers a failed start-up.

**How to confirm.**

    systemctl cat myservice | grep -E '^(Type|PIDFile|ExecStart)='
    systemctl status myservice
    journalctl -u myservice -b | grep -E 'timed out|timeout'

**How to fix.** Describe the process as it is:

    [Service]
    Type=exec
    ExecStart=/usr/local/bin/server

(Type=simple also works; Type=notify if the code calls sd_notify READY=1, for example with
github.com/coreos/go-systemd/daemon.) Remove PIDFile= and any daemonizing wrapper.

**What shipshape checks.** A Type=forking unit, or a Type=oneshot unit without RemainAfterExit=
and without a timer, whose ExecStart names a program of the repository (by the executable's file
name, or the one program a release installs under that name) that listens on a socket. Units
whose arguments ask for daemonizing (-d, --daemon), programs that link a daemonizing package
(sevlyar/go-daemon and the like), "start" commands of programs that run commands they cannot
name, and oneshot units running another subcommand (migrate, version) are left alone.`,
	Fix:     "Use Type=exec or Type=simple (or Type=notify with sd_notify) for a Go server, and remove PIDFile=.",
	Symptom: "Start operation timed out. Terminating. / Failed with result 'timeout'",
	Signatures: []rule.Signature{
		rule.Sig("start operation timed out",
			`(?i)(?:^|\s)(?P<name>\S+\.service): start operation timed out\. terminating\.$`,
			"Nov 29 07:32:29 ip-123-123-1-217.us-west-2.compute.internal systemd[1]: log-convert.service: Start operation timed out. Terminating."),
		rule.Sig("Failed with result 'timeout'",
			`(?:^|\s)(?P<name>\S+\.service): Failed with result 'timeout'\.$`,
			"Nov 29 07:32:29 ip-123-123-1-217.us-west-2.compute.internal systemd[1]: log-convert.service: Failed with result 'timeout'."),
	},
	Requires: []rule.Input{rule.Systemd, rule.GoCode},
	Run:      runForkingForegroundServer,
}

// daemonizers are packages with which a Go program re-executes itself in the background, the
// one way a Go process forks.
var daemonizers = []string{
	"github.com/sevlyar/go-daemon", "github.com/VividCortex/godaemon", "github.com/icattlecoder/godaemon",
	"github.com/zh-five/xdaemon", "github.com/immortal/immortal",
}

// daemonArgs are arguments with which programs ask to be daemonized.
var daemonArgs = map[string]bool{"-d": true, "-D": true, "--daemon": true, "-daemon": true, "daemon": true, "--daemonize": true, "-daemonize": true, "--background": true, "-background": true, "--fork": true, "-fork": true}

// serveWords are subcommands that run a server; any other word argument may select a task that
// exits (migrate, version), which a oneshot unit runs rightly.
var serveWords = map[string]bool{"serve": true, "server": true, "run": true, "start": true, "web": true, "api": true, "http": true, "daemon": true}

// runForkingForegroundServer reports Type=forking and Type=oneshot units whose ExecStart runs a Go
// program of the tree that listens (a server) and cannot daemonize itself.
func runForkingForegroundServer(p *rule.Pass) error {
	g := p.Project.Go
	for _, u := range p.Project.Units {
		typ := strings.ToLower(u.ServiceType.Text)
		if u.Type != "service" || (typ != "forking" && typ != "oneshot") || len(u.ExecStart) == 0 {
			continue
		}
		if typ == "oneshot" && (len(u.ExecStart) > 1 || remainAfterExit(u) || hasTimer(p.Project.Units, u)) {
			continue
		}
		cmd := u.ExecStart[0]
		prog := programOf(p.Project, cmd)
		if prog == nil || daemonizes(prog) {
			continue
		}
		asksDaemon, task := false, false
		for _, a := range cmd.Args {
			asksDaemon = asksDaemon || daemonArgs[a] || strings.HasPrefix(a, "--daemon=") || strings.HasPrefix(a, "-daemon=")
			if !strings.HasPrefix(a, "-") && !strings.Contains(a, "/") && !strings.Contains(a, "=") && !serveWords[a] {
				task = true
			}
		}
		// "app start" of a program that runs commands it cannot name may re-execute itself in
		// the background.
		if typ == "forking" && contains(cmd.Args, "start") && execsUnresolved(g, prog) {
			asksDaemon = true
		}
		if asksDaemon || (typ == "oneshot" && task) {
			continue
		}
		var ls []*gocode.Listener
		for _, l := range g.Listeners {
			if prog.Reaches(l.Pkg) {
				ls = append(ls, l)
			}
		}
		var serves source.Pos
		var via string
		if len(ls) > 0 {
			l := mainListener(prog, ls)
			serves, via = l.Pos, l.Via
		} else if fw := deploy.LinksUnmodeled(g, prog); fw != "" {
			serves, via = prog.Pos, fw+"'s server"
		} else {
			continue
		}
		related := []rule.Related{
			{Pos: cmd.Pos, Message: fmt.Sprintf("ExecStart runs %s, the program of %s", path.Base(cmd.Path), prog.Pos.Short())},
			{Pos: serves, Message: via + " blocks in the main process"},
		}
		var msg string
		if typ == "forking" {
			pid := ""
			if u.PIDFile.Set() {
				pid = fmt.Sprintf(", and PIDFile=%s (%s) is never written", u.PIDFile.Text, u.PIDFile.Pos.Short())
				related = append(related, rule.Related{Pos: u.PIDFile.Pos, Message: "PIDFile= is never written by a Go server"})
			}
			msg = fmt.Sprintf("%s Type=forking in %s, but ExecStart (%s) runs %s, a Go server that stays in the foreground (%s %s) and never forks: systemd waits for the started process to exit%s, so after TimeoutStartSec (90s by default) it reports \"Start operation timed out. Terminating.\" and kills the running server",
				u.ServiceType.Pos.Short(), u.Name, cmd.Pos.Short(), prog.Name, serves.Short(), via, pid)
		} else {
			msg = fmt.Sprintf("%s Type=oneshot in %s, but ExecStart (%s) runs %s, a Go server that stays in the foreground (%s %s) and does not exit: the start job never completes, systemctl start blocks (oneshot has no start timeout by default, or it times out and kills the server when one is set), and units ordered after it never start",
				u.ServiceType.Pos.Short(), u.Name, cmd.Pos.Short(), prog.Name, serves.Short(), via)
		}
		p.Report(rule.Finding{Pos: u.ServiceType.Pos, Message: msg, Related: related})
	}
	return nil
}

// mainListener picks the listener that is most likely the server's own: one in the main package
// that does not serve http.DefaultServeMux (where pprof lives), else the last one.
func mainListener(prog *gocode.Program, ls []*gocode.Listener) *gocode.Listener {
	for i := len(ls) - 1; i >= 0; i-- {
		if prog.Main != nil && ls[i].Pkg == prog.Main.Path && !ls[i].DefaultMux {
			return ls[i]
		}
	}
	return ls[len(ls)-1]
}

func daemonizes(prog *gocode.Program) bool {
	for _, d := range daemonizers {
		if prog.Reaches(d) {
			return true
		}
		for pkg := range prog.Reach {
			if strings.HasPrefix(pkg, d+"/") {
				return true
			}
		}
	}
	return false
}

func remainAfterExit(u *systemd.Unit) bool {
	ss := u.Lookup("Service", "RemainAfterExit")
	if len(ss) == 0 {
		return false
	}
	switch strings.ToLower(ss[len(ss)-1].Value) {
	case "yes", "true", "1", "on":
		return true
	}
	return false
}

// hasTimer says whether a timer activates the unit (a batch job).
func hasTimer(units []*systemd.Unit, u *systemd.Unit) bool {
	base := strings.TrimSuffix(u.Name, ".service")
	for _, x := range units {
		if x.Type == "timer" && strings.TrimSuffix(x.Name, ".timer") == base {
			return true
		}
		if x.Type == "timer" {
			for _, s := range x.Lookup("Timer", "Unit") {
				if s.Value == u.Name {
					return true
				}
			}
		}
	}
	return false
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func execsUnresolved(g *gocode.Facts, prog *gocode.Program) bool {
	for _, e := range g.Execs {
		if e.Unresolved && prog.Reaches(e.Pkg) {
			return true
		}
	}
	return false
}
