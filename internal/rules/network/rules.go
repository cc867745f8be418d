// Package network holds the detectors for listeners: the port and interface the code binds against what every deployment target exposes, maps and allows.
package network

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{
	PortMismatch,   // SS6001
	ListenLoopback, // SS6002
	PrivilegedPort, // SS6003
}
