package kube

import "github.com/shipshape-dev/shipshape/internal/rule"

// MountedKeyMissing is a ConfigMap or Secret volume whose keys, items or subPath do not line up
// with the file the code reads.
var MountedKeyMissing = &rule.Rule{
	ID:       "SS4002",
	Class:    "k8s-config",
	Title:    "mounted key or subPath does not provide the file the code reads",
	Severity: rule.Warning,
	Doc: `**What happens.** Depending on the mismatch, the pod is stuck in ContainerCreating:

    MountVolume.SetUp failed for volume "config" : configmap references non-existent config key: app.yaml

or, worse, it starts: the code finds no file where it looks (and runs on defaults), or finds an
empty directory where it expected a file and fails with "is a directory".

**Why.** A configMap volume creates one file per key (or per items entry, named by its path).
An items key that the ConfigMap lacks fails the mount; a subPath that names a key not present
(with optional: true, or a typo in the path) makes the kubelet mount an empty directory at the
target instead of failing. A ConfigMap key named app.yml while the code opens
/etc/app/config.yaml mounts fine and is never read.

**How to confirm.**

    kubectl get configmap NAME -o jsonpath='{.data}' | tr ',' '\n'
    kubectl describe pod POD | grep -A2 -E 'FailedMount|Mounts:'
    kubectl exec POD -- ls -la /etc/app

**How to fix.** Make the key, the items path or subPath, the mountPath and the path the code
opens agree:

    volumes:
      - name: config
        configMap:
          name: app
          items:
            - key: config.yaml
              path: config.yaml`,
	Fix:     "Make the ConfigMap/Secret key, items path or subPath and mountPath produce exactly the file path the code opens.",
	Symptom: "references non-existent config key",
	Signatures: []rule.Signature{
		rule.Sig("references non-existent config key",
			`references non-existent config key(?:: (?P<name>\S+))?\.?$`,
			`MountVolume.SetUp failed for volume "kubernetes.io/configmap/b690cfd1-7386-11e7-b005-080027f96241-config" (spec.Name: "config") pod "b690cfd1-7386-11e7-b005-080027f96241" (UID: "b690cfd1-7386-11e7-b005-080027f96241") with: references non-existent config key.`),
	},
	// Requires and Run: added with the detector.
}
