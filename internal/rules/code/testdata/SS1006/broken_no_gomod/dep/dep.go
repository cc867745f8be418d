// Package dep lacks the go.mod a replacement directory needs.
package dep

// Hello does nothing.
func Hello() {}
