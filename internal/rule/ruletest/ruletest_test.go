package ruletest

import (
	"strconv"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

func TestParseWantsTargets(t *testing.T) {
	src := "FROM golang AS build\n" + // 1
		"# want SS2001 \"alpine\"\n" + // 2
		"\n" + // 3
		"FROM alpine\n" + // 4
		"x := 1 // want SS1001 want SS1002 \"a \\\"quoted\\\" word\"\n" + // 5
		"# want SS0001\n" + // 6
		"# shipshape:ignore SS2004\n" // 7
	ws, err := parseWants("Dockerfile", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.ID+"@"+itoa(w.Line)+" "+w.RE.String())
	}
	want := `SS2001@4 alpine|SS1001@5 .|SS1002@5 a "quoted" word|SS0001@7 .`
	if strings.Join(got, "|") != want {
		t.Fatalf("got  %s\nwant %s", strings.Join(got, "|"), want)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestParseWantsErrors(t *testing.T) {
	if _, err := parseWants("f", []byte("# want SS1001\n")); err == nil {
		t.Error("a marker with no line after it must be an error")
	}
	if _, err := parseWants("f", []byte("x // want SS1001 \"(\"\n")); err == nil {
		t.Error("a bad regexp must be an error")
	}
}

func TestCompare(t *testing.T) {
	ws, _ := parseWants("main.go", []byte("a // want SS1001 \"pprof\"\nb\n"))
	at := func(line int, id, msg string) rule.Finding {
		return rule.Finding{ID: id, Pos: source.Pos{File: "main.go", Line: line}, Message: msg}
	}
	ids := map[string]bool{"SS1001": true}
	if p := Compare(ws, []rule.Finding{at(1, "SS1001", "net/http/pprof is served"), at(2, "SS9999", "other rule")}, ids); len(p) != 0 {
		t.Fatalf("a met marker and an unrelated rule must pass: %v", p)
	}
	ws, _ = parseWants("main.go", []byte("a // want SS1001 \"pprof\"\nb\n"))
	p := Compare(ws, []rule.Finding{at(2, "SS1001", "pprof on line 2")}, ids)
	if len(p) != 2 || !strings.Contains(p[0], "unexpected finding main.go:2") || !strings.Contains(p[1], "main.go:1: no SS1001 finding") {
		t.Fatalf("a finding on the wrong line must fail twice: %v", p)
	}
	ws, _ = parseWants("main.go", []byte("a // want SS1001 \"pprof\"\n"))
	if p := Compare(ws, []rule.Finding{at(1, "SS1001", "something else")}, ids); len(p) != 2 {
		t.Fatalf("a message that does not match must fail: %v", p)
	}
}
