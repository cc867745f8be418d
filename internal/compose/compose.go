// Package compose answers what each compose file runs: services, builds, ports, environment,
// volumes and overrides, with positions.
//
// compose-go's loader goes through map[string]any and keeps no positions, so this package reads
// the YAML nodes itself and borrows compose-go for semantics: ${VAR} interpolation
// (compose-go/v2/template, with the project's .env) and the .env dialect (through dotenv).
// `extends` and `include` are recorded, not followed.
//
// API:
//
//	Load(t) ([]*File, []source.Note)               every compose file of the tree
//	Parse(path, data, env) (*File, []source.Note)   one file; env is the .env of its directory
//	IsCompose(path, root)                           the test Load uses to tell compose from other YAML
//	File{Path, Dir, Name, Services, Includes}; (*File).Service(name)
//	Service{Name, Image, Build, Ports, Expose, Environment, EnvFiles, Volumes, Command,
//	        Entrypoint, User, WorkingDir, ReadOnly, Tmpfs, Healthcheck, DependsOn, NetworkMode, Sysctls,
//	        Profiles, Extends}
//	Scalar{Value, Raw, Pos}: Value interpolated, Raw as written
package compose

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/compose-spec/compose-go/v2/template"
	shellwords "github.com/mattn/go-shellwords"
	yaml "go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/dotenv"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
	"github.com/shipshape-dev/shipshape/internal/yamlnode"
)

// File is one compose file.
type File struct {
	// Path is the slash path relative to the checked root; Dir is its directory ("." at the
	// root), against which compose resolves relative paths.
	Path, Dir string
	// Name is the top-level name: (the project name), if set.
	Name     Scalar
	Services []*Service
	// Includes are the paths of top-level include: entries (not followed).
	Includes []Scalar
	// Unset are the variables the file interpolates that neither its .env nor a default sets:
	// compose takes them from the shell, or uses "" with a warning.
	Unset []Scalar
}

