// Package gocode answers what the Go code of a project needs at run time, read with go/parser
// and golang.org/x/mod alone: no go list, no type-checking, no network.
package gocode

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Facts are the run-time needs of the Go code that ships.
type Facts struct{}

// Load reads the Go code of t.
func Load(t *tree.Tree) (*Facts, []source.Note) { return nil, nil }
