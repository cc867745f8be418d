// Package worker runs background jobs; it was meant to be a command.
package worker

func main() {}
