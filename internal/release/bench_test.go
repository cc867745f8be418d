package release

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

// BenchmarkLoadRepository loads the release facts of this repository (every YAML file is now
// read for gcloud commands, Procfiles too), to see what the wider read costs.
func BenchmarkLoadRepository(b *testing.B) {
	tr, err := tree.Walk("../..", tree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		Load(tr)
	}
}
