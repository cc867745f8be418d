package kube

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// ProbePortUndefined is a liveness, readiness or startup probe that names a port the container
// does not define.
var ProbePortUndefined = &rule.Rule{
	ID:       "SS4003",
	Class:    "k8s-config",
	Title:    "probe uses a named port the container does not define",
	Severity: rule.Error,
	Doc: `**What happens.** The API server accepts the manifest, the container runs, and the probe never
gives an answer: the pod stays not Ready (readiness) or is never restarted when it hangs
(liveness). The events repeat:

    Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax

**Why.** httpGet.port and tcpSocket.port take a number or the name of one of the container's
ports[].name. The kubelet looks the name up in that container only; when it is not there it
falls back to parsing the name as a number, and the error hides the real cause. Names drift:
a chart renames http to http-web, a port moves to a sidecar, or ports are not declared at all.

**How to confirm.**

    kubectl get pod POD -o jsonpath='{range .spec.containers[*]}{.name}: {.ports}{"\n"}{end}'
    kubectl describe pod POD | grep -i probe

**How to fix.** Name the port on the same container, or use the number:

    ports:
      - name: http
        containerPort: 8080
    readinessProbe:
      httpGet:
        path: /healthz
        port: http

**What shipshape checks.** httpGet and tcpSocket probes whose port is a name that none of the
same container's ports carries (a sidecar's port does not count). Templated names and
containers whose ports a Helm template produces are skipped.`,
	Fix:     "Declare the named port in the same container's ports (or use the numeric port) for every probe.",
	Symptom: `probe errored: strconv.Atoi: parsing "http": invalid syntax`,
	Signatures: []rule.Signature{
		rule.Sig("probe errored",
			`(?:Liveness|Readiness|Startup) probe errored(?: and resulted in unknown state)?: strconv\.Atoi: parsing "(?P<port>[^"]+)": invalid syntax$`,
			`Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "controller": invalid syntax`),
	},
	Requires: []rule.Input{rule.Kubernetes},
	Run:      runProbePortUndefined,
}

// runProbePortUndefined reports httpGet and tcpSocket probes whose port is a name that none of
// the same container's ports carries. Templated names, and containers whose ports a template
// may have produced, are skipped.
func runProbePortUndefined(p *rule.Pass) error {
	for _, pc := range containers(p.Project.Kubernetes) {
		c := pc.c
		for _, pr := range c.Probes() {
			if pr.Handler != "httpGet" && pr.Handler != "tcpSocket" {
				continue
			}
			port := pr.Port
			if !port.Set() || port.Templated() || port.Value == "" {
				continue
			}
			if _, ok := port.Int(); ok || c.Port(port.Value) != nil {
				continue
			}
			var names []string
			var related []rule.Related
			templated := false
			for _, cp := range c.Ports {
				templated = templated || cp.Name.Templated()
				if cp.Name.Value != "" {
					names = append(names, fmt.Sprintf("%s=%s", cp.Name.Value, cp.ContainerPort.Value))
					related = append(related, rule.Related{Pos: cp.Pos, Message: fmt.Sprintf("port %s (%s)", cp.Name.Value, cp.ContainerPort.Value)})
				}
			}
			if templated || (pc.o.Template && len(c.Ports) == 0) {
				continue
			}
			declared := "it declares no ports"
			if len(c.Ports) > 0 && len(names) == 0 {
				declared = "its ports have no names"
			} else if len(names) > 0 {
				declared = "its ports are " + strings.Join(names, ", ")
			}
			elsewhere := ""
			for _, other := range pc.o.Workload.AllContainers() {
				if other != c && other.Port(port.Value) != nil {
					elsewhere = fmt.Sprintf(" (container %q declares it, but a probe only sees its own container's ports)", other.Name.Value)
					related = append(related, rule.Related{Pos: other.Port(port.Value).Pos, Message: fmt.Sprintf("port %s of container %q", port.Value, other.Name.Value)})
				}
			}
			related = append(related, rule.Related{Pos: c.Pos, Message: "container " + c.Name.Value})
			p.Report(rule.Finding{
				Pos: port.Pos,
				Message: fmt.Sprintf("%s %s of %s uses port %q, which the container does not declare (%s)%s: the kubelet cannot resolve the name and the probe errors (strconv.Atoi: parsing %q), so the pod %s",
					port.Pos.Short(), probeKind(c, pr), pc.name(), port.Value, declared, elsewhere, port.Value, consequence(c, pr)),
				Related: related,
			})
		}
	}
	return nil
}

func probeKind(c *k8s.Container, pr *k8s.Probe) string {
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

func consequence(c *k8s.Container, pr *k8s.Probe) string {
	switch pr {
	case c.ReadinessProbe:
		return "never becomes Ready"
	case c.LivenessProbe:
		return "is never restarted when it hangs"
	case c.StartupProbe:
		return "never finishes starting"
	}
	return "is never probed"
}
