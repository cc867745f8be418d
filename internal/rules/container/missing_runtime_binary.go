package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// MissingRuntimeBinary is a program the service or its image definition runs that the image does
// not contain: an exec.Command target, the /bin/sh of a shell-form CMD or HEALTHCHECK, or a
// script's interpreter.
var MissingRuntimeBinary = &rule.Rule{
	ID:       "SS2011",
	Class:    "missing-runtime-binary",
	Title:    "program run at start-up is absent from the image",
	Severity: rule.Error,
	Doc: `**What happens.** Either the container cannot start:

    exec: "/bin/sh": stat /bin/sh: no such file or directory: unknown

or the service starts and fails when it shells out:

    exec: "git": executable file not found in $PATH

**Why.** Shell-form CMD, ENTRYPOINT and HEALTHCHECK (CMD server --port 80, without brackets)
are run as /bin/sh -c "...", and scratch and distroless images have no /bin/sh. exec.Command and
exec.LookPath search PATH inside the container, where minimal images have no git, ffmpeg, curl
or bash; a HEALTHCHECK that runs curl or wget fails every probe, so a healthy service is
reported unhealthy (and replaced by Swarm or anything else that acts on health). A script's #!/bin/bash fails on alpine, which has only /bin/sh.
shipshape reports exec.Command targets as warnings, since the call usually runs in a handler or a
subcommand after start-up, and the start command, its interpreter and HEALTHCHECK tools as
errors or warnings by what they stop.

**How to confirm.**

    docker image inspect IMAGE --format '{{json .Config.Cmd}} {{json .Config.Entrypoint}} {{json .Config.Healthcheck}}'
    docker run --rm --entrypoint ls IMAGE -l /bin /usr/bin
    grep -rn 'exec.Command\|exec.LookPath' --include=*.go .

**How to fix.** Use exec form for commands, and install (or avoid) what the code runs:

    ENTRYPOINT ["/app/server"]
    HEALTHCHECK CMD ["/app/server", "healthcheck"]

    # alpine: RUN apk add --no-cache git`,
	Fix:     "Use exec-form ENTRYPOINT/CMD/HEALTHCHECK in images without a shell, and install every program the code executes (or do the work in Go).",
	Symptom: `exec: "/bin/sh": stat /bin/sh: no such file or directory`,
	Signatures: []rule.Signature{
		rule.Sig("executable file not found in $PATH",
			`exec: "(?P<path>[^"]+)": executable file not found in \$PATH`,
			`package github.com/aws/aws-sdk-go: exec: "git": executable file not found in $PATH`),
		rule.Sig("no such file or directory",
			`exec: \\*"(?P<path>/[^"\\]+)\\*": stat \S+: no such file or directory`,
			`OCI runtime create failed: container_linux.go:345: starting container process caused "exec: \"/bin/sh\": stat /bin/sh: no such file or directory": unknown`),
	},
	Requires: []rule.Input{rule.Dockerfile},
	Run:      runMissingRuntimeBinary,
}

func runMissingRuntimeBinary(p *rule.Pass) error {
	ts := deploy.Images(p.Project)
	for _, t := range ts {
		im := t.Image
		startCommand(p, t)
		if b := t.Main(); b != nil && p.Project.Go != nil {
			for _, x := range p.Project.Go.Execs {
				if !b.Program.Reaches(x.Pkg) || x.Unresolved || x.Name == "" || x.Call == "exec.LookPath" {
					continue
				}
				if !path.IsAbs(x.Name) && strings.Contains(x.Name, "/") {
					continue
				}
				has, pos := hasCommand(t, x.Name)
				if has != dockerfile.No {
					continue
				}
				// A warning, not an error: exec.Command usually runs in a handler or a subcommand,
				// so the service starts and fails when that code runs.
				p.Report(rule.Finding{
					Pos:      x.Pos,
					Severity: rule.Warning,
					Message: fmt.Sprintf("%s %s runs %q, but the image of %s (%s) has no %s (%s): when that code runs, the call fails with %s",
						x.Pos.Short(), x.Call, x.Name, t.File.Path, t.Stage.Base.Ref, x.Name, lacks(im, pos), notFound(x.Name)),
					Related: []rule.Related{{Pos: pos, Message: "base " + t.Stage.Base.Ref + " without " + x.Name}, {Pos: b.Program.Pos, Message: "program " + b.Program.Name + " runs in the image"}},
					Symptom: notFound(x.Name),
				})
			}
		}
		if h := im.Healthcheck; h != nil && !h.None && len(h.Args) > 0 {
			healthcheck(p, t, h.Pos, "HEALTHCHECK", h.Exec, h.Args)
		}
		for _, r := range deploy.Runners(p.Project, t) {
			if r.Service != nil && r.Service.Healthcheck != nil && !r.Service.Healthcheck.Disable {
				test := r.Service.Healthcheck.Test
				if len(test) >= 2 && (test[0].Value == "CMD" || test[0].Value == "CMD-SHELL") {
					var args []string
					for _, a := range test[1:] {
						args = append(args, a.Value)
					}
					if test[0].Value == "CMD-SHELL" {
						args = []string{strings.Join(args, " ")}
					}
					healthcheck(p, t, r.Service.Healthcheck.Pos, r.Name+" healthcheck", test[0].Value == "CMD", args)
				}
			}
			if c := r.Container; c != nil {
				for _, pr := range c.Probes() {
					if pr.Handler == "exec" && len(pr.Command) > 0 && !pr.Command[0].Templated() {
						var args []string
						for _, a := range pr.Command {
							args = append(args, a.Value)
						}
						healthcheck(p, t, pr.Pos, r.Name+" exec probe", true, args)
					}
				}
			}
		}
	}
	return nil
}

