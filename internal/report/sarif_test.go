package report_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// sarifSchema compiles the official SARIF 2.1.0 schema kept in testdata, with format assertions
// on (uri, uri-reference), which draft-07 leaves optional.
func sarifSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, b []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return sch.Validate(doc)
}

func TestSARIFValidatesAgainstSchema(t *testing.T) {
	sch := sarifSchema(t)
	for name, r := range map[string]*report.Report{
		"fixture": fixtureReport(),
		"empty":   {Root: "."},
	} {
		if err := validate(t, sch, format(t, "sarif", r, report.Options{ToolVersion: "dev"})); err != nil {
			t.Errorf("%s: SARIF does not validate:\n%v", name, err)
		}
	}
}

// TestSchemaRejectsBrokenSARIF proves the validation above can fail: a level outside SARIF's
// vocabulary and a region with line 0 must both be rejected.
func TestSchemaRejectsBrokenSARIF(t *testing.T) {
	sch := sarifSchema(t)
	good := string(format(t, "sarif", fixtureReport(), report.Options{}))
	for _, bad := range []struct{ from, to string }{
		{`"level": "error"`, `"level": "fatal"`},
		{`"startLine": 9`, `"startLine": 0`},
		{`"version": "2.1.0"`, `"version": "2.0.0"`},
	} {
		broken := strings.Replace(good, bad.from, bad.to, 1)
		if broken == good {
			t.Fatalf("the fixture's SARIF has no %s", bad.from)
		}
		if err := validate(t, sch, []byte(broken)); err == nil {
			t.Errorf("the schema accepted %s", bad.to)
		}
	}
}

type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name, Version, InformationURI string
				Rules                         []struct {
					ID, Name             string
					ShortDescription     struct{ Text string }
					FullDescription      struct{ Text, Markdown string }
					Help                 struct{ Text, Markdown string }
					DefaultConfiguration struct{ Level string }
				}
			}
		}
		Invocations []struct {
			ToolExecutionNotifications []struct {
				Message struct{ Text string }
			}
		}
		Results []struct {
			RuleID    string
			RuleIndex *int
			Level     string
			Message   struct{ Text string }
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct{ URI, URIBaseID string }
					Region           *struct{ StartLine, StartColumn int }
				}
			}
			RelatedLocations []struct {
				Message          struct{ Text string }
				PhysicalLocation struct {
					ArtifactLocation struct{ URI string }
				}
			}
			PartialFingerprints map[string]string
			Properties          map[string]any
		}
	}
}

func decodeSARIF(t *testing.T, b []byte) sarifDoc {
	t.Helper()
	var d sarifDoc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(d.Runs))
	}
	return d
}

func TestSARIFContent(t *testing.T) {
	d := decodeSARIF(t, format(t, "sarif", fixtureReport(), report.Options{ToolVersion: "v9"}))
	run := d.Runs[0]
	drv := run.Tool.Driver
	if drv.Name != "shipshape" || drv.Version != "v9" || drv.InformationURI != report.InformationURI {
		t.Errorf("driver = %+v", drv)
	}
	if len(drv.Rules) != 2 || drv.Rules[1].ID != "SS2001" || drv.Rules[1].Name != "dynamic-loader-missing" ||
		drv.Rules[1].ShortDescription.Text != fixtureRules[1].Title || drv.Rules[1].DefaultConfiguration.Level != "error" ||
		drv.Rules[0].DefaultConfiguration.Level != "warning" || !strings.Contains(drv.Rules[0].FullDescription.Markdown, "`net/http/pprof`") ||
		!strings.Contains(drv.Rules[0].Help.Markdown, fixtureRules[0].Fix) {
		t.Errorf("rules = %+v", drv.Rules)
	}
	res := run.Results
	if len(res) != 4 {
		t.Fatalf("%d results, want 4", len(res))
	}
	r0 := res[0]
	if r0.RuleID != "SS2001" || r0.RuleIndex == nil || *r0.RuleIndex != 1 || r0.Level != "error" {
		t.Errorf("result 0 = %+v", r0)
	}
	loc := r0.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "examples/broken/Dockerfile" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region == nil || loc.Region.StartLine != 9 || loc.Region.StartColumn != 1 {
		t.Errorf("result 0 location = %+v", loc)
	}
	if len(r0.RelatedLocations) != 2 || r0.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI != "examples/broken/main.go" || r0.RelatedLocations[0].Message.Text != `import "C"` {
		t.Errorf("result 0 related = %+v", r0.RelatedLocations)
	}
	if r0.Properties["class"] != "dynamic-loader-missing" || r0.Properties["fix"] != "Build with CGO_ENABLED=0." || r0.Properties["symptom"] != "exec /app: no such file or directory" {
		t.Errorf("result 0 properties = %v", r0.Properties)
	}
	if res[1].Level != "warning" || res[2].Level != "note" {
		t.Errorf("levels = %s, %s; want warning, note", res[1].Level, res[2].Level)
	}
	if rg := res[2].Locations[0].PhysicalLocation.Region; rg != nil {
		t.Errorf("a finding without a line has region %+v, want none", rg)
	}
	if u := res[2].Locations[0].PhysicalLocation.ArtifactLocation.URI; u != "examples/broken/dir%20with%20space/a,b:c.go" {
		t.Errorf("uri = %q", u)
	}
	if res[3].RuleIndex != nil || len(res[3].Locations) != 0 {
		t.Errorf("a finding of an unknown rule without a file: index %v, %d locations", res[3].RuleIndex, len(res[3].Locations))
	}
	if n := run.Invocations[0].ToolExecutionNotifications; len(n) != 2 || !strings.Contains(n[0].Message.Text, "11 MB") {
		t.Errorf("notes = %+v", n)
	}
}

