// Package k8s answers what Kubernetes manifests run and provide: workloads, containers, env, ports, probes, volumes and services, as YAML nodes with positions.
package k8s

import (
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Object is one parsed artifact.
type Object struct{}

// Load finds and parses every artifact of this kind in t.
func Load(t *tree.Tree) ([]*Object, []source.Note) { return nil, nil }
