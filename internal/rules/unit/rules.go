// Package unit holds the detectors for systemd units: how a unit starts, where and as whom, against what the Go service needs.
package unit

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{
	ForkingForegroundServer, // SS3001
	ExecStartMissing,        // SS3002
}
