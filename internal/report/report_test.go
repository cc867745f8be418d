package report_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixtureRules are two rules of their own, so that the goldens do not change each time the
// catalog grows.
var fixtureRules = []*rule.Rule{
	{
		ID: "SS1001", Class: "pprof-exposed", Title: "net/http/pprof served on a public address",
		Severity: rule.Warning,
		Doc:      "Importing `net/http/pprof` registers `/debug/pprof/` on `http.DefaultServeMux`.\n\nConfirm: `curl host:port/debug/pprof/`.",
		Fix:      "Serve pprof on a separate mux bound to 127.0.0.1.",
		Symptom:  "GET /debug/pprof/ answers 200 from outside",
	},
	{
		ID: "SS2001", Class: "dynamic-loader-missing", Title: "cgo binary on an image without libc",
		Severity: rule.Error,
		Doc:      "The binary is dynamically linked against glibc; the image has no `/lib64/ld-linux-x86-64.so.2`.",
		Fix:      "Build with CGO_ENABLED=0.",
		Symptom:  "exec /app: no such file or directory",
	},
}

// fixtureReport exercises every field a format renders: related positions in other files, a
// finding without a column, one without a line, one without a file, an info, characters that
// workflow commands must escape, a file name that needs URI escaping, and notes with and without
// a position.
func fixtureReport() *report.Report {
	return &report.Report{
		Root:  "examples/broken",
		Rules: fixtureRules,
		Findings: []rule.Finding{
			{
				ID: "SS2001", Class: "dynamic-loader-missing", Severity: rule.Error,
				Pos:     source.Pos{File: "Dockerfile", Line: 9, Col: 1},
				Message: "main.go:3 imports \"C\" (cgo, CGO_ENABLED unset); Dockerfile:9 runs it on alpine:3.20, which has no glibc",
				Fix:     "Build with CGO_ENABLED=0.",
				Symptom: "exec /app: no such file or directory",
				Related: []rule.Related{
					{Pos: source.Pos{File: "main.go", Line: 3, Col: 8}, Message: "import \"C\""},
					{Pos: source.Pos{File: "Dockerfile", Line: 1}, Message: "build stage golang:1.26"},
				},
			},
			{
				ID: "SS1001", Class: "pprof-exposed", Severity: rule.Warning,
				Pos:     source.Pos{File: "cmd/api/main.go", Line: 12},
				Message: "100% of /debug/pprof/ is served on :6060, all interfaces\nsecond line",
				Fix:     "Serve pprof on 127.0.0.1, not on \"0.0.0.0\".",
			},
			{
				ID: "SS1001", Class: "pprof-exposed", Severity: rule.Info,
				Pos:     source.Pos{File: "dir with space/a,b:c.go"},
				Message: "whole-file finding",
				Fix:     "",
			},
			{
				ID: "SS9999", Class: "config-invalid", Severity: rule.Warning,
				Message: "a finding of a rule the report does not describe, without a file",
				Fix:     "Nothing.",
			},
		},
		Notes: []source.Note{
			{Pos: source.Pos{File: "big.go"}, Text: "skipped: 11 MB is over the 10 MB limit for a file"},
			{Text: "the directory has no Dockerfile"},
		},
	}
}

func format(t *testing.T, name string, r *report.Report, opt report.Options) []byte {
	t.Helper()
	f, err := report.Lookup(name)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Format(&buf, r, opt); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return buf.Bytes()
}

func TestGolden(t *testing.T) {
	cases := []struct {
		file, format string
		opt          report.Options
	}{
		{"report.txt", "text", report.Options{}},
		{"report.color.txt", "text", report.Options{Color: true}},
		{"report.json", "json", report.Options{}},
		{"report.sarif", "sarif", report.Options{ToolVersion: "v1.2.3"}},
		{"report.github", "github", report.Options{}},
		{"report.gitlab", "gitlab", report.Options{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			got := format(t, c.format, fixtureReport(), c.opt)
			path := filepath.Join("testdata", "golden", c.file)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), string(got)); diff != "" {
				t.Errorf("%s differs from the golden file (-want +got):\n%s", c.file, diff)
			}
		})
	}
}

func TestEveryFormatIsRegistered(t *testing.T) {
	var names []string
	for n := range report.Formats {
		names = append(names, n)
	}
	sort.Strings(names)
	if diff := cmp.Diff([]string{"github", "gitlab", "html", "json", "sarif", "text"}, names); diff != "" {
		t.Errorf("formats (-want +got):\n%s", diff)
	}
	if _, err := report.Lookup("xml"); err == nil {
		t.Error("Lookup(xml) succeeded")
	}
}

// TestDeterministic formats the same report many times: maps (SARIF rule index, fingerprints)
// must not leak their iteration order into the output.
func TestDeterministic(t *testing.T) {
	for name := range report.Formats {
		first := format(t, name, fixtureReport(), report.Options{ToolVersion: "v1"})
		for range 20 {
			if got := format(t, name, fixtureReport(), report.Options{ToolVersion: "v1"}); !bytes.Equal(got, first) {
				t.Fatalf("%s: two runs over the same report differ", name)
			}
		}
	}
}

