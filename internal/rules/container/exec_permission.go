package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// ExecPermission is an entrypoint, command or script that is not executable in the image.
var ExecPermission = &rule.Rule{
	ID:       "SS2009",
	Class:    "exec-permission",
	Title:    "entrypoint or script is not executable",
	Severity: rule.Error,
	Doc: `**What happens.** The container does not start:

    exec: "/entrypoint.sh": permission denied: unknown
    standard_init_linux.go:190: exec user process caused "permission denied"

**Why.** execve needs the execute bit for the user the process runs as. COPY and ADD keep the
mode from the build context, and the build context gets it from the checkout: a script committed
without +x (git mode 100644 rather than 100755), or created on Windows or extracted from a zip,
arrives as 0644. A binary copied with COPY --chmod=644, or a volume mounted noexec over the
binary's directory, fails the same way.

**How to confirm.**

    git ls-files -s entrypoint.sh           # 100644 means not executable
    docker run --rm --entrypoint ls IMAGE -l /entrypoint.sh
    shipshape check .

**How to fix.** Record the bit in git, or set it when copying:

    git update-index --chmod=+x entrypoint.sh

    COPY --chmod=755 entrypoint.sh /entrypoint.sh`,
	Fix:     "Commit the script with the executable bit (git update-index --chmod=+x) or copy it with COPY --chmod=755.",
	Symptom: `exec: "/entrypoint.sh": permission denied`,
	Signatures: []rule.Signature{
		rule.Sig("permission denied",
			`exec: \\*"(?P<path>[^"\\]+)\\*": permission denied`,
			`docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/entrypoint.sh": permission denied: unknown.`),
		rule.Sig("exec user process caused",
			`standard_init_linux\.go:\d+: exec user process caused:? "?permission denied"?$`,
			`standard_init_linux.go:190: exec user process caused "permission denied"`),
	},
	// Requires and Run: added with the detector.
}
