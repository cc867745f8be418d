package network

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/release"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// platformDeploy is a program that a platform setting $PORT runs.
type platformDeploy struct {
	Pos source.Pos
	// Platform names it in messages: "the Procfile's web process", "Cloud Run".
	Platform string
	Prog     *gocode.Program
	// Args are the words after the program (Procfile); Port is the port the platform sends
	// requests to when it is fixed (Cloud Run's --port, 8080 by default), 0 when assigned.
	Args []string
	Cmd  string
	Port int
}

// platformDeploys maps the web processes of Procfiles (Heroku, Dokku and the buildpack
// platforms) and the gcloud run deploy commands of the release facts to the programs they run,
// keeping those whose program is known.
func platformDeploys(p *rule.Pass) []platformDeploy {
	r, g := p.Project.Release, p.Project.Go
	if r == nil || g == nil {
		return nil
	}
	var out []platformDeploy
	for _, e := range r.Procfiles {
		if e.Type != "web" || len(e.Words) == 0 {
			continue
		}
		if prog := deploy.ByName(g, path.Base(e.Words[0])); prog != nil {
			out = append(out, platformDeploy{Pos: e.Pos, Platform: "the Procfile's web process", Prog: prog, Args: e.Words[1:], Cmd: e.Command})
		}
	}
	return append(out, cloudRunDeploys(r, g)...)
}

// portPlatforms reports platform deployments whose program listens on a fixed port other than
// the one the platform sends requests to.
func portPlatforms(p *rule.Pass) {
	g := p.Project.Go
	for _, d := range platformDeploys(p) {
		if deploy.LinksUnmodeled(g, d.Prog) != "" {
			continue
		}
		if d.Port > 0 {
			cloudRunListeners(p, g, d.Prog, d.Pos, d.Port)
		} else {
			webProcess(p, g, d)
		}
	}
}

func webProcess(p *rule.Pass, g *gocode.Facts, d platformDeploy) {
	prog, pos, cmd := d.Prog, d.Pos, d.Cmd
	var fixed []*gocode.Listener
	for _, l := range g.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if l.Unresolved || l.PortFromEnv != "" || l.Port == 0 {
			return // $PORT (or something unknown) decides the port
		}
		if l.Flag != "" {
			for _, w := range d.Args {
				if strings.Contains(w, l.Flag) || strings.Contains(w, "PORT") {
					return
				}
			}
		}
		fixed = append(fixed, l)
	}
	if len(fixed) == 0 || strings.Contains(cmd, "PORT") {
		return
	}
	var where []string
	var related []rule.Related
	for _, l := range fixed {
		where = append(where, fmt.Sprintf("%d (%s %s)", l.Port, l.Pos.Short(), l.Via))
		related = append(related, rule.Related{Pos: l.Pos, Message: fmt.Sprintf("%s listens on the fixed port %d", l.Via, l.Port)})
	}
	p.Report(rule.Finding{
		Pos: pos,
		Message: fmt.Sprintf("%s the web process runs %s, which listens on %s and never reads $PORT: the platform assigns the port in $PORT and routes only there, so the process is killed at boot (Error R10 (Boot timeout) -> Web process failed to bind to $PORT)",
			pos.Short(), prog.Name, strings.Join(where, " and ")),
		Related: related,
	})
}

// cloudRunDeploys maps gcloud run deploy commands to their programs: the one --image names,
// else the repository's one deployed program (built from --source or pushed). Commands whose
// port is unknown are left out: Cloud Run sends requests to $PORT, 8080 unless --port says
// otherwise, and --args, --command or the env flags may move it.
func cloudRunDeploys(r *release.Facts, g *gocode.Facts) []platformDeploy {
	var out []platformDeploy
	deployed := deploy.Deployed(g)
	for _, d := range r.CloudRun {
		if d.Port == 0 {
			continue
		}
		var prog *gocode.Program
		if d.Image != "" {
			prog = deploy.ByName(g, deploy.RefName(d.Image))
		}
		if prog == nil && len(deployed) == 1 {
			prog = deployed[0]
		}
		if prog == nil {
			continue
		}
		out = append(out, platformDeploy{Pos: d.Pos, Platform: "Cloud Run", Prog: prog, Cmd: d.Command, Port: d.Port})
	}
	return out
}

func cloudRunListeners(p *rule.Pass, g *gocode.Facts, prog *gocode.Program, pos source.Pos, want int) {
	var fixed []*gocode.Listener
	for _, l := range g.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if l.Unresolved || l.PortFromEnv != "" || l.Flag != "" || l.Port == 0 || l.Port == want {
			return // $PORT, a flag, something unknown, or the right port
		}
		fixed = append(fixed, l)
	}
	if len(fixed) == 0 {
		return
	}
	var where []string
	var related []rule.Related
	for _, l := range fixed {
		where = append(where, fmt.Sprintf("%d (%s %s)", l.Port, l.Pos.Short(), l.Via))
		related = append(related, rule.Related{Pos: l.Pos, Message: fmt.Sprintf("%s listens on the fixed port %d", l.Via, l.Port)})
	}
	p.Report(rule.Finding{
		Pos: pos,
		Message: fmt.Sprintf("%s deploys %s to Cloud Run, which sets PORT=%d and sends requests and its startup probe there, but %s listens on %s and never reads $PORT: the revision fails to start (the container did not listen on the port defined by PORT=%d)",
			pos.Short(), prog.Name, want, prog.Name, strings.Join(where, " and "), want),
		Related: related,
	})
}

// loopbackPlatforms reports the listeners of platform deployments that are bound to loopback
// while the platform's router connects to the instance's address: the one that takes $PORT, or
// every one when all are on loopback.
func loopbackPlatforms(p *rule.Pass) {
	g := p.Project.Go
	for _, d := range platformDeploys(p) {
		var ls []*gocode.Listener
		allLoop := true
		for _, l := range g.Listeners {
			if d.Prog.Reaches(l.Pkg) {
				ls = append(ls, l)
				allLoop = allLoop && l.Loopback
			}
		}
		for _, l := range ls {
			if !l.Loopback || (l.PortFromEnv != "PORT" && !allLoop) {
				continue
			}
			p.Report(rule.Finding{
				Pos: l.Pos,
				Message: fmt.Sprintf("%s %s listens on %s only, but %s runs %s (%s) and its router connects to the instance's own address on $PORT: every request is refused and the deployment fails its start-up check",
					l.Pos.Short(), l.Via, l.Host, d.Platform, d.Prog.Name, d.Pos.Short()),
				Related: []rule.Related{{Pos: d.Pos, Message: d.Platform + " runs " + d.Prog.Name}},
			})
		}
	}
}
