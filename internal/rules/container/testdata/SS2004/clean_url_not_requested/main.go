package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: poller FILE (see https://example.com/docs/poller)")
		os.Exit(2)
	}
	fmt.Println(os.Args[1])
}
