package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// MissingRuntimeBinary is a program the service or its image definition runs that the image does
// not contain: an exec.Command target, the /bin/sh of a shell-form CMD or HEALTHCHECK, or a
// script's interpreter.
var MissingRuntimeBinary = &rule.Rule{
	ID:       "SS2011",
	Class:    "missing-runtime-binary",
	Title:    "program run at start-up is absent from the image",
	Severity: rule.Error,
	Doc: `**What happens.** Either the container cannot start:

    exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown

or the service starts and fails when it shells out:

    exec: "git": executable file not found in $PATH

**Why.** Shell-form CMD, ENTRYPOINT and HEALTHCHECK (CMD server --port 80, without brackets)
are run as /bin/sh -c "...", and scratch and distroless images have no /bin/sh. exec.Command and
exec.LookPath search PATH inside the container, where minimal images have no git, ffmpeg, curl
or bash; a HEALTHCHECK that runs curl or wget fails every probe, so a healthy service is
reported unhealthy (and replaced by Swarm or anything else that acts on health). A script's #!/bin/bash fails on alpine, which has only /bin/sh.

**How to confirm.**

    docker image inspect IMAGE --format '{{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Healthcheck}}'
    docker run --rm --entrypoint ls IMAGE -l /bin /usr/bin
    grep -rn 'exec.Command\|exec.LookPath' --include=*.go .

**How to fix.** Use exec form for commands, and install (or avoid) what the code runs:

    ENTRYPOINT ["/app/server"]
    HEALTHCHECK CMD ["/app/server", "healthcheck"]

    # alpine: RUN apk add --no-cache git`,
	Fix:     "Use exec-form ENTRYPOINT/CMD/HEALTHCHECK in images without a shell, and install every program the code executes (or do the work in Go).",
	Symptom: `exec: "/bin/sh": stat /bin/sh: no such file or directory`,
	Signatures: []rule.Signature{
		rule.Sig("executable file not found in $PATH",
			`exec: "(?P<path>[^"]+)": executable file not found in \$PATH`,
			`package github.com/aws/aws-sdk-go: exec: "git": executable file not found in $PATH`),
		rule.Sig("no such file or directory",
			`exec: \\*"(?P<path>/[^"\\]+)\\*": stat \S+: no such file or directory`,
			`OCI runtime create failed: container_linux.go:345: starting container process caused "exec: \"/bin/sh\": stat /bin/sh: no such file or directory": unknown`),
	},
	// Requires and Run: added with the detector.
}
