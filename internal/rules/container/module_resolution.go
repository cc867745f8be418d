package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

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
(../lib) can never be copied at all (replacement directories missing from the repository are
SS1006; a vendor directory that disagrees with go.mod is SS1004). A warm layer cache hides both until a cold build. With
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
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runModuleResolution,
}

func runModuleResolution(p *rule.Pass) error {
	g := p.Project.Go
	for _, fl := range builderFlows(p.Project) {
		cmd := fl.firstGoCmd()
		if cmd == nil {
			continue
		}
		if m, dir := fl.moduleAt(g, cmd); m != nil {
			checkReplaces(p, fl, cmd, m, dir)
		}
		for _, c := range fl.cmds {
			if c.build != nil && c.build.Mod == "vendor" {
				if m, dir := fl.moduleAt(g, c); m != nil {
					checkVendor(p, fl, c, m, dir)
				}
				break
			}
		}
	}
	return nil
}

// checkReplaces reports local replace targets the stage does not have when its first go command
// loads the module graph. Targets that do not exist at all are SS1006's.
func checkReplaces(p *rule.Pass, fl *flow, cmd *goCmd, m *gocode.Module, dir string) {
	ctx := fl.file.Context
	for _, rep := range m.Replaces {
		if !rep.Local || !rep.TargetExists || !required(m, rep) {
			continue
		}
		inside := rep.Target != "" && (ctx == "." || rep.Target == ctx || strings.HasPrefix(rep.Target, ctx+"/"))
		goMod := path.Clean(path.Join(dir, rep.New, "go.mod"))
		says := fmt.Sprintf("go: %s (replaced by %s): reading %s: open %s: no such file or directory", rep.Old, rep.New, path.Join(rep.New, "go.mod"), goMod)
		related := []rule.Related{{Pos: rep.Pos, Message: "replace " + rep.Old + " => " + rep.New}, {Pos: cmd.pos, Message: cmd.name()}}
		if !inside {
			if dir != cmd.workdir {
				continue // the usual pattern (go.mod copied to the working directory) it is not: the context may be another
			}
			p.Report(rule.Finding{Pos: cmd.pos, Related: related, Message: fmt.Sprintf(
				"%s replaces %s with %s, which is outside the build context of %s (%s): no COPY can bring it into the image, so %s %s stops with %q",
				rep.Pos.Short(), rep.Old, rep.New, fl.file.Path, ctxName(ctx), cmd.pos.Short(), cmd.name(), says)})
			continue
		}
		if fl.at(goMod, cmd.step) != nil || fl.mounted(cmd, goMod) || fl.unresolvedBefore(cmd.step) {
			continue
		}
		state := "no COPY or RUN --mount puts it there (is it in .dockerignore?)"
		if later := fl.at(goMod, 1<<30); later != nil {
			state = fmt.Sprintf("%s copies it only afterwards", later.copy.Pos.Short())
			related = append(related, rule.Related{Pos: later.copy.Pos, Message: "copies " + rep.Target})
		}
		p.Report(rule.Finding{Pos: cmd.pos, Related: related, Message: fmt.Sprintf(
			"%s runs %s in %s, but %s replaces %s with %s, whose go.mod must be at %s by then and %s: the go command stops with %q",
			cmd.pos.Short(), cmd.name(), dir, rep.Pos.Short(), rep.Old, rep.New, goMod, state, says)})
	}
}

// checkVendor reports a build with -mod=vendor in a stage without the module's
// vendor/modules.txt. Drift between a present vendor directory and go.mod is SS1004's.
func checkVendor(p *rule.Pass, fl *flow, cmd *goCmd, m *gocode.Module, dir string) {
	if len(m.Requires) == 0 || m.Vendor != nil && (m.Vendor.Missing || len(m.Vendor.Problems) > 0) {
		return
	}
	modulesTxt := path.Join(dir, "vendor", "modules.txt")
	if fl.at(modulesTxt, cmd.step) != nil || fl.mounted(cmd, modulesTxt) || fl.unresolvedBefore(cmd.step) {
		return
	}
	state := fmt.Sprintf("%s has no vendor directory", describeDir(m.Dir))
	if m.Vendor != nil {
		state = fmt.Sprintf("%s is not copied into the stage (check .dockerignore)", m.Vendor.File)
	}
	r := m.Requires[0]
	p.Report(rule.Finding{
		Pos:     cmd.pos,
		Related: []rule.Related{{Pos: r.Pos, Message: "requires " + r.Path + " " + r.Version}},
		Message: fmt.Sprintf("%s builds with -mod=vendor, but %s: the go command finds every requirement missing from vendor/modules.txt and stops with "+
			"\"go: inconsistent vendoring in %s: %s@%s: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt\"",
			cmd.pos.Short(), state, dir, r.Path, r.Version),
	})
}

// required says whether go.mod requires the module a replacement applies to: the go command
// applies a replacement only to a module in the build graph.
func required(m *gocode.Module, rep gocode.Replace) bool {
	for _, r := range m.Requires {
		if r.Path == rep.Old && (rep.OldVersion == "" || rep.OldVersion == r.Version) {
			return true
		}
	}
	return false
}

func ctxName(ctx string) string {
	if ctx == "." {
		return "the repository root"
	}
	return ctx + "/"
}

func describeDir(dir string) string {
	if dir == "." {
		return "the module"
	}
	return "the module in " + dir + "/"
}
