package kube

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// MountedKeyMissing is a ConfigMap or Secret volume whose keys, items or subPath do not line up
// with the file the code reads.
var MountedKeyMissing = &rule.Rule{
	ID:       "SS4002",
	Class:    "k8s-config",
	Title:    "mounted key or subPath does not provide the file the code reads",
	Severity: rule.Warning,
	Doc: `**What happens.** Depending on the mismatch, the pod is stuck in ContainerCreating:

    MountVolume.SetUp failed for volume "config" : configmap references non-existent config key: app.yaml

or, worse, it starts: the code finds no file where it looks (and runs on defaults), or finds an
empty directory where it expected a file and fails with "is a directory".

**Why.** A configMap volume creates one file per key (or per items entry, named by its path).
An items key that the ConfigMap lacks fails the mount; a subPath that names a key not present
(with optional: true, or a typo in the path) makes the kubelet mount an empty directory at the
target instead of failing. A ConfigMap key named app.yml while the code opens
/etc/app/config.yaml mounts fine and is never read.

**How to confirm.**

    kubectl get configmap NAME -o jsonpath='{.data}' | tr ',' '\n'
    kubectl describe pod POD | grep -A2 -E 'FailedMount|Mounts:'
    kubectl exec POD -- ls -la /etc/app

**How to fix.** Make the key, the items path or subPath, the mountPath and the path the code
opens agree:

    volumes:
      - name: config
        configMap:
          name: app
          items:
            - key: config.yaml
              path: config.yaml

**What shipshape checks.** items keys that the repository's ConfigMap or Secret lacks (the
mount fails); subPath mounts that name no file of the volume; and, for the Go program the
container runs, a file it opens (absolute, or relative to the working directory) in a
directory where the container mounts configuration when the mounts provide a near miss of it
instead (config.yml for config.yaml, another case, a one- or two-letter typo).`,
	Fix:     "Make the ConfigMap/Secret key, items path or subPath and mountPath produce exactly the file path the code opens.",
	Symptom: "references non-existent config key",
	Signatures: []rule.Signature{
		rule.Sig("references non-existent config key",
			`references non-existent config key(?:: (?P<name>\S+))?\.?$`,
			`MountVolume.SetUp failed for volume "kubernetes.io/configmap/b690cfd1-7386-11e7-b005-080027f96241-config" (spec.Name: "config") pod "b690cfd1-7386-11e7-b005-080027f96241" (UID: "b690cfd1-7386-11e7-b005-080027f96241") with: references non-existent config key.`),
	},
	Requires: []rule.Input{rule.Kubernetes},
	Run:      runMountedKeyMissing,
}

func runMountedKeyMissing(p *rule.Pass) error {
	objs := p.Project.Kubernetes
	for _, o := range objs {
		if o.Workload == nil {
			continue
		}
		for _, v := range o.Workload.Volumes {
			itemsMissing(p, o, v)
			for _, pv := range v.Projected {
				itemsMissing(p, o, pv)
			}
		}
	}
	set := deploy.NewSet(p.Project)
	for _, pc := range containers(objs) {
		subPathMissing(p, pc)
		nearMiss(p, set, pc)
	}
	return nil
}

// configOf returns the repository's definition of a configMap or secret volume's object: nil
// when it is not defined, templated or defined more than once with different keys.
func configOf(objs []*k8s.Object, v *k8s.Volume) *k8s.Object {
	kind := map[string]string{"configMap": "ConfigMap", "secret": "Secret"}[v.Source]
	if kind == "" || v.Ref.Templated() || !v.Ref.Set() {
		return nil
	}
	found := k8s.Find(objs, kind, v.Ref.Value)
	if len(found) != 1 || found[0].Config == nil || found[0].Template {
		return nil
	}
	return found[0]
}

// itemsMissing reports items whose key the object lacks: the mount fails.
func itemsMissing(p *rule.Pass, o *k8s.Object, v *k8s.Volume) {
	if v.Optional || len(v.Items) == 0 {
		return
	}
	def := configOf(p.Project.Kubernetes, v)
	if def == nil {
		return
	}
	for _, it := range v.Items {
		if it.Key.Templated() || def.Config.Has(it.Key.Value) {
			continue
		}
		near := nearest(it.Key.Value, keys(def.Config))
		hint := ""
		if near != "" {
			hint = fmt.Sprintf(" (it has %q)", near)
		}
		p.Report(rule.Finding{
			Pos:      it.Key.Pos,
			Severity: rule.Error,
			Message: fmt.Sprintf("%s volume %s of %s %s takes key %q of %s %s, which %s does not define%s: the volume cannot be mounted and the pod stays in ContainerCreating (references non-existent config key: %s)",
				it.Key.Pos.Short(), v.Name.Value, o.Kind, o.Name.Value, it.Key.Value, def.Kind, def.Name.Value, def.Pos.Short(), hint, it.Key.Value),
			Related: []rule.Related{{Pos: def.Pos, Message: fmt.Sprintf("%s %s defines %s", def.Kind, def.Name.Value, keyList(def.Config))}},
		})
	}
}

