package gocode

import (
	"fmt"
	"os"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

func TestDebugDump(t *testing.T) {
	dir := os.Getenv("GOCODE_DUMP")
	if dir == "" {
		t.Skip()
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f, notes := Load(tr)
	for _, l := range render(f) {
		fmt.Println(l)
	}
	for _, n := range notes {
		t.Log(n)
	}
}
