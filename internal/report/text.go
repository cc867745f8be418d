package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Text is `path:line:col: severity: message [ID]`, then the related positions and the fix on
// indented lines. Colour (ANSI) only when Options.Color is set: the caller decides whether the
// output is a terminal.
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
		// One finding, one line that grep can find: a message that runs over several lines
		// keeps the ID on its first line and indents the rest like the related positions.
		first, rest, _ := strings.Cut(strings.TrimRight(f.Message, "\n"), "\n")
		fmt.Fprintf(&b, "%s: %s: %s [%s]\n", paint(ansiBold, f.Pos.String()), sev, strings.TrimRight(first, "\r"), f.ID)
		for _, l := range strings.Split(rest, "\n") {
			if l = strings.TrimRight(l, "\r"); l != "" {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
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
