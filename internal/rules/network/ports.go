package network

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// declared is one port a deployment artifact names for a target's program.
type declared struct {
	Port, End int // End > Port for a range
	Pos       source.Pos
	// What names the artifact: "EXPOSE 8000", "containerPort 8000", "compose ports 8080:8000".
	What string
	// Routes is true when traffic or probes are sent there (compose ports, Service targetPort,
	// probes); false for documentation (EXPOSE, containerPort, compose expose).
	Routes bool
	// Via is set for a named port reached through a containerPort (the Service or probe).
	Via []rule.Related
}

func (d declared) has(port int) bool {
	if d.End > d.Port {
		return port >= d.Port && port <= d.End
	}
	return port == d.Port
}

// declaredPorts lists what a target's artifacts say about its listening ports.
func declaredPorts(p *facts.Project, t *deploy.Target) []*declared {
	var out []*declared
	switch t.Kind {
	case deploy.KindImage:
		for _, e := range t.Image.Expose {
			if e.Unresolved || e.Port == 0 || e.Proto == "udp" {
				continue
			}
			out = append(out, &declared{Port: e.Port, End: e.End, Pos: e.Pos, What: "EXPOSE " + e.Raw})
		}
	case deploy.KindCompose:
		s := t.Service
		if s.NetworkMode.Value == "host" {
			return nil
		}
		for _, pt := range s.Ports {
			if strings.EqualFold(pt.Protocol.Value, "udp") || pt.Target.Templated() {
				continue
			}
			lo, hi, ok := pt.TargetRange()
			if !ok || lo == 0 {
				continue
			}
			what := "ports target " + pt.Target.Value
			if pt.Published.Value != "" {
				what = fmt.Sprintf("ports %s:%s", pt.Published.Value, pt.Target.Value)
			}
			out = append(out, &declared{Port: lo, End: hi, Pos: pt.Pos, What: what, Routes: true})
		}
		for _, e := range s.Expose {
			if n, ok := e.Int(); ok && n > 0 {
				out = append(out, &declared{Port: n, Pos: e.Pos, What: "expose " + e.Value})
			}
		}
	case deploy.KindKubernetes:
		c, w := t.Container, t.Object.Workload
		byName := map[string]*declared{}
		for _, cp := range c.Ports {
			if strings.EqualFold(cp.Protocol.Value, "udp") {
				continue
			}
			if n, ok := cp.ContainerPort.Int(); ok && n > 0 {
				d := &declared{Port: n, Pos: cp.ContainerPort.Pos, What: "containerPort " + cp.ContainerPort.Value}
				if cp.Name.Value != "" {
					d.What = fmt.Sprintf("containerPort %s (%s)", cp.ContainerPort.Value, cp.Name.Value)
					byName[cp.Name.Value] = d
				}
				out = append(out, d)
			}
		}
		// route adds a numeric port that traffic is sent to, or links a named one to its
		// containerPort. Ports another container of the pod declares are that container's.
		route := func(port k8s.Scalar, what string, pos source.Pos) {
			if port.Templated() || !port.Set() {
				return
			}
			if n, ok := port.Int(); ok {
				oc, _ := w.ContainerPort(port)
				if oc != nil && oc != c {
					return
				}
				// A Service port nobody declares, in a pod of several containers, may be any
				// container's.
				if oc == nil && len(w.Containers) > 1 && strings.HasPrefix(what, "Service") {
					return
				}
				out = append(out, &declared{Port: n, Pos: port.Pos, What: what + " " + port.Value, Routes: true})
				return
			}
			if d := byName[port.Value]; d != nil {
				d.Via = append(d.Via, rule.Related{Pos: pos, Message: fmt.Sprintf("%s %s names it", what, port.Value)})
			}
		}
		for _, pr := range c.Probes() {
			if pr.Handler == "httpGet" || pr.Handler == "tcpSocket" || pr.Handler == "grpc" {
				route(pr.Port, probeName(c, pr)+" port", pr.Port.Pos)
			}
		}
		for _, s := range k8s.Selecting(p.Kubernetes, t.Object) {
			for _, sp := range s.Service.Ports {
				if strings.EqualFold(sp.Protocol.Value, "udp") {
					continue
				}
				tp := sp.TargetPort
				if !tp.Set() {
					tp = sp.Port
				}
				route(tp, fmt.Sprintf("Service %s targetPort", s.Name.Value), tp.Pos)
			}
		}
	}
	return out
}

func probeName(c *k8s.Container, pr *k8s.Probe) string {
	switch pr {
	case c.LivenessProbe:
		return "livenessProbe"
	case c.ReadinessProbe:
		return "readinessProbe"
	case c.StartupProbe:
		return "startupProbe"
	}
	return "probe"
}

// listenDesc describes where a program listens: "8080 (main.go:60 gin.Run, $PORT unset,
// default 8080)".
func listenDesc(ls []deploy.Listen) string {
	var parts []string
	for _, l := range ls {
		s := fmt.Sprintf("%d (%s %s", l.Port, l.L.Pos.Short(), l.L.Via)
		if l.Why != "" {
			s += ", " + l.Why
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, " and ")
}

func listenRelated(ls []deploy.Listen) []rule.Related {
	var out []rule.Related
	for _, l := range ls {
		msg := fmt.Sprintf("%s listens on port %d", l.L.Via, l.Port)
		if l.Why != "" {
			msg += " (" + l.Why + ")"
		}
		out = append(out, rule.Related{Pos: l.L.Pos, Message: msg})
		if l.Set.File != "" {
			out = append(out, rule.Related{Pos: l.Set, Message: "sets the listen address: " + l.Why})
		}
	}
	return out
}

// known returns the listeners when every one is known, else nil.
func known(ls []deploy.Listen) []deploy.Listen {
	for _, l := range ls {
		if !l.Known {
			return nil
		}
	}
	return ls
}

func portsOf(ls []deploy.Listen) map[int]bool {
	m := map[int]bool{}
	for _, l := range ls {
		m[l.Port] = true
	}
	return m
}

func sortedPorts(m map[int]bool) []int {
	var out []int
	for p := range m {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}
