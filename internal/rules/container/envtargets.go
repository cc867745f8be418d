package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// envTarget is a deployment that describes the whole environment of a program it runs: a compose
// service, a Kubernetes container or a systemd service unit. (An image alone is not one: docker
// run -e and the orchestrator add what it lacks.)
type envTarget struct {
	// t is the target; its Name and Pos name it in messages.
	t *deploy.Target
	// Program is the program whose environment this is: not always t.Program, as an image whose
	// entrypoint is a script runs the image's only Go binary here (the script's assignments are
	// part of the environment).
	Program *gocode.Program
	// vars are the names it sets, with where.
	vars map[string]envSet
	// open names a source that may set variables whose names are not visible here (an env_file
	// outside the tree, envFrom of an object not in the repository, EnvironmentFile=); "" when
	// every source is visible.
	open string
}

// envSet is where a target sets a variable.
type envSet struct {
	Pos   source.Pos
	Where string
}

func (t *envTarget) set(name string, pos source.Pos, where string) {
	if t.vars == nil {
		t.vars = map[string]envSet{}
	}
	t.vars[name] = envSet{Pos: pos, Where: where}
}

// envTargets lists the project's compose services, Kubernetes containers and service units whose
// Go program is known.
func envTargets(p *facts.Project) []*envTarget {
	if p.Go == nil {
		return nil
	}
	ims := deploy.Images(p)
	var out []*envTarget
	for _, t := range deploy.All(p) {
		var et *envTarget
		switch {
		case t.Service != nil:
			et = composeEnv(p, ims, t)
		case t.Container != nil:
			et = containerEnv(p, ims, t)
		case t.Unit != nil:
			et = unitEnv(p, t)
		}
		if et != nil {
			out = append(out, et)
		}
	}
	return out
}

// fromImage adds what the image provides: ENV, and what its entrypoint script exports.
func (et *envTarget) fromImage(p *facts.Project, t *deploy.Image) {
	if t == nil {
		return
	}
	for name, v := range t.Image.Env {
		et.set(name, v.Pos, "ENV in "+t.File.Path)
	}
	exe, _ := deploy.Executable(t.Image)
	if exe == "" || t.HasBinary(exe) {
		return
	}
	pi, ok := t.Image.Paths[exe]
	if !ok || pi.Src == "" {
		et.open = "the entrypoint " + exe
		return
	}
	sc := p.Script(pi.Src)
	if sc == nil || sc.Dialect == "" {
		et.open = "the entrypoint script " + pi.Src
		return
	}
	for name, pos := range sc.Assigned {
		et.set(name, pos, "the entrypoint script "+pi.Src)
	}
	for _, c := range sc.Commands {
		if c.Name == "." || c.Name == "source" || c.Name == "eval" {
			et.open = "the entrypoint script " + pi.Src + " (" + c.Pos.Short() + ")"
		}
	}
}

func composeEnv(p *facts.Project, ts []*deploy.Image, dt *deploy.Target) *envTarget {
	s := dt.Service
	et := &envTarget{t: dt}
	t := deploy.ImageOf(ts, dt)
	switch {
	case t != nil:
		if b := t.Main(); b != nil {
			et.Program = b.Program
		}
	case s.Build == nil && s.Image.Set():
		// An image built elsewhere (goreleaser, ko, CI) named after a program.
		et.Program = deploy.ByName(p.Go, deploy.RefName(s.Image.Value))
	}
	if s.Entrypoint != nil || s.Command != nil && (t == nil || t.Image.Entrypoint == nil) {
		c := s.Entrypoint
		if c == nil {
			c = s.Command
		}
		et.Program = nil
		if len(c.Words) > 0 {
			et.Program = t.ProgramAt(p.Go, c.Words[0])
		}
		t = nil // the image's entrypoint script does not run
	}
	if et.Program == nil {
		return nil
	}
	et.fromImage(p, t)
	if s.Extends != nil {
		et.open = "extends " + s.Extends.Service.Value
	}
	// Compose merges the files of a project (compose.yaml with compose.override.yaml, or the
	// files given with -f): a service of the same name in another compose file of the directory
	// may add to the environment.
	for _, cf := range p.Compose {
		for _, other := range cf.Services {
			if other.Name == s.Name && (other == s || sameDir(cf.Path, s.Pos.File)) {
				et.composeVars(p, other)
			}
		}
	}
	return et
}

