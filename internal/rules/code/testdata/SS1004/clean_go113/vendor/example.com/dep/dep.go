// Package dep is a vendored dependency.
package dep

// Hello does nothing.
func Hello() {}
