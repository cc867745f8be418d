// Package release answers where release tooling installs binaries and which platforms images
// and binaries are built for (goreleaser, GitHub workflows, install scripts).
package release

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Facts are the release configuration of a project.
type Facts struct{}

// Load reads release configuration in t.
func Load(t *tree.Tree) (*Facts, []source.Note) { return nil, nil }