func sameDir(a, b string) bool { return path.Dir(a) == path.Dir(b) }

// composeVars adds a service's env_file and environment entries. An env_file that is not in the
// tree (git-ignored, created on the host) may set anything.
func (et *envTarget) composeVars(p *facts.Project, s *compose.Service) {
	for _, ef := range s.EnvFiles {
		f := deploy.EnvFileAt(p, ef.Resolved)
		if f == nil {
			et.open = "env_file " + ef.Path.Value
			continue
		}
		for _, v := range f.Vars {
			et.set(v.Name, v.Pos, "env_file "+f.Path)
		}
	}
	for _, e := range s.Environment {
		et.set(e.Name, e.Pos, "environment")
	}
}

func containerEnv(p *facts.Project, ts []*deploy.Image, dt *deploy.Target) *envTarget {
	o, c := dt.Object, dt.Container
	et := &envTarget{t: dt}
	t := deploy.ImageOf(ts, dt)
	if !c.Image.Templated() {
		if t != nil {
			if b := t.Main(); b != nil {
				et.Program = b.Program
			}
		} else {
			et.Program = deploy.ByName(p.Go, deploy.RefName(c.Image.Value))
		}
	}
	if len(c.Command) > 0 || len(c.Args) > 0 && (t == nil || t.Image.Entrypoint == nil) {
		first := c.Args
		if len(c.Command) > 0 {
			first = c.Command
		}
		et.Program = nil
		if w := first[0].Value; !first[0].Templated() && !strings.Contains(w, "$(") {
			et.Program = t.ProgramAt(p.Go, w)
		}
		t = nil
	}
	if et.Program == nil {
		return nil
	}
	et.fromImage(p, t)
	if o.Template {
		et.open = "a template"
	}
	for _, k := range p.Kubernetes {
		if k.Kind == "Kustomization" {
			// Overlays patch containers (env included): what runs is not this manifest alone.
			et.open = "a kustomization (" + k.Pos.Short() + ")"
		}
	}
	for _, ef := range c.EnvFrom {
		if ef.Name.Templated() {
			et.open = "envFrom"
			continue
		}
		objs := k8s.Find(p.Kubernetes, ef.Kind, ef.Name.Value)
		if len(objs) == 0 {
			et.open = fmt.Sprintf("envFrom %s %s, which the repository does not define", ef.Kind, ef.Name.Value)
			continue
		}
		for _, obj := range objs {
			if obj.Config == nil || obj.Template {
				et.open = "envFrom " + ef.Name.Value
				continue
			}
			for _, k := range obj.Config.Keys {
				et.set(ef.Prefix.Value+k.Value, k.Pos, fmt.Sprintf("envFrom %s %s", obj.Kind, obj.Name.Value))
			}
		}
	}
	for _, e := range c.Env {
		et.set(e.Name.Value, e.Pos, "env")
	}
	return et
}

func unitEnv(p *facts.Project, dt *deploy.Target) *envTarget {
	u := dt.Unit
	if u.Partial {
		return nil
	}
	prog := deploy.ByName(p.Go, path.Base(dt.Command.Path))
	if prog == nil {
		return nil
	}
	et := &envTarget{t: dt, Program: prog}
	for _, v := range u.Environment {
		et.set(v.Name, v.Pos, "Environment=")
	}
	if len(u.EnvironmentFiles) > 0 {
		et.open = "EnvironmentFile=" + u.EnvironmentFiles[0].Path
	}
	if len(u.Lookup("Service", "PassEnvironment")) > 0 {
		et.open = "PassEnvironment="
	}
	return et
}
