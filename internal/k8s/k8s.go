// Package k8s answers what Kubernetes manifests run and provide: workloads, containers, env,
// ports, probes, volumes and services, as YAML nodes with positions.
//
// Manifests are read as go.yaml.in/yaml/v4 nodes (not k8s.io/api, which is heavy and keeps no
// positions), one document at a time, within bounds on size, node count and alias dereferences.
// Helm templates are read where they are plain YAML: directives alone on a line are blanked, an
// inline directive stays in the value as written ({{ .Values.image }}; see Scalar.Templated), and
// the file gets a note. A kustomization is recorded with its resources, not built.
//
// API:
//
//	Load(t) ([]*Object, []source.Note)          every YAML document with apiVersion and kind
//	Parse(path, data) ([]*Object, []source.Note) one file
//	Object{APIVersion, Kind, Name, Namespace, Labels, Pos, Template, Workload, Service, Config, Resources, Generators}
//	Generator{Kind, Name, Keys, Pos}                   a kustomization's configMapGenerator/secretGenerator
//	Workload{PodLabels, Selector, InitContainers, Containers, SecurityContext, Volumes, Sysctls, HostNetwork}
//	Container{Name, Image, Command, Args, WorkingDir, Env, EnvFrom, Ports, probes, VolumeMounts, …}
//	Find(objs, kind, name) · Selecting(objs, workload) · (*Workload).Volume(name)
//	(*Workload).ContainerPort(targetPort) · (*Container).Port(name) · (*Config).Has(key)
package k8s

import (
	"bytes"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
	"github.com/shipshape-dev/shipshape/internal/yamlnode"
)

// Object is one Kubernetes object of a manifest.
type Object struct {
	APIVersion string
	// Kind is as written: Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod,
	// Service, ConfigMap, Secret are read in full; any other kind by kind and name only.
	// Kustomization files have Kind "Kustomization".
	Kind      string
	Name      Scalar
	Namespace Scalar
	Labels    map[string]Scalar
	// Pos is the start of the object (its document, or its entry in a List).
	Pos source.Pos
	// Template is true when the file holds template directives ({{ … }}): values may be
	// unevaluated and fields set only under a directive are missing.
	Template bool

	// Workload is set for kinds with a pod template (and Pod itself).
	Workload *Workload
	// Service is set for kind Service.
	Service *Service
	// Config is set for kinds ConfigMap and Secret.
	Config *Config
	// Resources are a kustomization's resources (and, in old files, bases), as written.
	Resources []Scalar
	// Generators are a kustomization's configMapGenerator and secretGenerator entries.
	Generators []*Generator
}

// Generator is one configMapGenerator or secretGenerator entry of a kustomization: the
// ConfigMap or Secret that kustomize build makes.
type Generator struct {
	// Kind is "ConfigMap" or "Secret".
	Kind string
	// Name is the object's name as written (kustomize appends a content hash unless
	// generatorOptions.disableNameSuffixHash is set; references are renamed along).
	Name Scalar
	// Keys are the keys of literals (KEY=value) and files ([key=]path, the key defaulting to
	// the file's base name): Value is the key, Raw and Pos the entry as written. The keys of
	// envs files are not read.
	Keys []Scalar
	Pos  source.Pos
}

// Workload is the pod a workload runs.
type Workload struct {
	// PodLabels are the pod template's labels (a Pod's own labels), which Services select.
	PodLabels map[string]Scalar
	// Selector is spec.selector.matchLabels (nil for Pods and Jobs without one).
	Selector        map[string]Scalar
	InitContainers  []*Container
	Containers      []*Container
	SecurityContext *SecurityContext
	Volumes         []*Volume
	// Sysctls are the pod's securityContext.sysctls (namespaced kernel parameters).
	Sysctls []Sysctl
	// HostNetwork is spec.hostNetwork as written: "true" puts the pod in the node's network
	// namespace, where the node's own sysctls apply.
	HostNetwork Scalar
	// Pos is the pod spec's position.
	Pos source.Pos
}

// Sysctl is one entry of a pod's securityContext.sysctls.
type Sysctl struct {
	Name, Value Scalar
	Pos         source.Pos
}

