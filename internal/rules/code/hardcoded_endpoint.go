package code

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// HardcodedEndpoint is a database, broker or service address fixed to localhost in the code
// that ships.
var HardcodedEndpoint = &rule.Rule{
	ID:       "SS1003",
	Class:    "hardcoded-endpoint",
	Title:    "dependency endpoint hard-coded to localhost",
	Severity: rule.Warning,
	Doc: `**What happens.** The service works on the developer's machine and fails at its first
connection once deployed:

    panic: dial tcp 127.0.0.1:5432: connect: connection refused

**Why.** The code connects to a fixed ` + "`localhost`" + `/` + "`127.0.0.1`" + `/` + "`[::1]`" + ` address (a DSN, a URL, a
client option). On a laptop the database or broker runs there. In a container, localhost is the
container itself: the database is another container reached by its service name. On another
host nothing listens on that port at all. Because the address is a literal, no environment
variable or flag can change it without a rebuild.

**How to confirm.** Run the image next to its dependencies (docker compose up) and read the
first error, or from inside the container: ` + "`nc -vz 127.0.0.1 5432`" + `.

**How to fix.** Read the endpoint from the environment or a flag, with the localhost value at
most as the fallback for development:

    dsn := os.Getenv("DATABASE_URL") // postgres://app@db:5432/app in compose

Endpoints that are meant to be local (a sidecar or node agent on a well-known port: Dapr 3500,
OTLP 4317/4318, StatsD 8125, Datadog 8126, Jaeger 6831, Envoy/Istio 15000-15021) and calls of
the service to its own listening port are not reported, nor bare origins such as
` + "`http://localhost:3000`" + ` (CORS allow-lists and browser hints name the developer machine, not a
connection the service makes), nor the defaults of flags and configuration fields, which a
deployment overrides without a rebuild.`,
	Fix:     "Read the endpoint from an environment variable or a flag (compose service name, Kubernetes Service DNS name) instead of a localhost literal.",
	Symptom: "dial tcp 127.0.0.1:PORT: connect: connection refused",
	Signatures: []rule.Signature{
		rule.Sig("connect: connection refused",
			`dial tcp (?P<addr>(?:127\.[0-9]+\.[0-9]+\.[0-9]+|\[::1\]|localhost):[0-9]+): connect: connection refused`,
			"panic: dial tcp 127.0.0.1:5432: connect: connection refused"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runHardcodedEndpoint,
}

// localAgentPorts are ports on which a sidecar or a node agent normally listens on localhost:
// talking to them through loopback is the intended deployment, not a mistake.
var localAgentPorts = map[int]bool{
	3500: true, 50001: true, // Dapr HTTP and gRPC
	4317: true, 4318: true, // OpenTelemetry collector (OTLP gRPC, HTTP)
	6831: true, 6832: true, // Jaeger agent
	8125: true, 8126: true, // StatsD, Datadog APM agent
	9901:  true,                                                     // Envoy admin
	15000: true, 15001: true, 15006: true, 15020: true, 15021: true, // Istio/Envoy sidecar
}

func runHardcodedEndpoint(p *rule.Pass) error {
	g := p.Project.Go
	for _, e := range g.Endpoints {
		progs := programsReaching(g, e.Pkg)
		if len(progs) == 0 || localAgentPorts[e.Port] || isOrigin(e) || e.Overridable || isFallback(g, e) || callsItself(g, progs, e) {
			continue
		}
		where := e.Host
		if e.Port > 0 {
			where = e.Host + ":" + strconv.Itoa(e.Port)
		}
		what := e.Scheme
		switch what {
		case "http":
			what = "an HTTP service"
		case "grpc":
			what = "a gRPC service"
		case "tcp", "":
			what = "a service"
		}
		literal := "a literal"
		if e.Value != where {
			literal = fmt.Sprintf("the literal %q", e.Value)
		}
		p.Report(rule.Finding{
			Pos: e.Pos,
			Message: fmt.Sprintf("%s connects to %s at %s, hard-coded in %s: in a container localhost is the container itself, and on another host nothing listens there, so the first connection fails (connection refused)",
				e.Pos.Short(), what, where, literal),
		})
	}
	return nil
}

// isOrigin says whether an http endpoint is a bare origin (scheme, host and port, no path):
// that is how CORS allow-lists, redirect bases and "open this in a browser" hints name the
// developer's machine, and none of them is a connection the service makes.
func isOrigin(e *gocode.Endpoint) bool {
	if e.Scheme != "http" {
		return false
	}
	u, err := url.Parse(e.Value)
	return err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == ""
}

// isFallback says whether the endpoint is the default of an environment read in the same
// package (os.Getenv with a fallback, an envconfig default tag): deployments can override it.
func isFallback(g *gocode.Facts, e *gocode.Endpoint) bool {
	for _, r := range g.Env {
		if r.Pkg != e.Pkg || !r.HasDefault || r.Default == "" {
			continue
		}
		if r.Default == e.Value || strings.Contains(r.Default, e.Value) {
			return true
		}
	}
	return false
}

// callsItself says whether the endpoint is the program's own listening port over loopback (a
// self health check, a local gateway to its own gRPC server): that works in any deployment.
func callsItself(g *gocode.Facts, progs []*gocode.Program, e *gocode.Endpoint) bool {
	if e.Port == 0 {
		return false
	}
	for _, l := range g.Listeners {
		if l.Port != e.Port {
			continue
		}
		for _, prog := range progs {
			if prog.Reaches(l.Pkg) {
				return true
			}
		}
	}
	return false
}
