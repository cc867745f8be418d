package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// FilePermission is a write the service makes at run time to a place its deployment does not let
// it write: a read-only root filesystem, ProtectSystem=strict, or a root-owned directory while
// running as a non-root user.
var FilePermission = &rule.Rule{
	ID:       "SS2008",
	Class:    "file-permission",
	Title:    "service writes where its user or filesystem does not allow",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits, or fails the first time it writes a log, cache, database
or upload:

    open /tmp/app.log: read-only file system
    mkdir /app/data: permission denied

**Why.** Three common set-ups forbid writes the code assumes: Kubernetes
readOnlyRootFilesystem: true and docker run --read-only make every path outside mounted volumes
read-only (EROFS), /tmp included; systemd ProtectSystem=strict does the same for the whole tree
except /dev, /proc, /sys and the paths in ReadWritePaths= or StateDirectory=/LogsDirectory=;
and USER nonroot (65532 in distroless :nonroot) cannot create files in directories that COPY
(without --chown), ADD or RUN mkdir created as root (EACCES).

**How to confirm.**

    kubectl get pod POD -o jsonpath='{.spec.containers[*].securityContext}'
    systemctl show -p ProtectSystem -p ReadWritePaths myservice
    docker run --rm --entrypoint ls IMAGE -ldn /app /app/data
    shipshape check .

**How to fix.** Give the process a writable place and point it there:

    COPY --from=build --chown=65532:65532 /out/data /app/data

    # Kubernetes: an emptyDir mounted at /tmp or /app/data
    # systemd:   StateDirectory=myservice   (-> /var/lib/myservice, writable)`,
	Fix:     "Write only to mounted volumes or declared writable paths (emptyDir, StateDirectory=, ReadWritePaths=), and chown directories the non-root user writes to (COPY --chown).",
	Symptom: "open <path>: read-only file system / permission denied",
	Signatures: []rule.Signature{
		rule.Sig("read-only file system",
			`(?:open|mkdir|create|remove|rename|symlink|link) (?P<path>/\S+): read-only file system"?$`,
			"log: exiting because of error: log: cannot create log: open /tmp/vsphere-cloud-controller-manager.p-golovin-vsphere-master-0.nobody.log.WARNING.20201217-085031.1: read-only file system"),
		rule.Sig("permission denied",
			`(?:^|[\s"=:])(?:open|mkdir|create|remove|rename) (?P<path>/\S+): permission denied"?$`,
			"Error saving credentials: mkdir /home/app: permission denied"),
	},
	// Requires and Run: added with the detector.
}
