package network

import "github.com/shipshape-dev/shipshape/internal/rule"

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
- Kubernetes: depends on the container runtime. containerd sets the sysctl to 0 only when
  enable_unprivileged_ports is on (the default from containerd 2.0, off in 1.x); CRI-O leaves it
  at 1024 unless configured. Otherwise runAsNonRoot pods fail unless the pod sets
  securityContext.sysctls net.ipv4.ip_unprivileged_port_start. Adding the NET_BIND_SERVICE
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
    AmbientCapabilities=CAP_NET_BIND_SERVICE`,
	Fix:     "Listen on a port at or above 1024 and map 80/443 to it, or grant CAP_NET_BIND_SERVICE (systemd AmbientCapabilities=, Kubernetes capabilities or the ip_unprivileged_port_start sysctl).",
	Symptom: "listen tcp :80: bind: permission denied",
	Signatures: []rule.Signature{
		rule.Sig("permission denied",
			`listen (?:tcp|udp)[46]? (?:\[[^\]]*\]|[^\s:\[]*):(?P<port>\d+): (?:bind: )?permission denied`,
			"inlets_1  | 2020/02/05 09:09:06 listen tcp :80: bind: permission denied"),
	},
	// Requires and Run: added with the detector.
}
