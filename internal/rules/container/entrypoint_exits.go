package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// EntrypointExits is a start-up script, run as a container's main process or a unit's ExecStart,
// that starts the server in the background and then ends without waiting for it.
var EntrypointExits = &rule.Rule{
	ID:       "SS2016",
	Class:    "main-process-exits",
	Title:    "start-up script backgrounds the server and exits",
	Severity: rule.Error,
	Doc: `**What happens.** The service starts and stops at once, with no error from the server and a
successful exit status:

    docker ps -a                # STATUS "Exited (0) 2 seconds ago"
    kubectl describe pod …      # State: Waiting, Reason: CrashLoopBackOff
                                # Last State: Terminated, Reason: Completed, Exit Code: 0
    journalctl -u app           # app.service: Main process exited, code=exited, status=0/SUCCESS
                                # app.service: Deactivated successfully.   (older: Succeeded.)

Kubernetes restarts the container with a growing back-off ("Back-off restarting failed
container") although nothing failed; Docker leaves it exited (or restarts it in a loop under a
restart policy); systemd marks the service inactive.

**Why.** The script is the main process: PID 1 of the container (through tini or dumb-init too,
which exit with their child), or the process systemd tracks for a Type=simple or Type=exec unit.
The last thing it does is start the server in the background (` + "`./server &`, `nohup ./server &`, `./server > log 2>&1 &`" + `) and
nothing after it waits: no ` + "`wait`" + `, no ` + "`exec`" + `, no program in the foreground. The shell reaches the end of
the script and exits with status 0. When PID 1 exits the kernel kills every other process of the
container, the server with it; systemd sees its main process gone and stops the unit, killing
the rest of its cgroup (KillMode=control-group, the default).

The same happens when the program started last puts itself in the background: ` + "`pm2 start`" + `, nginx
without "daemon off", a server with a daemonize option on. shipshape check predicts the script
case; explain recognises the symptom whatever the cause. The symptom lines are ambiguous on
their own: a Kubernetes Job, an init container or a oneshot unit ends with status 0 rightly.
They point here for a Deployment, a compose service or a long-running unit.

The class main-process-exits is new to the vocabulary because none of the others fits: nothing
is missing or misconfigured for the server itself, which would run; the process the runtime
supervises ends on purpose, and the runtime takes the server down with it.

**How to confirm.**

    docker run --rm IMAGE; echo $?          # returns at once with 0
    docker inspect -f '{{.State.ExitCode}} {{.State.FinishedAt}}' CONTAINER
    kubectl get pod POD -o jsonpath='{.status.containerStatuses[0].lastState}'
    systemctl status app                    # "inactive (dead)", Main PID … (code=exited, status=0/SUCCESS)

**How to fix.** Let the server be the main process. Make it the last line of the script and
replace the shell with it, so that it also receives SIGTERM:

    exec /app/server

or run the binary directly (` + "`ENTRYPOINT [\"/app/server\"]`, `ExecStart=/opt/app/server`" + `). When the script
must run something alongside the server, start the helper in the background and the server in
the foreground, or end with ` + "`wait`" + `. Do not keep the container alive with ` + "`tail -f /dev/null`" + `: the
server could then die unnoticed.`,
	Fix:     "End the script with 'exec /app/server' (the server in the foreground, as the main process), or run the binary directly; add 'wait' when a background job must be kept.",
	Symptom: "the container exits at once with status 0 (Kubernetes: CrashLoopBackOff, Last State Terminated, Reason Completed, Exit Code 0; systemd: Main process exited, code=exited, status=0/SUCCESS)",
	Signatures: []rule.Signature{
		// kubectl describe pod prints the reason and the exit code on two lines ("Reason:
		// Completed", then "Exit Code: 0") under "Last State: Terminated"; the reason is the
		// telling one. Alone it is ambiguous: a Job's pod or an init container completes rightly;
		// next to CrashLoopBackOff it says the main process ended on its own.
		rule.Sig("Completed",
			`^\s*Reason:\s+Completed\s*$`,
			"      Reason:\t\tCompleted"),
		// systemctl status ("Main PID: 123 (code=exited, …)") and the journal ("app.service: Main
		// process exited, code=exited, …"). A oneshot unit that finished rightly shows it too.
		rule.Sig("code=exited, status=0/SUCCESS",
			`(?:\bMain PID: \d+ \(|: Main process exited, )code=exited, status=0/SUCCESS\b`,
			" Main PID: 19192 (code=exited, status=0/SUCCESS)"),
		// docker compose, when the main process ends with status 0.
		rule.Sig("exited with code 0",
			`^(?:\S+\s+\|\s+)?(?P<container>[\w.-]+) exited with code 0\s*$`,
			"dockertesting_web_1 exited with code 0"),
		// docker ps and docker compose ps: the status of a container whose main process ended with
		// status 0 (Restarting under a restart policy).
		rule.Sig("(0)",
			`\b(?:Exited|Restarting) \(0\) (?:\d+|About an?|Less than a) \w+ ago\b`,
			"Restarting (0) 23 seconds ago"),
	},
	Requires: []rule.Input{rule.Script},
	Run:      runEntrypointExits,
}

