// Package script answers what each shell script and entrypoint needs to run: exec bit, line endings, shebang interpreter and commands, parsed with mvdan.cc/sh.
package script

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Script is one parsed artifact.
type Script struct{}

// Load finds and parses every artifact of this kind in t.
func Load(t *tree.Tree) ([]*Script, []source.Note) { return nil, nil }
