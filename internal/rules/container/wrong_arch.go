package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// WrongArch is a binary built for one CPU architecture in an image run on another.
var WrongArch = &rule.Rule{
	ID:       "SS2003",
	Class:    "wrong-arch",
	Title:    "binary built for a different CPU architecture than the image",
	Severity: rule.Error,
	Doc: `**What happens.** The container exits at once:

    exec /app/server: exec format error
    standard_init_linux.go:211: exec user process caused "exec format error"

**Why.** execve checks the ELF machine field; an x86-64 binary on an arm64 node (Graviton,
Apple silicon, Raspberry Pi) or the reverse gets ENOEXEC. In multi-platform builds this happens
when the Dockerfile hard-codes GOARCH=amd64 while buildx builds linux/arm64 too, when ARG
TARGETARCH is used but not declared in the stage (it expands to empty and go builds for the
builder's own architecture), or when a prebuilt binary is copied into every platform's image.

**How to confirm.**

    docker image inspect IMAGE --format '{{.Os}}/{{.Architecture}}'
    docker run --rm --entrypoint cat IMAGE /app/server | file -
    kubectl get node NODE -o jsonpath='{.status.nodeInfo.architecture}'

**How to fix.** Cross-compile for the platform being built:

    FROM --platform=$BUILDPLATFORM golang:1.25 AS build
    ARG TARGETOS TARGETARCH
    RUN GOOS=$TARGETOS GOARCH=$TARGETARCH CGO_ENABLED=0 go build -o /out/server .`,
	Fix:     "Derive GOARCH from the declared ARG TARGETARCH in the build stage instead of hard-coding it, and build the image for every platform it will run on.",
	Symptom: "exec /app: exec format error",
	Signatures: []rule.Signature{
		rule.Sig("exec format error",
			`(?:^|\| |: )exec (?P<path>/\S+): exec format error$`,
			"exec /adguard-exporter: exec format error"),
		rule.Sig("exec user process caused",
			`standard_init_linux\.go:\d+: exec user process caused:? "?exec format error"?$`,
			`standard_init_linux.go:211: exec user process caused "exec format error"`),
		rule.Sig("cannot execute binary file",
			`(?i)(?:^|\s)(?:\S+: line \d+: )?(?:(?P<path>\S+): )?cannot execute binary file: exec format error$`,
			"script/ensure-go-installed: line 46: /home/pi/git/gh-ost/.vendor/go19/go/bin/go: cannot execute binary file: Exec format error"),
		rule.Sig("Exec format error",
			`^/bin/sh: \d+: (?P<path>\S+): Exec format error$`,
			"/bin/sh: 1: go: Exec format error"),
	},
	// Requires and Run: added with the detector.
}