// Service returns the service called name, or nil.
func (f *File) Service(name string) *Service {
	for _, s := range f.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Service is one entry of services:.
type Service struct {
	Name string
	Pos  source.Pos
	// Image is the image to run (or to tag the build with).
	Image Scalar
	// Build is nil when the service is not built.
	Build       *Build
	Ports       []*Port
	Expose      []Scalar
	Environment []*EnvVar
	EnvFiles    []*EnvFile
	Volumes     []*Volume
	// Command and Entrypoint override the image's CMD and ENTRYPOINT; nil when not set.
	Command, Entrypoint *Command
	User, WorkingDir    Scalar
	// ReadOnly is read_only: as written ("true" makes the root filesystem read-only).
	ReadOnly Scalar
	// Tmpfs are tmpfs mount targets (from tmpfs: and from volumes of type tmpfs).
	Tmpfs       []Scalar
	Healthcheck *Healthcheck
	// DependsOn are the service names of depends_on (list or map form).
	DependsOn   []Scalar
	NetworkMode Scalar
	// Sysctls are the namespaced kernel parameters set in the container (sysctls:, map or
	// list form).
	Sysctls  []*Sysctl
	Profiles []Scalar
	// Extends is set when the service extends another (not followed).
	Extends *Extends
}

// Sysctl is one sysctls: entry, such as net.ipv4.ip_unprivileged_port_start: 0.
type Sysctl struct {
	Name  string
	Value Scalar
	// Pos is where the name is written.
	Pos source.Pos
}

// Build is a service's build: section.
type Build struct {
	// Context is as written; ContextDir is it resolved against the compose file's directory as a
	// slash path relative to the root ("" for a URL or an absolute path, which may be outside).
	Context    Scalar
	ContextDir string
	// Dockerfile is as written (zero when absent: "Dockerfile"); DockerfilePath is the resolved
	// slash path relative to the root ("" when unknown).
	Dockerfile     Scalar
	DockerfilePath string
	// Inline is dockerfile_inline, when set.
	Inline Scalar
	Target Scalar
	Args   []*EnvVar
	Pos    source.Pos
}

// Port is one entry of ports: in short ("127.0.0.1:8080:80/udp") or long syntax. Published and
// Target may be ranges ("8000-8010").
type Port struct {
	HostIP, Published, Target, Protocol Scalar
	Pos                                 source.Pos
}

// TargetRange returns the container ports of p; lo == hi for a single port.
func (p *Port) TargetRange() (lo, hi int, ok bool) { return portRange(p.Target.Value) }

// PublishedRange returns the host ports of p; ok is false when none is published.
func (p *Port) PublishedRange() (lo, hi int, ok bool) { return portRange(p.Published.Value) }

func portRange(s string) (lo, hi int, ok bool) {
	a, b, isRange := strings.Cut(s, "-")
	lo, err := strconv.Atoi(a)
	if err != nil {
		return 0, 0, false
	}
	hi = lo
	if isRange {
		if hi, err = strconv.Atoi(b); err != nil || hi < lo {
			return 0, 0, false
		}
	}
	return lo, hi, true
}

// EnvVar is one environment (or build args) entry.
type EnvVar struct {
	Name string
	// Value is the value; zero when FromShell.
	Value Scalar
	// FromShell is true for an entry without a value ("VAR" or "VAR:"): compose takes it from
	// the shell that runs it, and leaves it unset when the shell has none.
	FromShell bool
	Pos       source.Pos
}

// EnvFile is one env_file: entry.
type EnvFile struct {
	Path Scalar
	// Resolved is Path relative to the root ("" when absolute).
	Resolved string
	// Required is false only with `required: false`: a missing required file stops compose.
	Required bool
	// Format is the long syntax's format: ("" means compose's .env dialect; "raw" is literal).
	Format Scalar
	Pos    source.Pos
}

// Volume is one entry of volumes:.
type Volume struct {
	// Type is "bind", "volume" (named or anonymous), "tmpfs", "npipe", "image" or "cluster".
	Type   string
	Source Scalar
	Target Scalar
	// Resolved is a bind Source relative to the root ("" when absolute or under ~): compose
	// creates a missing bind source as an empty directory.
	Resolved string
	ReadOnly bool
	Pos      source.Pos
}

// Command is a command: or entrypoint: override.
type Command struct {
	// List is true for the list form, which compose passes as exec arguments. The string form is
	// split into words by compose (go-shellwords), not run by a shell.
	List bool
	// Args are the list items, or the single string.
	Args []Scalar
	// Words are the arguments compose passes; nil when the string cannot be split.
	Words []string
	Pos   source.Pos
}

// Healthcheck is a service's healthcheck:.
type Healthcheck struct {
	// Test is the test as a list: a string test becomes ["CMD-SHELL", string].
	Test    []Scalar
	Disable bool
	Pos     source.Pos
}

// Extends names the service a service extends.
type Extends struct {
	Service, File Scalar
	Pos           source.Pos
}

// Load finds the compose files of t (see IsCompose) and parses each with the .env file of its
// directory, as compose does for a project in that directory.
func Load(t *tree.Tree) ([]*File, []source.Note) {
	var out []*File
	var notes []source.Note
	for _, tf := range t.OfKind(tree.YAML) {
		b, err := t.Read(tf)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: tf.Path}, "cannot read: %v", err))
			continue
		}
		if !bytes.Contains(b, []byte("services")) {
			continue
		}
		var env *dotenv.File
		envPath := path.Join(path.Dir(tf.Path), ".env")
		if ef := t.Get(envPath); ef != nil {
			if eb, err := t.Read(ef); err == nil {
				env, _ = dotenv.Parse(envPath, eb, dotenv.Compose) // dotenv.Load notes its problems
			}
		}
		f, ns := Parse(tf.Path, b, env)
		if f != nil {
			out = append(out, f)
		}
		notes = append(notes, ns...)
	}
	return out, notes
}

var composeName = regexp.MustCompile(`^(docker-)?compose([.\-_][^/]*)?\.ya?ml$`)

// IsCompose says whether a YAML file is compose by its name (compose*.y*ml,
// docker-compose*.y*ml); files with other names are compose when their services look like
// services (see Parse).
func IsCompose(p string) bool { return composeName.MatchString(strings.ToLower(path.Base(p))) }

// serviceKeys are keys only a compose service has, used to recognise compose content in a file
// with another name.
var serviceKeys = []string{"image", "build", "ports", "environment", "env_file", "volumes", "command", "depends_on", "healthcheck", "entrypoint", "container_name", "restart"}

