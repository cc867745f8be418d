// Package host answers the facts of a host that decide whether a Go service starts there.
package host

// Snapshot is the facts of one host.
type Snapshot struct{}
