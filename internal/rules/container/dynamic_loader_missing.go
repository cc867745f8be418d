package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// DynamicLoaderMissing is a dynamically linked Go binary in an image that lacks the loader (and libc)
// it was linked against: a glibc cgo binary on alpine, scratch or distroless static, or a musl one
// on a glibc image.
var DynamicLoaderMissing = &rule.Rule{
	ID:       "SS2001",
	Class:    "dynamic-loader-missing",
	Title:    "dynamically linked binary in an image without its loader",
	Severity: rule.Error,
	Doc: `**What happens.** The container exits at once, and the runtime blames the binary itself,
which is plainly there:

    exec /app/server: no such file or directory
    standard_init_linux.go:228: exec user process caused: no such file or directory

**Why.** With cgo enabled (the default for native builds when a C compiler is present), a
binary that imports net, os/user or any cgo package is dynamically linked: its PT_INTERP header
names the program interpreter, /lib64/ld-linux-x86-64.so.2 for glibc or /lib/ld-musl-x86_64.so.1 for musl. The
kernel opens that file before the program runs; when it is absent (alpine has musl, scratch and
distroless static have nothing) execve fails with ENOENT and the runtime reports it against the
path it tried to execute. golang:1.x builders are Debian (glibc); golang:1.x-alpine builders are
musl, so copying across the two families fails the same way.

**How to confirm.**

    file server          # "dynamically linked, interpreter /lib64/ld-linux-x86-64.so.2"
    readelf -l server | grep interpreter
    docker run --rm --entrypoint ls IMAGE -l /lib64 /lib
    shipshape inspect ./server

**How to fix.** Build a static binary when the code does not need cgo:

    RUN CGO_ENABLED=0 go build -o /out/server ./cmd/server

or, when it does, run on an image with the same libc as the builder (gcr.io/distroless/base or
cc for a Debian builder, alpine for an alpine builder).`,
	Fix:     "Build with CGO_ENABLED=0 for scratch, distroless static and alpine, or run the cgo binary on a base image with the builder's libc (distroless base/cc for Debian builders, alpine for alpine builders).",
	Symptom: "exec /app: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("no such file or directory",
			`(?:^|\| |: )exec (?P<path>\.{0,2}/\S+): no such file or directory$`,
			"exec /golang-server: no such file or directory"),
		rule.Sig("exec user process caused",
			`standard_init_linux\.go:\d+: exec user process caused:? "?no such file or directory"?$`,
			`standard_init_linux.go:178: exec user process caused "no such file or directory"`),
	},
	// Requires and Run: added with the detector.
}
