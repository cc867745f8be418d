package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
)

// FuzzFormats feeds arbitrary paths, messages and positions to every format: none may fail or
// panic, JSON and SARIF must stay JSON (and SARIF valid against the schema), and GitHub
// commands must read back to the same text.
func FuzzFormats(f *testing.F) {
	f.Add("main.go", "listens on :8080", "bind 0.0.0.0", 12, 3)
	f.Add("dir with space/a,b:c.go", "100%\r\nnext :: line", "", 0, 0)
	f.Add("", "\xff\xfe not utf-8", "fix%0A", -1, -5)
	f.Add("../../etc/passwd", "::error::injected", "a,b:c", 1<<30, 1)
	f.Fuzz(func(t *testing.T, file, msg, fix string, line, col int) {
		fd := rule.Finding{
			ID: "SS1001", Class: "pprof-exposed", Severity: rule.Severity(1 + (line&3)%3),
			Pos: source.Pos{File: file, Line: line, Col: col}, Message: msg, Fix: fix,
			Related: []rule.Related{{Pos: source.Pos{File: file, Line: col, Col: line}, Message: fix}},
		}
		r := &report.Report{Root: "./svc/", Rules: fixtureRules, Findings: []rule.Finding{fd},
			Notes: []source.Note{{Pos: source.Pos{File: file, Line: line}, Text: msg}}}
		for name, fm := range report.Formats {
			var buf bytes.Buffer
			if err := fm.Format(&buf, r, report.Options{ToolVersion: "fuzz"}); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			switch name {
			case "json", "sarif":
				if !json.Valid(buf.Bytes()) {
					t.Fatalf("%s output is not JSON", name)
				}
			case "github":
				lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
				if len(lines) != 1 {
					t.Fatalf("one finding gave %d lines: %q", len(lines), buf.String())
				}
				c := parseCommand(t, lines[0])
				if c.Props["title"] != "SS1001 pprof-exposed" || !strings.HasPrefix(c.Data, msg) {
					t.Fatalf("round trip: %#v from %q", c, lines[0])
				}
				if file != "" && c.Props["file"] != "svc/"+file {
					t.Fatalf("file %q came back as %q", file, c.Props["file"])
				}
			}
			if name == "sarif" {
				schemaOnce.Do(func() { schema = sarifSchema(t) })
				if err := validate(t, schema, buf.Bytes()); err != nil {
					t.Fatalf("SARIF does not validate: %v\n%s", err, buf.String())
				}
			}
		}
	})
}