// startCommand checks what starts the container: a shell form needs /bin/sh, the first program of
// an exec form (and of a wrapper's arguments) must exist, and a script run directly needs its
// shebang's interpreter.
func startCommand(p *rule.Pass, t *deploy.Image) {
	im := t.Image
	words, c := deploy.CommandWords(im)
	if c == nil || len(words) == 0 {
		return
	}
	if !c.Exec {
		shell := "/bin/sh"
		if st := t.Stage.Shell; st != nil && len(st.Args) > 0 {
			shell = st.Args[0]
		}
		if has, pos := hasCommand(t, shell); has == dockerfile.No {
			p.Report(rule.Finding{
				Pos: c.Pos,
				Message: fmt.Sprintf("%s %s is in shell form, which Docker runs as %s -c \"…\", but the image of %s (%s) has no %s (%s): the container does not start: exec: \"%s\": stat %s: no such file or directory",
					c.Pos.Short(), c.Kind, shell, t.File.Path, t.Stage.Base.Ref, shell, lacks(im, pos), shell, shell),
				Related: []rule.Related{{Pos: pos, Message: "base " + t.Stage.Base.Ref + " without " + shell}},
				Symptom: fmt.Sprintf("exec: %q: stat %s: no such file or directory", shell, shell),
				Fix:     "Use the exec form, ENTRYPOINT [\"/app/server\"], on images without a shell (scratch, distroless).",
			})
		}
		return
	}
	for i, w := range words {
		if i > 0 && (w == "--" || strings.HasPrefix(w, "-") || strings.Contains(w, "=")) {
			continue
		}
		pos, kind := deploy.WordPos(im, i)
		if strings.ContainsAny(w, "$`{}") || !path.IsAbs(w) && strings.Contains(w, "/") {
			return
		}
		has, at := hasCommand(t, w)
		if has == dockerfile.No {
			p.Report(rule.Finding{
				Pos: pos,
				Message: fmt.Sprintf("%s %s runs %s, but the image of %s (%s) has no %s (%s): the container does not start: %s",
					pos.Short(), kind, w, t.File.Path, t.Stage.Base.Ref, w, lacks(im, at), startNotFound(w)),
				Related: []rule.Related{{Pos: at, Message: "base " + t.Stage.Base.Ref + " without " + w}},
				Symptom: startNotFound(w),
			})
			return
		}
		if !wrappers[path.Base(w)] {
			break
		}
	}
	for _, e := range entryFiles(p.Project) {
		if e.t.Stage != t.Stage || !e.Direct || e.Script == nil || e.Script.Shebang == nil {
			continue
		}
		sb := e.Script.Shebang
		interp := sb.Path
		if path.Base(sb.Path) == "env" {
			interp = sb.Interpreter
		}
		if interp == "" || strings.ContainsAny(interp, "$`") {
			continue
		}
		has, at := hasCommand(t, interp)
		if has != dockerfile.No {
			continue
		}
		symptom := "exec " + e.Path + ": no such file or directory"
		if interp != sb.Path {
			symptom = fmt.Sprintf("env: can't execute '%s': No such file or directory", interp)
		}
		p.Report(rule.Finding{
			Pos: e.Pos,
			Message: fmt.Sprintf("%s %s runs %s (%s), whose interpreter is %s (%s), but the image of %s (%s) has no %s (%s): the start fails with %q",
				e.Pos.Short(), e.By, e.Path, e.Src, interp, sb.Pos.Short(), t.File.Path, t.Stage.Base.Ref, interp, lacks(im, at), symptom),
			Related: []rule.Related{{Pos: sb.Pos, Message: "#!" + sb.Path + " " + strings.Join(sb.Args, " ")}, {Pos: at, Message: "base " + t.Stage.Base.Ref + " without " + interp}},
			Symptom: symptom,
		})
	}
}

