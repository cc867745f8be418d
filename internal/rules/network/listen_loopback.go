package network

import "github.com/shipshape-dev/shipshape/internal/rule"

// ListenLoopback is a service in a container or pod that listens on a loopback address only.
var ListenLoopback = &rule.Rule{
	ID:       "SS6002",
	Class:    "listen-loopback-in-container",
	Title:    "service in a container listens on loopback only",
	Severity: rule.Error,
	Doc: `**What happens.** The service works when curled from inside the container and is unreachable
from anywhere else: published ports reset the connection, Services and probes are refused.

    curl: (56) Recv failure: Connection reset by peer
    curl: (52) Empty reply from server

**Why.** A container has its own network namespace with its own loopback interface. A listener
on 127.0.0.1:8080 or localhost:8080 accepts only connections made inside that namespace; Docker
publishes ports by forwarding to the container's eth0 address, and kubelet probes and Services
connect to the pod IP. On a developer machine the same address is right (and avoids a firewall
prompt), which is how it gets shipped.

**How to confirm.**

    docker exec CONTAINER cat /proc/net/tcp   # local address 0100007F = 127.0.0.1
    kubectl exec POD -- wget -qO- http://127.0.0.1:8080/healthz
    grep -rnE 'Listen(AndServe)?\("(127\.0\.0\.1|localhost):' --include=*.go .

**How to fix.** Listen on all interfaces in containers (make the host configurable):

    addr := cmp.Or(os.Getenv("LISTEN_ADDR"), ":8080")
    log.Fatal(http.ListenAndServe(addr, mux))`,
	Fix:     "Listen on all interfaces (\":8080\" or \"0.0.0.0:8080\") inside containers, with the address configurable for local runs.",
	Symptom: "Connection reset by peer",
	Signatures: []rule.Signature{
		rule.Sig("Connection reset by peer",
			`^curl: \(56\) Recv failure: Connection reset by peer$`,
			"curl: (56) Recv failure: Connection reset by peer"),
	},
	// Requires and Run: added with the detector.
}