// Parse reads one compose file at slash path p. env is the .env file of its directory (nil when
// none) used for interpolation. It returns a nil File for YAML that is not compose.
func Parse(p string, data []byte, env *dotenv.File) (*File, []source.Note) {
	named := IsCompose(p)
	if len(data) > tree.MaxFileSize {
		if !named {
			return nil, nil
		}
		return nil, []source.Note{source.Notef(source.Pos{File: p}, "skipped: %d MB is over the %d MB limit for a file", len(data)>>20, tree.MaxFileSize>>20)}
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, nil // the k8s loader notes binary YAML files, whatever their name
	}
	docs, notes, _ := yamlnode.Read(p, data)
	var root *yaml.Node
	for _, d := range docs {
		if d.Root != nil && d.Root.Kind == yaml.MappingNode {
			root = d.Root
			break
		}
	}
	f := &File{Path: p, Dir: path.Dir(p)}
	in := &interpolation{file: f, env: env, seen: map[string]bool{}}
	r := &reader{&yamlnode.Reader{File: p, Interpolate: in.apply}}
	services := r.Get(root, "services")
	if !named && !looksLikeServices(r, services) {
		return nil, nil
	}
	if root == nil {
		return f, notes
	}
	f.Name = r.Str(root, "name")
	for _, inc := range r.Items(r.Get(root, "include")) {
		if inc.Kind == yaml.MappingNode {
			f.Includes = append(f.Includes, r.Strs(r.Get(inc, "path"))...)
		} else {
			f.Includes = append(f.Includes, r.Scalar(inc))
		}
	}
	for _, inc := range f.Includes {
		notes = append(notes, source.Notef(inc.Pos, "include: %s is not merged into this file's services; it is read on its own if it is in the tree", inc.Value))
	}
	for _, p := range r.Pairs(services) {
		f.Services = append(f.Services, r.service(f, p.Key, p.Value))
	}
	notes = append(notes, r.Notes...)
	notes = append(notes, in.notes...)
	return f, notes
}

// looksLikeServices says whether services: of a file not named like compose holds compose
// services: a mapping of mappings, at least one with a key only services have.
func looksLikeServices(r *reader, services *yaml.Node) bool {
	ps := r.Pairs(services)
	if len(ps) == 0 {
		return false
	}
	found := false
	for _, p := range ps {
		if p.Value == nil || p.Value.Kind != yaml.MappingNode {
			return false
		}
		for _, k := range serviceKeys {
			if r.Get(p.Value, k) != nil {
				found = true
			}
		}
	}
	return found
}

func (r *reader) service(f *File, key, n *yaml.Node) *Service {
	s := &Service{Name: key.Value, Pos: r.Pos(key)}
	s.Image = r.Str(n, "image")
	s.User, s.WorkingDir = r.Str(n, "user"), r.Str(n, "working_dir")
	s.ReadOnly, s.NetworkMode = r.Str(n, "read_only"), r.Str(n, "network_mode")
	s.Profiles = r.Strs(r.Get(n, "profiles"))
	s.Tmpfs = r.Strs(r.Get(n, "tmpfs"))
	s.Command, s.Entrypoint = r.command(r.Get(n, "command")), r.command(r.Get(n, "entrypoint"))
	if b := r.Get(n, "build"); b != nil {
		s.Build = r.build(f, b)
	}
	for _, p := range r.Items(r.Get(n, "ports")) {
		s.Ports = append(s.Ports, r.port(p))
	}
	s.Expose = r.Strs(r.Get(n, "expose"))
	s.Environment = r.env(r.Get(n, "environment"))
	for _, e := range r.env(r.Get(n, "sysctls")) { // the same map or NAME=value list forms
		s.Sysctls = append(s.Sysctls, &Sysctl{Name: e.Name, Value: e.Value, Pos: e.Pos})
	}
	for _, e := range r.Items(r.Get(n, "env_file")) {
		s.EnvFiles = append(s.EnvFiles, r.envFile(f, e))
	}
	if e := r.Get(n, "env_file"); e != nil && e.Kind == yaml.ScalarNode {
		s.EnvFiles = append(s.EnvFiles, r.envFile(f, e))
	}
	for _, v := range r.Items(r.Get(n, "volumes")) {
		vol := r.volume(f, v)
		s.Volumes = append(s.Volumes, vol)
		if vol.Type == "tmpfs" {
			s.Tmpfs = append(s.Tmpfs, vol.Target)
		}
	}
	if h := r.Get(n, "healthcheck"); h != nil {
		s.Healthcheck = &Healthcheck{Pos: r.Pos(h), Disable: r.Flag(h, "disable")}
		switch t := r.Get(h, "test"); {
		case t == nil:
		case t.Kind == yaml.ScalarNode:
			test := r.Scalar(t)
			s.Healthcheck.Test = []Scalar{{Value: "CMD-SHELL", Raw: "CMD-SHELL", Pos: test.Pos}, test}
		default:
			s.Healthcheck.Test = r.Strs(t)
		}
		if len(s.Healthcheck.Test) > 0 && s.Healthcheck.Test[0].Value == "NONE" {
			s.Healthcheck.Disable = true
		}
	}
	if d := r.Get(n, "depends_on"); d != nil && d.Kind == yaml.MappingNode {
		for _, p := range r.Pairs(d) {
			s.DependsOn = append(s.DependsOn, r.Scalar(p.Key))
		}
	} else {
		s.DependsOn = r.Strs(d)
	}
	if e := r.Get(n, "extends"); e != nil {
		s.Extends = &Extends{Pos: r.Pos(e), Service: r.Str(e, "service"), File: r.Str(e, "file")}
		if e.Kind == yaml.ScalarNode {
			s.Extends.Service = r.Scalar(e)
		}
		r.Notes = append(r.Notes, source.Notef(s.Extends.Pos, "extends: service %s is not merged into %s; settings it inherits are unknown", s.Extends.Service.Value, s.Name))
	}
	return s
}