// Container is one container or init container.
type Container struct {
	Name       Scalar
	Image      Scalar
	Command    []Scalar
	Args       []Scalar
	WorkingDir Scalar
	Env        []*EnvVar
	EnvFrom    []*EnvFrom
	Ports      []*Port
	// LivenessProbe, ReadinessProbe and StartupProbe are nil when absent.
	LivenessProbe, ReadinessProbe, StartupProbe *Probe
	VolumeMounts                                []*VolumeMount
	// MemoryLimit is resources.limits.memory as written ("512Mi").
	MemoryLimit     Scalar
	SecurityContext *SecurityContext
	Init            bool
	Pos             source.Pos
}

// EnvVar is one env entry: a literal Value, or a reference.
type EnvVar struct {
	Name  Scalar
	Value Scalar
	// From is set for valueFrom.configMapKeyRef and valueFrom.secretKeyRef.
	From *KeyRef
	// FieldPath is valueFrom.fieldRef.fieldPath; ResourceField is valueFrom.resourceFieldRef.resource.
	FieldPath, ResourceField Scalar
	Pos                      source.Pos
}

// KeyRef names one key of a ConfigMap or Secret.
type KeyRef struct {
	// Kind is "ConfigMap" or "Secret".
	Kind     string
	Name     Scalar
	Key      Scalar
	Optional bool
}

// EnvFrom imports every key of a ConfigMap or Secret.
type EnvFrom struct {
	Kind     string // "ConfigMap" or "Secret"
	Name     Scalar
	Prefix   Scalar
	Optional bool
	Pos      source.Pos
}

// Port is a containerPort.
type Port struct {
	Name          Scalar
	ContainerPort Scalar
	Protocol      Scalar
	Pos           source.Pos
}

// Probe is a liveness, readiness or startup probe.
type Probe struct {
	// Handler is "httpGet", "tcpSocket", "exec", "grpc", or "" when none is set.
	Handler string
	// Port is the httpGet, tcpSocket or grpc port: a number or a container port's name.
	Port Scalar
	// Path is the httpGet path.
	Path Scalar
	// Command is the exec command.
	Command []Scalar
	Pos     source.Pos
}

// VolumeMount mounts a pod volume into a container.
type VolumeMount struct {
	Name      Scalar
	MountPath Scalar
	SubPath   Scalar
	ReadOnly  bool
	Pos       source.Pos
}

// SecurityContext is a pod's or a container's securityContext. Fields are Scalars so that "not
// set" (inherit, image default) stays distinct from false or 0.
type SecurityContext struct {
	RunAsUser, RunAsGroup, RunAsNonRoot              Scalar
	ReadOnlyRootFilesystem, AllowPrivilegeEscalation Scalar
	CapAdd, CapDrop                                  []Scalar
	Pos                                              source.Pos
}

// Volume is one pod volume.
type Volume struct {
	Name Scalar
	// Source is the volume type: "configMap", "secret", "emptyDir", "hostPath",
	// "persistentVolumeClaim", "projected", or another key as written.
	Source string
	// Ref is what the volume refers to: the ConfigMap name, secretName, hostPath path or claimName.
	Ref Scalar
	// Items are configMap/secret items (key → path); empty means every key.
	Items    []KeyPath
	Optional bool
	// Projected are the sources of a projected volume (each with Source configMap, secret, …).
	Projected []*Volume
	Pos       source.Pos
}

// KeyPath maps a ConfigMap or Secret key to a file path inside the volume.
type KeyPath struct{ Key, Path Scalar }

// Service is a Service's spec.
type Service struct {
	Type     Scalar
	Selector map[string]Scalar
	Ports    []*ServicePort
}

// ServicePort is one Service port.
type ServicePort struct {
	Name, Port, Protocol Scalar
	// TargetPort is a number or a container port's name; absent means equal to Port.
	TargetPort Scalar
	NodePort   Scalar
	Pos        source.Pos
}

// Config is a ConfigMap's or Secret's keys (positions of the keys, never the values).
type Config struct {
	// Keys are the keys of data, stringData and binaryData.
	Keys []Scalar
	// Type is a Secret's type.
	Type Scalar
}

// Has says whether the ConfigMap or Secret defines key.
func (c *Config) Has(key string) bool {
	for _, k := range c.Keys {
		if k.Value == key {
			return true
		}
	}
	return false
}

