package container

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/release"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

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
	Requires: []rule.Input{rule.Dockerfile},
	Run:      runWrongArch,
}

// platform is one architecture an image is built for, and what says so.
type platform struct {
	arch string
	pos  source.Pos
	what string
}

func runWrongArch(p *rule.Pass) error {
	for _, t := range deploy.Images(p.Project) {
		plats := imagePlatforms(p.Project, t)
		for _, b := range t.Binaries {
			if !linuxTarget(b) {
				continue
			}
			builder := b.Stage
			for builder.Base.FromStage != nil && builder.Base.PlatformRaw == "" {
				builder = builder.Base.FromStage
			}
			onBuildPlatform := strings.Contains(builder.Base.PlatformRaw, "BUILDPLATFORM")
			exec := fmt.Sprintf("\"exec %s: exec format error\"", b.Path)
			v := b.GOARCH
			switch {
			case v.Origin == "xx-go":
			case v.Origin != "default" && !v.Unresolved && v.Value != "" && !fromPlatformArg(b.PlatformRefs, v.Pos):
				var wrong []string
				var related []rule.Related
				for _, pl := range plats {
					if pl.arch != v.Value {
						wrong = append(wrong, fmt.Sprintf("%s (%s)", pl.arch, pl.pos.Short()))
						related = append(related, rule.Related{Pos: pl.pos, Message: pl.what})
					}
				}
				if len(wrong) == 0 {
					continue
				}
				p.Report(rule.Finding{Pos: v.Pos, Related: related, Message: fmt.Sprintf(
					"%s hard-codes GOARCH=%s for the go build at %s, but the image with %s is built for %s: those images run a %s binary and exit with %s",
					v.Pos.Short(), v.Value, b.Build.Pos.Short(), b.Path, strings.Join(wrong, ", "), v.Value, exec)})
			case onBuildPlatform:
				undeclared, declared := false, false
				for _, ref := range b.PlatformRefs {
					if !strings.HasPrefix(ref.Name, "TARGET") {
						continue
					}
					if ref.Declared {
						declared = true // used some other way (go env -w GOARCH=$TARGETARCH, a script)
						continue
					}
					undeclared = true
					p.Report(rule.Finding{
						Pos:     ref.Pos,
						Related: []rule.Related{{Pos: builder.Base.Pos, Message: "FROM --platform=" + builder.Base.PlatformRaw}, {Pos: b.Build.Pos, Message: "go build"}},
						Message: fmt.Sprintf("%s uses $%s, but its stage does not declare ARG %s, so it expands to empty; the stage runs on the build machine (%s --platform=%s), "+
							"so the go build at %s makes a binary for the build machine's architecture, and images for other platforms exit with %s",
							ref.Pos.Short(), ref.Name, ref.Name, builder.Base.Pos.Short(), builder.Base.PlatformRaw, b.Build.Pos.Short(), exec),
					})
				}
				if undeclared || declared || v.Origin != "default" || len(distinctArchs(plats)) < 2 {
					continue
				}
				var related []rule.Related
				for _, pl := range plats {
					related = append(related, rule.Related{Pos: pl.pos, Message: pl.what})
				}
				p.Report(rule.Finding{Pos: b.Build.Pos, Related: related, Message: fmt.Sprintf(
					"%s builds without GOARCH in a stage that runs on the build machine (%s --platform=%s), so every image gets a binary for the build machine's architecture, "+
						"but the image is built for %s: all but one platform exit with %s",
					b.Build.Pos.Short(), builder.Base.Pos.Short(), builder.Base.PlatformRaw, strings.Join(distinctArchs(plats), ", "), exec)})
			}
		}
	}
	return nil
}

// fromPlatformArg says whether a value set at pos comes from a platform ARG used on the same
// line (GOARCH=${TARGETARCH} with an ARG default): BuildKit sets those per platform.
func fromPlatformArg(refs []*dockerfile.PlatformRef, pos source.Pos) bool {
	for _, r := range refs {
		if r.Pos.File == pos.File && r.Pos.Line == pos.Line && strings.HasPrefix(r.Name, "TARGET") {
			return true
		}
	}
	return false
}

func distinctArchs(plats []platform) []string {
	var out []string
	seen := map[string]bool{}
	for _, pl := range plats {
		if !seen[pl.arch] {
			seen[pl.arch] = true
			out = append(out, pl.arch)
		}
	}
	sort.Strings(out)
	return out
}

// imagePlatforms are the architectures a target image is built for: the final FROM's
// --platform, the platforms of workflow docker builds and goreleaser dockers that name its
// Dockerfile (a workflow that names none builds ./Dockerfile, or the only Dockerfile there is).
func imagePlatforms(p *facts.Project, t *deploy.Image) []platform {
	var out []platform
	if t.Image.Arch != "" {
		out = append(out, platform{arch: t.Image.Arch, pos: t.Stage.Base.Pos, what: "FROM --platform=" + t.Stage.Base.Platform})
	}
	if p.Release == nil {
		return out
	}
	var images []*release.Image
	for _, w := range p.Release.Workflows {
		images = append(images, w.Images...)
	}
	for _, g := range p.Release.Goreleaser {
		images = append(images, g.Images...)
	}
	for _, img := range images {
		df := strings.TrimPrefix(path.Clean(img.Dockerfile.Text), "./")
		switch {
		case strings.ContainsAny(img.Dockerfile.Text, "${"):
			continue
		case img.Dockerfile.Text == "":
			if t.File.Path != "Dockerfile" && len(p.Dockerfiles) != 1 {
				continue
			}
		case df != t.File.Path:
			continue
		}
		for _, v := range img.Platforms {
			os, arch, ok := strings.Cut(v.Text, "/")
			if !ok || os != "linux" || strings.ContainsAny(v.Text, "${") {
				continue
			}
			arch, _, _ = strings.Cut(arch, "/")
			out = append(out, platform{arch: arch, pos: v.Pos, what: img.From + " platform " + v.Text})
		}
	}
	return out
}
