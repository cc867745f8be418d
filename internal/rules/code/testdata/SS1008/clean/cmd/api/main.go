package main

import "example.com/svc/cmd/shared"

func main() { shared.Setup() }