func (r *reader) command(n *yaml.Node) *Command {
	if n == nil || n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	c := &Command{Pos: r.Pos(n), List: n.Kind == yaml.SequenceNode, Args: r.Strs(n)}
	if c.List {
		c.Words = []string{}
		for _, a := range c.Args {
			c.Words = append(c.Words, a.Value)
		}
	} else if len(c.Args) == 1 {
		if w, err := shellwords.Parse(c.Args[0].Value); err == nil {
			c.Words = w
		}
	}
	return c
}

func (r *reader) build(f *File, n *yaml.Node) *Build {
	b := &Build{Pos: r.Pos(n)}
	if n.Kind == yaml.ScalarNode {
		b.Context = r.Scalar(n)
	} else {
		b.Context = r.Str(n, "context")
		b.Dockerfile, b.Inline = r.Str(n, "dockerfile"), r.Str(n, "dockerfile_inline")
		b.Target = r.Str(n, "target")
		b.Args = r.env(r.Get(n, "args"))
	}
	ctx := b.Context.Value
	if !b.Context.Set() {
		ctx = "."
	}
	if !strings.Contains(ctx, "://") && !strings.HasPrefix(ctx, "git@") {
		b.ContextDir = resolve(f.Dir, ctx)
	}
	if b.ContextDir != "" && !b.Inline.Set() {
		df := b.Dockerfile.Value
		if df == "" {
			df = "Dockerfile"
		}
		b.DockerfilePath = resolve(b.ContextDir, df)
	}
	return b
}

