package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// UserMissing is a USER (or runAsUser) the runtime cannot resolve: a user name in an image
// without /etc/passwd, or a non-numeric USER where runAsNonRoot must verify a UID.
var UserMissing = &rule.Rule{
	ID:       "SS2012",
	Class:    "user-missing",
	Title:    "image user cannot be resolved to a uid",
	Severity: rule.Error,
	Doc: `**What happens.** The container is never started:

    docker: Error response from daemon: unable to find user nobody: no matching entries in passwd file.
    Error: container has runAsNonRoot and image has non-numeric user (nonroot), cannot verify user is non-root

**Why.** The runtime resolves a USER name through the image's /etc/passwd before it starts the
process. scratch has no /etc/passwd, so USER nobody or USER app fails; adduser in a builder
stage does not carry the account into the final stage. Kubernetes runAsNonRoot: true decides
from the image configuration alone, before starting anything, and can only trust a numeric UID,
so USER nonroot is refused even though the image maps it to 65532.

**How to confirm.**

    docker image inspect IMAGE --format '{{.Config.User}}'
    docker run --rm --entrypoint cat IMAGE /etc/passwd
    kubectl describe pod POD | grep -A3 'Error:'

**How to fix.** Use a numeric UID (and GID), which needs no passwd entry:

    USER 65532:65532

or copy /etc/passwd and /etc/group from the builder, or set runAsUser in the pod.`,
	Fix:     "Set USER to a numeric uid:gid (USER 65532:65532), or copy /etc/passwd and /etc/group into the final image; give runAsNonRoot pods a numeric user or runAsUser.",
	Symptom: "unable to find user app: no matching entries in passwd file",
	Signatures: []rule.Signature{
		rule.Sig("no matching entries in passwd file",
			`unable to find user (?P<name>[^:\s]+): no matching entries in passwd file\.?$`,
			"docker: Error response from daemon: unable to find user nobody: no matching entries in passwd file."),
		rule.Sig("image has non-numeric user",
			`container has runAsNonRoot and image has non-numeric user \((?P<name>[^)]+)\), cannot verify user is non-root`,
			`Error: container has runAsNonRoot and image has non-numeric user (nobody), cannot verify user is non-root (pod: "kuard-798585497b-4lpqf_default(6e554b4c-4f39-4fae-97c6-b147436639f4)", container: kuard)`),
		rule.Sig("Failed to determine user credentials",
			`(?:^|\s)(?P<name>\S+\.service): Failed to determine user credentials: No such process$`,
			"systemd[1965636]: ntpd-rs.service: Failed to determine user credentials: No such process"),
		rule.Sig("status=217/USER",
			`code=exited, status=217/USER\)?$`,
			" Main PID: 1182 (code=exited, status=217/USER)"),
	},
	// Requires and Run: added with the detector.
}
