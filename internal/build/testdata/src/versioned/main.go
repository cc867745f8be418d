// Command versioned prints the version release builds stamp with -X main.version=….
package main

import (
	"fmt"
	"time"
)

var version string

func main() {
	loc, err := time.LoadLocation("Europe/Paris")
	fmt.Println(version, loc, err)
}