// resolve joins a relative path to dir; absolute paths and ~ give "".
func resolve(dir, p string) string {
	p = strings.ReplaceAll(p, `\`, "/")
	if p == "" || path.IsAbs(p) || strings.HasPrefix(p, "~") || len(p) > 1 && p[1] == ':' {
		return ""
	}
	return path.Join(dir, p)
}

// port reads one ports: entry, short syntax "[HOST_IP:][PUBLISHED:]TARGET[/PROTOCOL]" (IPv6
// host addresses in brackets) or the long syntax.
func (r *reader) port(n *yaml.Node) *Port {
	p := &Port{Pos: r.Pos(n)}
	if n.Kind == yaml.MappingNode {
		p.Target, p.Published = r.Str(n, "target"), r.Str(n, "published")
		p.HostIP, p.Protocol = r.Str(n, "host_ip"), r.Str(n, "protocol")
		return p
	}
	s := r.Scalar(n)
	at := func(v string) Scalar { return Scalar{Value: v, Raw: v, Pos: s.Pos} }
	v := s.Value
	if spec, proto, ok := strings.Cut(v, "/"); ok {
		v, p.Protocol = spec, at(proto)
	}
	if strings.HasPrefix(v, "[") {
		if i := strings.Index(v, "]:"); i > 0 {
			p.HostIP, v = at(v[1:i]), v[i+2:]
		}
	}
	parts := strings.Split(v, ":")
	switch len(parts) {
	case 1:
		p.Target = at(parts[0])
	case 2:
		p.Published, p.Target = at(parts[0]), at(parts[1])
	default:
		last := len(parts) - 1
		p.HostIP = at(strings.Join(parts[:last-1], ":"))
		p.Published, p.Target = at(parts[last-1]), at(parts[last])
	}
	return p
}

// env reads environment: or build args: in map form (NAME: value) or list form (NAME=value).
func (r *reader) env(n *yaml.Node) []*EnvVar {
	var out []*EnvVar
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		for _, p := range r.Pairs(n) {
			e := &EnvVar{Name: p.Key.Value, Pos: r.Pos(p.Key)}
			if p.Value == nil || p.Value.Kind == yaml.ScalarNode && p.Value.Tag == "!!null" {
				e.FromShell = true
			} else {
				e.Value = r.Scalar(p.Value)
			}
			out = append(out, e)
		}
		return out
	}
	for _, it := range r.Items(n) {
		s := r.Scalar(it)
		name, value, ok := strings.Cut(s.Raw, "=")
		e := &EnvVar{Name: name, Pos: s.Pos, FromShell: !ok}
		if ok {
			e.Value = r.Interpolate(Scalar{Value: value, Raw: value, Pos: s.Pos})
		}
		out = append(out, e)
	}
	return out
}

func (r *reader) envFile(f *File, n *yaml.Node) *EnvFile {
	e := &EnvFile{Pos: r.Pos(n), Required: true}
	if n.Kind == yaml.MappingNode {
		e.Path, e.Format = r.Str(n, "path"), r.Str(n, "format")
		if req, ok := r.Str(n, "required").Bool(); ok {
			e.Required = req
		}
	} else {
		e.Path = r.Scalar(n)
	}
	e.Resolved = resolve(f.Dir, e.Path.Value)
	return e
}

// volume reads one volumes: entry, short syntax "SOURCE:TARGET[:MODE]" or "TARGET", or the long
// syntax. A short source starting with ".", "/" or "~" is a bind mount; anything else names a
// volume.
func (r *reader) volume(f *File, n *yaml.Node) *Volume {
	v := &Volume{Pos: r.Pos(n)}
	if n.Kind == yaml.MappingNode {
		v.Type, v.Source, v.Target = r.Str(n, "type").Value, r.Str(n, "source"), r.Str(n, "target")
		v.ReadOnly = r.Flag(n, "read_only")
		if v.Type == "" {
			v.Type = "volume"
		}
	} else {
		s := r.Scalar(n)
		at := func(x string) Scalar { return Scalar{Value: x, Raw: x, Pos: s.Pos} }
		parts := strings.Split(s.Value, ":")
		if len(parts) > 1 && len(parts[0]) == 1 && strings.HasPrefix(parts[1], `\`) {
			parts = append([]string{parts[0] + ":" + parts[1]}, parts[2:]...) // C:\dir
		}
		switch len(parts) {
		case 1:
			v.Target = at(parts[0])
		default:
			v.Source, v.Target = at(parts[0]), at(parts[1])
			if len(parts) > 2 {
				for _, m := range strings.Split(parts[2], ",") {
					v.ReadOnly = v.ReadOnly || m == "ro"
				}
			}
		}
		v.Type = "volume"
		if src := v.Source.Value; strings.HasPrefix(src, ".") || strings.HasPrefix(src, "/") || strings.HasPrefix(src, "~") || len(src) > 1 && src[1] == ':' {
			v.Type = "bind"
		}
	}
	if v.Type == "bind" {
		v.Resolved = resolve(f.Dir, v.Source.Value)
	}
	return v
}

// interpolation applies compose's variable substitution, with compose-go's template package,
// to the values of one file.
type interpolation struct {
	file  *File
	env   *dotenv.File
	seen  map[string]bool
	notes []source.Note
}

// plainRef matches a reference without a default or an error message: ${NAME} or $NAME.
var plainRef = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

func (in *interpolation) apply(s Scalar) Scalar {
	var missing []string
	mapping := func(name string) (string, bool) {
		if in.env != nil {
			if v, ok := in.env.Lookup(name); ok && !v.Inherited {
				return v.Value, true
			}
		}
		missing = append(missing, name)
		return "", false
	}
	v, err := template.SubstituteWithOptions(s.Raw, mapping, template.WithoutLogging)
	if err != nil {
		in.notes = append(in.notes, source.Notef(s.Pos, "interpolation: %v", err))
		return s
	}
	s.Value = v
	for _, name := range missing {
		if in.seen[name] || !plainUse(s.Raw, name) {
			continue
		}
		in.seen[name] = true
		in.file.Unset = append(in.file.Unset, Scalar{Value: name, Raw: name, Pos: s.Pos})
		in.notes = append(in.notes, source.Notef(s.Pos, "variable %s is not set in .env and has no default: compose takes it from the shell, or uses \"\"", name))
	}
	return s
}

// plainUse says whether raw references name without a default (${NAME} or $NAME), ignoring
// escaped $$.
func plainUse(raw, name string) bool {
	raw = strings.ReplaceAll(raw, "$$", "")
	for _, m := range plainRef.FindAllStringSubmatchIndex(raw, -1) {
		ref := raw[m[0]:m[1]]
		if raw[m[2]:m[3]] != name {
			continue
		}
		if !strings.HasPrefix(ref, "${") || strings.HasSuffix(ref, "}") {
			return true
		}
	}
	return false
}

// Scalar is one value with its position (see yamlnode.Scalar).
type Scalar = yamlnode.Scalar

// reader reads this package's fields from YAML nodes.
type reader struct{ *yamlnode.Reader }
