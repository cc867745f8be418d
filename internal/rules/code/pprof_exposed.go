package code

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// PprofExposed is net/http/pprof registered on http.DefaultServeMux while the same binary serves
// that mux on an address other hosts can reach.
var PprofExposed = &rule.Rule{
	ID:       "SS1001",
	Class:    "pprof-exposed",
	Title:    "net/http/pprof served on a non-loopback address",
	Severity: rule.Warning,
	Doc: `**What happens.** The service starts normally, and also answers ` + "`/debug/pprof/`" + ` on its
public port: anyone who can reach the port can download heap and goroutine dumps (with the
secrets they hold), read the process's command line, and run CPU profiles or execution traces
that slow it down. Nothing is logged at start-up; the exposure is silent.

**Why.** ` + "`import _ \"net/http/pprof\"`" + ` registers its handlers on ` + "`http.DefaultServeMux`" + ` in an init
function. Any ` + "`http.ListenAndServe(addr, nil)`" + ` (or an ` + "`http.Server`" + ` without a Handler) serves that
mux, so the profiler rides along on whatever address the service listens on. On a server, a
container port or a Kubernetes Service, that address is reachable from outside.

**How to confirm.** From another host or container:

    curl -s http://HOST:PORT/debug/pprof/ | head
    curl -s -o /dev/null -w '%{http_code}\n' http://HOST:PORT/debug/pprof/cmdline

**How to fix.** Serve the application on its own mux, and the profiler on a second listener
bound to loopback (reach it with ` + "`kubectl port-forward`" + ` or an SSH tunnel):

    mux := http.NewServeMux()            // application routes only
    go http.ListenAndServe("127.0.0.1:6060", nil) // DefaultServeMux: pprof, loopback only
    http.ListenAndServe(":8080", mux)

or drop the blank import from the binary that ships.`,
	Fix:      "Serve the application on its own http.ServeMux and keep DefaultServeMux (where pprof registers) on a 127.0.0.1 listener, or drop the net/http/pprof import from the shipped binary.",
	Symptom:  "GET /debug/pprof/ answers 200 from outside the host",
	Requires: []rule.Input{rule.GoCode},
	Run:      runPprofExposed,
}

func runPprofExposed(p *rule.Pass) error {
	g := p.Project.Go
	for _, pp := range g.Pprof {
		// A named import means the code wires pprof handlers itself, on a mux we cannot follow
		// without type information: not guessed.
		if !pp.Blank {
			continue
		}
		var exposed []*gocode.Listener
		seen := map[*gocode.Listener]bool{}
		for _, prog := range programsReaching(g, pp.Pkg) {
			for _, l := range g.Listeners {
				if seen[l] || !l.DefaultMux || l.Loopback || l.Unresolved || !prog.Reaches(l.Pkg) {
					continue
				}
				seen[l] = true
				exposed = append(exposed, l)
			}
		}
		if len(exposed) == 0 {
			continue
		}
		var related []rule.Related
		var where []string
		for _, l := range exposed {
			related = append(related, rule.Related{Pos: l.Pos, Message: fmt.Sprintf("%s serves http.DefaultServeMux on %s", l.Via, describeListener(l))})
			where = append(where, fmt.Sprintf("%s serves http.DefaultServeMux on %s", l.Pos.Short(), describeListener(l)))
		}
		p.Report(rule.Finding{
			Pos: pp.Pos,
			Message: fmt.Sprintf("%s imports net/http/pprof for its side effect, which registers /debug/pprof/ on http.DefaultServeMux; %s: heap dumps, the command line and CPU profiles are open to anyone who reaches the port",
				pp.Pos.Short(), strings.Join(where, "; ")),
			Related: related,
		})
	}
	return nil
}

// describeListener names where a listener accepts connections, with the source of its address.
func describeListener(l *gocode.Listener) string {
	addr := l.Addr
	if addr == "" && l.Port > 0 {
		addr = fmt.Sprintf(":%d", l.Port)
	}
	if addr == "" {
		addr = "its default address"
	}
	var scope string
	switch {
	case l.AllInterfaces:
		scope = "all interfaces"
	default:
		scope = "host " + l.Host
	}
	switch {
	case l.PortFromEnv != "":
		return fmt.Sprintf("%s (%s, from $%s)", addr, scope, l.PortFromEnv)
	case l.Flag != "":
		return fmt.Sprintf("%s (%s, the default of -%s)", addr, scope, l.Flag)
	}
	return fmt.Sprintf("%s (%s)", addr, scope)
}
