package suppress

import (
	"reflect"
	"testing"
)

func TestScan(t *testing.T) {
	src := "package main\n" +
		"// shipshape:ignore SS1001 served on the admin network only\n" +
		"\n" +
		"// another comment\n" +
		"import _ \"net/http/pprof\"\n" +
		"var x = 1 // shipshape:ignore SS1002,SS1003\n" +
		"# shipshape:ignore SS2001 SS2004 static build\r\n" +
		"FROM scratch\r\n"
	got := Scan([]byte(src))
	want := []Directive{
		{Line: 2, IDs: []string{"SS1001"}, Reason: "served on the admin network only", Applies: [2]int{2, 5}},
		{Line: 6, IDs: []string{"SS1002", "SS1003"}, Reason: "", Applies: [2]int{6, 6}},
		{Line: 7, IDs: []string{"SS2001", "SS2004"}, Reason: "static build", Applies: [2]int{7, 8}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
	if !got[0].Covers("SS1001", 5) || got[0].Covers("SS1001", 4) || got[0].Covers("SS1002", 5) {
		t.Error("Covers is wrong")
	}
}

func TestScanIgnoresMentionsOutsideComments(t *testing.T) {
	if ds := Scan([]byte(`s := "shipshape:ignore SS1001 x"`)); ds != nil {
		t.Fatalf("a string is not a directive: %+v", ds)
	}
}
