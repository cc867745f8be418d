// Package gocode answers what the Go code of a project needs at run time, read with go/parser
// and golang.org/x/mod alone: no go list, no type-checking, no network.
package gocode

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Load reads the Go code of t. It returns nil Facts when the tree holds no Go code (no .go file
// and no go.mod). Notes say what could not be read: Go files that do not parse (with the
// scanner's position), unreadable files.
func Load(t *tree.Tree) (*Facts, []source.Note) { return nil, nil }
