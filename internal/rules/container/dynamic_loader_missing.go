package container

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

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
musl, so copying across the two families fails the same way. Note that a pure-Go HTTP server is
affected too: CGO_ENABLED defaults to 1 in the golang:1.x (Debian) images, and package net then
links the C library's DNS resolver unless the build uses -tags netgo (os/user likewise needs
-tags osusergo).

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
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runDynamicLoaderMissing,
}

func runDynamicLoaderMissing(p *rule.Pass) error {
	for _, t := range deploy.Images(p.Project) {
		im := t.Image
		for _, b := range t.Binaries {
			uses, dynamic := linkage(p.Project.Go, b)
			if !dynamic || b.Copy == nil || !b.Builder.Known || !linuxTarget(b) {
				continue
			}
			built := b.Builder.Libc
			if built != dockerfile.LibcGlibc && built != dockerfile.LibcMusl {
				continue
			}
			var lacks string
			switch im.LibcFamily {
			case dockerfile.LibcNone:
				lacks = "no libc at all"
			case dockerfile.LibcMusl, dockerfile.LibcGlibc:
				if im.LibcFamily == built {
					continue
				}
				if built == dockerfile.LibcGlibc && im.Libc.Pos != im.BasePos {
					continue // gcompat or libc6-compat installed: a glibc loader is provided
				}
				lacks = im.LibcFamily + ", not " + built
			default:
				continue // unknown or uClibc: no guess
			}
			related := []rule.Related{
				{Pos: b.Build.Pos, Message: "go build with cgo " + cgoWhy(b)},
				{Pos: b.BuilderPos, Message: "builder " + b.Stage.Base.Ref + " links against " + built},
				{Pos: im.BasePos, Message: "runtime base " + t.Stage.Base.Ref + " has " + lacks},
			}
			for _, u := range uses {
				related = append(related, rule.Related{Pos: u.Pos, Message: u.What})
			}
			p.Report(rule.Finding{
				Pos: b.Copy.Pos,
				Message: fmt.Sprintf("%s copies %s, built at %s in %s (%s) with cgo %s, to %s in %s (%s: %s); %s, so the binary is linked dynamically against %s: "+
					"the kernel cannot find %s's loader (%s on amd64) and the container exits with \"exec %s: no such file or directory\"",
					b.Copy.Pos.Short(), b.Build.OutputAbs, b.Build.Pos.Short(), b.Stage.Base.Ref, built, cgoWhy(b), b.Path,
					t.Stage.Base.Ref, im.BasePos.Short(), lacks, describeUses(uses), built, built, loaders[built], b.Path),
				Related: related,
				Symptom: fmt.Sprintf("exec %s: no such file or directory", b.Path),
			})
		}
	}
	return nil
}

// loaders are the program interpreters (PT_INTERP) of dynamically linked amd64 binaries.
var loaders = map[string]string{dockerfile.LibcGlibc: "/lib64/ld-linux-x86-64.so.2", dockerfile.LibcMusl: "/lib/ld-musl-x86_64.so.1"}

// linuxTarget says whether the binary may be built for Linux: GOOS unset, linux, or taken from
// a variable (TARGETOS in an image build is linux).
func linuxTarget(b *deploy.Bin) bool {
	return b.GOOS.Origin == "default" || b.GOOS.Unresolved || b.GOOS.Value == "linux"
}

// cgoUse is one reason a binary built with cgo on needs the C library at run time.
type cgoUse struct {
	Pos  source.Pos
	What string
	// Dep is true for `import "C"` and cgo-only dependencies, which need cgo whatever the build
	// tags; false for the standard library's optional cgo (net's resolver, os/user).
	Dep bool
}

// netPackages are standard packages that link package net, whose cgo resolver makes a binary
// built with cgo on dynamically linked (unless -tags netgo).
var netPackages = map[string]bool{
	"net": true, "net/http": true, "net/rpc": true, "net/smtp": true, "net/mail": true, "net/textproto": true,
	"net/http/httputil": true, "net/http/pprof": true, "net/http/httptest": true, "net/http/cgi": true,
	"net/http/fcgi": true, "net/rpc/jsonrpc": true, "crypto/tls": true, "crypto/x509": true, "log/syslog": true,
	"expvar": true,
}

// netModules are well-known external modules that import package net (servers, database and
// cache clients, cloud SDKs), for programs whose own packages import no net package directly.
var netModules = []string{
	"github.com/gin-gonic/gin", "github.com/labstack/echo", "github.com/gofiber/fiber", "github.com/valyala/fasthttp",
	"google.golang.org/grpc", "github.com/go-chi/chi", "github.com/gorilla/mux", "github.com/redis/go-redis",
	"github.com/go-redis/redis", "github.com/jackc/pgx", "github.com/lib/pq", "github.com/go-sql-driver/mysql",
	"go.mongodb.org/mongo-driver", "github.com/aws/aws-sdk-go", "github.com/aws/aws-sdk-go-v2", "cloud.google.com/go",
	"github.com/prometheus/client_golang", "github.com/nats-io/nats.go", "github.com/segmentio/kafka-go",
	"github.com/IBM/sarama", "github.com/Shopify/sarama", "gorm.io/driver/postgres", "gorm.io/driver/mysql",
}

