package main

import "example.com/svc/server"

func main() { _ = server.Run() }
