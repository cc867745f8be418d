// Package kube holds the detectors for Kubernetes manifests: what pods mount, reference and probe, against what the code reads and serves.
package kube

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{
	ConfigMapOverBinary, // SS4001
	MountedKeyMissing,   // SS4002
	ProbePortUndefined,  // SS4003
	ConfigRefMissing,    // SS4004
}
