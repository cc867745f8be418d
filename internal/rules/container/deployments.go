package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// This file answers, for the run-time rules SS2006–SS2015, what an image runs and who runs the
// image: the program behind its ENTRYPOINT, the compose services and Kubernetes containers that
// start it (with the overrides they apply: working directory, user, mounts, read-only root).

// executable is the path an image runs: ENTRYPOINT's first word, else CMD's (exec form, or the
// first word of a shell form without shell syntax), resolved against the working directory when
// it is a relative path with a slash. "" when unknown.
func executable(im *dockerfile.Image) (string, *dockerfile.Command) {
	c := im.Entrypoint
	if c == nil {
		c = im.Cmd
	}
	if c == nil || len(c.Args) == 0 {
		return "", nil
	}
	w := c.Args[0]
	if !c.Exec {
		fs := strings.Fields(w)
		if len(fs) == 0 || strings.ContainsAny(w, "$;&|<>`()") {
			return "", c
		}
		if fs[0] == "exec" && len(fs) > 1 {
			fs = fs[1:]
		}
		w = fs[0]
	}
	if strings.Contains(w, "$") {
		return "", c
	}
	if !path.IsAbs(w) && strings.Contains(w, "/") {
		if wd, _ := im.WorkingDir(); wd != "" {
			w = path.Join(wd, w)
		}
	}
	return w, c
}

// program is the Go program of the tree an image runs: the binary its entrypoint names (or, when
// the entrypoint is a script or unknown, the only binary of the image whose program is known).
func (t *Target) program() *Bin {
	exe, _ := executable(t.Image)
	var known []*Bin
	for _, b := range t.Binaries {
		if b.Program == nil {
			continue
		}
		if exe != "" && (b.Path == exe || !strings.Contains(exe, "/") && path.Base(b.Path) == exe) {
			return b
		}
		known = append(known, b)
	}
	if len(known) == 1 && (exe == "" || !isBinaryPath(t, exe)) {
		return known[0]
	}
	return nil
}

// isBinaryPath says whether exe is one of the image's Go binaries.
func isBinaryPath(t *Target, exe string) bool {
	for _, b := range t.Binaries {
		if b.Path == exe || path.Base(b.Path) == exe {
			return true
		}
	}
	return false
}

// runner is a compose service or a Kubernetes container that runs an image the tree builds.
type runner struct {
	// Name describes it in messages: `compose service "api"`, `Deployment api, container "api"`.
	Name string
	Pos  source.Pos
	// Exactly one of Service and Container is set.
	File      *compose.File
	Service   *compose.Service
	Object    *k8s.Object
	Container *k8s.Container
	// Overrides says the runner replaces the image's command (compose command/entrypoint,
	// Kubernetes command/args): what the image's ENTRYPOINT runs may not be what runs.
	Overrides bool
}

// runners lists the compose services and Kubernetes containers that run the image of t: a
// compose build of its Dockerfile (and stage), or an image reference whose last element names
// the image's executable or program when exactly one Dockerfile matches it.
func runners(p *facts.Project, ts []*Target, t *Target) []*runner {
	var out []*runner
	for _, cf := range p.Compose {
		for _, s := range cf.Services {
			match := false
			if b := s.Build; b != nil {
				match = b.DockerfilePath == t.File.Path && !b.Inline.Set() && t.File.Target(b.Target.Value) == t.Stage
			} else if s.Image.Set() {
				match = imageByRef(ts, s.Image.Value) == t
			}
			if match {
				out = append(out, &runner{Name: fmt.Sprintf("compose service %q", s.Name), Pos: s.Pos, File: cf, Service: s,
					Overrides: s.Command != nil || s.Entrypoint != nil})
			}
		}
	}
	for _, o := range p.Kubernetes {
		if o.Workload == nil || o.Template {
			continue
		}
		for _, c := range o.Workload.Containers {
			if c.Image.Templated() || imageByRef(ts, c.Image.Value) != t {
				continue
			}
			out = append(out, &runner{Name: fmt.Sprintf("%s %s, container %q", o.Kind, o.Name.Value, c.Name.Value), Pos: c.Pos,
				Object: o, Container: c, Overrides: len(c.Command) > 0 || len(c.Args) > 0})
		}
	}
	return out
}

