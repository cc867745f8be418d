// Package cmd is the cobra layout: commands in package cmd, main at the root.
package cmd

import "example.com/svc/cmd/shared"

// Execute runs the root command.
func Execute() { shared.Setup() }