func importsNet(imp string) bool {
	if netPackages[imp] {
		return true
	}
	for _, m := range netModules {
		if imp == m || strings.HasPrefix(imp, m+"/") {
			return true
		}
	}
	return false
}

// cgoUses lists why a program built with cgo on links libc: its own `import "C"` and cgo-only
// dependencies (gocode's Cgo facts), package net without -tags netgo, os/user without -tags
// osusergo. Each reason is at the first import of the tree's code that brings it in.
func cgoUses(g *gocode.Facts, prog *gocode.Program, tags []string) []cgoUse {
	tag := map[string]bool{}
	for _, t := range tags {
		tag[t] = true
	}
	var out []cgoUse
	for _, c := range g.Cgo {
		if !prog.Reaches(c.Pkg) {
			continue
		}
		what := `uses cgo (import "C") in package ` + c.Pkg
		switch {
		case c.Module != "" && strings.HasPrefix(c.Reason, `import "C"`):
			what = "imports " + c.Import + ", which has " + c.Reason
		case c.Module != "":
			what = "imports " + c.Import + ", which " + c.Reason
		}
		out = append(out, cgoUse{Pos: c.Pos, What: what, Dep: true})
	}
	var pkgs []*gocode.Package
	for path, pkg := range g.Packages {
		if prog.Reaches(path) {
			pkgs = append(pkgs, pkg)
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Path < pkgs[j].Path })
	var netUse, userUse *cgoUse
	for _, pkg := range pkgs {
		for _, imp := range pkg.Imports {
			switch {
			case netUse == nil && !tag["netgo"] && importsNet(imp.Path):
				netUse = &cgoUse{Pos: imp.Pos, What: "imports " + imp.Path + ", which links package net and its cgo DNS resolver (no -tags netgo)"}
			case userUse == nil && !tag["osusergo"] && imp.Path == "os/user":
				userUse = &cgoUse{Pos: imp.Pos, What: "imports os/user, which uses the C library's getpwnam with cgo on (no -tags osusergo)"}
			}
		}
	}
	for _, u := range []*cgoUse{netUse, userUse} {
		if u != nil {
			out = append(out, *u)
		}
	}
	return out
}

// linkage predicts whether a binary is dynamically linked against the builder's libc, and why:
// cgo effectively on, no -extldflags -static, and code that uses cgo. Unknown (no program, cgo
// unknown) answers false.
func linkage(g *gocode.Facts, b *deploy.Bin) ([]cgoUse, bool) {
	if on, _ := cgoOn(b); g == nil || b.Program == nil || !on || b.Build.ExtStatic {
		return nil, false
	}
	uses := cgoUses(g, b.Program, b.Build.Tags)
	return uses, len(uses) > 0
}

// cgoOn says whether cgo is on for the binary: the model's answer, or, where the model says
// unknown because GOARCH is set, Go's default for GOARCH=amd64 built by a builder with a C
// compiler that runs on amd64 (no FROM --platform, or linux/amd64): a native build, cgo on.
// assumed is true in that case.
func cgoOn(b *deploy.Bin) (on, assumed bool) {
	switch {
	case b.CGO == dockerfile.Yes:
		return true, false
	case b.CGO != dockerfile.Unknown || b.CGOExplicit || b.Builder.GCC != dockerfile.Yes:
		return false, false
	case b.GOARCH.Unresolved || b.GOARCH.Value != "amd64" || !b.GOOS.Unresolved && b.GOOS.Origin != "default" && b.GOOS.Value != "linux" || b.GOOS.Unresolved:
		return false, false
	}
	root := b.Stage
	for root.Base.FromStage != nil {
		root = root.Base.FromStage
	}
	if p := root.Base.Platform; p != "" && p != "linux/amd64" {
		return false, false
	}
	return true, true
}

// cgoWhy says why cgo is on (or off) for the binary.
func cgoWhy(b *deploy.Bin) string {
	state := "off"
	on, assumed := cgoOn(b)
	if on {
		state = "on"
	}
	if assumed {
		return fmt.Sprintf("on (Go's default for a native build: GOARCH=amd64 at %s on an amd64 build machine, and the builder has a C compiler)", b.GOARCH.Pos.Short())
	}
	if b.CGOExplicit {
		return fmt.Sprintf("%s (CGO_ENABLED at %s)", state, b.CGOPos.Short())
	}
	if on {
		return state + " (Go's default: the builder has a C compiler)"
	}
	return state + " (Go's default: the builder has no C compiler)"
}

// describeUses joins the first reasons for a message.
func describeUses(uses []cgoUse) string {
	var parts []string
	for i, u := range uses {
		if i == 2 {
			parts = append(parts, fmt.Sprintf("%d more", len(uses)-2))
			break
		}
		parts = append(parts, u.Pos.Short()+" "+u.What)
	}
	return strings.Join(parts, "; ")
}
