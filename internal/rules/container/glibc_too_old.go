package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// GlibcTooOld is a cgo binary linked against a newer glibc than the runtime image or host has.
var GlibcTooOld = &rule.Rule{
	ID:       "SS2002",
	Class:    "glibc-too-old",
	Title:    "binary needs a newer glibc than the runtime provides",
	Severity: rule.Error,
	Doc: `**What happens.** The loader refuses to start the binary:

    /app/server: /lib/x86_64-linux-gnu/libc.so.6: version ` + "`GLIBC_2.34'" + ` not found (required by /app/server)

**Why.** A cgo binary records the glibc symbol versions it was linked against (GLIBC_2.32,
GLIBC_2.34, ...). The dynamic loader checks them against the libc.so.6 of the machine it runs on
and stops if that libc is older. Untagged golang:1.x images follow the newest Debian (bookworm:
glibc 2.36; trixie: 2.41), so a rebuild silently moves the requirement forward while the runtime
stays on bullseye (2.31), ubuntu:20.04 (2.31), amazonlinux:2 (2.26) or an old distroless base.

**How to confirm.**

    objdump -T server | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1
    docker run --rm --entrypoint /lib/x86_64-linux-gnu/libc.so.6 IMAGE
    ldd --version
    shipshape inspect ./server

**How to fix.** Build on the same Debian release as the runtime, pinned by name, or drop cgo:

    FROM golang:1.25-bookworm AS build
    ...
    FROM gcr.io/distroless/base-debian12

    # or: RUN CGO_ENABLED=0 go build ...`,
	Fix:     "Pin the builder to the runtime's distribution release (golang:X-bookworm with a debian12 runtime) or build with CGO_ENABLED=0.",
	Symptom: "libc.so.6: version `GLIBC_2.34' not found",
	Signatures: []rule.Signature{
		rule.Sig("GLIBC_",
			"^(?:.*\\| )?(?:(?P<path>\\S+): )?\\S+\\.so(?:\\.\\d+)*: version [`']GLIBC_(?P<version>[0-9.]+)' not found(?: \\(required by \\S+\\))?$",
			"/app/tangia: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /app/tangia)"),
	},
	// Requires and Run: added with the detector.
}
