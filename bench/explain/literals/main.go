// Command literals prints the catalog's signature literals, one per line, lower-cased: the
// patterns for grep -F -f in the explain benchmark.
package main

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/explain"
)

func main() {
	for _, l := range explain.Literals(catalog.All()) {
		fmt.Println(l)
	}
}
