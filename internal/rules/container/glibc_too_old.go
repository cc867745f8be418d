package container

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

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
glibc 2.34 moved libpthread into libc, so every cgo binary linked against 2.34 or later (whose
runtime/cgo calls pthread_create) needs GLIBC_2.34; shipshape reports that case, which is
certain, and stays silent below it, where the versions needed depend on the C code called.

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
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runGlibcTooOld,
}

// glibcMerge is the glibc release that moved libpthread into libc: every program linked against
// it or a later one binds pthread_create & co. (which runtime/cgo calls) at version GLIBC_2.34.
// Below that line, which symbol versions a cgo binary needs depends on the C code it calls, so
// the rule says nothing about, say, a bullseye (2.31) build run on buster (2.28).
const glibcMerge = "2.34"

func runGlibcTooOld(p *rule.Pass) error {
	for _, t := range deploy.Images(p.Project) {
		im := t.Image
		if im.LibcFamily != dockerfile.LibcGlibc || im.GlibcVersion == "" || im.Base.GlibcAtLeast {
			continue
		}
		for _, b := range t.Binaries {
			uses, dynamic := linkage(p.Project.Go, b)
			if !dynamic || b.Copy == nil || !linuxTarget(b) || b.Builder.Libc != dockerfile.LibcGlibc || b.Builder.GlibcVersion == "" {
				continue
			}
			built := b.Builder.GlibcVersion
			if compareGlibc(built, glibcMerge) < 0 || compareGlibc(im.GlibcVersion, glibcMerge) >= 0 {
				continue
			}
			builder := "glibc " + built
			if b.Builder.GlibcAtLeast {
				builder += " or newer"
			}
			if b.Builder.Distro != "" {
				builder = b.Builder.Distro + ", " + builder
			}
			runtime := "glibc " + im.GlibcVersion
			if im.Base.Distro != "" {
				runtime = im.Base.Distro + ", " + runtime
			}
			related := []rule.Related{
				{Pos: b.BuilderPos, Message: "builder " + b.Stage.Base.Ref + ": " + builder},
				{Pos: im.BasePos, Message: "runtime base " + t.Stage.Base.Ref + ": " + runtime},
				{Pos: b.Build.Pos, Message: "go build with cgo " + cgoWhy(b)},
			}
			for _, u := range uses {
				related = append(related, rule.Related{Pos: u.Pos, Message: u.What})
			}
			p.Report(rule.Finding{
				Pos: b.Copy.Pos,
				Message: fmt.Sprintf("%s copies %s, built at %s in %s (%s) with cgo %s, to %s in %s (%s: %s); %s, so the binary is linked against the builder's glibc "+
					"and needs symbol versions up to at least GLIBC_%s, which glibc %s lacks: the loader stops with \"version `GLIBC_%s' not found\"",
					b.Copy.Pos.Short(), b.Build.OutputAbs, b.Build.Pos.Short(), b.Stage.Base.Ref, builder, cgoWhy(b), b.Path,
					t.Stage.Base.Ref, im.BasePos.Short(), runtime, describeUses(uses), glibcMerge, im.GlibcVersion, glibcMerge),
				Related: related,
			})
		}
	}
	return nil
}

// compareGlibc orders glibc versions ("2.31" < "2.36"); unparsable parts compare as 0.
func compareGlibc(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y int
		if i < len(as) {
			x, _ = strconv.Atoi(as[i])
		}
		if i < len(bs) {
			y, _ = strconv.Atoi(bs[i])
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}
