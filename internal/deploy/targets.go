package deploy

import (
	"fmt"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/dotenv"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// Kinds of target.
const (
	KindImage      = "image"      // the final image of a Dockerfile, run with docker run
	KindCompose    = "compose"    // a compose service
	KindKubernetes = "kubernetes" // a container of a Kubernetes workload
	KindSystemd    = "systemd"    // a systemd service unit
)

// Target is one place a program is run.
type Target struct {
	// Kind is KindImage, KindCompose, KindKubernetes or KindSystemd.
	Kind string
	// Name describes the target in messages: `the image of Dockerfile`, `compose service "api"`,
	// `Deployment orders-api, container "api"`, `unit orders-api.service`.
	Name string
	Pos  source.Pos
	// Program is the Go program of the tree the target runs; nil when it cannot be told.
	Program *gocode.Program
	// File and Image are the Dockerfile and the modelled image the target runs (nil when
	// unknown or, for units, not applicable).
	File  *dockerfile.File
	Image *dockerfile.Image
	// What the target is, after Kind: Service for compose; Object and Container for
	// Kubernetes; Unit and its first ExecStart, Command, for systemd; none for an image.
	Service   *compose.Service
	Object    *k8s.Object
	Container *k8s.Container
	Unit      *systemd.Unit
	Command   *systemd.Command

	// Args are the program's arguments (argv[1:]) and where they were written; ArgsKnown is false
	// when they cannot be evaluated (templates, $(VAR), variables).
	Args      []string
	ArgsPos   source.Pos
	ArgsKnown bool

	env map[string]Value
	// envOpen says some source may set variables whose names are not visible (env_file outside
	// the tree, envFrom of an unknown object, EnvironmentFile=).
	envOpen string
	// links are the Services whose link variables Kubernetes sets (see Set.serviceLinks).
	links map[string]*k8s.Object
}

// Value is an environment variable as a target sets it.
type Value struct {
	Value string
	// Known is false when the variable is set but its value is not visible.
	Known bool
	Pos   source.Pos
	// Where says what sets it ("ENV in Dockerfile", "env of the container", "Environment=").
	Where string
}

// InContainer says the program runs in its own network namespace.
func (t *Target) InContainer() bool { return t.Kind != KindSystemd }

// Env looks a variable up: set says a source sets it (Value.Known says whether its value is
// visible); unknown says no visible source sets it but an opaque one might.
func (t *Target) Env(name string) (v Value, set, unknown bool) {
	if v, ok := t.env[name]; ok {
		return v, true, false
	}
	if len(t.links) > 0 {
		for _, suffix := range []string{"_SERVICE_HOST", "_SERVICE_PORT", "_PORT"} {
			if prefix, ok := strings.CutSuffix(name, suffix); ok && t.links[prefix] != nil {
				o := t.links[prefix]
				return Value{Pos: o.Pos, Where: "the service links of Service " + o.Name.Value}, true, false
			}
		}
	}
	return Value{}, false, t.envOpen != ""
}

func (t *Target) setEnv(name string, v Value) {
	if t.env == nil {
		t.env = map[string]Value{}
	}
	if strings.Contains(v.Value, "$") || strings.Contains(v.Value, "{{") {
		v.Known = false
	}
	t.env[name] = v
}

// All lists the targets of a project: every Dockerfile's final image that has an entrypoint or
// command, every compose service, every container of a Kubernetes workload, every service unit
// with an ExecStart.
// The result is shared by the rules of one check (it is computed once per project): callers
// must not modify it.
func All(p *facts.Project) []*Target { return targetsOf(p).all }

// targets are the targets of one project, and the images its compose services and Kubernetes
// containers start.
type targets struct {
	all []*Target
	// runners are the targets that start each image (see Runners).
	runners map[*Image][]*Target
}

// targetsOf is the targets of p, computed once.
func targetsOf(p *facts.Project) *targets {
	lastTargets.Lock()
	defer lastTargets.Unlock()
	if lastTargets.project != p {
		ts := &targets{all: NewSet(p).All(), runners: map[*Image][]*Target{}}
		ims := Images(p)
		for _, t := range ts.all {
			if t.Service != nil || t.Container != nil && !t.Object.Template {
				if im := ImageOf(ims, t); im != nil {
					ts.runners[im] = append(ts.runners[im], t)
				}
			}
		}
		lastTargets.project, lastTargets.targets = p, ts
	}
	return lastTargets.targets
}

// lastTargets holds the targets of the most recent project: the rules of one check run
// concurrently and all ask for the same project.
var lastTargets struct {
	sync.Mutex
	project *facts.Project
	targets *targets
}

// Set answers for the targets of one project. It reads the images of Images, so that each image
// is modelled and its binaries traced once per project. A Set is not safe for concurrent use.
type Set struct {
	p *facts.Project
	// list is Images; images are they by stage and by model.
	list    []*Image
	images  map[*dockerfile.Stage]*Image
	byModel map[*dockerfile.Image]*Image
	refs    map[string]imageHit
	progs   map[*dockerfile.Image]*gocode.Program
	links   map[string]*k8s.Object
}

// serviceLinks maps the variable prefix of every Service (MY_SVC for my-svc) to it: Kubernetes
// sets <PREFIX>_PORT, <PREFIX>_SERVICE_HOST, <PREFIX>_SERVICE_PORT and <PREFIX>_PORT_<n>_TCP…
// in every container of the namespace (enableServiceLinks).
func (set *Set) serviceLinks() map[string]*k8s.Object {
	if set.links == nil {
		set.links = map[string]*k8s.Object{}
		for _, o := range set.p.Kubernetes {
			if o.Service != nil && !o.Name.Templated() {
				set.links[strings.ToUpper(strings.ReplaceAll(o.Name.Value, "-", "_"))] = o
			}
		}
	}
	return set.links
}

type imageHit struct {
	f  *dockerfile.File
	im *dockerfile.Image
}

// NewSet prepares the targets of p.
func NewSet(p *facts.Project) *Set {
	set := &Set{p: p, images: map[*dockerfile.Stage]*Image{}, byModel: map[*dockerfile.Image]*Image{},
		refs: map[string]imageHit{}, progs: map[*dockerfile.Image]*gocode.Program{}}
	set.list = Images(p)
	for _, im := range set.list {
		set.images[im.Stage], set.byModel[im.Image] = im, im
	}
	return set
}

// programOfImage is the program an image runs, once per image.
func (set *Set) programOfImage(im *dockerfile.Image) *gocode.Program {
	prog, ok := set.progs[im]
	if !ok {
		prog = set.byModel[im].program(set.p.Go)
		set.progs[im] = prog
	}
	return prog
}

// All lists the project's targets (see the package function All).
func (set *Set) All() []*Target {
	p := set.p
	var out []*Target
	for _, f := range p.Dockerfiles {
		if t := set.ForDockerfile(f); t != nil {
			out = append(out, t)
		}
	}
	for _, cf := range p.Compose {
		for _, s := range cf.Services {
			out = append(out, set.ForService(cf, s))
		}
	}
	for _, o := range p.Kubernetes {
		if o.Workload == nil {
			continue
		}
		for _, c := range o.Workload.Containers {
			out = append(out, set.ForContainer(o, c))
		}
	}
	for _, u := range p.Units {
		if t := set.ForUnit(u); t != nil {
			out = append(out, t)
		}
	}
	return out
}

// ForDockerfile is `docker run` of the image a Dockerfile builds (its last stage); nil when the
// file does not parse or the image has neither ENTRYPOINT nor CMD of its own.
func (set *Set) ForDockerfile(f *dockerfile.File) *Target {
	built := set.images[f.Final()]
	if f.ParseError != nil || built == nil {
		return nil
	}
	im := built.Image
	if im.Entrypoint == nil && im.Cmd == nil {
		return nil
	}
	t := &Target{Kind: KindImage, Name: "the image of " + f.Path, Pos: f.Final().Pos, File: f, Image: im}
	t.imageEnv()
	t.Program = set.programOfImage(im)
	t.Args, t.ArgsPos, t.ArgsKnown = imageArgs(im)
	return t
}

func (t *Target) imageEnv() {
	if t.Image == nil {
		return
	}
	for name, v := range t.Image.Env {
		t.setEnv(name, Value{Value: v.Value, Known: !v.Unresolved, Pos: v.Pos, Where: "ENV"})
	}
}

// imageArgs are the arguments the image passes its program: ENTRYPOINT's after the first, then
// CMD (exec form only; a shell form is not evaluated).
func imageArgs(im *dockerfile.Image) ([]string, source.Pos, bool) {
	var args []string
	var pos source.Pos
	switch {
	case im.Entrypoint != nil:
		if !im.Entrypoint.Exec {
			return nil, im.Entrypoint.Pos, false
		}
		pos = im.Entrypoint.Pos
		if len(im.Entrypoint.Args) > 1 {
			args = append(args, im.Entrypoint.Args[1:]...)
		}
		if im.Cmd != nil {
			if !im.Cmd.Exec {
				return nil, im.Cmd.Pos, false
			}
			args = append(args, im.Cmd.Args...)
		}
	case im.Cmd != nil:
		if !im.Cmd.Exec {
			return nil, im.Cmd.Pos, false
		}
		pos = im.Cmd.Pos
		if len(im.Cmd.Args) > 1 {
			args = append(args, im.Cmd.Args[1:]...)
		}
	}
	return args, pos, true
}

// EnvFileAt returns the env file of the tree at rel, or nil.
func EnvFileAt(p *facts.Project, rel string) *dotenv.File {
	if rel == "" {
		return nil
	}
	for _, f := range p.EnvFiles {
		if f.Path == rel {
			return f
		}
	}
	return nil
}

// ForService is a compose service: its build's image (when built here), with the service's
// environment and command overrides.
func (set *Set) ForService(cf *compose.File, s *compose.Service) *Target {
	p := set.p
	t := &Target{Kind: KindCompose, Name: fmt.Sprintf("compose service %q", s.Name), Pos: s.Pos, Service: s}
	if im := ImageOfBuild(set.list, s); im != nil {
		t.File, t.Image = im.File, im.Image
	}
	if t.Image == nil && s.Image.Set() && !s.Image.Templated() {
		t.File, t.Image = set.ImageByName(s.Image.Value)
	}
	t.imageEnv()
	for _, ef := range s.EnvFiles {
		t.envFile(p, ef)
	}
	for _, e := range s.Environment {
		if e.FromShell {
			t.setEnv(e.Name, Value{Known: false, Pos: e.Pos, Where: "environment (from the shell)"})
			continue
		}
		t.setEnv(e.Name, Value{Value: e.Value.Value, Known: !strings.Contains(e.Value.Raw, "$"), Pos: e.Value.Pos, Where: "environment"})
	}
	if t.Image != nil {
		t.Program = set.programOfImage(t.Image)
		t.Args, t.ArgsPos, t.ArgsKnown = imageArgs(t.Image)
	}
	if s.Entrypoint != nil {
		// An entrypoint override replaces the program; take its name, drop the image's CMD.
		t.Args, t.ArgsPos, t.ArgsKnown = nil, s.Entrypoint.Pos, s.Entrypoint.Words != nil
		if len(s.Entrypoint.Words) > 0 {
			t.Args = append([]string(nil), s.Entrypoint.Words[1:]...)
			t.Program = set.programAt(t, s.Entrypoint.Words[0])
		}
	}
	if s.Command != nil {
		words := s.Command.Words
		switch {
		case s.Entrypoint == nil && t.Image != nil && t.Image.Entrypoint == nil:
			// CMD was the whole command line: the override names the program.
			t.Program, t.Args = nil, nil
			if len(words) > 0 {
				t.Program = set.programAt(t, words[0])
				t.Args = words[1:]
			}
		case s.Entrypoint == nil && t.Image != nil:
			t.Args = nil
			if t.Image.Entrypoint.Exec && len(t.Image.Entrypoint.Args) > 1 {
				t.Args = append(t.Args, t.Image.Entrypoint.Args[1:]...)
			}
			t.Args = append(t.Args, words...)
		default:
			t.Args = append(t.Args[:len(t.Args):len(t.Args)], words...)
		}
		t.ArgsPos = s.Command.Pos
		t.ArgsKnown = t.ArgsKnown && words != nil
	}
	return t
}

// programAt is the program an override of the image's command runs (see Image.ProgramAt).
func (set *Set) programAt(t *Target, exe string) *gocode.Program {
	return set.byModel[t.Image].ProgramAt(set.p.Go, exe)
}

func (t *Target) envFile(p *facts.Project, ef *compose.EnvFile) {
	if ef.Resolved == "" {
		t.envOpen = "env_file " + ef.Path.Value
		return
	}
	if f := EnvFileAt(p, ef.Resolved); f != nil {
		for _, v := range f.Vars {
			t.setEnv(v.Name, Value{Value: v.Value, Known: !v.Inherited && len(v.Unresolved) == 0, Pos: v.Pos, Where: "env_file " + f.Path})
		}
		return
	}
	if ef.Required {
		t.envOpen = "env_file " + ef.Path.Value
	}
}

// ImageByName finds the Dockerfile that builds an image reference (registry/org/name:tag): the
// only one whose final image runs a program, or a binary, called like the reference's last path
// element.
func (set *Set) ImageByName(ref string) (*dockerfile.File, *dockerfile.Image) {
	if h, ok := set.refs[ref]; ok {
		return h.f, h.im
	}
	f, im := set.imageByName(ref)
	set.refs[ref] = imageHit{f, im}
	return f, im
}

func (set *Set) imageByName(ref string) (*dockerfile.File, *dockerfile.Image) {
	// The program's name, or its module's (github.com/acme/orders built from ./cmd/server,
	// pushed as acme/orders).
	t := imageNamed(set.list, ref, func(t *Image, name string) bool {
		prog := set.programOfImage(t.Image)
		return prog != nil && (prog.Name == name || moduleName(prog) == name)
	})
	if t == nil {
		return nil, nil
	}
	return t.File, t.Image
}

// ForContainer is a container of a Kubernetes workload: the image built here when its name
// matches, with the container's env, envFrom, command and args.
func (set *Set) ForContainer(o *k8s.Object, c *k8s.Container) *Target {
	p := set.p
	t := &Target{Kind: KindKubernetes, Name: fmt.Sprintf("%s %s, container %q", o.Kind, o.Name.Value, c.Name.Value), Pos: c.Pos, Object: o, Container: c}
	if !c.Image.Templated() {
		t.File, t.Image = set.ImageByName(c.Image.Value)
	}
	t.imageEnv()
	for _, ef := range c.EnvFrom {
		if ef.Name.Templated() || ef.Prefix.Set() {
			t.envOpen = "envFrom"
			continue
		}
		objs := k8s.Find(p.Kubernetes, ef.Kind, ef.Name.Value)
		if len(objs) == 0 {
			t.envOpen = "envFrom " + ef.Name.Value
			continue
		}
		for _, obj := range objs {
			if obj.Config == nil || obj.Template {
				t.envOpen = "envFrom " + ef.Name.Value
				continue
			}
			for _, k := range obj.Config.Keys {
				t.setEnv(k.Value, Value{Known: false, Pos: k.Pos, Where: fmt.Sprintf("%s %s", obj.Kind, obj.Name.Value)})
			}
		}
	}
	for _, e := range c.Env {
		pos := e.Pos
		if e.Value.Set() {
			pos = e.Value.Pos
		}
		v := Value{Value: e.Value.Value, Known: e.From == nil && !e.FieldPath.Set() && !e.ResourceField.Set() && !e.Value.Templated() && !strings.Contains(e.Value.Value, "$("), Pos: pos, Where: "env"}
		t.setEnv(e.Name.Value, v)
	}
	if o.Template {
		t.envOpen = "a template"
	}
	t.links = set.serviceLinks()
	if t.Image != nil {
		t.Program = set.programOfImage(t.Image)
		t.Args, t.ArgsPos, t.ArgsKnown = imageArgs(t.Image)
	}
	known := func(ss []k8s.Scalar) ([]string, bool) {
		var out []string
		for _, s := range ss {
			if s.Templated() || strings.Contains(s.Value, "$(") {
				return nil, false
			}
			out = append(out, s.Value)
		}
		return out, true
	}
	if len(c.Command) > 0 {
		words, ok := known(c.Command)
		t.Program = nil
		t.Args, t.ArgsPos, t.ArgsKnown = nil, c.Command[0].Pos, ok
		if ok {
			t.Program = set.programAt(t, words[0])
			t.Args = words[1:]
		}
	}
	if len(c.Args) > 0 {
		words, ok := known(c.Args)
		if len(c.Command) == 0 && t.Image != nil && t.Image.Entrypoint == nil {
			// args replace CMD, which was the whole command line.
			t.Program = nil
			if ok && len(words) > 0 {
				t.Program = set.programAt(t, words[0])
				words = words[1:]
			}
			t.Args = words
		} else {
			if len(c.Command) == 0 && t.Image != nil && t.Image.Entrypoint != nil && len(t.Image.Entrypoint.Args) > 0 {
				t.Args = append([]string(nil), t.Image.Entrypoint.Args[1:]...)
			}
			t.Args = append(t.Args, words...)
		}
		t.ArgsPos = c.Args[0].Pos
		t.ArgsKnown = t.ArgsKnown && ok
	}
	if t.Program == nil && t.Image == nil && len(c.Command) == 0 && p.Go != nil {
		// An image built elsewhere (by goreleaser, ko, a CI job) named after a program.
		t.Program = ByName(p.Go, RefName(c.Image.Value))
		t.ArgsKnown = false
	}
	return t
}

// ForUnit is a service unit with its first ExecStart; nil for other unit types and units without
// ExecStart.
func (set *Set) ForUnit(u *systemd.Unit) *Target {
	p := set.p
	if u.Type != "service" || len(u.ExecStart) == 0 {
		return nil
	}
	cmd := u.ExecStart[0]
	t := &Target{Kind: KindSystemd, Name: "unit " + u.Name, Pos: cmd.Pos, Unit: u, Command: cmd}
	for _, v := range u.Environment {
		t.setEnv(v.Name, Value{Value: v.Value, Known: true, Pos: v.Pos, Where: "Environment="})
	}
	if len(u.EnvironmentFiles) > 0 {
		t.envOpen = "EnvironmentFile=" + u.EnvironmentFiles[0].Path
		// EnvironmentFile= is applied after Environment= and overrides it.
		for name, v := range t.env {
			v.Known = false
			t.env[name] = v
		}
	}
	t.Args, t.ArgsPos, t.ArgsKnown = cmd.Args, cmd.Pos, !cmd.NoEnvExpand
	for _, a := range cmd.Args {
		if strings.ContainsAny(a, "$%") {
			t.ArgsKnown = false
		}
	}
	t.Program = ProgramOfUnit(p, cmd)
	return t
}
