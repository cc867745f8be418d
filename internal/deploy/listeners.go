package deploy

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Listen is a listener of the program as the target configures it.
type Listen struct {
	L *gocode.Listener
	// Port is 0 when unknown.
	Port int
	Host string
	// Known says Port (and Host) are known under this target.
	Known bool
	// Why says where the port comes from ("PORT=80 (Environment= at x.service:9)", "$PORT
	// unset, default 8080", "-addr :9000 in the args at k8s.yaml:20").
	Why string
	// Set is where the target sets it (zero when the code's default applies).
	Set source.Pos
}

// Loopback says the effective host is a loopback address.
func (l Listen) Loopback() bool { return isLoopback(l.Host) }

func isLoopback(h string) bool {
	h = strings.Trim(h, "[]")
	return h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.")
}

// cliFrameworks are command-line packages whose programs pick what to run from a subcommand.
var cliFrameworks = []string{"github.com/spf13/cobra", "github.com/urfave/cli", "github.com/urfave/cli/v2",
	"github.com/urfave/cli/v3", "github.com/alecthomas/kong", "gopkg.in/alecthomas/kingpin.v2",
	"github.com/alecthomas/kingpin/v2", "github.com/peterbourgon/ff/v3/ffcli", "github.com/mitchellh/cli"}

// serveWords are subcommands that run the server.
var serveWords = map[string]bool{"serve": true, "server": true, "run": true, "start": true, "web": true, "api": true, "http": true}

// Subcommand returns the first positional argument when the program dispatches subcommands
// with a CLI framework and the argument is not one that serves: its listeners may then belong
// to another subcommand.
func (t *Target) Subcommand() string {
	if t.Program == nil {
		return ""
	}
	cli := false
	for _, f := range cliFrameworks {
		cli = cli || t.Program.Reaches(f)
	}
	if !cli {
		return ""
	}
	if !t.ArgsKnown {
		return "(unknown arguments)"
	}
	for _, a := range t.Args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if serveWords[a] {
			return ""
		}
		return a
	}
	return ""
}

// unmodeled are server frameworks whose listen calls the Go facts do not read (the code facts
// know net/http, net.Listen, tls.Listen, Gin, Echo and Fiber): a program that links one of them
// may listen where no fact says.
var unmodeled = []string{
	"github.com/valyala/fasthttp", "github.com/kataras/iris", "github.com/beego/beego",
	"github.com/astaxie/beego", "github.com/zeromicro/go-zero", "github.com/go-kratos/kratos",
	"go-micro.dev", "github.com/micro/go-micro", "github.com/asim/go-micro", "github.com/cloudwego/hertz",
	"github.com/gogf/gf", "github.com/revel/revel", "github.com/gobuffalo/buffalo",
	"github.com/caddyserver/caddy", "github.com/urfave/negroni", "github.com/codegangsta/negroni",
	"github.com/go-martini/martini", "github.com/savsgio/atreugo", "github.com/panjf2000/gnet",
	"github.com/tidwall/redcon", "github.com/hashicorp/go-plugin", "github.com/gofiber/fiber/v3",
}

// LinksUnmodeled returns the first unmodeled server framework the program links, or "". The
// answers for the programs of the last facts asked about are kept: every rule asks for every
// target.
func LinksUnmodeled(g *gocode.Facts, prog *gocode.Program) string {
	unmodeledMu.Lock()
	defer unmodeledMu.Unlock()
	if unmodeledFor != g {
		unmodeledFor, unmodeledLast = g, map[*gocode.Program]string{}
	}
	fw, ok := unmodeledLast[prog]
	if !ok {
		fw = frameworkOf(prog)
		unmodeledLast[prog] = fw
	}
	return fw
}

var (
	unmodeledMu   sync.Mutex
	unmodeledFor  *gocode.Facts
	unmodeledLast map[*gocode.Program]string
)

func frameworkOf(prog *gocode.Program) string {
	for pkg := range prog.Reach {
		for _, u := range unmodeled {
			if pkg == u || strings.HasPrefix(pkg, u+"/") {
				return u
			}
		}
	}
	return ""
}