// runEntrypointExits reports scripts that a container or a simple/exec unit runs as its main
// process and whose last top-level command is started in the background with nothing waiting for
// it after (script.Script.Detached): the script, and the container or unit, ends right there.
func runEntrypointExits(p *rule.Pass) error {
	var parent *script.Script // the script the entries that follow were found in
	var runner string         // what starts the container, for the consequence
	for _, e := range entryFiles(p.Project) {
		sc := e.Script
		if !strings.HasPrefix(e.By, "the script ") {
			parent, runner = sc, e.By
		} else if !execs(parent, e) {
			continue // run by another script, which goes on after it ends
		}
		if sc == nil || sc.Detached == nil {
			continue
		}
		d := sc.Detached
		prog := background(sc, d)
		p.Report(rule.Finding{
			Pos: d.Pos,
			Message: fmt.Sprintf("%s %s runs %s (%s), which starts %s in the background at %s and then ends without waiting for it: the script is the container's main process, so it exits at once with status 0 and the container stops, taking %s with it (%s)",
				e.Pos.Short(), e.By, e.Path, sc.Path, prog, d.Pos.Short(), prog, containerSymptom(runner)),
			Related: []rule.Related{{Pos: e.Pos, Message: e.By + " runs " + e.Path + " as the main process"}},
		})
	}
	byName := map[string][]*script.Script{}
	for _, sc := range p.Project.Scripts {
		byName[path.Base(sc.Path)] = append(byName[path.Base(sc.Path)], sc)
	}
	for _, u := range p.Project.Units {
		if !mainProcessIsExecStart(u) {
			continue
		}
		cmd := u.ExecStart[0]
		target := cmd.Path
		if shells[path.Base(cmd.Path)] {
			target = ""
			for _, a := range cmd.Args {
				if !strings.HasPrefix(a, "-") {
					target = a
					break
				}
			}
		}
		cands := byName[path.Base(target)]
		if target == "" || len(cands) != 1 || path.Ext(target) == "" && cands[0].Shebang == nil {
			continue
		}
		sc := cands[0]
		d := sc.Detached
		if d == nil {
			continue
		}
		prog := background(sc, d)
		typ := u.ServiceType.Text
		if typ == "" {
			typ = "simple"
		}
		p.Report(rule.Finding{
			Pos: d.Pos,
			Message: fmt.Sprintf("%s: unit %s (Type=%s) runs %s, which is %s of the repository; it starts %s in the background at %s and then ends without waiting for it: the script is the unit's main process, so systemd sees it exit with status 0 (\"Main process exited, code=exited, status=0/SUCCESS\"), deactivates the service and kills the rest of its cgroup, %s included",
				cmd.Pos.Short(), u.Name, typ, target, sc.Path, prog, d.Pos.Short(), prog),
			Related: []rule.Related{{Pos: cmd.Pos, Message: "ExecStart runs " + target + " as the unit's main process"}},
			Symptom: u.Name + ": Main process exited, code=exited, status=0/SUCCESS",
		})
	}
	return nil
}

// execs says whether parent replaces itself with the script e (exec ./start.sh) at the line that
// runs it, so that e becomes the main process in its turn. entryFiles lists the scripts a script
// runs right after it, each at the position of the command that runs it.
func execs(parent *script.Script, e *entryFile) bool {
	if parent == nil {
		return false
	}
	for _, c := range parent.Commands {
		if c.Pos == e.Pos {
			return c.Exec && !c.Background
		}
	}
	return false
}

// mainProcessIsExecStart says whether systemd tracks the ExecStart= process as the service and
// stops the service, killing what is left in its cgroup, when it exits: Type=simple (the
// default), exec or idle, with one ExecStart=, no RemainAfterExit=yes and a KillMode that kills
// the rest.
func mainProcessIsExecStart(u *systemd.Unit) bool {
	if u.Type != "service" || len(u.ExecStart) != 1 {
		return false
	}
	switch strings.ToLower(u.ServiceType.Text) {
	case "", "simple", "exec", "idle":
	default:
		return false
	}
	if s := last(u.Lookup("Service", "RemainAfterExit")); s != nil && isTrue(s.Value) {
		return false
	}
	if s := last(u.Lookup("Service", "KillMode")); s != nil && (s.Value == "process" || s.Value == "none") {
		return false
	}
	return true
}

func last(s []*systemd.Setting) *systemd.Setting {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

// isTrue reads a systemd boolean (systemd.syntax(7)).
func isTrue(v string) bool {
	switch strings.ToLower(v) {
	case "1", "yes", "y", "true", "t", "on":
		return true
	}
	return false
}

// containerSymptom is how the exit shows where the container runs.
func containerSymptom(runner string) string {
	switch {
	case strings.HasPrefix(runner, "compose service "):
		return "docker compose prints \"exited with code 0\"; with a restart policy it restarts in a loop"
	case strings.Contains(runner, ", container "):
		return "Kubernetes restarts it into CrashLoopBackOff: Last State Terminated, Reason Completed, Exit Code 0"
	}
	return "docker ps shows \"Exited (0)\"; Kubernetes restarts it into CrashLoopBackOff with Reason Completed, Exit Code 0"
}

// builtins change the shell's own state; in "( cd dir && ./server ) &" the program sent to the
// background is the one after them.
var builtins = map[string]bool{"cd": true, "export": true, "set": true, "umask": true, "ulimit": true,
	"source": true, ".": true, "echo": true, "printf": true, "true": true, ":": true, "sleep": true}

// background names the program the detached statement runs, as written: the first command of
// the statement's line, from the detached one on, that is not a builtin.
func background(sc *script.Script, d *script.Command) string {
	for _, c := range sc.Commands {
		if c.Pos.Line != d.Pos.Line || c.Pos.Col < d.Pos.Col || c.Name != "" && builtins[c.Name] {
			continue
		}
		if n := program(c); n != "" {
			return n
		}
	}
	if n := program(d); n != "" {
		return n
	}
	return "a command"
}

// program names a command as written: its program, or the word that computes it ("$BIN").
func program(c *script.Command) string {
	if c.Name != "" {
		return c.Name
	}
	return c.Word
}
