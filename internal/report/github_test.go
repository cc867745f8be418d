package report_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// command is one parsed workflow command.
type command struct {
	Name  string
	Props map[string]string
	Data  string
}

// parseCommand reads a workflow command line as the Actions runner does (ActionCommand.cs):
// "::name k=v,k=v::data", with %25, %0D and %0A unescaped in the data and, in property values,
// also %3A and %2C.
func parseCommand(t *testing.T, line string) command {
	t.Helper()
	if !strings.HasPrefix(line, "::") {
		t.Fatalf("not a workflow command: %q", line)
	}
	head, data, ok := strings.Cut(line[2:], "::")
	if !ok {
		t.Fatalf("no :: after the properties: %q", line)
	}
	name, props, _ := strings.Cut(head, " ")
	c := command{Name: name, Props: map[string]string{}, Data: unescape(data, false)}
	if props != "" {
		for _, kv := range strings.Split(props, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("property %q has no =: %q", kv, line)
			}
			c.Props[k] = unescape(v, true)
		}
	}
	return c
}

func unescape(s string, property bool) string {
	pairs := []string{"%0D", "\r", "%0A", "\n"}
	if property {
		pairs = append(pairs, "%3A", ":", "%2C", ",")
	}
	pairs = append(pairs, "%25", "%")
	return strings.NewReplacer(pairs...).Replace(s)
}

func TestGitHubRoundTrip(t *testing.T) {
	out := strings.TrimSuffix(string(format(t, "github", fixtureReport(), report.Options{})), "\n")
	lines := strings.Split(out, "\n")
	r := fixtureReport()
	if len(lines) != len(r.Findings) {
		t.Fatalf("%d lines for %d findings:\n%s", len(lines), len(r.Findings), out)
	}
	want := []command{
		{
			Name:  "error",
			Props: map[string]string{"file": "examples/broken/Dockerfile", "line": "9", "col": "1", "title": "SS2001 dynamic-loader-missing"},
			Data:  r.Findings[0].Message + "\nmain.go:3:8: import \"C\"\nDockerfile:1: build stage golang:1.26\nfix: Build with CGO_ENABLED=0.",
		},
		{
			Name:  "warning",
			Props: map[string]string{"file": "examples/broken/cmd/api/main.go", "line": "12", "title": "SS1001 pprof-exposed"},
			Data:  "100% of /debug/pprof/ is served on :6060, all interfaces\nsecond line\nfix: Serve pprof on 127.0.0.1, not on \"0.0.0.0\".",
		},
		{
			Name:  "notice",
			Props: map[string]string{"file": "examples/broken/dir with space/a,b:c.go", "title": "SS1001 pprof-exposed"},
			Data:  "whole-file finding",
		},
		{
			Name:  "warning",
			Props: map[string]string{"title": "SS9999 config-invalid"},
			Data:  "a finding of a rule the report does not describe, without a file\nfix: Nothing.",
		},
	}
	for i, l := range lines {
		if strings.ContainsAny(l, "\r") {
			t.Errorf("line %d holds a raw CR: %q", i, l)
		}
		if diff := cmp.Diff(want[i], parseCommand(t, l)); diff != "" {
			t.Errorf("finding %d (-want +got):\n%s", i, diff)
		}
	}
}

func TestGitHubEscapesCRAndPercentInTitle(t *testing.T) {
	r := &report.Report{Findings: []rule.Finding{{
		ID: "SS1001", Class: "a:b,c%d", Severity: rule.Error,
		Pos:     source.Pos{File: "x.go", Line: 1, Col: 2},
		Message: "50%\r\nthen :: and , here",
	}}}
	line := strings.TrimSuffix(string(format(t, "github", r, report.Options{})), "\n")
	// The runner takes the properties up to the first "::" after the command name; the data
	// may hold "::" freely, the properties may not hold a raw ':' at all.
	if head, _, _ := strings.Cut(line[2:], "::"); strings.ContainsAny(head, ":\r\n") || !strings.HasSuffix(head, "title=SS1001 a%3Ab%2Cc%25d") {
		t.Errorf("properties are not escaped: %q", line)
	}
	c := parseCommand(t, line)
	if c.Props["title"] != "SS1001 a:b,c%d" || c.Data != "50%\r\nthen :: and , here" {
		t.Errorf("round trip lost text: %#v", c)
	}
}
