// Package dotenv answers which variables each .env file sets, in the dialect of the tool that reads it.
package dotenv

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// File is one parsed artifact.
type File struct{}

// Load finds and parses every artifact of this kind in t.
func Load(t *tree.Tree) ([]*File, []source.Note) { return nil, nil }
