package container

import (
	"fmt"
	"go/version"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

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
on the three-part version or on the toolchain directive itself. With GOTOOLCHAIN=auto (set in
the Dockerfile) a newer builder downloads the toolchain go.mod asks for, which needs network
access to the module proxy but works: shipshape reports nothing then, nor for golang:latest or
golang:1, whose Go version the tag does not say.

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
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runGoVersionMismatch,
}

func runGoVersionMismatch(p *rule.Pass) error {
	for _, fl := range builderFlows(p.Project) {
		root := fl.chain[0]
		info := dockerfile.Lookup(root.Base.Ref)
		if root.Base.Unresolved || info.Family != "golang" && info.Family != "golang-alpine" {
			continue
		}
		have, exact, ok := goTagVersion(root.Base.Tag)
		if !ok {
			continue
		}
		cmd := fl.firstGoCmd()
		if cmd == nil {
			continue
		}
		m, _ := fl.moduleAt(p.Project.Go, cmd)
		if m == nil || m.Go == "" || m.ParseError != nil {
			continue
		}
		running := "go " + have
		if !exact {
			running += ".x"
		}
		from := fmt.Sprintf("%s builds in %s (%s)", root.Base.Pos.Short(), root.Base.Ref, strings.TrimPrefix(running, "go "))
		related := []rule.Related{{Pos: m.GoPos, Message: "go " + m.Go}, {Pos: cmd.pos, Message: "first go command of the stage"}}
		if version.Compare("go"+have, "go1.21") < 0 {
			// Before Go 1.21 there is no toolchain switching: the go command rejects the
			// syntax Go 1.21 introduced.
			switch {
			case m.Toolchain != "":
				related[0] = rule.Related{Pos: m.ToolchainPos, Message: "toolchain " + m.Toolchain}
				p.Report(rule.Finding{Pos: root.Base.Pos, Related: related, Message: fmt.Sprintf(
					"%s, older than Go 1.21, but %s has a toolchain line: %s %s stops with \"%s:%d: unknown directive: toolchain\"",
					from, m.ToolchainPos.Short(), cmd.pos.Short(), cmd.name(), m.File, m.ToolchainPos.Line)})
			case strings.Count(m.Go, ".") >= 2 || strings.Contains(m.Go, "rc"):
				p.Report(rule.Finding{Pos: root.Base.Pos, Related: related, Message: fmt.Sprintf(
					"%s, older than Go 1.21, but %s says go %s, a version syntax Go 1.21 introduced: %s %s stops while parsing go.mod (invalid go version %q)",
					from, m.GoPos.Short(), m.Go, cmd.pos.Short(), cmd.name(), m.Go)})
			}
			continue
		}
		if !newerThan(m.Go, have, exact) {
			continue
		}
		tc, tcPos := fl.toolchainFor(cmd)
		if tc != "local" && tc != "path" {
			continue // the go command downloads (or finds) the toolchain go.mod asks for
		}
		setBy := "the golang image sets GOTOOLCHAIN=local"
		if tcPos.File != "" {
			setBy = fmt.Sprintf("%s sets GOTOOLCHAIN=%s", tcPos.Short(), tc)
			related = append(related, rule.Related{Pos: tcPos, Message: "GOTOOLCHAIN=" + tc})
		}
		p.Report(rule.Finding{Pos: root.Base.Pos, Related: related, Message: fmt.Sprintf(
			"%s, but %s requires go >= %s and %s, so the builder cannot switch toolchains: %s %s stops with \"go: go.mod requires go >= %s (running %s; GOTOOLCHAIN=%s)\" and no image is built",
			from, m.GoPos.Short(), m.Go, setBy, cmd.pos.Short(), cmd.name(), m.Go, running, tc),
			Symptom: fmt.Sprintf("go: go.mod requires go >= %s (running %s; GOTOOLCHAIN=%s)", m.Go, running, tc)})
	}
	return nil
}

// goTagRE matches the Go version part of a golang image tag: 1.22, 1.22.3, 1.23rc1.
var goTagRE = regexp.MustCompile(`^1\.(\d+)(\.\d+|rc\d+)?$`)

// goTagVersion reads the Go version of a golang image tag ("1.22", "1.22.3-alpine3.19",
// "1.23rc1-bookworm"); exact is false for a floating minor tag (1.22 is the newest 1.22.x).
// latest, untagged, "1" and variant-only tags (alpine) give ok false.
func goTagVersion(tag string) (v string, exact, ok bool) {
	v, _, _ = strings.Cut(tag, "-")
	m := goTagRE.FindStringSubmatch(v)
	if m == nil {
		return "", false, false
	}
	return v, m[2] != "", true
}

