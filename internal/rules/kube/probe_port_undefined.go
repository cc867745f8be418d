package kube

import "github.com/shipshape-dev/shipshape/internal/rule"

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
        port: http`,
	Fix:     "Declare the named port in the same container's ports (or use the numeric port) for every probe.",
	Symptom: `probe errored: strconv.Atoi: parsing "http": invalid syntax`,
	Signatures: []rule.Signature{
		rule.Sig("probe errored",
			`(?:Liveness|Readiness|Startup) probe errored(?: and resulted in unknown state)?: strconv\.Atoi: parsing "(?P<port>[^"]+)": invalid syntax$`,
			`Liveness probe errored and resulted in unknown state: strconv.Atoi: parsing "controller": invalid syntax`),
	},
	// Requires and Run: added with the detector.
}
