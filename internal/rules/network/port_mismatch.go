package network

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// PortMismatch is a listener on a port that the deployment does not route to: EXPOSE, compose
// ports, containerPort, Service targetPort, probes or the platform's $PORT name another one.
var PortMismatch = &rule.Rule{
	ID:       "SS6001",
	Class:    "port-mismatch",
	Title:    "service listens on a different port than the deployment routes to",
	Severity: rule.Error,
	Doc: `**What happens.** The service starts and logs that it is listening, yet nobody can reach it:
port-forwards and load balancers reset or refuse, probes fail and the pod is restarted or never
Ready:

    curl: (52) Empty reply from server
    Readiness probe failed: Get "http://10.1.0.5:8080/healthz": dial tcp 10.1.0.5:8080: connect: connection refused
    The TargetPort 80 does not match the listening port 9001.

**Why.** Every layer names the port independently and none of them changes what the process
binds: EXPOSE and containerPort are documentation, compose ports map host:container, a Service
targetPort and the probes must equal the port inside the container. Platforms such as Cloud Run,
Heroku and Azure Container Apps set $PORT and route only there, so a hard-coded :8080 (or Gin's
default) behind PORT=3000 is unreachable. The usual cause is a default changed in one place.

**How to confirm.**

    kubectl exec POD -- cat /proc/net/tcp /proc/net/tcp6   # local ports in hex, state 0A = LISTEN
    kubectl get svc NAME -o jsonpath='{.spec.ports}'
    docker compose port SERVICE 8080
    shipshape check .

**How to fix.** Pick one port, make the code read it (flag or $PORT), and use the same number
in EXPOSE, compose ports, containerPort, targetPort and the probes:

    addr := ":" + cmp.Or(os.Getenv("PORT"), "8080")

**What shipshape checks.** Only when every listener of the program is known under the target:
a literal port, or a flag or variable whose value the target sets (args, ENV, compose
environment and env_file, container env) or leaves at the code's default. Then EXPOSE,
compose expose and containerPort are reported when none of them names a listening port, and
compose ports targets, Service targetPorts (by number, or by name through the containerPort)
and probe ports when nothing listens there. A web process in a Procfile whose program listens
on a fixed port and never reads $PORT is reported too, and so is a program that a gcloud run
deploy command ships to Cloud Run while it listens on a fixed port other than --port (8080 by
default). Values from envFrom, EnvironmentFile=,
templates or $(VAR) make the port unknown, and nothing is said.`,
	Fix:     "Make the listen port, EXPOSE, compose ports, containerPort, Service targetPort, probes and $PORT agree (read the port from one setting).",
	Symptom: "connect: connection refused",
	Signatures: []rule.Signature{
		rule.Sig("Empty reply from server",
			`^curl: \(52\) Empty reply from server$`,
			"curl: (52) Empty reply from server"),
		rule.Sig("does not match",
			`The TargetPort (?P<port>\d+) does not match (?:the listening port|any of the listening ports)`,
			"The TargetPort 80 does not match the listening port 9001. The TargetPort 80 does not match any of the listening ports: [9001 9000]."),
		rule.Sig("failed to bind to $PORT",
			`Error R10 \(Boot timeout\) -> Web process failed to bind to \$PORT within \d+ seconds of launch$`,
			"2017-10-03T09:07:17.051002+00:00 heroku[web.1]: Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds of launch"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runPortMismatch,
}

// runPortMismatch compares, for every container target whose program is known and whose
// listeners are all known under that target, the ports the artifacts declare with the ports the
// program listens on. Declarations that only document (EXPOSE, containerPort) are reported when
// none of them names a listening port; ports that traffic or probes are sent to are reported
// when nothing listens there and no documentation declares them (a declared port may belong to
// a listener the code facts cannot see, such as one a library opens).
func runPortMismatch(p *rule.Pass) error {
	targets := deploy.All(p.Project)
	for _, t := range targets {
		if !t.InContainer() || t.Program == nil {
			continue
		}
		ls := known(t.Listeners(p.Project.Go))
		if len(ls) == 0 || (t.Kind == deploy.KindImage && setElsewhere(targets, t, ls)) {
			continue
		}
		listening := portsOf(ls)
		decl := declaredPorts(p.Project, t)
		docMatch, routeMatch := false, false
		doc := map[int]bool{}
		for _, d := range decl {
			for port := range listening {
				if d.has(port) {
					if d.Routes {
						routeMatch = true
					} else {
						docMatch = true
					}
				}
			}
			if !d.Routes {
				for q := d.Port; q <= max(d.End, d.Port); q++ {
					doc[q] = true
				}
			}
		}
		for _, d := range decl {
			hit := false
			for port := range listening {
				hit = hit || d.has(port)
			}
			if hit {
				continue
			}
			if !d.Routes && (docMatch || routeMatch) {
				continue
			}
			if d.Routes && docMatch && doc[d.Port] {
				continue
			}
			report(p, t, d, ls)
		}
	}
	portPlatforms(p)
	return nil
}

func report(p *rule.Pass, t *deploy.Target, d *declared, ls []deploy.Listen) {
	consequence := "nothing answers there: connections are refused or reset"
	if len(d.Via) > 0 {
		consequence = "nothing answers there, and what is sent to it by name fails: connections are refused, probes fail"
	}
	related := append(listenRelated(ls), d.Via...)
	for _, v := range d.Via {
		consequence += "; " + v.Pos.Short() + " " + v.Message
	}
	p.Report(rule.Finding{
		Pos: d.Pos,
		Message: fmt.Sprintf("%s %s for %s, but %s listens on %s: %s",
			d.Pos.Short(), d.What, t.Name, t.Program.Name, listenDesc(ls), consequence),
		Related: related,
	})
}

// setElsewhere says whether a listener of an image takes its port from a variable the image
// leaves unset while another target running the same program sets it: the image is then run
// with it, and EXPOSE is compared under that target instead.
func setElsewhere(targets []*deploy.Target, img *deploy.Target, ls []deploy.Listen) bool {
	for _, l := range ls {
		if l.L.PortFromEnv == "" || l.Set.File != "" {
			continue
		}
		for _, o := range targets {
			if o == img || o.Program != img.Program || !o.InContainer() || (o.File != nil && o.File != img.File) {
				continue
			}
			if _, set, unknown := o.Env(l.L.PortFromEnv); set || unknown {
				return true
			}
		}
	}
	return false
}