// volumeFiles are the file names a configMap or secret volume holds at its root; ok is false
// when they are unknown.
func volumeFiles(objs []*k8s.Object, v *k8s.Volume) (names []string, where source.Pos, ok bool) {
	if len(v.Items) > 0 {
		for _, it := range v.Items {
			if it.Path.Templated() {
				return nil, source.Pos{}, false
			}
			names = append(names, path.Clean(it.Path.Value))
		}
		return names, v.Pos, true
	}
	def := configOf(objs, v)
	if def == nil {
		return nil, source.Pos{}, false
	}
	return keys(def.Config), def.Pos, true
}

func keys(c *k8s.Config) []string {
	var out []string
	for _, k := range c.Keys {
		out = append(out, k.Value)
	}
	return out
}

// subPathMissing reports subPath mounts of a configMap or secret volume that name no file of it.
func subPathMissing(p *rule.Pass, pc podContainer) {
	for _, m := range pc.c.VolumeMounts {
		sp := m.SubPath
		if !sp.Set() || sp.Templated() || sp.Value == "" || strings.Contains(sp.Value, "$") {
			continue
		}
		v := pc.o.Workload.Volume(m.Name.Value)
		if v == nil || (v.Source != "configMap" && v.Source != "secret") {
			continue
		}
		names, where, ok := volumeFiles(p.Project.Kubernetes, v)
		if !ok {
			continue
		}
		want := path.Clean(sp.Value)
		found := false
		for _, n := range names {
			found = found || n == want || strings.HasPrefix(n, want+"/")
		}
		if found {
			continue
		}
		hint := ""
		if near := nearest(want, names); near != "" {
			hint = fmt.Sprintf(", of which %q looks like the intended file", near)
		}
		p.Report(rule.Finding{
			Pos: sp.Pos,
			Message: fmt.Sprintf("%s %s mounts subPath %q of volume %s (%s %s) at %s, but the volume holds only %s (%s)%s: the kubelet finds no such file and the container gets an empty directory at %s instead of the file, or fails to start",
				sp.Pos.Short(), pc.name(), sp.Value, v.Name.Value, v.Source, v.Ref.Value, m.MountPath.Value, strings.Join(names, ", "), where.Short(), hint, m.MountPath.Value),
			Related: []rule.Related{{Pos: where, Message: "defines " + strings.Join(names, ", ")}, {Pos: v.Pos, Message: "volume " + v.Name.Value}},
		})
	}
}

// mounted is a file a configMap or secret volume puts in a container.
type mounted struct {
	name  string // base name
	mount *k8s.VolumeMount
	vol   *k8s.Volume
}

