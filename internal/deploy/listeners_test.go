package deploy

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
)

func TestResolve(t *testing.T) {
	pos := source.Pos{File: "deploy/k8s.yaml", Line: 9}
	envPort := &gocode.Listener{Via: "http.ListenAndServe", Addr: ":8080", Port: 8080, PortFromEnv: "PORT", AllInterfaces: true}
	flagAddr := &gocode.Listener{Via: "http.ListenAndServe", Addr: ":8080", Port: 8080, Flag: "addr", AllInterfaces: true}
	fixed := &gocode.Listener{Via: "http.ListenAndServe", Addr: "127.0.0.1:9000", Host: "127.0.0.1", Port: 9000, Loopback: true}
	cases := []struct {
		name     string
		t        *Target
		l        *gocode.Listener
		port     int
		host     string
		known    bool
		loopback bool
	}{
		{"env unset uses the default", &Target{}, envPort, 8080, "", true, false},
		{"env set to a port", withEnv("PORT", "3000", true, pos), envPort, 3000, "", true, false},
		{"env set to an address", withEnv("PORT", "127.0.0.1:3000", true, pos), envPort, 3000, "127.0.0.1", true, true},
		{"env set where the value is hidden", withEnv("PORT", "", false, pos), envPort, 0, "", false, false},
		{"env maybe set by an opaque source", &Target{envOpen: "envFrom x"}, envPort, 0, "", false, false},
		{"flag given as -addr=:9000", &Target{Args: []string{"-addr=:9000"}, ArgsKnown: true}, flagAddr, 9000, "", true, false},
		{"flag given as --addr 0.0.0.0:7000", &Target{Args: []string{"--addr", "0.0.0.0:7000"}, ArgsKnown: true}, flagAddr, 7000, "0.0.0.0", true, false},
		{"flag absent uses the default", &Target{Args: []string{"-v"}, ArgsKnown: true}, flagAddr, 8080, "", true, false},
		{"flag with a variable", &Target{Args: []string{"-addr=:$(PORT)"}, ArgsKnown: true}, flagAddr, 0, "", false, false},
		{"arguments unknown", &Target{}, flagAddr, 0, "", false, false},
		{"literal loopback", &Target{}, fixed, 9000, "127.0.0.1", true, true},
		{"unresolved", &Target{}, &gocode.Listener{Unresolved: true}, 0, "", false, false},
	}
	for _, c := range cases {
		got := c.t.Resolve(c.l)
		if got.Known != c.known || (c.known && (got.Port != c.port || got.Host != c.host || got.Loopback() != c.loopback)) {
			t.Errorf("%s: got port %d host %q known %v loopback %v (%s), want %d %q %v %v",
				c.name, got.Port, got.Host, got.Known, got.Loopback(), got.Why, c.port, c.host, c.known, c.loopback)
		}
	}
}

func TestSubcommand(t *testing.T) {
	cobra := &gocode.Program{Name: "app", Reach: map[string]bool{"github.com/spf13/cobra": true}}
	plain := &gocode.Program{Name: "app", Reach: map[string]bool{"net/http": true}}
	for _, c := range []struct {
		prog  *gocode.Program
		args  []string
		known bool
		want  string
	}{
		{cobra, []string{"serve", "--port", "8080"}, true, ""},
		{cobra, []string{"--verbose", "worker"}, true, "worker"},
		{cobra, nil, true, ""},
		{cobra, nil, false, "(unknown arguments)"},
		{plain, []string{"worker"}, true, ""},
	} {
		tg := &Target{Program: c.prog, Args: c.args, ArgsKnown: c.known}
		if got := tg.Subcommand(); got != c.want {
			t.Errorf("%v (known %v) with %v: got %q, want %q", c.args, c.known, c.prog.Reach, got, c.want)
		}
	}
}

func TestUnmodeledFrameworkMakesListenersUnknown(t *testing.T) {
	g := &gocode.Facts{Listeners: []*gocode.Listener{{Site: gocode.Site{Pkg: "example.com/app"}, Via: "http.ListenAndServe", Addr: ":6060", Port: 6060, AllInterfaces: true}}}
	prog := &gocode.Program{Name: "app", Reach: map[string]bool{"example.com/app": true, "github.com/beego/beego/v2/server/web": true}}
	g.Programs = []*gocode.Program{prog}
	ls := (&Target{Program: prog}).Listeners(g)
	unknown := 0
	for _, l := range ls {
		if !l.Known {
			unknown++
		}
	}
	if len(ls) != 2 || unknown != 1 {
		t.Fatalf("beego's listener must stand beside the known one as unknown, got %+v", ls)
	}
	plain := &gocode.Program{Name: "app", Reach: map[string]bool{"example.com/app": true}}
	g2 := &gocode.Facts{Listeners: g.Listeners, Programs: []*gocode.Program{plain}}
	if ls := (&Target{Program: plain}).Listeners(g2); len(ls) != 1 || !ls[0].Known {
		t.Fatalf("a net/http program has only its known listener, got %+v", ls)
	}
}