// Listeners are the program's listeners under t; nil when the program is unknown, or when the
// target runs a subcommand that may not be the one that listens. A program that links a server
// framework the code facts do not read gets one more listener, unknown, so that no rule takes
// the known ones for all of them.
func (t *Target) Listeners(g *gocode.Facts) []Listen {
	if t.Program == nil || g == nil || t.Subcommand() != "" {
		return nil
	}
	var out []Listen
	if fw := LinksUnmodeled(g, t.Program); fw != "" {
		out = append(out, Listen{L: &gocode.Listener{Site: gocode.Site{Pos: t.Program.Pos}, Via: fw, Unresolved: true}, Why: fw + " listens where the code facts cannot see"})
	}
	for _, l := range g.Listeners {
		if t.Program.Reaches(l.Pkg) {
			out = append(out, t.Resolve(l))
		}
	}
	return out
}

// Resolve evaluates a listener's address under the target's arguments and environment.
func (t *Target) Resolve(l *gocode.Listener) Listen {
	r := Listen{L: l, Port: l.Port, Host: l.Host, Known: !l.Unresolved && l.Port > 0}
	if l.Unresolved {
		return Listen{L: l}
	}
	def := fmt.Sprintf("%d", l.Port)
	if l.Flag != "" {
		v, pos, found, ok := t.flag(l.Flag)
		if !ok {
			return Listen{L: l, Why: "-" + l.Flag + " may be set in arguments that are not evaluated"}
		}
		if found {
			return setAddr(r, v, fmt.Sprintf("-%s %s in the arguments at %s", l.Flag, v, pos.Short()), pos)
		}
		r.Why = fmt.Sprintf("the default of -%s", l.Flag)
	}
	if l.PortFromEnv != "" {
		v, set, unknown := t.Env(l.PortFromEnv)
		switch {
		case set && v.Known:
			return setAddr(r, v.Value, fmt.Sprintf("%s=%s (%s at %s)", l.PortFromEnv, v.Value, v.Where, v.Pos.Short()), v.Pos)
		case set || unknown:
			return Listen{L: l, Why: "$" + l.PortFromEnv + " is set where its value is not visible"}
		}
		if l.Port == 0 {
			return Listen{L: l, Why: "$" + l.PortFromEnv + " unset and no default"}
		}
		r.Why = fmt.Sprintf("$%s unset, default %s", l.PortFromEnv, def)
	}
	return r
}

// setAddr applies a port or an address value.
func setAddr(r Listen, v, why string, pos source.Pos) Listen {
	r.Why, r.Set = why, pos
	v = strings.TrimSpace(v)
	if n, err := strconv.Atoi(v); err == nil {
		r.Port, r.Known = n, n > 0 && n < 65536
		return r
	}
	i := strings.LastIndex(v, ":")
	if i < 0 {
		r.Known = false
		return r
	}
	n, err := strconv.Atoi(v[i+1:])
	if err != nil {
		r.Known = false
		return r
	}
	r.Host, r.Port, r.Known = strings.Trim(v[:i], "[]"), n, n > 0 && n < 65536
	return r
}

// flag finds -name=v, --name=v, -name v or --name v in the target's arguments. ok is false when
// the arguments are unknown.
func (t *Target) flag(name string) (v string, pos source.Pos, found, ok bool) {
	if !t.ArgsKnown {
		return "", source.Pos{}, false, false
	}
	for i, a := range t.Args {
		if a == "--" {
			break
		}
		a2 := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		if a2 == a {
			continue
		}
		if a2 == name && i+1 < len(t.Args) {
			v = t.Args[i+1]
		} else if strings.HasPrefix(a2, name+"=") {
			v = a2[len(name)+1:]
		} else {
			continue
		}
		if strings.ContainsAny(v, "${") {
			return "", source.Pos{}, false, false
		}
		return v, t.ArgsPos, true, true
	}
	return "", source.Pos{}, false, true
}
