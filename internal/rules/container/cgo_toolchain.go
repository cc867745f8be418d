package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// CgoToolchain is a build whose cgo setting does not fit the builder: cgo on without a C compiler,
// or cgo off for a dependency that only works with cgo.
var CgoToolchain = &rule.Rule{
	ID:       "SS1012",
	Class:    "cgo-toolchain",
	Title:    "cgo setting does not match the builder or the dependencies",
	Severity: rule.Error,
	Doc: `**What happens.** One of two ways. The build fails in the builder stage:

    # runtime/cgo
    cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH

or the build succeeds and the service dies at its first database call:

    Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub

**Why.** cgo is on by default for native builds, so any package with import "C" (mattn/go-sqlite3,
confluent-kafka-go, or runtime/cgo pulled in by net and os/user) makes go build invoke the C
compiler named by CC. golang:*-alpine and most slim builders have no gcc, and alpine also needs
musl-dev for the headers. The opposite mistake is CGO_ENABLED=0 (set to get a static binary for
scratch or distroless) with a cgo-only dependency: such packages compile a stub that returns this
error at run time instead of failing the build.

**How to confirm.**

    grep -rn 'import "C"' --include=*.go .
    grep -nE 'go-sqlite3|confluent-kafka-go' go.mod
    grep -nE 'CGO_ENABLED|apk add|apt-get install' Dockerfile
    go version -m ./server | grep CGO_ENABLED

**How to fix.** Either keep cgo and give the builder a compiler (and give the runtime image the
matching libc):

    FROM golang:1.25-alpine AS build
    RUN apk add --no-cache gcc musl-dev
    ENV CGO_ENABLED=1

or drop the cgo dependency (modernc.org/sqlite is a pure-Go SQLite driver) and build with
CGO_ENABLED=0.`,
	Fix:     "Install gcc (and musl-dev on alpine) in the builder when cgo is needed, or build with CGO_ENABLED=0 and replace cgo-only dependencies such as mattn/go-sqlite3 with pure-Go ones.",
	Symptom: `cgo: C compiler "gcc" not found / go-sqlite3 requires cgo to work. This is a stub`,
	Signatures: []rule.Signature{
		rule.Sig(`cgo: C compiler`,
			`(?:^|\s)cgo: C compiler "(?P<path>[^"]+)" not found: exec: "[^"]+": executable file not found in \$PATH$`,
			`#0 0.920 cgo: C compiler "gcc" not found: exec: "gcc": executable file not found in $PATH`),
		rule.Sig(`executable file not found in $PATH`,
			`^(?:#\d+ [\d.]+ )?(?:cgo: exec \S+: )?exec: "(?P<path>(?:\S+-)?(?:gcc|cc|clang))": executable file not found in \$PATH$`,
			`cgo: exec gcc: exec: "gcc": executable file not found in $PATH`),
		rule.Sig("fatal error:",
			`(?:^|\s)\S*runtime/cgo/\S+\.go:\d+:\d+: fatal error: (?P<path>[\w./-]+\.h): No such file or directory$`,
			"/usr/local/go/src/runtime/cgo/cgo.go:54:19: fatal error: errno.h: No such file or directory"),
		rule.Sig("go-sqlite3 requires cgo to work",
			`Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work\. This is a stub"?$`,
			"FATA[0000] Binary was compiled with 'CGO_ENABLED=0', go-sqlite3 requires cgo to work. This is a stub"),
	},
	// Requires and Run: added with the detector.
}