// TestFingerprintSurvivesLineShift moves a finding and the related line its message quotes
// down by five lines: the fingerprint must not change. A different message must change it.
func TestFingerprintSurvivesLineShift(t *testing.T) {
	f := rule.Finding{
		ID: "SS1001", Pos: source.Pos{File: "main.go", Line: 12, Col: 2},
		Message: "main.go:12 serves pprof; main.go:4 imports net/http/pprof",
		Related: []rule.Related{{Pos: source.Pos{File: "main.go", Line: 4, Col: 2}}},
	}
	moved := f
	moved.Pos.Line, moved.Message = 17, "main.go:17 serves pprof; main.go:9 imports net/http/pprof"
	moved.Related = []rule.Related{{Pos: source.Pos{File: "main.go", Line: 9, Col: 2}}}
	if report.Fingerprint(f) != report.Fingerprint(moved) {
		t.Error("the fingerprint changed when lines shifted")
	}
	other := f
	other.Message = "main.go:12 serves expvar"
	if report.Fingerprint(f) == report.Fingerprint(other) {
		t.Error("different messages share a fingerprint")
	}
	elsewhere := f
	elsewhere.File = "cmd/x/main.go"
	if report.Fingerprint(f) == report.Fingerprint(elsewhere) {
		t.Error("different files share a fingerprint")
	}
}

func TestSARIFFingerprintsAreUnique(t *testing.T) {
	f := rule.Finding{ID: "SS1001", Class: "pprof-exposed", Severity: rule.Warning, Pos: source.Pos{File: "a.go", Line: 1}, Message: "same"}
	g := f
	g.Line = 2
	d := decodeSARIF(t, format(t, "sarif", &report.Report{Findings: []rule.Finding{f, g}}, report.Options{}))
	a, b := d.Runs[0].Results[0].PartialFingerprints, d.Runs[0].Results[1].PartialFingerprints
	if len(a) != 1 || a[firstKey(a)] == b[firstKey(b)] {
		t.Errorf("two findings share fingerprints %v and %v", a, b)
	}
}

func firstKey(m map[string]string) string {
	for k := range m {
		return k
	}
	return ""
}

// TestSARIFWithTheCatalog describes every rule of the real catalog: the document must validate
// and each rule must carry its title, doc and default level.
func TestSARIFWithTheCatalog(t *testing.T) {
	all := catalog.All()
	r := &report.Report{Root: ".", Rules: all}
	for _, ru := range all {
		r.Findings = append(r.Findings, rule.Finding{ID: ru.ID, Class: ru.Class, Severity: ru.Severity,
			Pos: source.Pos{File: "main.go", Line: 1, Col: 1}, Message: ru.Title, Fix: ru.Fix, Symptom: ru.Symptom})
	}
	b := format(t, "sarif", r, report.Options{ToolVersion: "dev"})
	if err := validate(t, sarifSchema(t), b); err != nil {
		t.Fatalf("SARIF with the catalog does not validate: %v", err)
	}
	d := decodeSARIF(t, b)
	rules := d.Runs[0].Tool.Driver.Rules
	if len(rules) != len(all) {
		t.Fatalf("%d rules in SARIF, %d in the catalog", len(rules), len(all))
	}
	for i, sr := range rules {
		if sr.ID != all[i].ID || sr.ShortDescription.Text == "" || sr.FullDescription.Markdown == "" || sr.Help.Text == "" || sr.DefaultConfiguration.Level == "" {
			t.Errorf("rule %s is not fully described: %+v", all[i].ID, sr)
		}
		if res := d.Runs[0].Results[i]; res.RuleIndex == nil || *res.RuleIndex != i {
			t.Errorf("result %d does not point at rule %d", i, i)
		}
	}
}
