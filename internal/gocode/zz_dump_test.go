package gocode

import (
	"fmt"
	"os"
	"testing"
)

func TestZZDump(t *testing.T) {
	dir := os.Getenv("GOCODE_DUMP")
	if dir == "" {
		t.Skip()
	}
	f, notes := load(t, dir)
	for _, l := range render(f) {
		fmt.Println(l)
	}
	for _, n := range notes {
		fmt.Println("note", n)
	}
}