// newerThan says whether go.mod's go version need is newer than the builder's Go: for a floating
// tag (1.22: any 1.22.x), when need is a later language version.
func newerThan(need, have string, exact bool) bool {
	if !version.IsValid("go"+need) || !version.IsValid("go"+have) {
		return false
	}
	if exact {
		return version.Compare("go"+need, "go"+have) > 0
	}
	return version.Compare(version.Lang("go"+need), version.Lang("go"+have)) > 0
}

// flow is one Dockerfile stage as the go command sees it: the files its FROM chain and copies put
// in place, in order, and its own go commands.
type flow struct {
	file   *dockerfile.File
	stage  *dockerfile.Stage
	chain  []*dockerfile.Stage // root first, stage last
	placed []placement
	vars   []stepVar
	cmds   []*goCmd
	// unresolved are the steps of context copies the model could not expand.
	unresolved []int
}

type placement struct {
	step int
	copy *dockerfile.Copy
	pl   dockerfile.Placed
}

type stepVar struct {
	step int
	v    *dockerfile.Var
}

// goCmd is one go command of a RUN: a build or install, or a module command.
type goCmd struct {
	step    int
	run     *dockerfile.Run
	pos     source.Pos
	workdir string
	build   *dockerfile.GoBuild
	mod     *dockerfile.GoMod
}

func (c *goCmd) name() string {
	switch {
	case c.mod != nil:
		return "go mod " + c.mod.Verb
	case c.build.Install:
		return "go install"
	}
	return "go build"
}

// builderFlows lists the stages that run go commands among the stages docker build runs for the
// project's targets (each stage once).
func builderFlows(p *facts.Project) []*flow {
	var out []*flow
	seen := map[*dockerfile.Stage]bool{}
	for _, t := range deploy.Images(p) {
		for _, s := range builtStages(t) {
			if seen[s] {
				continue
			}
			seen[s] = true
			if fl := flowOf(t.File, s); len(fl.cmds) > 0 {
				out = append(out, fl)
			}
		}
	}
	return out
}

