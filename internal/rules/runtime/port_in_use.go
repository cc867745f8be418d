package runtime

import "github.com/shipshape-dev/shipshape/internal/rule"

// PortInUse is a service whose listen address is already taken by another process.
var PortInUse = &rule.Rule{
	ID:       "SS6004",
	Class:    "port-in-use",
	Title:    "listen port already taken by another process",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits at start-up, before serving anything, with

    listen tcp :8080: bind: address already in use

(or Docker's "Bind for 0.0.0.0:8080 failed: port is already allocated" when it is the published
host port that is taken).

**Why.** Only one socket can listen on an address and port. Another process holds it: an older
instance of the same service that did not exit (a unit restarted while the previous process
lingers, a second replica with hostNetwork), another service with the same default port (8080
is everyone's default), or a system daemon (systemd-resolved on :53, a web server on :80). The
port is a property of the host the service lands on, which is why this is seen only at run time.

**How to confirm.**

    ss -ltnp 'sport = :8080'          # which process holds the port
    docker ps --format '{{.Names}} {{.Ports}}' | grep 8080

**How to fix.** Stop the process that holds the port, or give this service another port (make it
configurable, e.g. from $PORT), and make sure restarts wait for the old process to exit.`,
	Fix:     "Stop the process that already listens on the port, or configure this service to listen on a free one.",
	Symptom: "bind: address already in use",
	Signatures: []rule.Signature{
		rule.Sig("address already in use",
			`listen (?:tcp|udp)[46]? (?P<addr>\S*:(?P<port>\d+)): bind: address already in use`,
			"2022/05/06 18:13:12 ERR listen tcp :8888: bind: address already in use"),
	},
}
