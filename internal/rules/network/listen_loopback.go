package network

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

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
    log.Fatal(http.ListenAndServe(addr, mux))

**What shipshape checks.** For each image, compose service and Kubernetes container that runs a
Go program of the repository, the program's listeners with the target's flags and environment
applied. A loopback listener is reported when its port is one the target exposes, publishes,
routes a Service or a probe to, or when every listener is on loopback while the target
declares ports; and, for a program a Procfile's web process or a gcloud run deploy command runs,
a loopback listener that takes $PORT (or every listener, when all are on loopback). An admin or
pprof listener on loopback beside a reachable server, the upstream
of a sidecar proxy in the same pod, and services run by systemd on a host are fine.`,
	Fix:     "Listen on all interfaces (\":8080\" or \"0.0.0.0:8080\") inside containers, with the address configurable for local runs.",
	Symptom: "Connection reset by peer",
	Signatures: []rule.Signature{
		rule.Sig("Connection reset by peer",
			`^curl: \(56\) Recv failure: Connection reset by peer$`,
			"curl: (56) Recv failure: Connection reset by peer"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runListenLoopback,
}

// runListenLoopback reports a loopback listener of a program that a container target runs when
// it is the program's main listener there: its port is one the target declares or routes to, or
// every listener of the program is on loopback while the target declares ports. A loopback
// admin or pprof listener beside a reachable main listener is deliberate; units are hosts, where
// loopback behind a proxy is right.
func runListenLoopback(p *rule.Pass) error {
	type hit struct {
		l       *gocode.Listener
		host    string
		targets []string
		related []rule.Related
	}
	hits := map[*gocode.Listener]*hit{}
	for _, t := range deploy.All(p.Project) {
		if !t.InContainer() || t.Program == nil {
			continue
		}
		ls := t.Listeners(p.Project.Go)
		decl := declaredPorts(p.Project, t)
		allLoop := len(ls) > 0
		for _, l := range ls {
			allLoop = allLoop && l.Known && l.Loopback()
		}
		for _, l := range ls {
			if !l.Known || !l.Loopback() {
				continue
			}
			var on []string
			var rel []rule.Related
			// In a pod, a containerPort alone routes nothing (kubectl port-forward even connects
			// to the pod's loopback), and with sidecars a loopback listener may be the upstream
			// of a proxy in the same network namespace: only ports that Services or probes reach
			// count there.
			sidecars := t.Kind == deploy.KindKubernetes
			for _, d := range decl {
				if d.has(l.Port) && (d.Routes || len(d.Via) > 0 || !sidecars) {
					on = append(on, d.Pos.Short()+" "+d.What)
					rel = append(rel, rule.Related{Pos: d.Pos, Message: d.What + " for " + t.Name})
					for _, v := range d.Via {
						on = append(on, v.Pos.Short()+" "+v.Message)
						rel = append(rel, v)
					}
				}
			}
			if len(on) == 0 && (!allLoop || len(decl) == 0 || sidecars) {
				continue
			}
			if len(on) == 0 {
				for _, d := range decl {
					on = append(on, d.Pos.Short()+" "+d.What)
					rel = append(rel, rule.Related{Pos: d.Pos, Message: d.What + " for " + t.Name})
				}
			}
			h := hits[l.L]
			if h == nil {
				h = &hit{l: l.L, host: l.Host}
				hits[l.L] = h
			}
			desc := t.Name + " (" + strings.Join(on, ", ") + ")"
			if l.Set.File != "" {
				desc += " with " + l.Why
				rel = append(rel, rule.Related{Pos: l.Set, Message: "sets the listen address: " + l.Why})
			}
			h.targets = append(h.targets, desc)
			h.related = append(h.related, rel...)
		}
	}
	var list []*hit
	for _, h := range hits {
		list = append(list, h)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].l.Pos.Before(list[j].l.Pos) })
	for _, h := range list {
		p.Report(rule.Finding{
			Pos: h.l.Pos,
			Message: fmt.Sprintf("%s %s listens on %s only, which inside a container accepts connections from the container itself; it runs in %s: published ports, Services and probes connect to the container's address and are refused or reset",
				h.l.Pos.Short(), h.l.Via, h.host, strings.Join(h.targets, "; ")),
			Related: h.related,
		})
	}
	loopbackPlatforms(p)
	return nil
}
