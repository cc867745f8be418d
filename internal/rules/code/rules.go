// Package code holds the detectors that need only the Go code and its module files: failure
// modes decided before any deployment artifact is read.
package code

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{}
