package kube

import "github.com/shipshape-dev/shipshape/internal/rule"

// ConfigMapOverBinary is a ConfigMap or Secret volume mounted over the directory that holds the
// container's executable, which hides it.
var ConfigMapOverBinary = &rule.Rule{
	ID:       "SS4001",
	Class:    "k8s-config",
	Title:    "volume mounted over the directory that holds the binary",
	Severity: rule.Error,
	Doc: `**What happens.** The pod never starts; kubectl describe shows StartError or
RunContainerError:

    Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown

**Why.** A volume mount replaces the whole target directory with the volume's contents. Mounting
a ConfigMap at /app to provide /app/config.yaml hides everything the image had under /app,
including the binary the entrypoint names, so the runtime cannot find it. The same happens with
a Secret, an emptyDir, or a PVC mounted at the WORKDIR.

**How to confirm.**

    kubectl describe pod POD | grep -E 'Mounts:|/app|Error'
    docker image inspect IMAGE --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'

**How to fix.** Mount the configuration somewhere else, or mount just the file with subPath:

    volumeMounts:
      - name: config
        mountPath: /app/config.yaml
        subPath: config.yaml

(a subPath mount does not receive ConfigMap updates; mounting at /etc/app and pointing the
service there with a flag avoids that).`,
	Fix:     "Mount the ConfigMap or Secret at a directory that does not contain the binary (e.g. /etc/app), or mount single files with subPath.",
	Symptom: `exec: "/app/server": stat /app/server: no such file or directory`,
	Signatures: []rule.Signature{
		rule.Sig("no such file or directory",
			`exec: \\*"(?P<path>/[^"\\]+)\\*": stat \S+: no such file or directory`,
			`Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/blocky": stat /app/blocky: no such file or directory: unknown`),
		rule.Sig("not found",
			`: exec: (?P<path>\S+): not found$`,
			"/usr/local/bin/docker-entrypoint.sh: 9: exec: ./kafkahq: not found"),
	},
	// Requires and Run: added with the detector.
}
