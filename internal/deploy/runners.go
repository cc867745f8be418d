package deploy

import (
	"strings"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Runners lists the targets that run the image t of Images(p) (see ImageOf), leaving out the
// containers of Kubernetes templates. The result is shared: callers must not modify it.
func Runners(p *facts.Project, t *Image) []*Target { return targetsOf(p).runners[t] }

// ImageOf is the image of ims that a compose service or a Kubernetes container runs: the one its
// compose build selects, or, without a build, the one its image reference names (ImageByRef).
// Nil for other targets and when no image of ims matches.
//
// It can differ from Target.Image, which also takes a reference for a program's module and
// does not look through entrypoint scripts (see Image.Main): the image rules ask which image a
// deployment starts, the target model what runs with which arguments.
func ImageOf(ims []*Image, t *Target) *Image {
	switch {
	case t.Service != nil && t.Service.Build != nil:
		return ImageOfBuild(ims, t.Service)
	case t.Service != nil && t.Service.Image.Set():
		return ImageByRef(ims, t.Service.Image.Value)
	case t.Container != nil && !t.Container.Image.Templated():
		return ImageByRef(ims, t.Container.Image.Value)
	}
	return nil
}

// Overrides says the target replaces the image's command (compose command or entrypoint,
// Kubernetes command or args): what the image's ENTRYPOINT runs may not be what runs.
func (t *Target) Overrides() bool {
	if s := t.Service; s != nil {
		return s.Command != nil || s.Entrypoint != nil
	}
	if c := t.Container; c != nil {
		return len(c.Command) > 0 || len(c.Args) > 0
	}
	return false
}

// Mount is something a target mounts over the image: a compose volume or tmpfs, a Kubernetes
// volumeMount.
type Mount struct {
	// Target is the directory in the container.
	Target   string
	Pos      source.Pos
	ReadOnly bool
	// What names the kind of mount in messages ("bind volume", "tmpfs", "emptyDir volume data").
	What string
}

// Mounts lists where the target mounts something over the image.
func (t *Target) Mounts() []Mount {
	var out []Mount
	if s := t.Service; s != nil {
		for _, v := range s.Volumes {
			if v.Target.Value != "" {
				out = append(out, Mount{Target: v.Target.Value, Pos: v.Pos, ReadOnly: v.ReadOnly, What: v.Type + " volume"})
			}
		}
		for _, tf := range s.Tmpfs {
			out = append(out, Mount{Target: strings.SplitN(tf.Value, ":", 2)[0], Pos: tf.Pos, What: "tmpfs"})
		}
	}
	if c := t.Container; c != nil {
		for _, m := range c.VolumeMounts {
			what := "volume " + m.Name.Value
			if v := t.Object.Workload.Volume(m.Name.Value); v != nil {
				what = v.Source + " volume " + m.Name.Value
			}
			out = append(out, Mount{Target: m.MountPath.Value, Pos: m.Pos, ReadOnly: m.ReadOnly, What: what})
		}
	}
	return out
}

// WorkingDir is the directory the target starts the container in: its override, else the
// image's; how names the setting ("working_dir", "workingDir" or "WORKDIR").
func (t *Target) WorkingDir(im *dockerfile.Image) (dir string, pos source.Pos, how string) {
	if t.Service != nil && t.Service.WorkingDir.Value != "" {
		return t.Service.WorkingDir.Value, t.Service.WorkingDir.Pos, "working_dir"
	}
	if t.Container != nil && t.Container.WorkingDir.Value != "" {
		return t.Container.WorkingDir.Value, t.Container.WorkingDir.Pos, "workingDir"
	}
	wd, pos := im.WorkingDir()
	return wd, pos, "WORKDIR"
}

// SetsEnv says whether a compose service or Kubernetes container sets the variable by name, or
// has any env_file or envFrom at all (whether or not its names are visible here). It is coarser
// than Env, and ignores the image's ENV: rules that must not judge a variable a deployment might
// set ask it.
func (t *Target) SetsEnv(name string) bool {
	if s := t.Service; s != nil {
		if len(s.EnvFiles) > 0 {
			return true
		}
		for _, e := range s.Environment {
			if e.Name == name {
				return true
			}
		}
	}
	if c := t.Container; c != nil {
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

// CommandOverride is the command line a target starts instead of the image's (compose entrypoint: or a
// command: replacing a CMD-only image; Kubernetes command:, or args: replacing a CMD-only image),
// with where it is written; nil when the target keeps the image's program or the words are not
// literal.
func (t *Target) CommandOverride(im *dockerfile.Image) ([]string, source.Pos, string) {
	if s := t.Service; s != nil {
		switch {
		case s.Entrypoint != nil && s.Entrypoint.Words != nil:
			words := append([]string(nil), s.Entrypoint.Words...)
			if s.Command != nil {
				words = append(words, s.Command.Words...)
			}
			return words, s.Entrypoint.Pos, t.Name + " entrypoint"
		case s.Entrypoint == nil && s.Command != nil && s.Command.Words != nil && im.Entrypoint == nil:
			return s.Command.Words, s.Command.Pos, t.Name + " command"
		}
		return nil, source.Pos{}, ""
	}
	c := t.Container
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
	return words, ss[0].Pos, t.Name + what
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
