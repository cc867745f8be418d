package main

import "example.com/svc/cmd"

func main() { cmd.Execute() }