// Load finds and parses every Kubernetes object in the YAML files of t.
func Load(t *tree.Tree) ([]*Object, []source.Note) {
	var objs []*Object
	var notes []source.Note
	for _, f := range t.OfKind(tree.YAML) {
		b, err := t.Read(f)
		if err != nil {
			notes = append(notes, source.Notef(source.Pos{File: f.Path}, "cannot read: %v", err))
			continue
		}
		os, ns := Parse(f.Path, b)
		objs = append(objs, os...)
		notes = append(notes, ns...)
	}
	return objs, notes
}

// Parse reads the Kubernetes objects of one YAML file at slash path p. A file without a document
// that has both apiVersion and kind (a workflow, Helm values, compose) gives nothing and no note.
func Parse(p string, data []byte) ([]*Object, []source.Note) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		// Reported here for every YAML name (compose leaves binary files to this loader).
		return nil, []source.Note{source.Notef(yamlnode.LineCol(p, data, i), "NUL byte: binary file, not read as YAML")}
	}
	if !utf8.Valid(data) && !bytes.HasPrefix(data, []byte{0xFF, 0xFE}) && !bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, []source.Note{source.Notef(source.Pos{File: p}, "not UTF-8 text, not read as YAML")}
	}
	kustomize := isKustomization(p)
	if !kustomize && (!bytes.Contains(data, []byte("kind")) || !bytes.Contains(data, []byte("apiVersion"))) {
		return nil, nil
	}
	if len(data) > tree.MaxFileSize {
		return nil, []source.Note{source.Notef(source.Pos{File: p}, "skipped: %d MB is over the %d MB limit for a file", len(data)>>20, tree.MaxFileSize>>20)}
	}
	docs, notes, tmpl := yamlnode.Read(p, data)
	var objs []*Object
	var odd []source.Note
	for _, d := range docs {
		r := &reader{&yamlnode.Reader{File: p}}
		if kustomize {
			objs = append(objs, r.kustomization(d))
			notes = append(notes, r.Notes...)
			continue
		}
		if d.Root == nil || d.Root.Kind == yaml.ScalarNode && d.Root.Tag == "!!null" {
			continue
		}
		if d.Root.Kind != yaml.MappingNode {
			odd = append(odd, source.Notef(source.Pos{File: p, Line: d.Line}, "YAML document is a %s, not a Kubernetes object", kindName(d.Root)))
			continue
		}
		objs = append(objs, r.objects(d.Root, tmpl.File != "")...)
		notes = append(notes, r.Notes...)
	}
	if len(objs) == 0 && !kustomize && !looksLikeManifest(data) {
		// Not a manifest: its parse errors belong to whoever reads it.
		return nil, nil
	}
	notes = append(notes, odd...)
	if tmpl.File != "" {
		notes = append(notes, source.Notef(tmpl, "Helm template: not evaluated; plain YAML read, templated values kept as written"))
	}
	return objs, notes
}

var (
	kindLine       = regexp.MustCompile(`(?m)^kind:`)
	apiVersionLine = regexp.MustCompile(`(?m)^apiVersion:`)
)

// looksLikeManifest says whether a file that gave no object was meant to be a manifest, so that
// its errors (a broken document, one over the limits, binary content) are worth a note.
func looksLikeManifest(data []byte) bool {
	return kindLine.Match(data) && apiVersionLine.Match(data)
}

func isKustomization(p string) bool {
	switch path.Base(p) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	}
	return "mapping"
}

func (r *reader) kustomization(d yamlnode.Document) *Object {
	o := &Object{Kind: "Kustomization", Pos: source.Pos{File: r.File, Line: d.Line}}
	o.APIVersion = r.Str(d.Root, "apiVersion").Value
	o.Resources = append(r.Strs(r.Get(d.Root, "resources")), r.Strs(r.Get(d.Root, "bases"))...)
	o.Namespace = r.Str(d.Root, "namespace")
	for _, g := range [...][2]string{{"configMapGenerator", "ConfigMap"}, {"secretGenerator", "Secret"}} {
		for _, it := range r.Items(r.Get(d.Root, g[0])) {
			o.Generators = append(o.Generators, r.generator(g[1], it))
		}
	}
	r.Notes = append(r.Notes, source.Notef(o.Pos, "kustomization: not built; its %d resources are read as plain files", len(o.Resources)))
	return o
}

