package main

import (
	"fmt"

	"example.com/sdk"
)

func main() { fmt.Println(sdk.Name) }
