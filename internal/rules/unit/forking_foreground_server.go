package unit

import "github.com/shipshape-dev/shipshape/internal/rule"

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
github.com/coreos/go-systemd/daemon.) Remove PIDFile= and any daemonizing wrapper.`,
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
	// Requires and Run: added with the detector.
}
