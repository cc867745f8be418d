package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// ModuleResolution is a Docker build in which go cannot resolve the module graph: a local replace
// target that is not in the build stage yet (or not in the build context at all), or a vendor
// directory that disagrees with go.mod under -mod=vendor.
var ModuleResolution = &rule.Rule{
	ID:       "SS1011",
	Class:    "module-resolution",
	Title:    "modules cannot be resolved inside the Docker build",
	Severity: rule.Error,
	Doc: `**What happens.** The build works on a developer machine and fails in docker build, at
go mod download or go build:

    go: parsing /go.mod: open /go.mod: no such file or directory
    go: inconsistent vendoring in /src:
    	example.com/lib@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt

**Why.** A replace directive with a local path (replace example.com/sdk => ./sdk or ../lib)
makes that directory part of the module graph: go reads its go.mod before it downloads anything.
The usual caching pattern copies only go.mod and go.sum, runs go mod download, then copies the
rest, so the replacement does not exist yet at that step. A target outside the build context
(../lib) can never be copied at all. A warm layer cache hides both until a cold build. With
-mod=vendor (or a vendor directory and go 1.14+), go checks vendor/modules.txt against go.mod and
refuses any difference, and the vendor directory is often stale or excluded by .dockerignore.

**How to confirm.**

    grep -n '=>' go.mod
    grep -nE 'COPY|go mod download|-mod=vendor' Dockerfile
    docker build --no-cache .
    go mod vendor && git status --short vendor/

**How to fix.** Copy every local replace target before go mod download, and keep replace
targets inside the build context (build from the repository root with -f if needed):

    COPY go.mod go.sum ./
    COPY sdk/go.mod sdk/go.sum ./sdk/
    RUN go mod download
    COPY . .

For vendoring, run go mod vendor and commit the result, or build with -mod=mod.`,
	Fix:     "Copy local replace targets into the builder stage before go mod download (and keep them inside the build context); run go mod vendor and commit, or drop -mod=vendor.",
	Symptom: "go: inconsistent vendoring / reading the replaced module's go.mod: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("go: parsing",
			`^(?:#\d+ )?(?:\d+\.\d+ )?go: parsing (?P<path>\S*go\.mod): open \S+: no such file or directory$`,
			"go: parsing /go.mod: open /go.mod: no such file or directory"),
		rule.Sig("(replaced by",
			`go: \S+ \(replaced by (?P<path>[^)]+)\): reading \S+: open \S+: no such file or directory$`,
			"#15 13.15 go: go.flipt.io/flipt/errors@v1.19.3 (replaced by ./errors/): reading errors/go.mod: open /home/flipt/errors/go.mod: no such file or directory"),
		rule.Sig("inconsistent vendoring",
			`^(?:#\d+ )?(?:\d+\.\d+ )?go: inconsistent vendoring in (?P<path>\S+):$`,
			"#8 0.292 go: inconsistent vendoring in /go/src/github.com/TierMobility/boring-registry:"),
		rule.Sig("vendor/modules.txt",
			`(?:^|\s)(?P<path>[^\s@]+)@(?P<version>\S+): is (?:explicitly required in go\.mod, but (?:not marked as explicit in vendor/modules\.txt|vendor/modules\.txt indicates \S+)|marked as explicit in vendor/modules\.txt, but not explicitly required in go\.mod)$`,
			"#8 0.292 \tcloud.google.com/go@v0.66.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt"),
	},
	// Requires and Run: added with the detector.
}
