package main

import (
	"fmt"

	"example.com/cache"
)

func main() {
	c := cache.New("localhost:6379")
	fmt.Println(c.Addr)
}
