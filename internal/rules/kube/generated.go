package kube

import (
	"bytes"
	"path"
	"regexp"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// readGenerators records the names of kustomize's configMapGenerator and secretGenerator
// entries, which the Kubernetes facts keep with each kustomization.
func readGenerators(p *facts.Project, d *defined) {
	for _, o := range p.Kubernetes {
		for _, g := range o.Generators {
			if g.Name.Value != "" {
				d.generated[g.Kind][g.Name.Value] = g.Name.Pos
				d.managed[g.Kind] = true
			}
		}
	}
}

// binaryExt are extensions of files that hold no commands.
var binaryExt = map[string]bool{
	".json": true, ".lock": true, ".sum": true, ".png": true, ".jpg": true, ".jpeg": true,
	".gif": true, ".svg": true, ".ico": true, ".gz": true, ".tgz": true, ".zip": true, ".pdf": true,
	".woff": true, ".woff2": true, ".ttf": true, ".css": true, ".js": true, ".map": true,
}

var kubectlCreate = regexp.MustCompile(`(?i)\bcreate\s+(configmap|cm|secret(?:\s+(?:generic|tls|docker-registry))?)\s+(?:-\S+\s+)*([a-z0-9][a-z0-9.-]*)`)

// kubectlCreated finds ConfigMaps and Secrets that scripts, Makefiles, workflows or documents
// of the tree create with kubectl create (or oc create): keys "ConfigMap/name", "Secret/name";
// "Secret/*" and "ConfigMap/*" when Terraform's kubernetes provider creates some.
func kubectlCreated(p *facts.Project) map[string]source.Pos {
	out := map[string]source.Pos{}
	t := p.Tree
	if t == nil {
		return out
	}
	for _, f := range t.Files {
		switch f.Kind {
		case tree.GoFile, tree.GoMod, tree.GoSum, tree.GoWork, tree.VendorModules:
			continue
		}
		ext := path.Ext(f.Path)
		if f.Size > 1<<20 || strings.HasPrefix(f.Path, "vendor/") || strings.Contains(f.Path, "node_modules/") || binaryExt[ext] {
			continue
		}
		b, err := t.Read(f)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue
		}
		if ext == ".tf" {
			// Terraform's kubernetes provider creates objects whose names may be computed.
			for res, kind := range map[string]string{`"kubernetes_secret`: "Secret", `"kubernetes_config_map`: "ConfigMap"} {
				if i := bytes.Index(b, []byte(res)); i >= 0 {
					if _, ok := out[kind+"/*"]; !ok {
						out[kind+"/*"] = source.Pos{File: f.Path, Line: 1 + bytes.Count(b[:i], []byte("\n"))}
					}
				}
			}
		}
		if !bytes.Contains(b, []byte("create")) {
			continue
		}
		for _, m := range kubectlCreate.FindAllSubmatchIndex(b, -1) {
			kind := "ConfigMap"
			if strings.HasPrefix(strings.ToLower(string(b[m[2]:m[3]])), "secret") {
				kind = "Secret"
			}
			name := string(b[m[4]:m[5]])
			key := kind + "/" + name
			if _, ok := out[key]; !ok {
				out[key] = source.Pos{File: f.Path, Line: 1 + bytes.Count(b[:m[0]], []byte("\n"))}
			}
		}
	}
	return out
}