// generator reads one generator entry; the keys of its literals and files keep the position of
// the entry they come from.
func (r *reader) generator(kind string, n *yaml.Node) *Generator {
	g := &Generator{Kind: kind, Name: r.Str(n, "name"), Pos: r.Pos(n)}
	for _, lit := range r.Strs(r.Get(n, "literals")) {
		if k, _, ok := strings.Cut(lit.Value, "="); ok && k != "" {
			lit.Value = k
			g.Keys = append(g.Keys, lit)
		}
	}
	for _, f := range r.Strs(r.Get(n, "files")) {
		if k, _, ok := strings.Cut(f.Value, "="); ok && k != "" {
			f.Value = k
		} else {
			f.Value = path.Base(f.Value)
		}
		g.Keys = append(g.Keys, f)
	}
	return g
}

// objects reads one document: an object, or a List of them.
func (r *reader) objects(m *yaml.Node, tmpl bool) []*Object {
	kind, api := r.Str(m, "kind"), r.Str(m, "apiVersion")
	if kind.Value == "" || !api.Set() {
		return nil
	}
	if strings.HasSuffix(kind.Value, "List") {
		var out []*Object
		for _, it := range r.Items(r.Get(m, "items")) {
			out = append(out, r.objects(it, tmpl)...)
		}
		return out
	}
	meta := r.Get(m, "metadata")
	o := &Object{
		APIVersion: api.Value, Kind: kind.Value, Pos: r.Pos(m), Template: tmpl,
		Name: r.Str(meta, "name"), Namespace: r.Str(meta, "namespace"), Labels: r.StrMap(r.Get(meta, "labels")),
	}
	if !o.Name.Set() {
		o.Name = r.Str(meta, "generateName")
	}
	spec := r.Get(m, "spec")
	switch kind.Value {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController":
		o.Workload = r.workload(r.Get(spec, "template"), spec)
	case "CronJob":
		job := r.Get(r.Get(spec, "jobTemplate"), "spec")
		o.Workload = r.workload(r.Get(job, "template"), job)
	case "Pod":
		o.Workload = r.podSpec(spec)
		o.Workload.PodLabels = o.Labels
	case "Service":
		o.Service = r.service(spec)
	case "ConfigMap", "Secret":
		o.Config = &Config{Type: r.Str(m, "type")}
		for _, key := range []string{"data", "stringData", "binaryData"} {
			for _, p := range r.Pairs(r.Get(m, key)) {
				o.Config.Keys = append(o.Config.Keys, r.Scalar(p.Key))
			}
		}
	}
	return []*Object{o}
}

func (r *reader) workload(tmpl, spec *yaml.Node) *Workload {
	w := r.podSpec(r.Get(tmpl, "spec"))
	w.PodLabels = r.StrMap(r.Get(r.Get(tmpl, "metadata"), "labels"))
	w.Selector = r.StrMap(r.Get(r.Get(spec, "selector"), "matchLabels"))
	return w
}

func (r *reader) podSpec(spec *yaml.Node) *Workload {
	w := &Workload{Pos: r.Pos(spec), SecurityContext: r.securityContext(r.Get(spec, "securityContext")),
		HostNetwork: r.Str(spec, "hostNetwork")}
	for _, n := range r.Items(r.Get(r.Get(spec, "securityContext"), "sysctls")) {
		w.Sysctls = append(w.Sysctls, Sysctl{Name: r.Str(n, "name"), Value: r.Str(n, "value"), Pos: r.Pos(n)})
	}
	for _, n := range r.Items(r.Get(spec, "initContainers")) {
		c := r.container(n)
		c.Init = true
		w.InitContainers = append(w.InitContainers, c)
	}
	for _, n := range r.Items(r.Get(spec, "containers")) {
		w.Containers = append(w.Containers, r.container(n))
	}
	for _, n := range r.Items(r.Get(spec, "volumes")) {
		w.Volumes = append(w.Volumes, r.volume(n))
	}
	return w
}

// keyRefs are the reference field prefixes (configMapKeyRef, secretRef, …) and their kinds.
var keyRefs = [...][2]string{{"configMap", "ConfigMap"}, {"secret", "Secret"}}

