// Package binary answers what an executable needs to start: its format, architecture, loader,
// libraries, glibc floor and, for Go binaries, its build settings.
package binary

// Facts describe one executable.
type Facts struct{}
