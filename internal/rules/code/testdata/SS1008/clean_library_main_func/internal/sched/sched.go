// Package sched has a function called main, as package runtime does: an ordinary function,
// not an entry point anyone builds.
package sched

func main() {}

// Start calls main.
func Start() { main() }
