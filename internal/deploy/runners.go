package deploy

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Runner is a compose service or a Kubernetes container that runs an image the tree builds.
type Runner struct {
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

// Runners lists the compose services and Kubernetes containers that run the image t of ims: a
// compose build of its Dockerfile (and stage), or an image reference whose last element names
// the image's executable or program when exactly one Dockerfile matches it.
func Runners(p *facts.Project, ims []*Image, t *Image) []*Runner {
	var out []*Runner
	for _, cf := range p.Compose {
		for _, s := range cf.Services {
			match := false
			if b := s.Build; b != nil {
				match = b.DockerfilePath == t.File.Path && !b.Inline.Set() && t.File.Target(b.Target.Value) == t.Stage
			} else if s.Image.Set() {
				match = ImageByRef(ims, s.Image.Value) == t
			}
			if match {
				out = append(out, &Runner{Name: fmt.Sprintf("compose service %q", s.Name), Pos: s.Pos, File: cf, Service: s,
					Overrides: s.Command != nil || s.Entrypoint != nil})
			}
		}
	}
	for _, o := range p.Kubernetes {
		if o.Workload == nil || o.Template {
			continue
		}
		for _, c := range o.Workload.Containers {
			if c.Image.Templated() || ImageByRef(ims, c.Image.Value) != t {
				continue
			}
			out = append(out, &Runner{Name: fmt.Sprintf("%s %s, container %q", o.Kind, o.Name.Value, c.Name.Value), Pos: c.Pos,
				Object: o, Container: c, Overrides: len(c.Command) > 0 || len(c.Args) > 0})
		}
	}
	return out
}

// Mount is something a runner mounts over the image: a compose volume or tmpfs, a Kubernetes
// volumeMount.
type Mount struct {
	// Target is the directory in the container.
	Target   string
	Pos      source.Pos
	ReadOnly bool
	// What names the kind of mount in messages ("bind volume", "tmpfs", "emptyDir volume data").
	What string
}

// Mounts lists where the runner mounts something over the image.
func (r *Runner) Mounts() []Mount {
	var out []Mount
	if s := r.Service; s != nil {
		for _, v := range s.Volumes {
			if v.Target.Value != "" {
				out = append(out, Mount{Target: v.Target.Value, Pos: v.Pos, ReadOnly: v.ReadOnly, What: v.Type + " volume"})
			}
		}
		for _, tf := range s.Tmpfs {
			out = append(out, Mount{Target: strings.SplitN(tf.Value, ":", 2)[0], Pos: tf.Pos, What: "tmpfs"})
		}
	}
	if c := r.Container; c != nil {
		for _, m := range c.VolumeMounts {
			what := "volume " + m.Name.Value
			if v := r.Object.Workload.Volume(m.Name.Value); v != nil {
				what = v.Source + " volume " + m.Name.Value
			}
			out = append(out, Mount{Target: m.MountPath.Value, Pos: m.Pos, ReadOnly: m.ReadOnly, What: what})
		}
	}
	return out
}

// WorkingDir is the directory the runner starts the container in: its override, else the
// image's; how names the setting ("working_dir", "workingDir" or "WORKDIR").
func (r *Runner) WorkingDir(im *dockerfile.Image) (dir string, pos source.Pos, how string) {
	if r.Service != nil && r.Service.WorkingDir.Value != "" {
		return r.Service.WorkingDir.Value, r.Service.WorkingDir.Pos, "working_dir"
	}
	if r.Container != nil && r.Container.WorkingDir.Value != "" {
		return r.Container.WorkingDir.Value, r.Container.WorkingDir.Pos, "workingDir"
	}
	wd, pos := im.WorkingDir()
	return wd, pos, "WORKDIR"
}

// SetsEnv says whether the runner sets the variable, or may set it through a source whose names
// are not visible here (env_file, envFrom).
func (r *Runner) SetsEnv(name string) bool {
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

// Command is the command line a runner starts instead of the image's (compose entrypoint: or a
// command: replacing a CMD-only image; Kubernetes command:, or args: replacing a CMD-only image),
// with where it is written; nil when the runner keeps the image's program or the words are not
// literal.
func (r *Runner) Command(im *dockerfile.Image) ([]string, source.Pos, string) {
	if s := r.Service; s != nil {
		switch {
		case s.Entrypoint != nil && s.Entrypoint.Words != nil:
			words := append([]string(nil), s.Entrypoint.Words...)
			if s.Command != nil {
				words = append(words, s.Command.Words...)
			}
			return words, s.Entrypoint.Pos, r.Name + " entrypoint"
		case s.Entrypoint == nil && s.Command != nil && s.Command.Words != nil && im.Entrypoint == nil:
			return s.Command.Words, s.Command.Pos, r.Name + " command"
		}
		return nil, source.Pos{}, ""
	}
	c := r.Container
	if c == nil {
		return nil, source.Pos{}, ""
	}
	var ss []k8s.Scalar
	var what string
	switch {
	case len(c.Command) > 0:
		ss, what = append(append([]k8s.Scalar(nil), c.Command...), c.Args...), " command"
	case len(c.Args) > 0 && im.Entrypoint == nil:
		ss, what = c.Args, " args"
	default:
		return nil, source.Pos{}, ""
	}
	var words []string
	for _, s := range ss {
		if s.Templated() || strings.Contains(s.Value, "$(") {
			return nil, source.Pos{}, ""
		}
		words = append(words, s.Value)
	}
	return words, ss[0].Pos, r.Name + what
}

// CommandWords is the command line an image runs: ENTRYPOINT's words then CMD's (exec forms),
// or a shell form as ["/bin/sh", "-c", line]. The instruction returned is the one whose first
// word starts the process.
func CommandWords(im *dockerfile.Image) ([]string, *dockerfile.Command) {
	var words []string
	var first *dockerfile.Command
	for _, c := range []*dockerfile.Command{im.Entrypoint, im.Cmd} {
		if c == nil {
			continue
		}
		if first == nil {
			first = c
		}
		if !c.Exec {
			if c == im.Cmd && im.Entrypoint != nil {
				break // a shell-form CMD becomes arguments of ENTRYPOINT: not run
			}
			words = append(words, "/bin/sh", "-c", strings.Join(c.Args, " "))
			break
		}
		words = append(words, c.Args...)
	}
	return words, first
}

// WordPos is the position of the instruction that wrote word i of CommandWords, and its name
// ("ENTRYPOINT" or "CMD").
func WordPos(im *dockerfile.Image, i int) (source.Pos, string) {
	if e := im.Entrypoint; e != nil {
		if !e.Exec || i < len(e.Args) || im.Cmd == nil {
			return e.Pos, "ENTRYPOINT"
		}
	}
	if im.Cmd != nil {
		return im.Cmd.Pos, "CMD"
	}
	return source.Pos{}, ""
}
