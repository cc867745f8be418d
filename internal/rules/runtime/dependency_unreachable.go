package runtime

import "github.com/shipshape-dev/shipshape/internal/rule"

// DependencyUnreachable is a service that cannot reach a database or other dependency at start.
var DependencyUnreachable = &rule.Rule{
	ID:       "SS7002",
	Class:    "dependency-unreachable",
	Title:    "dependency not reachable at start-up",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits (or hangs, retrying) at start-up because the first
connection to a dependency fails:

    dial tcp 172.24.0.2:5432: connect: connection refused
    dial tcp: lookup database on 127.0.0.11:53: no such host

A goroutine dump of a hung start shows main blocked in net.(*Dialer).DialContext.

**Why.** The dependency is not there yet or not there at all: compose starts containers in
parallel (depends_on waits for the container, not for the database to accept connections), a
service was started alone without the database of its compose file, the host name is the
compose service name of another project's network, or a firewall or NetworkPolicy drops the
traffic. A service that dials once at start and exits turns a few seconds of ordering into a
crash loop.

**How to confirm.** From where the service runs:

    nc -vz db 5432
    getent hosts db

**How to fix.** Start the dependency first and wait for it to be ready (depends_on with
condition: service_healthy, an init container), retry the first connection with backoff instead
of exiting, and check the address the service is given.`,
	Fix:     "Make sure the dependency is running and reachable under the configured address, and retry the first connection with backoff instead of exiting.",
	Symptom: "connect: connection refused",
	Signatures: []rule.Signature{
		rule.Sig("connect: connection refused",
			`dial tcp (?P<addr>\S+:(?P<port>\d+)): connect: connection refused`,
			`time="2023-10-29T12:38:56Z" level=fatal msg="dial tcp 172.24.0.2:5432: connect: connection refused"`),
		rule.Sig("no such host",
			`dial tcp: lookup (?P<host>[^\s:]+) on \S+: no such host`,
			"Could not connect to DB: dial tcp: lookup database on 127.0.0.11:53: no such host"),
	},
}
