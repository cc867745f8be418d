package gen_test

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gen"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// BenchmarkGenerate measures what shipshape gen does for orders-api: walk, facts, plan (with
// its health-route and version-variable passes) and every renderer.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		tr, err := tree.Walk(repoRoot+"/examples/orders-api", tree.Options{})
		if err != nil {
			b.Fatal(err)
		}
		plan, err := gen.NewPlan(facts.Load(tr), "")
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range gen.Kinds {
			if _, err := plan.Generate(k, ""); err != nil {
				b.Fatal(err)
			}
		}
	}
}
