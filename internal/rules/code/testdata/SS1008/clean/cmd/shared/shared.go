// Package shared is a library under cmd/ that the commands import.
package shared

// Setup does nothing.
func Setup() {}
