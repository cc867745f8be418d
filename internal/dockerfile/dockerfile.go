// Package dockerfile answers what each Dockerfile builds: stages, copies, commands and the final image they produce, read with BuildKit's own parser.
package dockerfile

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// File is one parsed artifact.
type File struct{}

// Load finds and parses every artifact of this kind in t.
func Load(t *tree.Tree) ([]*File, []source.Note) { return nil, nil }