func (r *reader) container(n *yaml.Node) *Container {
	c := &Container{
		Pos: r.Pos(n), Name: r.Str(n, "name"), Image: r.Str(n, "image"), WorkingDir: r.Str(n, "workingDir"),
		Command: r.Strs(r.Get(n, "command")), Args: r.Strs(r.Get(n, "args")),
		LivenessProbe:   r.probe(r.Get(n, "livenessProbe")),
		ReadinessProbe:  r.probe(r.Get(n, "readinessProbe")),
		StartupProbe:    r.probe(r.Get(n, "startupProbe")),
		MemoryLimit:     r.Str(r.Get(r.Get(n, "resources"), "limits"), "memory"),
		SecurityContext: r.securityContext(r.Get(n, "securityContext")),
	}
	for _, e := range r.Items(r.Get(n, "env")) {
		v := &EnvVar{Pos: r.Pos(e), Name: r.Str(e, "name"), Value: r.Str(e, "value")}
		if from := r.Get(e, "valueFrom"); from != nil {
			for _, rk := range keyRefs {
				key, kind := rk[0]+"KeyRef", rk[1]
				if ref := r.Get(from, key); ref != nil {
					v.From = &KeyRef{Kind: kind, Name: r.Str(ref, "name"), Key: r.Str(ref, "key"), Optional: r.Flag(ref, "optional")}
				}
			}
			v.FieldPath = r.Str(r.Get(from, "fieldRef"), "fieldPath")
			v.ResourceField = r.Str(r.Get(from, "resourceFieldRef"), "resource")
		}
		c.Env = append(c.Env, v)
	}
	for _, e := range r.Items(r.Get(n, "envFrom")) {
		for _, rk := range keyRefs {
			key, kind := rk[0]+"Ref", rk[1]
			if ref := r.Get(e, key); ref != nil {
				c.EnvFrom = append(c.EnvFrom, &EnvFrom{Kind: kind, Pos: r.Pos(e), Name: r.Str(ref, "name"),
					Prefix: r.Str(e, "prefix"), Optional: r.Flag(ref, "optional")})
			}
		}
	}
	for _, p := range r.Items(r.Get(n, "ports")) {
		c.Ports = append(c.Ports, &Port{Pos: r.Pos(p), Name: r.Str(p, "name"),
			ContainerPort: r.Str(p, "containerPort"), Protocol: r.Str(p, "protocol")})
	}
	for _, m := range r.Items(r.Get(n, "volumeMounts")) {
		c.VolumeMounts = append(c.VolumeMounts, &VolumeMount{Pos: r.Pos(m), Name: r.Str(m, "name"),
			MountPath: r.Str(m, "mountPath"), SubPath: r.Str(m, "subPath"), ReadOnly: r.Flag(m, "readOnly")})
	}
	return c
}

func (r *reader) probe(n *yaml.Node) *Probe {
	if n == nil {
		return nil
	}
	p := &Probe{Pos: r.Pos(n)}
	for _, h := range []string{"httpGet", "tcpSocket", "grpc", "exec"} {
		v := r.Get(n, h)
		if v == nil {
			continue
		}
		p.Handler = h
		switch h {
		case "exec":
			p.Command = r.Strs(r.Get(v, "command"))
		default:
			p.Port, p.Path = r.Str(v, "port"), r.Str(v, "path")
		}
		break
	}
	return p
}

func (r *reader) securityContext(n *yaml.Node) *SecurityContext {
	if n == nil {
		return nil
	}
	caps := r.Get(n, "capabilities")
	return &SecurityContext{
		Pos: r.Pos(n), RunAsUser: r.Str(n, "runAsUser"), RunAsGroup: r.Str(n, "runAsGroup"),
		RunAsNonRoot: r.Str(n, "runAsNonRoot"), ReadOnlyRootFilesystem: r.Str(n, "readOnlyRootFilesystem"),
		AllowPrivilegeEscalation: r.Str(n, "allowPrivilegeEscalation"),
		CapAdd:                   r.Strs(r.Get(caps, "add")), CapDrop: r.Strs(r.Get(caps, "drop")),
	}
}

// volumeRefs says which field of each volume type names what it mounts.
var volumeRefs = map[string]string{
	"configMap": "name", "secret": "secretName", "hostPath": "path", "persistentVolumeClaim": "claimName",
}

func (r *reader) volume(n *yaml.Node) *Volume {
	v := &Volume{Pos: r.Pos(n), Name: r.Str(n, "name")}
	for _, p := range r.Pairs(n) {
		if p.Key.Value == "name" {
			continue
		}
		v.Source = p.Key.Value
		r.volumeSource(v, p.Value)
		break
	}
	return v
}

