package report

import (
	"encoding/json"
	"io"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// JSON is {"version":1,"root":…,"findings":[…],"notes":[…]}, arrays never null.
type JSON struct{}

func (JSON) Format(w io.Writer, r *Report, _ Options) error {
	doc := struct {
		Version  int            `json:"version"`
		Root     string         `json:"root"`
		Verdict  string         `json:"verdict,omitempty"`
		Findings []rule.Finding `json:"findings"`
		Notes    []source.Note  `json:"notes"`
	}{1, r.Root, r.Verdict, r.Findings, r.Notes}
	if doc.Findings == nil {
		doc.Findings = []rule.Finding{}
	}
	if doc.Notes == nil {
		doc.Notes = []source.Note{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
