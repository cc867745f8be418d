// Package dep is vendored: a vendored build needs no go.sum.
package dep

// Hello does nothing.
func Hello() {}