// healthcheck checks a health check's program: a shell form needs /bin/sh and its first word;
// an exec form its first argument. A failing check marks the container unhealthy (and restarts
// it on Kubernetes), so this is a warning.
func healthcheck(p *rule.Pass, t *deploy.Image, pos source.Pos, what string, exec bool, args []string) {
	prog := args[0]
	if !exec {
		if has, at := hasCommand(t, "/bin/sh"); has == dockerfile.No {
			reportHealth(p, t, pos, what, "/bin/sh", at, "it runs in shell form")
			return
		}
		fs := strings.Fields(args[0])
		if len(fs) == 0 || strings.ContainsAny(fs[0], "$`;&|<>(){}") {
			return
		}
		prog = fs[0]
	}
	if strings.ContainsAny(prog, "$`{}") || !path.IsAbs(prog) && strings.Contains(prog, "/") {
		return
	}
	if has, at := hasCommand(t, prog); has == dockerfile.No {
		reportHealth(p, t, pos, what, prog, at, "")
	}
}

func reportHealth(p *rule.Pass, t *deploy.Image, pos source.Pos, what, prog string, at source.Pos, why string) {
	if why != "" {
		why = " (" + why + ")"
	}
	p.Report(rule.Finding{
		Pos:      pos,
		Severity: rule.Warning,
		Message: fmt.Sprintf("%s %s needs %s%s, but the image of %s (%s) has no %s (%s): every check fails, the container is reported unhealthy (and a Kubernetes probe restarts it or keeps it out of the Service)",
			pos.Short(), what, prog, why, t.File.Path, t.Stage.Base.Ref, prog, lacks(t.Image, at)),
		Related: []rule.Related{{Pos: at, Message: "base " + t.Stage.Base.Ref + " without " + prog}},
		Symptom: notFound(prog),
	})
}

// hasCommand is Image.HasCommand, made Unknown where the model cannot see everything the image
// holds: a copy it cannot expand, a RUN it cannot parse, or a directory copied from another
// stage or image (its contents are not listed) over the program's directory or a PATH directory.
func hasCommand(t *deploy.Image, name string) (dockerfile.Tri, source.Pos) {
	has, pos := t.Image.HasCommand(name)
	if has != dockerfile.No {
		return has, pos
	}
	if unexpandable(t.Stage) || opaqueRuns(t.Stage) {
		return dockerfile.Unknown, pos
	}
	dirs := []string{path.Dir(name)}
	if !path.IsAbs(name) {
		dirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}
	}
	for k, pi := range t.Image.Paths {
		if !pi.Dir || !opaqueDir(t, pi.Pos) {
			continue
		}
		for _, d := range dirs {
			if covers(k, d) {
				return dockerfile.Unknown, pos
			}
		}
	}
	return dockerfile.No, pos
}

// lacks says why the image has no such program, for messages.
func lacks(im *dockerfile.Image, pos source.Pos) string {
	b := im.Base
	switch {
	case b.Family == "scratch":
		return "scratch holds only what is copied into it"
	case b.Exhaustive:
		return b.Family + " has no shell and no other programs"
	case pos == im.BasePos:
		return b.Family + " does not ship it and nothing installs it"
	}
	return "nothing installs it, " + pos.Short()
}

func notFound(name string) string {
	if path.IsAbs(name) {
		return fmt.Sprintf("fork/exec %s: no such file or directory", name)
	}
	return fmt.Sprintf("exec: %q: executable file not found in $PATH", name)
}

func startNotFound(name string) string {
	if path.IsAbs(name) {
		return fmt.Sprintf("exec: %q: stat %s: no such file or directory", name, name)
	}
	return fmt.Sprintf("exec: %q: executable file not found in $PATH", name)
}
