package network

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// PrivilegedPort is a non-root service that binds a port below 1024 where its runtime does not
// allow it.
var PrivilegedPort = &rule.Rule{
	ID:       "SS6003",
	Class:    "privileged-port",
	Title:    "non-root service binds a privileged port",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits at start-up:

    listen tcp :80: bind: permission denied

**Why.** Binding a port below net.ipv4.ip_unprivileged_port_start (1024 by default) needs
CAP_NET_BIND_SERVICE. Whether a non-root process has it depends on the runtime:

- Docker 20.10 and later sets ip_unprivileged_port_start=0 in each container's network
  namespace, so USER 65532 may bind :80 (unless --network=host, or an older engine or Podman).
- systemd: User=app without AmbientCapabilities=CAP_NET_BIND_SERVICE fails; the host sysctl
  applies.
- Kubernetes: depends on the container runtime, which is why shipshape says warning. containerd
  sets the sysctl to 0 in pods only when the CRI plugin's enable_unprivileged_ports is on: the
  default from containerd 2.0 (containerd/containerd#9348, noted in #11502), off in 1.x unless
  the distribution turns it on (k3s, kind and minikube do). CRI-O leaves it at 1024 unless
  default_sysctls says otherwise (cri-o/cri-o#10050). Elsewhere a non-root pod fails unless it
  sets securityContext.sysctls net.ipv4.ip_unprivileged_port_start (a safe sysctl since
  Kubernetes 1.22, kubernetes/kubernetes#102612). Adding the NET_BIND_SERVICE
  capability alone does not help a non-root process (it gets no ambient capabilities) unless
  the binary carries it as a file capability (setcap cap_net_bind_service=+ep).

**How to confirm.**

    systemctl show -p User -p AmbientCapabilities myservice
    kubectl exec POD -- cat /proc/sys/net/ipv4/ip_unprivileged_port_start
    docker run --rm --entrypoint id IMAGE

**How to fix.** Listen on a high port and map it (Service port 80 -> targetPort 8080,
-p 80:8080), or grant the capability:

    [Service]
    User=app
    AmbientCapabilities=CAP_NET_BIND_SERVICE

**What shipshape checks.** The ports the program listens on under each target (the code's
literal, or PORT from Environment= or the container's env). Units with User= other than root
or DynamicUser=yes, without CAP_NET_BIND_SERVICE in AmbientCapabilities= and without the "+"
prefix, are errors; Kubernetes containers with runAsUser other than 0, runAsNonRoot or a
non-root image USER are warnings; compose services with network_mode: host and a non-root user
are errors; plain Docker and compose are fine. A setcap cap_net_bind_service command (in a
Dockerfile RUN, a script or a unit's ExecStart=/ExecStartPre=; unless the unit sets
NoNewPrivileges=, which disables file capabilities), or a net.ipv4.ip_unprivileged_port_start
setting (a pod's or compose service's sysctls, sysctl -w, docker run --sysctl) anywhere in the
project silences the finding. Not read: sysctl.conf and sysctl.d files (no parser reads them)
and mentions in documentation.`,
	Fix:     "Listen on a port at or above 1024 and map 80/443 to it, or grant CAP_NET_BIND_SERVICE (systemd AmbientCapabilities=, Kubernetes capabilities or the ip_unprivileged_port_start sysctl).",
	Symptom: "listen tcp :80: bind: permission denied",
	Signatures: []rule.Signature{
		rule.Sig("permission denied",
			`listen (?:tcp|udp)[46]? (?:\[[^\]]*\]|[^\s:\[]*):(?P<port>\d+): (?:bind: )?permission denied`,
			"inlets_1  | 2020/02/05 09:09:06 listen tcp :80: bind: permission denied"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runPrivilegedPort,
}

// runPrivilegedPort models each runtime: a systemd unit whose non-root user lacks
// CAP_NET_BIND_SERVICE fails (error); a Kubernetes container that runs as non-root fails unless
// the node's runtime or the pod lowers ip_unprivileged_port_start (warning); Docker and compose
// allow it (Docker 20.10 and later) except with the host's network namespace.
func runPrivilegedPort(p *rule.Pass) error {
	var grants *grant
	for _, t := range deploy.All(p.Project) {
		if t.Program == nil {
			continue
		}
		var low []deploy.Listen
		for _, l := range t.Listeners(p.Project.Go) {
			if l.Known && l.Port > 0 && l.Port < 1024 {
				low = append(low, l)
			}
		}
		if len(low) == 0 {
			continue
		}
		if grants == nil {
			grants = findGrants(p.Project)
		}
		switch t.Kind {
		case deploy.KindSystemd:
			unitPrivileged(p, t, low, grants)
		case deploy.KindKubernetes:
			podPrivileged(p, t, low, grants)
		case deploy.KindCompose:
			hostNetPrivileged(p, t, low, grants)
		}
	}
	return nil
}

// grant is what the project does elsewhere to let a non-root process bind low ports: a file
// capability (setcap cap_net_bind_service) or the ip_unprivileged_port_start sysctl.
type grant struct{ setcap, sysctl source.Pos }

// unprivilegedPortStart is the sysctl (net.ipv4.ip_unprivileged_port_start, also written with
// slashes) that lowers the first port a process may bind without CAP_NET_BIND_SERVICE.
const unprivilegedPortStart = "ip_unprivileged_port_start"

// findGrants reads the grants from the facts: setcap and sysctl commands of Dockerfile RUNs,
// scripts and unit ExecStart=/ExecStartPre= lines (sysctl -w, docker run --sysctl), and the
// sysctls of Kubernetes pods and compose services. Each is the first in the facts' order.
func findGrants(p *facts.Project) *grant {
	g := &grant{}
	command := func(name string, args []string, pos source.Pos) {
		for _, a := range args {
			if strings.EqualFold(path.Base(name), "setcap") && strings.Contains(strings.ToLower(a), "cap_net_bind_service") && g.setcap.File == "" {
				g.setcap = pos
			}
			if strings.Contains(a, unprivilegedPortStart) && g.sysctl.File == "" {
				g.sysctl = pos
			}
		}
	}
	for _, f := range p.Dockerfiles {
		for _, st := range f.Stages {
			for _, r := range st.Runs {
				for _, c := range r.Calls {
					command(c.Name, c.Args, c.Pos)
				}
			}
		}
	}
	for _, s := range p.Scripts {
		for _, c := range s.Commands {
			command(c.Name, c.Args, c.Pos)
		}
	}
	for _, u := range p.Units {
		for _, c := range append(append([]*systemd.Command(nil), u.ExecStartPre...), u.ExecStart...) {
			command(c.Path, c.Args, c.Pos)
		}
	}
	sysctl := func(name string, pos source.Pos) {
		if strings.Contains(name, unprivilegedPortStart) && g.sysctl.File == "" {
			g.sysctl = pos
		}
	}
	for _, o := range p.Kubernetes {
		if o.Workload != nil {
			for _, s := range o.Workload.Sysctls {
				sysctl(s.Name.Value, s.Pos)
			}
		}
	}
	for _, f := range p.Compose {
		for _, s := range f.Services {
			for _, c := range s.Sysctls {
				sysctl(c.Name, c.Pos)
			}
		}
	}
	return g
}

func ports(ls []deploy.Listen) string {
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

// reportAt is where the finding goes: where the target sets the port, else the given position.
func reportAt(ls []deploy.Listen, fallback source.Pos) source.Pos {
	for _, l := range ls {
		if l.Set.File != "" {
			return l.Set
		}
	}
	return fallback
}

func unitPrivileged(p *rule.Pass, t *deploy.Target, low []deploy.Listen, g *grant) {
	u := t.Unit
	var who string
	var whoPos source.Pos
	switch {
	case u.User.Set() && u.User.Text != "root" && u.User.Text != "0" && !strings.ContainsAny(u.User.Text, "%$"):
		who, whoPos = "User="+u.User.Text, u.User.Pos
	case yes(u.DynamicUser):
		who, whoPos = "DynamicUser="+u.DynamicUser.Text, u.DynamicUser.Pos
	default:
		return
	}
	if t.Command.FullPrivileges || hasCap(u.AmbientCapabilities) {
		return
	}
	if g.sysctl.File != "" || (g.setcap.File != "" && !yes(u.NoNewPrivileges)) {
		return
	}
	rel := append(listenRelated(low), rule.Related{Pos: whoPos, Message: who + " runs the service as a non-root user"})
	p.Report(rule.Finding{
		Pos: reportAt(low, whoPos),
		Message: fmt.Sprintf("%s runs %s as %s (%s) without CAP_NET_BIND_SERVICE in AmbientCapabilities=, and it listens on privileged port %s: the bind fails with permission denied and the service exits",
			t.Name, t.Program.Name, who, whoPos.Short(), ports(low)),
		Related: rel,
	})
}

func yes(v systemd.Value) bool {
	switch strings.ToLower(v.Text) {
	case "yes", "true", "1", "on":
		return true
	}
	return false
}

// hasCap says whether an AmbientCapabilities= list grants CAP_NET_BIND_SERVICE ("~" inverts an
// entry: every capability except those listed).
func hasCap(vs []systemd.Value) bool {
	for _, v := range vs {
		inv := strings.HasPrefix(v.Text, "~")
		names := strings.Fields(strings.TrimPrefix(v.Text, "~"))
		found := false
		for _, n := range names {
			found = found || strings.EqualFold(n, "CAP_NET_BIND_SERVICE")
		}
		if found != inv {
			return true
		}
	}
	return false
}

func podPrivileged(p *rule.Pass, t *deploy.Target, low []deploy.Listen, g *grant) {
	if g.sysctl.File != "" || g.setcap.File != "" {
		return
	}
	c, w := t.Container, t.Object.Workload
	var who string
	var whoPos source.Pos
	for _, sc := range []*k8s.SecurityContext{c.SecurityContext, w.SecurityContext} {
		if sc == nil {
			continue
		}
		if n, ok := sc.RunAsUser.Int(); ok && who == "" {
			if n == 0 {
				return
			}
			who, whoPos = "runAsUser: "+sc.RunAsUser.Value, sc.RunAsUser.Pos
		}
	}
	if who == "" {
		for _, sc := range []*k8s.SecurityContext{c.SecurityContext, w.SecurityContext} {
			if sc != nil {
				if b, ok := sc.RunAsNonRoot.Bool(); ok && b && who == "" {
					who, whoPos = "runAsNonRoot: true", sc.RunAsNonRoot.Pos
				}
			}
		}
	}
	if who == "" && t.Image != nil {
		if user, pos, ok := t.Image.RunAs(); ok && user != "" && user != "root" && user != "0" && !strings.HasPrefix(user, "0:") && !strings.HasPrefix(user, "root:") {
			who, whoPos = "the image's USER "+user, pos
		}
	}
	if who == "" {
		return
	}
	rel := append(listenRelated(low), rule.Related{Pos: whoPos, Message: who + " runs the container as non-root"})
	p.Report(rule.Finding{
		Pos:      reportAt(low, whoPos),
		Severity: rule.Warning,
		Message: fmt.Sprintf("%s runs %s as non-root (%s at %s) and it listens on privileged port %s: unless the node's runtime sets net.ipv4.ip_unprivileged_port_start=0 in the pod (containerd with enable_unprivileged_ports, the default only from containerd 2.0; CRI-O when configured) or the pod sets that sysctl, the bind fails with permission denied",
			t.Name, t.Program.Name, who, whoPos.Short(), ports(low)),
		Related: rel,
	})
}

func hostNetPrivileged(p *rule.Pass, t *deploy.Target, low []deploy.Listen, g *grant) {
	s := t.Service
	if s.NetworkMode.Value != "host" || g.sysctl.File != "" || g.setcap.File != "" {
		return
	}
	who, whoPos := "", source.Pos{}
	switch {
	case s.User.Set():
		who, whoPos = "user: "+s.User.Value, s.User.Pos
		if s.User.Value == "root" || s.User.Value == "0" || strings.HasPrefix(s.User.Value, "0:") || strings.HasPrefix(s.User.Value, "root:") {
			return
		}
	case t.Image != nil:
		user, pos, ok := t.Image.RunAs()
		if !ok || user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
			return
		}
		who, whoPos = "the image's USER "+user, pos
	default:
		return
	}
	p.Report(rule.Finding{
		Pos: reportAt(low, s.NetworkMode.Pos),
		Message: fmt.Sprintf("%s runs %s as non-root (%s at %s) with network_mode: host (%s), where the host's ip_unprivileged_port_start applies, and it listens on privileged port %s: the bind fails with permission denied",
			t.Name, t.Program.Name, who, whoPos.Short(), s.NetworkMode.Pos.Short(), ports(low)),
		Related: append(listenRelated(low), rule.Related{Pos: whoPos, Message: who}, rule.Related{Pos: s.NetworkMode.Pos, Message: "network_mode: host"}),
	})
}