// builtStages are the stages BuildKit runs to build t: its FROM chain and, recursively, the
// stages its COPY --from copies from; in file order.
func builtStages(t *deploy.Image) []*dockerfile.Stage {
	seen := map[*dockerfile.Stage]bool{}
	var visit func(s *dockerfile.Stage)
	visit = func(s *dockerfile.Stage) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		visit(s.Base.FromStage)
		for _, c := range s.Copies {
			visit(c.FromStage)
		}
	}
	visit(t.Stage)
	out := make([]*dockerfile.Stage, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

func flowOf(f *dockerfile.File, s *dockerfile.Stage) *flow {
	fl := &flow{file: f, stage: s}
	for cur := s; cur != nil && len(fl.chain) <= len(f.Stages); cur = cur.Base.FromStage {
		fl.chain = append([]*dockerfile.Stage{cur}, fl.chain...)
	}
	step := 0
	for _, st := range fl.chain {
		for _, x := range st.Steps {
			step++
			switch x := x.(type) {
			case *dockerfile.Copy:
				if x.From != "" {
					continue
				}
				if x.Unresolved {
					fl.unresolved = append(fl.unresolved, step)
				}
				for _, pl := range x.Placed {
					fl.placed = append(fl.placed, placement{step: step, copy: x, pl: pl})
				}
			case *dockerfile.Var:
				fl.vars = append(fl.vars, stepVar{step, x})
			case *dockerfile.Run:
				if st != s {
					continue
				}
				for _, m := range x.GoMod {
					fl.cmds = append(fl.cmds, &goCmd{step: step, run: x, pos: m.Pos, workdir: m.Workdir, mod: m})
				}
				for _, b := range x.GoBuilds {
					fl.cmds = append(fl.cmds, &goCmd{step: step, run: x, pos: b.Pos, workdir: b.Workdir, build: b})
				}
			}
		}
	}
	sort.SliceStable(fl.cmds, func(i, j int) bool { return fl.cmds[i].pos.Before(fl.cmds[j].pos) })
	return fl
}

// firstGoCmd is the stage's first go command that loads the module graph.
func (fl *flow) firstGoCmd() *goCmd {
	for _, c := range fl.cmds {
		if c.mod != nil || !strings.Contains(strings.Join(c.build.Packages, " "), "@") {
			return c // go install pkg@version runs outside the module: skipped
		}
	}
	return nil
}

// at returns the placement that puts dest in the stage before step (a file copied there, or a
// directory whose unlisted contents may hold it); nil when none does.
func (fl *flow) at(dest string, before int) *placement {
	for i := range fl.placed {
		pl := &fl.placed[i]
		if pl.step >= before {
			break
		}
		if d := path.Clean(pl.pl.Dest); d == dest || pl.pl.Dir && strings.HasPrefix(dest, d+"/") {
			return pl
		}
	}
	return nil
}

// unresolvedBefore says whether a context copy the model could not expand ran before step.
func (fl *flow) unresolvedBefore(step int) bool {
	return len(fl.unresolved) > 0 && fl.unresolved[0] < step
}

// moduleAt finds the module whose go.mod is in place where cmd runs (its directory or the
// nearest one above), with the directory it was copied to.
func (fl *flow) moduleAt(g *gocode.Facts, cmd *goCmd) (*gocode.Module, string) {
	if g == nil {
		return nil, ""
	}
	var best *gocode.Module
	bestDir := ""
	for _, pl := range fl.placed {
		if pl.step >= cmd.step || path.Base(pl.pl.Src) != "go.mod" || pl.pl.Dir {
			continue
		}
		dir := path.Dir(path.Clean(pl.pl.Dest))
		if cmd.workdir != dir && !strings.HasPrefix(cmd.workdir, dir+"/") && dir != "/" || len(dir) < len(bestDir) {
			continue
		}
		for _, m := range g.Modules {
			if m.File == pl.pl.Src {
				best, bestDir = m, dir
			}
		}
	}
	if best != nil {
		return best, bestDir
	}
	// RUN --mount=type=bind,source=go.mod,target=go.mod (docker init's pattern), or a mount of
	// the whole context.
	for _, bm := range deploy.BindMounts(cmd.run) {
		for dir := cmd.workdir; ; dir = path.Dir(dir) {
			want := path.Join(dir, "go.mod")
			src := ""
			switch {
			case bm.Target == want && path.Base(bm.Source) == "go.mod":
				src = path.Join(fl.file.Context, bm.Source)
			case dir == bm.Target || strings.HasPrefix(dir, bm.Target+"/"):
				src = path.Join(fl.file.Context, bm.Source, strings.TrimPrefix(strings.TrimPrefix(dir, bm.Target), "/"), "go.mod")
			}
			for _, m := range g.Modules {
				if src != "" && m.File == src {
					return m, dir
				}
			}
			if dir == "/" || dir == "." {
				break
			}
		}
	}
	return nil, ""
}

// mounted says whether a bind mount of cmd's RUN shows a context file at dest.
func (fl *flow) mounted(cmd *goCmd, dest string) bool {
	for _, bm := range deploy.BindMounts(cmd.run) {
		if dest == bm.Target || strings.HasPrefix(dest, bm.Target+"/") && bm.Source != "go.mod" && bm.Source != "go.sum" {
			return true
		}
	}
	return false
}

// toolchainRE finds GOTOOLCHAIN assignments in a RUN script.
var toolchainRE = regexp.MustCompile(`(?:^|[\s;&|(])GOTOOLCHAIN=("[^"]*"|'[^']*'|[^\s;&|)]*)`)

// toolchainFor is the GOTOOLCHAIN cmd runs with and where the Dockerfile set it (zero Pos: the
// golang image's own ENV GOTOOLCHAIN=local). "" when the value is not known.
func (fl *flow) toolchainFor(cmd *goCmd) (string, source.Pos) {
	if cmd.build != nil {
		if v, ok := cmd.build.Env["GOTOOLCHAIN"]; ok {
			if v.Unresolved {
				return "", v.Pos
			}
			return v.Value, v.Pos
		}
	} else if m := toolchainRE.FindAllStringSubmatch(cmd.run.Script, -1); m != nil {
		val := strings.Trim(m[len(m)-1][1], `"'`)
		if strings.Contains(val, "$") {
			return "", cmd.run.Pos
		}
		return val, cmd.run.Pos
	}
	for i := len(fl.vars) - 1; i >= 0; i-- {
		sv := fl.vars[i]
		if sv.step < cmd.step && sv.v.Name == "GOTOOLCHAIN" {
			if sv.v.Unresolved || sv.v.Arg && !sv.v.HasValue {
				return "", sv.v.Pos
			}
			return sv.v.Value, sv.v.Pos
		}
	}
	return "local", source.Pos{}
}
