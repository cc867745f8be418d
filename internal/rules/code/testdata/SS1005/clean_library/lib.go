// Package lib is a library: no binary of this module ships, so its go.sum is the concern of
// the services that import it.
package lib

import "golang.org/x/mod/semver"

// Valid reports whether v is a semantic version.
func Valid(v string) bool { return semver.IsValid(v) }
