// Package container holds the detectors for images and containers, and the Go build inside a Dockerfile: what the code needs at run time against what the final image provides.
package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{}