// imageByRef finds the target an image reference names: the only final image whose executable
// or program is called like the reference's last path element.
func imageByRef(ts []*Target, ref string) *Target {
	name := refName(ref)
	if name == "" {
		return nil
	}
	var hit *Target
	for _, t := range ts {
		if t.Stage != t.File.Final() {
			continue
		}
		exe, _ := executable(t.Image)
		match := exe != "" && path.Base(exe) == name
		if b := t.program(); b != nil && b.Program.Name == name {
			match = true
		}
		if match {
			if hit != nil {
				return nil
			}
			hit = t
		}
	}
	return hit
}

// refName is the last path element of an image reference without tag or digest; "" when the
// reference is templated or empty.
func refName(ref string) string {
	if ref == "" || strings.ContainsAny(ref, "{}$") {
		return ""
	}
	if i := strings.Index(ref, "@"); i >= 0 {
		ref = ref[:i]
	}
	name := ref[strings.LastIndex(ref, "/")+1:]
	if i := strings.Index(name, ":"); i >= 0 {
		name = name[:i]
	}
	return name
}

// covers says whether the directory dir is path p or one of its parents.
func covers(dir, p string) bool {
	dir, p = path.Clean(dir), path.Clean(p)
	return dir == p || dir == "/" || strings.HasPrefix(p, dir+"/")
}

// mounts lists where a runner mounts something over the image: compose volumes and tmpfs,
// Kubernetes volumeMounts; each with its position and whether it is writable.
type mount struct {
	Target   string
	Pos      source.Pos
	ReadOnly bool
	What     string
}

func (r *runner) mounts() []mount {
	var out []mount
	if s := r.Service; s != nil {
		for _, v := range s.Volumes {
			if v.Target.Value != "" {
				out = append(out, mount{Target: v.Target.Value, Pos: v.Pos, ReadOnly: v.ReadOnly, What: v.Type + " volume"})
			}
		}
		for _, tf := range s.Tmpfs {
			out = append(out, mount{Target: strings.SplitN(tf.Value, ":", 2)[0], Pos: tf.Pos, What: "tmpfs"})
		}
	}
	if c := r.Container; c != nil {
		for _, m := range c.VolumeMounts {
			what := "volume " + m.Name.Value
			if v := r.Object.Workload.Volume(m.Name.Value); v != nil {
				what = v.Source + " volume " + m.Name.Value
			}
			out = append(out, mount{Target: m.MountPath.Value, Pos: m.Pos, ReadOnly: m.ReadOnly, What: what})
		}
	}
	return out
}

// workingDir is the directory a runner starts the container in: its override, else the image's.
func (r *runner) workingDir(im *dockerfile.Image) (string, source.Pos, string) {
	if r.Service != nil && r.Service.WorkingDir.Value != "" {
		return r.Service.WorkingDir.Value, r.Service.WorkingDir.Pos, "working_dir"
	}
	if r.Container != nil && r.Container.WorkingDir.Value != "" {
		return r.Container.WorkingDir.Value, r.Container.WorkingDir.Pos, "workingDir"
	}
	wd, pos := im.WorkingDir()
	return wd, pos, "WORKDIR"
}

// setsEnv says whether the runner sets the variable, or may set it through a source whose names
// are not visible here (env_file, envFrom).
func (r *runner) setsEnv(name string) bool {
	if s := r.Service; s != nil {
		if len(s.EnvFiles) > 0 {
			return true
		}
		for _, e := range s.Environment {
			if e.Name == name {
				return true
			}
		}
	}
	if c := r.Container; c != nil {
		if len(c.EnvFrom) > 0 {
			return true
		}
		for _, e := range c.Env {
			if e.Name.Value == name {
				return true
			}
		}
	}
	return false
}

// devDirs are directory names under which a program is a development aid, not what a deployment
// runs (the code and network rules use the same list).
var devDirs = map[string]bool{
	"example": true, "examples": true, "_example": true, "_examples": true, "demo": true,
	"demos": true, "sample": true, "samples": true, "hack": true, "tools": true, "scripts": true,
	"test": true, "tests": true, "e2e": true, "bench": true, "benchmark": true, "benchmarks": true,
	"testdata": true,
}

// programNamed returns the only program called name outside development directories, or nil.
func programNamed(g *gocode.Facts, name string) *gocode.Program {
	if g == nil || name == "" || strings.ContainsAny(name, "%$@{") {
		return nil
	}
	var hit *gocode.Program
	for _, prog := range g.Programs {
		dev := false
		for _, seg := range strings.Split(prog.Dir, "/") {
			dev = dev || devDirs[seg]
		}
		if dev || prog.Name != name {
			continue
		}
		if hit != nil {
			return nil
		}
		hit = prog
	}
	return hit
}
