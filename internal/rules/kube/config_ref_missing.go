package kube

import (
	"fmt"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// ConfigRefMissing is an env, envFrom or volume reference to a ConfigMap or Secret (or a key in
// one) that the repository's manifests do not define.
var ConfigRefMissing = &rule.Rule{
	ID:       "SS4004",
	Class:    "k8s-config",
	Title:    "referenced ConfigMap, Secret or key is not defined",
	Severity: rule.Error,
	Doc: `**What happens.** The pod is scheduled and the container is never created; kubectl get pods
shows CreateContainerConfigError and the events say why:

    Error: configmap "app-config" not found
    Error: secret "db-credentials" not found
    Error: couldn't find key DATABASE_URL in Secret default/db-credentials

**Why.** The kubelet resolves env[].valueFrom.configMapKeyRef/secretKeyRef and
envFrom[].configMapRef/secretRef when it creates the container. A missing object, or a missing
key in an existing one, stops container creation unless the reference is optional: true. The
object is often created out of band (by hand, by another chart, by an operator, by
external-secrets), in another namespace, or under a name that changed with a release.

**How to confirm.**

    kubectl get pods
    kubectl describe pod POD | grep -A2 Error
    kubectl get configmap,secret -n NAMESPACE
    kubectl get secret NAME -o jsonpath='{.data}'

**How to fix.** Ship the object with the workload (or document who creates it), in the same
namespace and with the key names the pod uses; mark truly optional inputs optional:

    envFrom:
      - secretRef:
          name: db-credentials
          optional: false

**What shipshape checks.** Non-optional env valueFrom, envFrom and configMap/secret volume
references whose object no manifest of the repository defines, that no kustomize
configMapGenerator/secretGenerator makes, that no kubectl create in a script, Makefile or
README creates and, for its kind, that Terraform's kubernetes provider does not manage; and keys missing from an object the repository does define. Templated names,
namespaces' automatic ConfigMaps (kube-root-ca.crt), manifests under examples/ or docs/, and
Secrets when a secret operator (External Secrets, cert-manager, Vault, Sealed Secrets, the
Secrets Store CSI driver) is in use are skipped. When the repository keeps no object of that
kind in YAML at all, the finding is a warning: the object is likely created out of band.`,
	Fix:     "Define every referenced ConfigMap and Secret, with the referenced keys, in the workload's namespace (or mark the reference optional: true).",
	Symptom: `CreateContainerConfigError: secret "x" not found`,
	Signatures: []rule.Signature{
		rule.Sig("couldn't find key",
			`Error: couldn't find key (?P<var>\S+) in (?:Secret|ConfigMap) (?P<name>\S+)$`,
			"Error: couldn't find key SECURE_DATA in Secret default/deno-demo-secret"),
		rule.Sig("not found",
			`(?:Error: |: )(?:secrets?|configmaps?) "(?P<name>[^"]+)" not found$`,
			`Warning  Failed     4m11s (x6 over 4m53s)  kubelet, <redacted-address>  Error: secrets "secrets-2.16.4-1" not found`),
	},
	Requires: []rule.Input{rule.Kubernetes},
	Run:      runConfigRefMissing,
}

// ref is one non-optional reference of a pod to a ConfigMap or Secret.
type ref struct {
	pc   podContainer // zero for a volume
	o    *k8s.Object
	kind string // ConfigMap or Secret
	name k8s.Scalar
	key  k8s.Scalar // set for configMapKeyRef/secretKeyRef
	what string     // "envFrom", "env DB_URL", "volume config"
	pos  source.Pos
}

// refs lists the non-optional references of every workload.
func refs(objs []*k8s.Object) []ref {
	var out []ref
	for _, o := range objs {
		if o.Workload == nil {
			continue
		}
		for _, c := range o.Workload.AllContainers() {
			pc := podContainer{o, c}
			for _, e := range c.Env {
				if e.From != nil && !e.From.Optional {
					out = append(out, ref{pc: pc, o: o, kind: e.From.Kind, name: e.From.Name, key: e.From.Key, what: "env " + e.Name.Value, pos: e.From.Name.Pos})
				}
			}
			for _, ef := range c.EnvFrom {
				if !ef.Optional {
					out = append(out, ref{pc: pc, o: o, kind: ef.Kind, name: ef.Name, what: "envFrom", pos: ef.Name.Pos})
				}
			}
		}
		var vols []*k8s.Volume
		for _, v := range o.Workload.Volumes {
			vols = append(vols, v)
			vols = append(vols, v.Projected...)
		}
		for _, v := range vols {
			kind := map[string]string{"configMap": "ConfigMap", "secret": "Secret"}[v.Source]
			if kind == "" || v.Optional || !v.Ref.Set() {
				continue
			}
			out = append(out, ref{o: o, kind: kind, name: v.Ref, what: "volume " + v.Name.Value, pos: v.Ref.Pos})
		}
	}
	return out
}

// ambient are ConfigMaps every namespace gets from the cluster or a common add-on.
var ambient = map[string]bool{
	"kube-root-ca.crt": true, "istio-ca-root-cert": true, "openshift-service-ca.crt": true,
}

// secretOperators are kinds whose controllers create Secrets under names a manifest does not
// show (External Secrets, cert-manager, Vault, 1Password, the Secrets Store CSI driver, …).
var secretOperators = map[string]bool{
	"ExternalSecret": true, "ClusterExternalSecret": true, "Certificate": true,
	"VaultStaticSecret": true, "VaultDynamicSecret": true, "VaultPKISecret": true,
	"OnePasswordItem": true, "SecretProviderClass": true, "InfisicalSecret": true,
	"DopplerSecret": true, "PushSecret": true, "SealedSecret": true,
}

// defined is what the repository defines or creates, by kind and name.
type defined struct {
	objs      []*k8s.Object
	templated map[string]bool // a kind with an object whose name is templated
	operators bool            // a secret operator is in use
	managed   map[string]bool // the repository defines at least one object of the kind
	generated map[string]map[string]source.Pos
	created   map[string]source.Pos // names that a script or document creates with kubectl
	project   *facts.Project
}

func definitions(p *facts.Project) *defined {
	d := &defined{objs: p.Kubernetes, templated: map[string]bool{}, managed: map[string]bool{},
		generated: map[string]map[string]source.Pos{"ConfigMap": {}, "Secret": {}}}
	kustomize := false
	for _, o := range p.Kubernetes {
		switch {
		case o.Kind == "ConfigMap" || o.Kind == "Secret":
			d.managed[o.Kind] = true
			if o.Name.Templated() || o.Name.Value == "" {
				d.templated[o.Kind] = true
			}
		case secretOperators[o.Kind]:
			d.operators = true
			d.managed["Secret"] = true
		case o.Kind == "Kustomization":
			kustomize = true
		}
	}
	if kustomize {
		readGenerators(p, d)
	}
	d.project = p
	return d
}

// find returns the objects of a kind and name the repository defines, and whether the name is
// made some other way (a kustomize generator, a secret operator's object of that name, a
// kubectl create in a script or a README).
func (d *defined) find(kind, name string) (objs []*k8s.Object, elsewhere source.Pos, ok bool) {
	objs = k8s.Find(d.objs, kind, name)
	if len(objs) > 0 {
		return objs, source.Pos{}, true
	}
	if pos, ok := d.generated[kind][name]; ok {
		return nil, pos, true
	}
	if d.created == nil {
		d.created = kubectlCreated(d.project) // read the tree's text only when needed
	}
	if pos, ok := d.created[kind+"/"+name]; ok {
		return nil, pos, true
	}
	if pos, ok := d.created[kind+"/*"]; ok {
		return nil, pos, true
	}
	if kind == "Secret" {
		for _, o := range d.objs {
			if secretOperators[o.Kind] && o.Name.Value == name {
				return nil, o.Pos, true
			}
		}
	}
	return nil, source.Pos{}, false
}

func runConfigRefMissing(p *rule.Pass) error {
	d := definitions(p.Project)
	for _, r := range refs(p.Project.Kubernetes) {
		if illustrative(r.o.Pos.File) {
			continue // examples and docs ask the reader to create their Secrets
		}
		name := r.name.Value
		if r.name.Templated() || name == "" || strings.ContainsAny(name, "$") || ambient[name] {
			continue
		}
		where := r.what
		if r.pc.c != nil {
			where = r.pc.name() + " " + r.what
		} else {
			where = fmt.Sprintf("%s %s %s", r.o.Kind, r.o.Name.Value, r.what)
		}
		objs, _, ok := d.find(r.kind, name)
		if !ok {
			if d.templated[r.kind] || (r.kind == "Secret" && d.operators) {
				continue // the object may be one whose name a template or an operator decides
			}
			consequence := "the container is never created: CreateContainerConfigError"
			if r.pc.c == nil {
				consequence = "the volume cannot be mounted and the pod stays in ContainerCreating"
			}
			sev := rule.Error
			if !d.managed[r.kind] {
				// Nothing of the kind is kept in the repository: it is likely made by hand or by
				// another repository, which the failure depends on.
				sev = rule.Warning
				consequence = fmt.Sprintf("the repository defines no %s at all, so it may be created out of band; unless it exists in the namespace, %s", r.kind, consequence)
			}
			p.Report(rule.Finding{
				Pos:      r.pos,
				Severity: sev,
				Message: fmt.Sprintf("%s %s refers to %s %q, which no manifest of the repository defines and no kustomize generator or kubectl create in it makes: %s (%s %q not found)",
					r.pos.Short(), where, r.kind, name, consequence, strings.ToLower(r.kind)+"s", name),
				Related: []rule.Related{{Pos: r.o.Pos, Message: fmt.Sprintf("%s %s", r.o.Kind, r.o.Name.Value)}},
			})
			continue
		}
		if !r.key.Set() || r.key.Templated() || len(objs) == 0 {
			continue
		}
		has := false
		var related []rule.Related
		for _, o := range objs {
			if o.Config == nil || o.Template {
				has = true // keys under template directives are not visible
				break
			}
			has = has || o.Config.Has(r.key.Value)
			related = append(related, rule.Related{Pos: o.Pos, Message: fmt.Sprintf("%s %s defines %s", o.Kind, name, keyList(o.Config))})
		}
		if has {
			continue
		}
		p.Report(rule.Finding{
			Pos: r.key.Pos,
			Message: fmt.Sprintf("%s %s takes key %q of %s %q, which %s does not define (it has %s): the container is never created: CreateContainerConfigError (couldn't find key %s in %s %s)",
				r.key.Pos.Short(), where, r.key.Value, r.kind, name, objs[0].Pos.Short(), keyList(objs[0].Config), r.key.Value, r.kind, name),
			Related: related,
		})
	}
	return nil
}

func keyList(c *k8s.Config) string {
	if c == nil || len(c.Keys) == 0 {
		return "no keys"
	}
	var ks []string
	for _, k := range c.Keys {
		ks = append(ks, k.Value)
	}
	return strings.Join(ks, ", ")
}

// illustrativeDirs are directories whose manifests show how to deploy rather than deploy.
var illustrativeDirs = map[string]bool{
	"example": true, "examples": true, "_example": true, "_examples": true, "demo": true,
	"demos": true, "sample": true, "samples": true, "doc": true, "docs": true, "test": true,
	"tests": true, "e2e": true, "testdata": true, "hack": true,
}

func illustrative(file string) bool {
	for _, seg := range strings.Split(file, "/") {
		if illustrativeDirs[seg] {
			return true
		}
	}
	return false
}
