package container_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/rule/ruletest"
	"github.com/shipshape-dev/shipshape/internal/rules/container"
)

func TestRules(t *testing.T) {
	ruletest.Run(t, "testdata", container.Rules, catalog.All())
}

// BenchmarkRules checks a tree of 200 services, each with a multi-stage Dockerfile whose
// binary the rules trace back to its program, with this package's rules only.
func BenchmarkRules(b *testing.B) {
	dir := b.TempDir()
	write := func(name, data string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	write("go.mod", "module example.com/many\n\ngo 1.22\n")
	for i := range 200 {
		svc := fmt.Sprintf("svc%d/", i)
		write(svc+"main.go", "package main\n\nimport (\n\t\"net/http\"\n\t\"time\"\n)\n\nfunc main() {\n\ttime.LoadLocation(\"Europe/Berlin\")\n\thttp.Get(\"https://example.com/\")\n}\n")
		write(svc+"Dockerfile", "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT [\"/app\"]\n")
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := check.Dir(dir, check.Options{Rules: container.Rules})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Findings) < 600 {
			b.Fatalf("%d findings, want SS2001, SS2004 and SS2005 for each of 200 services", len(res.Findings))
		}
	}
}
