package kube

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// ConfigMapOverBinary is a ConfigMap or Secret volume mounted over the directory that holds the
// container's executable, which hides it.
var ConfigMapOverBinary = &rule.Rule{
	ID:       "SS4001",
	Class:    "k8s-config",
	Title:    "volume mounted over the directory that holds the binary",
	Severity: rule.Error,
	Doc: `**What happens.** The pod never starts; kubectl describe shows StartError or
RunContainerError:

    Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/server": stat /app/server: no such file or directory: unknown

**Why.** A volume mount replaces the whole target directory with the volume's contents. Mounting
a ConfigMap at /app to provide /app/config.yaml hides everything the image had under /app,
including the binary the entrypoint names, so the runtime cannot find it. The same happens with
a Secret, an emptyDir, or a PVC mounted at the WORKDIR.

**How to confirm.**

    kubectl describe pod POD | grep -E 'Mounts:|/app|Error'
    docker image inspect IMAGE --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}'

**How to fix.** Mount the configuration somewhere else, or mount just the file with subPath:

    volumeMounts:
      - name: config
        mountPath: /app/config.yaml
        subPath: config.yaml

(a subPath mount does not receive ConfigMap updates; mounting at /etc/app and pointing the
service there with a flag avoids that).

**What shipshape checks.** The container's executable is command[0], or the ENTRYPOINT (else
CMD) of the image the repository builds under that image name. A configMap, secret or projected
volume mounted without subPath at that directory or above it is reported, unless the volume
itself holds the file (a script shipped in a ConfigMap).`,
	Fix:     "Mount the ConfigMap or Secret at a directory that does not contain the binary (e.g. /etc/app), or mount single files with subPath.",
	Symptom: `exec: "/app/server": stat /app/server: no such file or directory`,
	Signatures: []rule.Signature{
		rule.Sig("no such file or directory",
			`exec: \\*"(?P<path>/[^"\\]+)\\*": stat \S+: no such file or directory`,
			`Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/app/blocky": stat /app/blocky: no such file or directory: unknown`),
		rule.Sig("not found",
			`: exec: (?P<path>\S+): not found$`,
			"/usr/local/bin/docker-entrypoint.sh: 9: exec: ./kafkahq: not found"),
	},
	Requires: []rule.Input{rule.Kubernetes},
	Run:      runConfigMapOverBinary,
}

// executable is the path a container runs and what says so.
type executable struct {
	path    string
	pos     source.Pos
	what    string // "command", "ENTRYPOINT of Dockerfile"
	fromK8s bool
	copyPos source.Pos // the COPY that puts the binary there, when known
}

// containerExecutable is the absolute path a container runs: command[0], else args[0] when the
// image has no ENTRYPOINT, else the entrypoint of the image built here.
func containerExecutable(t *deploy.Target) (executable, bool) {
	c := t.Container
	word := func(s k8s.Scalar, what string) (executable, bool) {
		v := s.Value
		if s.Templated() || strings.ContainsAny(v, "$") || !path.IsAbs(v) {
			return executable{}, false
		}
		return executable{path: path.Clean(v), pos: s.Pos, what: "its " + what, fromK8s: true}, true
	}
	if len(c.Command) > 0 {
		return word(c.Command[0], "command")
	}
	if t.Image == nil {
		return executable{}, false
	}
	if t.Image.Entrypoint == nil && len(c.Args) > 0 {
		return word(c.Args[0], "args")
	}
	exe, pos := deploy.Executable(t.Image)
	if !path.IsAbs(exe) {
		return executable{}, false
	}
	e := executable{path: path.Clean(exe), pos: pos, what: "the entrypoint of the image " + t.File.Path + " builds"}
	for _, b := range t.Image.Binaries {
		if b.Path == e.path && b.Copy != nil {
			e.copyPos = b.Copy.Pos
		}
	}
	return e, true
}

// provides says whether a configMap or secret volume holds a file at rel: ok is false when the
// object is not in the repository (its keys are unknown).
func provides(objs []*k8s.Object, v *k8s.Volume, rel string) (has, ok bool) {
	if len(v.Items) > 0 {
		for _, it := range v.Items {
			if path.Clean(it.Path.Value) == rel {
				return true, true
			}
		}
		return false, true
	}
	kind := map[string]string{"configMap": "ConfigMap", "secret": "Secret"}[v.Source]
	found := false
	for _, o := range k8s.Find(objs, kind, v.Ref.Value) {
		if o.Config == nil || o.Template {
			return false, false
		}
		found = true
		if o.Config.Has(rel) {
			return true, true
		}
	}
	return false, found
}

func runConfigMapOverBinary(p *rule.Pass) error {
	set := deploy.NewSet(p.Project)
	for _, pc := range containers(p.Project.Kubernetes) {
		t := set.ForContainer(pc.o, pc.c)
		exe, ok := containerExecutable(t)
		if !ok {
			continue
		}
		for _, m := range pc.c.VolumeMounts {
			mp := path.Clean(m.MountPath.Value)
			if m.SubPath.Set() || m.MountPath.Templated() || mp == "/" || !path.IsAbs(mp) || !strings.HasPrefix(exe.path, mp+"/") {
				continue
			}
			v := pc.o.Workload.Volume(m.Name.Value)
			if v == nil || v.Ref.Templated() {
				continue
			}
			var kinds []string
			switch v.Source {
			case "configMap", "secret":
				kinds = []string{v.Source}
				has, known := provides(p.Project.Kubernetes, v, strings.TrimPrefix(exe.path, mp+"/"))
				if has || (exe.fromK8s && !known) {
					continue // the volume carries the program (a script in a ConfigMap), or may
				}
			case "projected":
				for _, s := range v.Projected {
					kinds = append(kinds, s.Source)
				}
				if exe.fromK8s {
					continue
				}
			default:
				continue
			}
			related := []rule.Related{
				{Pos: v.Pos, Message: fmt.Sprintf("volume %s is a %s", v.Name.Value, strings.Join(kinds, "+"))},
				{Pos: exe.pos, Message: exe.path + " is " + exe.what},
			}
			if exe.copyPos.File != "" {
				related = append(related, rule.Related{Pos: exe.copyPos, Message: "puts the binary at " + exe.path})
			}
			what := strings.Join(kinds, "+")
			if v.Ref.Value != "" {
				what += " " + v.Ref.Value
			}
			p.Report(rule.Finding{
				Pos: m.MountPath.Pos,
				Message: fmt.Sprintf("%s %s mounts volume %s (%s) at %s, which hides everything the image has there, including %s, which the container runs (%s, %s): the container cannot start (exec: %q: stat %s: no such file or directory)",
					m.MountPath.Pos.Short(), pc.name(), v.Name.Value, what, mp, exe.path, exe.what, exe.pos.Short(), exe.path, exe.path),
				Related: related,
			})
		}
	}
	return nil
}
