package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// GoVersionMismatch is a Docker build whose builder image carries an older Go than go.mod asks for.
var GoVersionMismatch = &rule.Rule{
	ID:       "SS1010",
	Class:    "go-version-mismatch",
	Title:    "go.mod requires a newer Go than the builder image provides",
	Severity: rule.Error,
	Doc: `**What happens.** The image build stops at the first go command of the builder stage
(usually go mod download or go build):

    go: go.mod requires go >= 1.25.0 (running go 1.24.13; GOTOOLCHAIN=local)

No image is produced; nothing starts.

**Why.** Since Go 1.21 the go line of go.mod (and the toolchain line) is a minimum, not a hint.
A go command older than that minimum either downloads the newer toolchain or refuses to run,
depending on GOTOOLCHAIN. The official golang images set GOTOOLCHAIN=local, so a FROM golang:1.24
stage refuses a module that says go 1.25.0. It breaks silently on the day go.mod is bumped (by
go get of a dependency that requires a newer Go, or go mod tidy) while CI, using
actions/setup-go with go-version-file, keeps passing; builders older than Go 1.21 fail earlier,
on the three-part version or on the toolchain directive itself.

**How to confirm.**

    grep -E '^(go|toolchain) ' go.mod
    grep -n '^FROM golang' Dockerfile
    docker run --rm golang:1.24 go env GOVERSION GOTOOLCHAIN

**How to fix.** Build with an image at least as new as go.mod, and keep the two in step
(Dependabot or Renovate can update both):

    FROM golang:1.25 AS build

or, when the build may download toolchains, let it:

    ENV GOTOOLCHAIN=auto`,
	Fix:     "Use a golang builder image whose Go version is at least the go (and toolchain) line of go.mod, or set GOTOOLCHAIN=auto in the builder stage.",
	Symptom: "go: go.mod requires go >= X (running go Y; GOTOOLCHAIN=local)",
	Signatures: []rule.Signature{
		rule.Sig("go.mod requires go >=",
			`^(?:#\d+ )?(?:\d+\.\d+ )?go: go\.mod requires go >= (?P<version>[0-9][0-9A-Za-z.]*) \(running go [0-9][0-9A-Za-z.]*; GOTOOLCHAIN=local\)$`,
			"#25 0.058 go: go.mod requires go >= 1.25.0 (running go 1.24.13; GOTOOLCHAIN=local)"),
		rule.Sig("unknown directive: toolchain",
			`(?:^|\s)(?P<path>\S*go\.mod):\d+: unknown directive: toolchain$`,
			"#0 0.135 \t/go/src/github.com/devtron-labs/devtron/go.mod:5: unknown directive: toolchain"),
	},
	// Requires and Run: added with the detector.
}
