package network_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rules/kube"
	"github.com/shipshape-dev/shipshape/internal/rules/network"
	"github.com/shipshape-dev/shipshape/internal/rules/unit"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// TestOddInputs runs the cross-artifact detectors over artifacts that are malformed, partial or
// templated where they are least expected. The detectors must neither panic nor fail; what they
// report is not the point here.
func TestOddInputs(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":             "module example.com/app\n\ngo 1.22\n",
		"main.go":            "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc main() {\n\tos.ReadFile(os.Getenv(\"CONFIG\"))\n\thttp.ListenAndServe(os.Getenv(\"ADDR\"), nil)\n\thttp.ListenAndServe(\"localhost:\"+os.Getenv(\"PORT\"), nil)\n}\n",
		"Dockerfile":         "ARG BASE\nFROM ${BASE}\nEXPOSE $PORT 80-90/tcp abc\nENTRYPOINT exec \"/app\" $FLAGS\n",
		"Dockerfile.broken":  "FROM scratch\nCOPY --from= /x\nENTRYPOINT [\"\n",
		"compose.yaml":       "services:\n  app:\n    build: {context: ., dockerfile: Dockerfile}\n    image: app\n    ports: [\"abc\", \"${P}:${Q}\", 8080, {target: x}]\n    environment: [PORT, \"ADDR=\", \"=x\"]\n    command: [\"{{ x }}\", \"-addr\"]\n    entrypoint: \"\"\n    network_mode: host\n    user: \"\"\n  other:\n    image: \"\"\n",
		"k8s.yaml":           "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n      securityContext: {runAsUser: x, runAsNonRoot: maybe}\n      containers:\n        - name: app\n          image: app\n          command: []\n          args: [\"-addr\", \"$(ADDR)\"]\n          ports: [{containerPort: http}, {name: \"\", containerPort: -1}, 7]\n          env: [{name: PORT, valueFrom: {secretKeyRef: {}}}, {name: ADDR}]\n          envFrom: [{configMapRef: {}}, {secretRef: {name: \"{{ .x }}\"}}]\n          readinessProbe: {httpGet: {port: {a: b}}}\n          livenessProbe: {tcpSocket: {port: \"\"}}\n          startupProbe: {exec: {command: [x]}}\n          volumeMounts: [{name: v, mountPath: \"\"}, {name: w, mountPath: /, subPath: ../x}, {name: missing, mountPath: /app}]\n      volumes:\n        - {name: v, configMap: {items: [{key: \"\", path: \"\"}]}}\n        - {name: w, projected: {sources: [{secret: {name: s}}, {configMap: {}}]}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: empty}\nspec: {containers: null}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {selector: {app: app}, ports: [{port: x, targetPort: \"\"}, {}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\ndata: null\n---\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nconfigMapGenerator: [{}, {name: \"\"}, x]\nsecretGenerator: {a: b}\n",
		"kustomization.yaml": "configMapGenerator: [{name: gen}]\nresources: [k8s.yaml]\n",
		"app.service":        "[Service]\nType=forking\nExecStart=\nExecStart=-@\nExecStart=./app \"unterminated\nUser=\nDynamicUser=maybe\nEnvironment=PORT=\nAmbientCapabilities=~\n",
		"x.service":          "[Service]\nType=oneshot\nExecStart=app\nEnvironmentFile=-/etc/x\nUser=nobody\n",
		"Procfile":           "web:\nweb: \nweb: PORT=1 exec\n\x00\xff: x\n",
		"Makefile":           "install:\n\tinstall -m 755 app $(DESTDIR)/usr/bin/\n",
	}
	for rel, s := range files {
		p := filepath.Join(dir, rel)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := facts.Load(tr)
	var rules []*rule.Rule
	rules = append(rules, network.Rules...)
	rules = append(rules, kube.Rules...)
	rules = append(rules, unit.Rules...)
	for _, r := range rules {
		n := 0
		if err := r.Run(rule.NewPass(r, p, func(f rule.Finding) {
			n++
			if f.Message == "" || f.File == "" {
				t.Errorf("%s: finding without a message or a position: %+v", r.ID, f)
			}
		})); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
		t.Logf("%s: %d findings", r.ID, n)
	}
}
