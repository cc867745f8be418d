// Command cgo calls C's getpid through cgo, so it cannot be built with CGO_ENABLED=0.
package main

// #include <unistd.h>
import "C"

import "fmt"

func main() {
	fmt.Println(int(C.getpid()))
}
