package code

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// DebugMode is a shipped binary whose Gin engine runs in debug mode because nothing sets the
// mode: neither the code nor the deployment.
var DebugMode = &rule.Rule{
	ID:       "SS1002",
	Class:    "debug-mode",
	Title:    "gin runs in debug mode in the shipped binary",
	Severity: rule.Info,
	Doc: `**What happens.** The service starts and prints, before anything else:

    [GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.
     - using env:	export GIN_MODE=release
     - using code:	gin.SetMode(gin.ReleaseMode)

followed by one ` + "`[GIN-debug]`" + ` line per route. Debug mode keeps the extra checks and logging
meant for development in production, and the warning ends up in every log aggregator.

**Why.** Gin's mode is a process-wide setting read once from ` + "`GIN_MODE`" + ` when the package
initialises; it defaults to debug. ` + "`gin.Default()`" + ` and ` + "`gin.New()`" + ` do not change it. Unless the code
calls ` + "`gin.SetMode(gin.ReleaseMode)`" + ` before creating the engine, or every deployment sets
` + "`GIN_MODE=release`" + ` (Dockerfile ENV, compose environment, Kubernetes env, systemd
Environment=), the binary runs in debug mode wherever it is deployed.

**How to confirm.** Start the binary the way it is deployed and look at the first lines of its
output for ` + "`[GIN-debug] [WARNING] Running in \"debug\" mode`" + `.

**How to fix.** Call ` + "`gin.SetMode(gin.ReleaseMode)`" + ` before ` + "`gin.New()`" + `/` + "`gin.Default()`" + ` (or derive it from
your own configuration), or set ` + "`GIN_MODE=release`" + ` in the image (` + "`ENV GIN_MODE=release`" + `).

**What shipshape checks.** A program that reads GIN_MODE itself, and a GIN_MODE set by any
deployment (whatever its value) count as handled: a Dockerfile ENV, a compose service's
environment, a Kubernetes container's env, a unit's Environment=, an env file, or a script that
assigns or exports it. Settings that no parser reads as environment are not seen: a Helm
values file, a workflow's env: block, docker run -e or env NAME=value words in a script.`,
	Fix:     "Call gin.SetMode(gin.ReleaseMode) before creating the engine, or set GIN_MODE=release in the image or the deployment.",
	Symptom: `[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.`,
	Signatures: []rule.Signature{
		rule.Sig(`Running in "debug" mode`,
			`\[GIN-debug\] \[WARNING\] Running in "debug" mode\. Switch to "release" mode in production\.`,
			`[GIN-debug] [WARNING] Running in "debug" mode. Switch to "release" mode in production.`),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runDebugMode,
}

func runDebugMode(p *rule.Pass) error {
	g := p.Project.Go
	if len(g.Gin) == 0 {
		return nil
	}
	if ginModeInDeployment(p.Project) {
		return nil
	}
	reported := map[*gocode.Gin]bool{}
	for _, prog := range g.Programs {
		if !deployed(prog) {
			continue
		}
		var engine *gocode.Gin
		var debug *gocode.Gin
		handled := false
		for _, gn := range g.Gin {
			if !prog.Reaches(gn.Pkg) {
				continue
			}
			switch {
			case gn.Call == "gin.SetMode" && gn.Mode == "debug":
				if debug == nil {
					debug = gn
				}
			case gn.Call == "gin.SetMode":
				// release, test, or a mode computed at run time (GIN_MODE, a flag, a config
				// field): the program decides its mode; not guessed.
				handled = true
			case engine == nil:
				engine = gn
			}
		}
		if engine == nil || handled {
			continue
		}
		if debug != nil {
			if reported[debug] {
				continue
			}
			reported[debug] = true
			p.Report(rule.Finding{
				Pos:     debug.Pos,
				Message: fmt.Sprintf("%s sets Gin to debug mode explicitly, and %s creates the engine (%s) that %s serves in that mode: it logs every route and warns \"Running in debug mode\" in production", debug.Pos.Short(), engine.Pos.Short(), engine.Call, prog.Name),
				Related: []rule.Related{{Pos: engine.Pos, Message: "engine created here"}},
			})
			continue
		}
		if readsEnv(g, prog, "GIN_MODE") || reported[engine] {
			continue
		}
		reported[engine] = true
		p.Report(rule.Finding{
			Pos:     engine.Pos,
			Message: fmt.Sprintf("%s creates a Gin engine (%s) in %s, and nothing sets the mode: no gin.SetMode in the code that ships and no GIN_MODE in any deployment file, so the binary runs in debug mode wherever it is deployed", engine.Pos.Short(), engine.Call, prog.Name),
		})
	}
	return nil
}

// readsEnv says whether the program reads an environment variable itself.
func readsEnv(g *gocode.Facts, prog *gocode.Program, name string) bool {
	for _, e := range g.Env {
		if e.Name == name && prog.Reaches(e.Pkg) {
			return true
		}
	}
	return false
}

// ginModeInDeployment says whether a deployment of the project sets GIN_MODE, from the env
// facts of each artifact: a Dockerfile ENV (any stage), a compose service's environment, a
// Kubernetes container's env, a unit's Environment=, an env file, or a script's assignment or
// export. Any setting counts as handling the mode: a false "handled" only hides an info finding,
// a false "not handled" would nag a project that sets the mode where it deploys.
func ginModeInDeployment(p *facts.Project) bool {
	const name = "GIN_MODE"
	for _, f := range p.Dockerfiles {
		for _, st := range f.Stages {
			for _, v := range st.Env {
				if v.Name == name {
					return true
				}
			}
		}
	}
	for _, f := range p.Compose {
		for _, s := range f.Services {
			for _, v := range s.Environment {
				if v.Name == name {
					return true
				}
			}
		}
	}
	for _, o := range p.Kubernetes {
		if o.Workload == nil {
			continue
		}
		for _, c := range o.Workload.AllContainers() {
			for _, v := range c.Env {
				if v.Name.Value == name {
					return true
				}
			}
		}
	}
	for _, u := range p.Units {
		for _, v := range u.Environment {
			if v.Name == name {
				return true
			}
		}
	}
	for _, f := range p.EnvFiles {
		for _, v := range f.Vars {
			if v.Name == name {
				return true
			}
		}
	}
	for _, s := range p.Scripts {
		if _, ok := s.Assigned[name]; ok {
			return true
		}
	}
	return false
}