// nearMiss reports a file the program opens in a directory where the container mounts
// configuration files, when that file is not among them but a similar name is (config.yml for
// config.yaml): the code reads nothing, or fails with no such file.
func nearMiss(p *rule.Pass, set *deploy.Set, pc podContainer) {
	g := p.Project.Go
	if g == nil || len(pc.c.VolumeMounts) == 0 {
		return
	}
	// dir -> files the mounts put there; whole says a mount without subPath replaced the dir.
	files := map[string][]mounted{}
	whole := map[string]bool{}
	for _, m := range pc.c.VolumeMounts {
		mp := path.Clean(m.MountPath.Value)
		if m.MountPath.Templated() || !path.IsAbs(mp) {
			continue
		}
		v := pc.o.Workload.Volume(m.Name.Value)
		if v == nil || (v.Source != "configMap" && v.Source != "secret") {
			continue
		}
		if m.SubPath.Set() {
			files[path.Dir(mp)] = append(files[path.Dir(mp)], mounted{path.Base(mp), m, v})
			continue
		}
		names, _, ok := volumeFiles(p.Project.Kubernetes, v)
		if !ok {
			whole[mp] = false
			files[mp] = append(files[mp], mounted{"", m, v}) // unknown contents
			continue
		}
		whole[mp] = true
		for _, n := range names {
			d := path.Dir(path.Join(mp, n))
			files[d] = append(files[d], mounted{path.Base(n), m, v})
		}
	}
	if len(files) == 0 {
		return
	}
	t := set.ForContainer(pc.o, pc.c)
	if t.Program == nil {
		return
	}
	opened := map[string]bool{}
	var uses []*gocode.FileUse
	for _, f := range g.Files {
		if !t.Program.Reaches(f.Pkg) || f.Unresolved || f.IsGlob || f.IsDir || f.Write || strings.HasPrefix(f.Call, "viper.") {
			continue
		}
		full, ok := effectivePath(t, f)
		if !ok {
			continue
		}
		opened[full] = true
		uses = append(uses, f)
	}
	for _, f := range uses {
		full, _ := effectivePath(t, f)
		dir, base := path.Dir(full), path.Base(full)
		ms := files[dir]
		if len(ms) == 0 {
			continue
		}
		var names []string
		unknown := false
		for _, m := range ms {
			if m.name == "" {
				unknown = true
			}
			names = append(names, m.name)
		}
		if unknown || contains(names, base) {
			continue
		}
		if !whole[dir] && t.Image != nil {
			if _, ok := t.Image.Paths[full]; ok {
				continue // the image has it beside the subPath mounts
			}
		} else if !whole[dir] {
			continue // the image's own files in that directory are not known
		}
		near := nearest(base, names)
		if near == "" || opened[path.Join(dir, near)] {
			continue
		}
		var m mounted
		for _, x := range ms {
			if x.name == near {
				m = x
			}
		}
		consequence := "fails with no such file or directory"
		if f.Optional {
			consequence = "runs without its configuration, on defaults"
		}
		p.Report(rule.Finding{
			Pos: m.mount.MountPath.Pos,
			Message: fmt.Sprintf("%s %s mounts %s from %s %s, but %s (%s) opens %s (%s %s), which no mount provides: the program %s while the mounted %s is never read",
				m.mount.MountPath.Pos.Short(), pc.name(), path.Join(dir, near), m.vol.Source, m.vol.Ref.Value, t.Program.Name, t.Program.Pos.Short(), full, f.Pos.Short(), f.Call, consequence, near),
			Related: []rule.Related{{Pos: f.Pos, Message: fmt.Sprintf("%s opens %s", f.Call, full)}, {Pos: m.vol.Pos, Message: "volume " + m.vol.Name.Value}},
		})
	}
}

// effectivePath is the absolute path a file use opens in the container: its flag or variable
// as the container sets it, else the code's path, against the working directory.
func effectivePath(t *deploy.Target, f *gocode.FileUse) (string, bool) {
	p := f.Path
	if f.Flag != "" {
		return "", false // flag values are evaluated by the listener model only
	}
	if f.Env != "" {
		v, set, unknown := t.Env(f.Env)
		switch {
		case set && v.Known:
			p = v.Value
		case set || unknown:
			return "", false
		}
	}
	if p == "" {
		return "", false
	}
	if !path.IsAbs(p) {
		wd := t.Container.WorkingDir.Value
		if wd == "" && t.Image != nil {
			wd, _ = t.Image.WorkingDir()
		}
		if wd == "" || !path.IsAbs(wd) || t.Container.WorkingDir.Templated() {
			return "", false
		}
		p = path.Join(wd, p)
	}
	return path.Clean(p), true
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// nearest returns the candidate that looks like a typo of want: the same name with another
// extension (config.yml for config.yaml), another case, or a small edit distance. "" when none does.
func nearest(want string, cands []string) string {
	stem := func(s string) string { return strings.TrimSuffix(s, path.Ext(s)) }
	sorted := append([]string(nil), cands...)
	sort.Strings(sorted)
	for _, c := range sorted {
		if c != want && (strings.EqualFold(c, want) || (stem(c) == stem(want) && stem(c) != "")) {
			return c
		}
	}
	// A typo: one edit in a name of four to seven characters before the extension, two in a
	// longer one (a.yml and b.yml are different files, not a typo).
	best, bestD := "", 3
	for _, c := range sorted {
		n := min(len(stem(c)), len(stem(want)))
		if c == want || n < 4 {
			continue
		}
		limit := 1
		if n >= 8 {
			limit = 2
		}
		if d := distance(c, want); d <= limit && d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