func (r *reader) volumeSource(v *Volume, src *yaml.Node) {
	if field, ok := volumeRefs[v.Source]; ok {
		v.Ref = r.Str(src, field)
	}
	v.Optional = r.Flag(src, "optional")
	for _, it := range r.Items(r.Get(src, "items")) {
		v.Items = append(v.Items, KeyPath{Key: r.Str(it, "key"), Path: r.Str(it, "path")})
	}
	if v.Source == "projected" {
		for _, s := range r.Items(r.Get(src, "sources")) {
			for _, p := range r.Pairs(s) {
				pv := &Volume{Pos: r.Pos(s), Source: p.Key.Value}
				if pv.Source == "secret" {
					pv.Ref = r.Str(p.Value, "name") // projected secrets use name, not secretName
					pv.Optional = r.Flag(p.Value, "optional")
					for _, it := range r.Items(r.Get(p.Value, "items")) {
						pv.Items = append(pv.Items, KeyPath{Key: r.Str(it, "key"), Path: r.Str(it, "path")})
					}
				} else {
					r.volumeSource(pv, p.Value)
				}
				v.Projected = append(v.Projected, pv)
			}
		}
	}
}

func (r *reader) service(spec *yaml.Node) *Service {
	s := &Service{Type: r.Str(spec, "type"), Selector: r.StrMap(r.Get(spec, "selector"))}
	for _, p := range r.Items(r.Get(spec, "ports")) {
		s.Ports = append(s.Ports, &ServicePort{Pos: r.Pos(p), Name: r.Str(p, "name"), Port: r.Str(p, "port"),
			Protocol: r.Str(p, "protocol"), TargetPort: r.Str(p, "targetPort"), NodePort: r.Str(p, "nodePort")})
	}
	return s
}

// Find returns the objects of a kind and name (any namespace: manifests often leave it to the
// deployer).
func Find(objs []*Object, kind, name string) []*Object {
	var out []*Object
	for _, o := range objs {
		if o.Kind == kind && o.Name.Value == name {
			out = append(out, o)
		}
	}
	return out
}

// Selecting returns the Services whose selector matches the pod labels of workload w, in the
// same namespace (an unset namespace matches any, since the deployer decides it).
func Selecting(objs []*Object, w *Object) []*Object {
	if w.Workload == nil || len(w.Workload.PodLabels) == 0 {
		return nil
	}
	var out []*Object
	for _, o := range objs {
		if o.Service == nil || len(o.Service.Selector) == 0 {
			continue
		}
		if o.Namespace.Value != "" && w.Namespace.Value != "" && o.Namespace.Value != w.Namespace.Value {
			continue
		}
		match := true
		for k, v := range o.Service.Selector {
			if l, ok := w.Workload.PodLabels[k]; !ok || l.Value != v.Value {
				match = false
				break
			}
		}
		if match {
			out = append(out, o)
		}
	}
	return out
}

// Volume returns the pod volume called name, or nil.
func (w *Workload) Volume(name string) *Volume {
	for _, v := range w.Volumes {
		if v.Name.Value == name {
			return v
		}
	}
	return nil
}

// AllContainers lists init containers, then containers.
func (w *Workload) AllContainers() []*Container {
	return append(append([]*Container(nil), w.InitContainers...), w.Containers...)
}

// ContainerPort finds the container port a Service targetPort or a probe port refers to: by
// name when it is not a number, by containerPort when it is. It returns nils when no container
// declares it (a numeric port may still be served without being declared).
func (w *Workload) ContainerPort(port Scalar) (*Container, *Port) {
	n, numeric := port.Int()
	for _, c := range w.Containers {
		for _, p := range c.Ports {
			if numeric {
				if cp, ok := p.ContainerPort.Int(); ok && cp == n {
					return c, p
				}
			} else if p.Name.Value == port.Value {
				return c, p
			}
		}
	}
	return nil, nil
}

// Port returns the container port called name, or nil.
func (c *Container) Port(name string) *Port {
	for _, p := range c.Ports {
		if p.Name.Value == name {
			return p
		}
	}
	return nil
}

// Probes lists the probes that are set.
func (c *Container) Probes() []*Probe {
	var out []*Probe
	for _, p := range []*Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Scalar is one value with its position (see yamlnode.Scalar).
type Scalar = yamlnode.Scalar

// reader reads this package's fields from YAML nodes.
type reader struct{ *yamlnode.Reader }
