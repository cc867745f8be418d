package kube

import "github.com/shipshape-dev/shipshape/internal/rule"

// ConfigRefMissing is an env, envFrom or volume reference to a ConfigMap or Secret (or a key in
// one) that the repository's manifests do not define.
var ConfigRefMissing = &rule.Rule{
	ID:       "SS4004",
	Class:    "k8s-config",
	Title:    "referenced ConfigMap, Secret or key is not defined",
	Severity: rule.Error,
	Doc: `**What happens.** The pod is scheduled and the container is never created; kubectl get pods
shows CreateContainerConfigError and the events say why:

    Error: configmap "app-config" not found
    Error: secret "db-credentials" not found
    Error: couldn't find key DATABASE_URL in Secret default/db-credentials

**Why.** The kubelet resolves env[].valueFrom.configMapKeyRef/secretKeyRef and
envFrom[].configMapRef/secretRef when it creates the container. A missing object, or a missing
key in an existing one, stops container creation unless the reference is optional: true. The
object is often created out of band (by hand, by another chart, by an operator, by
external-secrets), in another namespace, or under a name that changed with a release.

**How to confirm.**

    kubectl get pods
    kubectl describe pod POD | grep -A2 Error
    kubectl get configmap,secret -n NAMESPACE
    kubectl get secret NAME -o jsonpath='{.data}'

**How to fix.** Ship the object with the workload (or document who creates it), in the same
namespace and with the key names the pod uses; mark truly optional inputs optional:

    envFrom:
      - secretRef:
          name: db-credentials
          optional: false`,
	Fix:     "Define every referenced ConfigMap and Secret, with the referenced keys, in the workload's namespace (or mark the reference optional: true).",
	Symptom: `CreateContainerConfigError: secret "x" not found`,
	Signatures: []rule.Signature{
		rule.Sig("couldn't find key",
			`Error: couldn't find key (?P<var>\S+) in (?:Secret|ConfigMap) (?P<name>\S+)$`,
			"Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret"),
		rule.Sig("not found",
			`(?:Error: |: )(?:secrets?|configmaps?) "(?P<name>[^"]+)" not found$`,
			`Warning  Failed     4m11s (x6 over 4m53s)  kubelet, <redacted-address>  Error: secrets "secrets-2.16.4-1" not found`),
	},
	// Requires and Run: added with the detector.
}
