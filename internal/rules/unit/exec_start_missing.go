package unit

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// ExecStartMissing is a unit whose ExecStart cannot be executed: the path is not where packaging
// installs the binary, or it is relative.
var ExecStartMissing = &rule.Rule{
	ID:       "SS3002",
	Class:    "systemd-unit",
	Title:    "unit's ExecStart names a path the binary is not installed at",
	Severity: rule.Error,
	Doc: `**What happens.** The service fails in the spawn step, before any of its own code runs, and
Restart= turns that into a restart loop:

    myservice.service: Failed to locate executable /usr/bin/server: No such file or directory
    Main PID: 2232992 (code=exited, status=203/EXEC)

On systemd older than 239 a relative ExecStart is rejected when the unit is loaded:

    Executable path is not absolute, ignoring: server --config /etc/server.yaml
    myservice.service: Service lacks both ExecStart= and ExecStop= setting. Refusing.

**Why.** Status 203/EXEC means execve failed for the ExecStart command: the file does not exist
at that path, is not executable, or its interpreter is missing. Units written by hand often name
/usr/local/bin/server while the package (goreleaser nfpms contents, a Makefile install target,
an install script) puts it in /usr/bin, or go install leaves it in ~/go/bin. Newer systemd looks
a bare name up in its own fixed search path, not in $PATH.

**How to confirm.**

    systemctl cat myservice | grep ExecStart
    systemctl status myservice          # status=203/EXEC
    ls -l /usr/local/bin/server /usr/bin/server
    dpkg -L mypackage | grep bin/        # or rpm -ql

**How to fix.** Point ExecStart at the absolute path the package installs:

    [Service]
    ExecStart=/usr/bin/server --config /etc/server/config.yaml

**What shipshape checks.** A relative ExecStart path (./server, bin/server) and an executable
given through a variable (${APP_HOME}/bin/server: systemd substitutes variables in the arguments
only) are always reported.
An absolute path, or a bare name, is compared with where the repository's packaging installs a
binary of that name (goreleaser nfpms bindir and contents, install/cp in Makefiles and scripts;
/bin and /usr/bin are the same directory on merged-/usr systems). When nothing in the repository
installs it, or the install path holds make variables or templates, nothing is reported: the
binary may be installed by hand. Dockerfile COPY destinations are not host installs.`,
	Fix:     "Make ExecStart an absolute path that matches where the package or install step puts the binary.",
	Symptom: "status=203/EXEC",
	Signatures: []rule.Signature{
		rule.Sig("status=203/EXEC",
			`code=exited, status=203/EXEC\)?$`,
			"Mai 20 09:50:23 RaspberryPi systemd[1]: mielesolar.service: Main process exited, code=exited, status=203/EXEC"),
		rule.Sig("Failed to locate executable",
			`Failed to locate executable (?P<path>\S+): No such file or directory$`,
			"Jul 31 22:15:31 ASHubuntu systemd[2232992]: jfa-go.service: Failed to locate executable /mnt/jelly-vol/jfa-go: No such file or directory"),
		rule.Sig("Failed at step EXEC spawning",
			`Failed at step EXEC spawning (?P<path>\S+): No such file or directory$`,
			"ccloudvm.service: Failed at step EXEC spawning /home/username/go/bin/ccvm: No such file or directory"),
		rule.Sig("Executable path is not absolute",
			`Executable path is not absolute(?:, ignoring)?: (?P<path>\S+)`,
			"[/etc/systemd/system/cachet-monitor.service:15] Executable path is not absolute, ignoring: cachet-monitor -c /root/cachet-config.yaml"),
		rule.Sig("Service lacks both ExecStart= and ExecStop=",
			`Service lacks both ExecStart= and ExecStop= setting\. Refusing\.$`,
			"Mar 10 17:11:47 CachetMonitor systemd[1]: cachet-monitor.service: Service lacks both ExecStart= and ExecStop= setting. Refusing."),
	},
	Requires: []rule.Input{rule.Systemd},
	Run:      runExecStartMissing,
}

// searchPath is systemd's fixed search path for a bare executable name (v239 and later, merged
// /usr), which does not depend on the PATH of any shell.
var searchPath = map[string]bool{"/usr/local/sbin": true, "/usr/local/bin": true, "/usr/sbin": true, "/usr/bin": true}

// runExecStartMissing reports ExecStart= paths systemd cannot execute: relative ones, and
// absolute paths or bare names that do not match where the repository's packaging installs a
// binary of that name. Without packaging that installs it, nothing is known and nothing is said.
func runExecStartMissing(p *rule.Pass) error {
	for _, u := range p.Project.Units {
		if u.Type != "service" {
			continue
		}
		for _, cmd := range u.ExecStart {
			exe := cmd.Path
			if strings.Contains(exe, "$") && !strings.Contains(exe, "{{") {
				p.Report(rule.Finding{
					Pos: cmd.Pos,
					Message: fmt.Sprintf("%s ExecStart of %s runs %q: systemd substitutes environment variables in the arguments only, never in the executable, which must be literal (Neither a valid executable name nor an absolute path), so the unit fails to load",
						cmd.Pos.Short(), u.Name, exe),
				})
				continue
			}
			if exe == "" || strings.ContainsAny(exe, "%@{}") {
				continue
			}
			if cmd.Relative() {
				p.Report(rule.Finding{
					Pos: cmd.Pos,
					Message: fmt.Sprintf("%s ExecStart of %s runs %q, a relative path: systemd resolves no relative executable (not against WorkingDirectory= either) and refuses the line (Neither a valid executable name nor an absolute path; before v239: Executable path is not absolute), so the unit has no ExecStart and does not start",
						cmd.Pos.Short(), u.Name, exe),
				})
				continue
			}
			name := path.Base(exe)
			ins, known := installsOf(p.Project.Release, name)
			if len(ins) == 0 || !known {
				continue
			}
			related := make([]rule.Related, 0, len(ins))
			for _, in := range ins {
				related = append(related, rule.Related{Pos: in.Pos, Message: fmt.Sprintf("%s installs %s at %s", in.From, name, in.Path)})
			}
			if cmd.Absolute() {
				ok := false
				for _, in := range ins {
					ok = ok || usrMerged(path.Clean(in.Path)) == usrMerged(path.Clean(exe))
				}
				if ok {
					continue
				}
				p.Report(rule.Finding{
					Pos: cmd.Pos,
					Message: fmt.Sprintf("%s ExecStart of %s runs %s, but the repository installs %s elsewhere: %s; systemd cannot execute the path and the service fails with status=203/EXEC",
						cmd.Pos.Short(), u.Name, exe, name, describeInstalls(ins)),
					Related: related,
				})
				continue
			}
			// A bare name: found only in systemd's own search path.
			ok := false
			for _, in := range ins {
				ok = ok || searchPath[path.Dir(usrMerged(path.Clean(in.Path)))]
			}
			if ok {
				continue
			}
			p.Report(rule.Finding{
				Pos: cmd.Pos,
				Message: fmt.Sprintf("%s ExecStart of %s runs %q by name, which systemd looks up only in /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin, but the repository installs it elsewhere: %s; the service fails with status=203/EXEC (and systemd before 239 refuses a bare name outright)",
					cmd.Pos.Short(), u.Name, exe, describeInstalls(ins)),
				Related: related,
			})
		}
	}
	return nil
}
