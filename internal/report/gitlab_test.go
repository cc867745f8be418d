package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

func TestGitLabCodeQuality(t *testing.T) {
	r := &Report{Root: "services/api", Findings: []rule.Finding{
		{ID: "SS2001", Class: "dynamic-loader-missing", Severity: rule.Error, Pos: source.Pos{File: "Dockerfile", Line: 9}, Message: "cgo binary on alpine"},
		{ID: "SS1002", Class: "debug-mode", Severity: rule.Info, Pos: source.Pos{File: "go.mod"}, Message: "gin debug"},
	}}
	var b bytes.Buffer
	if err := (GitLab{}).Format(&b, r, Options{}); err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d issues", len(got))
	}
	first := got[0]
	loc := first["location"].(map[string]any)
	if first["severity"] != "critical" || first["check_name"] != "SS2001 dynamic-loader-missing" || loc["path"] != "services/api/Dockerfile" ||
		loc["lines"].(map[string]any)["begin"] != float64(9) || len(first["fingerprint"].(string)) != 32 {
		t.Errorf("first issue: %v", first)
	}
	if got[1]["severity"] != "info" || got[1]["location"].(map[string]any)["lines"].(map[string]any)["begin"] != float64(1) {
		t.Errorf("second issue: %v", got[1])
	}
	b.Reset()
	(GitLab{}).Format(&b, &Report{}, Options{})
	if b.String() != "[]\n" {
		t.Errorf("no findings must be an empty array: %q", b.String())
	}
}
