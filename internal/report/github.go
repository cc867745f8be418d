package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// GitHub writes workflow commands that annotate a pull request, one per finding:
//
//	::error file=main.go,line=12,col=2,title=SS1001 pprof-exposed::message%0Afix: …
//
// errors become ::error, warnings ::warning and infos ::notice. File paths are relative to the
// working directory (the checked directory joined in front), as the runner expects. The related
// positions and the fix follow the message on their own lines. Notes are not annotations: the
// caller prints them to stderr.
type GitHub struct{}

func (GitHub) Format(w io.Writer, r *Report, _ Options) error {
	var b strings.Builder
	for _, f := range r.Findings {
		var props []string
		if f.File != "" {
			props = append(props, "file="+escapeProperty(workspacePath(r.Root, f.File)))
			if f.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Line))
				if f.Col > 0 {
					props = append(props, fmt.Sprintf("col=%d", f.Col))
				}
			}
		}
		props = append(props, "title="+escapeProperty(f.ID+" "+string(f.Class)))
		msg := f.Message
		for _, rel := range f.Related {
			msg += "\n" + rel.Pos.String() + ": " + rel.Message
		}
		if f.Fix != "" {
			msg += "\nfix: " + f.Fix
		}
		fmt.Fprintf(&b, "::%s %s::%s\n", githubCommand(f.Severity), strings.Join(props, ","), escapeData(msg))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func githubCommand(s rule.Severity) string {
	switch s {
	case rule.Error:
		return "error"
	case rule.Warning:
		return "warning"
	}
	return "notice"
}

// escapeData escapes a workflow command's message the way the runner unescapes it (the
// toolkit's escapeData): % first, then CR and LF.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// escapeProperty escapes a property value (file, title): as escapeData, plus the : and , that
// separate the properties from each other and from the message.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
