// Package dep is a local module.
package dep

// Hello does nothing.
func Hello() {}
