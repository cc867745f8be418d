package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Text is `path:line:col: severity: message [ID]` with the fix on the next line.
type Text struct{}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
)

func (Text) Format(w io.Writer, r *Report, opt Options) error {
	paint := func(code, s string) string {
		if !opt.Color {
			return s
		}
		return code + s + ansiReset
	}
	var b strings.Builder
	if r.Verdict != "" {
		fmt.Fprintln(&b, paint(ansiBold, r.Verdict))
	}
	for _, f := range r.Findings {
		sev := f.Severity.String()
		switch f.Severity {
		case rule.Error:
			sev = paint(ansiRed+ansiBold, sev)
		case rule.Warning:
			sev = paint(ansiYellow, sev)
		default:
			sev = paint(ansiBlue, sev)
		}
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", paint(ansiBold, f.Pos.String()), sev, f.Message, f.ID)
		for _, rel := range f.Related {
			fmt.Fprintf(&b, "    %s: %s\n", rel.Pos.String(), rel.Message)
		}
		if f.Fix != "" {
			fmt.Fprintf(&b, "    %s %s\n", paint(ansiDim, "fix:"), f.Fix)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
