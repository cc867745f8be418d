package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Formats are the output formats Write accepts.
var Formats = []string{"text", "json", "github"}

// Write renders a result: text for people, json ({"version":1,"diagnoses":[…]}) for tools,
// github for workflow annotations. name is the log's name for annotations ("-" for stdin).
func (r *Result) Write(w io.Writer, format, name string) error {
	switch format {
	case "text":
		return r.writeText(w)
	case "json":
		return r.writeJSON(w)
	case "github":
		return r.writeGitHub(w, name)
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func (r *Result) writeJSON(w io.Writer) error {
	doc := struct {
		Version   int         `json:"version"`
		Format    Format      `json:"format"`
		Lines     int         `json:"lines"`
		Diagnoses []Diagnosis `json:"diagnoses"`
		Suspects  []Evidence  `json:"suspects"`
	}{1, r.Format, r.Lines, r.Diagnoses, r.Suspects}
	if doc.Diagnoses == nil {
		doc.Diagnoses = []Diagnosis{}
	}
	if doc.Suspects == nil {
		doc.Suspects = []Evidence{}
	}
	for i := range doc.Diagnoses {
		if doc.Diagnoses[i].Params == nil {
			doc.Diagnoses[i].Params = map[string]string{}
		}
		if doc.Diagnoses[i].Evidence == nil {
			doc.Diagnoses[i].Evidence = []Evidence{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func (r *Result) writeText(w io.Writer) error {
	if len(r.Diagnoses) == 0 {
		fmt.Fprintf(w, "No diagnosis: none of the %d lines (%s) matches a known failure mode.\n", r.Lines, r.Format)
		if len(r.Suspects) > 0 {
			fmt.Fprintln(w, "\nLines that look most like an error:")
			for _, s := range r.Suspects {
				fmt.Fprintf(w, "  %d: %s\n", s.Line, s.Text)
			}
		}
		return nil
	}
	for i, d := range r.Diagnoses {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%d. %s %s (confidence %.2f)\n", i+1, d.ID, d.Class, d.Confidence)
		fmt.Fprintf(w, "   %s\n", d.Summary)
		for _, e := range d.Evidence {
			fmt.Fprintf(w, "   line %d: %s\n", e.Line, e.Text)
		}
		if len(d.Params) > 0 {
			keys := make([]string, 0, len(d.Params))
			for k := range d.Params {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var ps []string
			for _, k := range keys {
				ps = append(ps, k+"="+d.Params[k])
			}
			fmt.Fprintf(w, "   params: %s\n", strings.Join(ps, " "))
		}
		fmt.Fprintf(w, "   fix: %s\n", d.Fix)
		fmt.Fprintf(w, "   confirm: %s\n", d.Confirm)
	}
	return nil
}

// writeGitHub writes one ::error annotation per diagnosis at its first evidence line.
func (r *Result) writeGitHub(w io.Writer, name string) error {
	esc := func(s string) string {
		return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	}
	prop := func(s string) string {
		return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
	}
	if len(r.Diagnoses) == 0 {
		fmt.Fprintf(w, "::warning title=shipshape explain::%s\n", esc("no diagnosis: no known failure mode in the log"))
		return nil
	}
	for _, d := range r.Diagnoses {
		loc := ""
		if name != "" && name != "-" && len(d.Evidence) > 0 {
			loc = fmt.Sprintf("file=%s,line=%d,", prop(name), d.Evidence[0].Line)
		}
		fmt.Fprintf(w, "::error %stitle=%s::%s\n", loc, prop(d.ID+" "+string(d.Class)),
			esc(fmt.Sprintf("%s Fix: %s (confidence %.2f; confirm: %s)", d.Summary, d.Fix, d.Confidence, d.Confirm)))
	}
	return nil
}
