// Package suppress answers which findings a project has silenced in place with
// "shipshape:ignore SS1234 reason" comments, in any file type that has // or # comments.
package suppress

import (
	"bytes"
	"regexp"
	"strings"
)

// Directive is one shipshape:ignore comment.
type Directive struct {
	Line int
	// IDs are the rules it silences.
	IDs []string
	// Reason is the text after the IDs; empty is reported as a finding of its own.
	Reason string
	// Applies are the lines it covers: its own line, and when it stands alone on a comment line,
	// the next line that is neither blank nor a comment.
	Applies [2]int
}

var (
	marker      = []byte("shipshape:ignore")
	directiveRE = regexp.MustCompile(`(?://|#|;)\s*shipshape:ignore\s+((?:SS[0-9]{4}\s*,?\s*)+)(.*)$`)
)

// Scan finds the directives in a file's content.
func Scan(content []byte) []Directive {
	if !bytes.Contains(content, marker) {
		return nil
	}
	lines := strings.Split(string(content), "\n")
	var out []Directive
	for i, l := range lines {
		m := directiveRE.FindStringSubmatch(strings.TrimRight(l, "\r"))
		if m == nil {
			continue
		}
		d := Directive{Line: i + 1, Reason: strings.TrimSpace(m[2])}
		for _, f := range strings.FieldsFunc(m[1], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			d.IDs = append(d.IDs, f)
		}
		d.Applies = [2]int{i + 1, i + 1}
		for j := i + 1; isComment(l) && j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == "" || isComment(lines[j]) {
				continue
			}
			d.Applies[1] = j + 1
			break
		}
		out = append(out, d)
	}
	return out
}

// Covers says whether d silences rule id at line.
func (d Directive) Covers(id string, line int) bool {
	if line != d.Applies[0] && line != d.Applies[1] {
		return false
	}
	for _, x := range d.IDs {
		if x == id {
			return true
		}
	}
	return false
}

func isComment(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || strings.HasPrefix(t, ";")
}
