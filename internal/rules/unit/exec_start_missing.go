package unit

import "github.com/shipshape-dev/shipshape/internal/rule"

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
    ExecStart=/usr/bin/server --config /etc/server/config.yaml`,
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
	// Requires and Run: added with the detector.
}