func TestEmptyReport(t *testing.T) {
	empty := &report.Report{Root: "."}
	if got := format(t, "text", empty, report.Options{}); len(got) != 0 {
		t.Errorf("text of an empty report = %q, want nothing", got)
	}
	if got := format(t, "github", empty, report.Options{}); len(got) != 0 {
		t.Errorf("github of an empty report = %q, want nothing", got)
	}
	var doc map[string]any
	if err := json.Unmarshal(format(t, "json", empty, report.Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"findings", "notes"} {
		if a, ok := doc[k].([]any); !ok || len(a) != 0 {
			t.Errorf("json %s = %#v, want []", k, doc[k])
		}
	}
	if doc["version"] != float64(1) || doc["root"] != "." {
		t.Errorf("json header = version %v root %v", doc["version"], doc["root"])
	}
}

// TestJSONArraysNeverNull walks the whole JSON document of the fixture, in which one finding has
// no related positions, and fails on any null.
func TestJSONArraysNeverNull(t *testing.T) {
	var doc any
	if err := json.Unmarshal(format(t, "json", fixtureReport(), report.Options{}), &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case nil:
			t.Errorf("%s is null", path)
		case map[string]any:
			for k, x := range v {
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(path+"["+string(rune('0'+i))+"]", x)
			}
		}
	}
	walk("$", doc)
	findings := doc.(map[string]any)["findings"].([]any)
	if rel, ok := findings[1].(map[string]any)["related"].([]any); !ok || len(rel) != 0 {
		t.Errorf("a finding without related positions has related = %#v, want []", findings[1].(map[string]any)["related"])
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	plain := string(format(t, "text", fixtureReport(), report.Options{}))
	if strings.Contains(plain, "\x1b[") {
		t.Errorf("text without Color holds an escape sequence:\n%q", plain)
	}
	coloured := string(format(t, "text", fixtureReport(), report.Options{Color: true}))
	if !strings.Contains(coloured, "\x1b[31m") {
		t.Errorf("text with Color has no red for the error:\n%q", coloured)
	}
	stripped := strings.NewReplacer("\x1b[0m", "", "\x1b[1m", "", "\x1b[2m", "", "\x1b[31m", "", "\x1b[33m", "", "\x1b[34m", "").Replace(coloured)
	if stripped != plain {
		t.Errorf("colour changed more than the escapes:\n got %q\nwant %q", stripped, plain)
	}
}

func TestTextLines(t *testing.T) {
	lines := strings.Split(string(format(t, "text", fixtureReport(), report.Options{})), "\n")
	want := []string{
		`Dockerfile:9:1: error: main.go:3 imports "C" (cgo, CGO_ENABLED unset); Dockerfile:9 runs it on alpine:3.20, which has no glibc [SS2001]`,
		`    main.go:3:8: import "C"`,
		`    Dockerfile:1: build stage golang:1.26`,
		`    fix: Build with CGO_ENABLED=0.`,
	}
	if diff := cmp.Diff(want, lines[:len(want)]); diff != "" {
		t.Errorf("first finding (-want +got):\n%s", diff)
	}
	if !strings.Contains(string(format(t, "text", fixtureReport(), report.Options{})), "\n-: warning: a finding of a rule the report does not describe, without a file [SS9999]\n") {
		t.Error("a finding without a file is not printed with the - position")
	}
}

func TestVerdictFirst(t *testing.T) {
	r := fixtureReport()
	r.Verdict = "will not start"
	got := string(format(t, "text", r, report.Options{}))
	if !strings.HasPrefix(got, "will not start\n") {
		t.Errorf("verdict is not the first line:\n%s", got)
	}
}

// TestPathsForCI checks that the CI formats name files from the working directory: the checked
// directory is joined in front when it is a relative path inside the working directory.
func TestPathsForCI(t *testing.T) {
	for _, c := range []struct{ root, want string }{
		{".", "main.go"},
		{"", "main.go"},
		{"services/api", "services/api/main.go"},
		{"./services/api/", "services/api/main.go"},
		{"/abs/checkout", "main.go"},
		{"../elsewhere", "main.go"},
	} {
		r := &report.Report{Root: c.root, Findings: []rule.Finding{{ID: "SS1001", Class: "pprof-exposed", Severity: rule.Warning, Pos: source.Pos{File: "main.go", Line: 3}, Message: "m"}}}
		gh := string(format(t, "github", r, report.Options{}))
		if !strings.HasPrefix(gh, "::warning file="+c.want+",line=3,") {
			t.Errorf("root %q: github %q, want file=%s", c.root, gh, c.want)
		}
		d := decodeSARIF(t, format(t, "sarif", r, report.Options{}))
		if u := d.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != c.want {
			t.Errorf("root %q: sarif uri %q, want %q", c.root, u, c.want)
		}
		if txt := string(format(t, "text", r, report.Options{})); !strings.HasPrefix(txt, "main.go:3: ") {
			t.Errorf("root %q: text names %q; text stays relative to the checked directory", c.root, txt)
		}
	}
}
