package network_test

import (
	"fmt"
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

// BenchmarkCrossArtifactRules runs the network, Kubernetes and unit detectors over a tree of 70
// services, each with a program, a Dockerfile, a manifest and a unit: 210 deployment files. The
// files are walked once; the facts are loaded afresh, off the clock, for every run, since the
// deployment targets are computed once per project and reusing one project would time only the
// first run's share of them.
func BenchmarkCrossArtifactRules(b *testing.B) {
	dir := b.TempDir()
	write := func(rel, s string) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module example.com/fleet\n\ngo 1.22\n")
	for i := range 70 {
		name := fmt.Sprintf("svc%d", i)
		write("cmd/"+name+"/main.go", "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nfunc main() {\n\tport := os.Getenv(\"PORT\")\n\tif port == \"\" {\n\t\tport = \"8080\"\n\t}\n\thttp.ListenAndServe(\":\"+port, nil)\n}\n")
		write("build/"+name+"/Dockerfile", fmt.Sprintf("FROM golang:1.22-alpine AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/%[1]s ./cmd/%[1]s\n\nFROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /out/%[1]s /%[1]s\nEXPOSE 8080\nENTRYPOINT [\"/%[1]s\"]\n", name))
		write("deploy/"+name+".yaml", fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: %[1]s\nspec:\n  selector:\n    matchLabels: {app: %[1]s}\n  template:\n    metadata:\n      labels: {app: %[1]s}\n    spec:\n      containers:\n        - name: %[1]s\n          image: r.example.com/%[1]s:1\n          ports: [{name: http, containerPort: 8080}]\n          readinessProbe: {httpGet: {path: /, port: http}}\n          envFrom: [{configMapRef: {name: %[1]s}}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %[1]s\nspec:\n  selector: {app: %[1]s}\n  ports: [{port: 80, targetPort: http}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %[1]s\ndata:\n  LOG_LEVEL: info\n", name))
		write("units/"+name+".service", fmt.Sprintf("[Service]\nType=exec\nExecStart=/usr/local/bin/%s\nUser=app\nEnvironment=PORT=8080\n", name))
	}
	t, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var rules []*rule.Rule
	rules = append(rules, network.Rules...)
	rules = append(rules, kube.Rules...)
	rules = append(rules, unit.Rules...)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		p := facts.Load(t)
		b.StartTimer()
		n := 0
		for _, r := range rules {
			if err := r.Run(rule.NewPass(r, p, func(rule.Finding) { n++ })); err != nil {
				b.Fatal(err)
			}
		}
		if n != 0 {
			b.Fatalf("the fleet is consistent, yet %d findings", n)
		}
	}
}
