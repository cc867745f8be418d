package host

import (
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

// parseOSRelease reads os-release(5), which is "a newline-separated list of
// environment-like shell-compatible variable assignments". Each line is parsed on its own with
// a shell parser, so quoting and escapes are handled as a shell would, and one malformed line
// (unbalanced quotes, a stray word, CRLF, binary junk) costs only that line and a note.
func parseOSRelease(b []byte) (map[string]string, []string) {
	kv := map[string]string{}
	var notes []string
	p := syntax.NewParser(syntax.Variant(syntax.LangPOSIX))
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSuffix(line, "\r")
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if strings.ContainsRune(t, 0) {
			notes = append(notes, fmt.Sprintf("line %d: NUL byte, line skipped", i+1))
			continue
		}
		f, err := p.Parse(strings.NewReader(t), "")
		if err != nil || len(f.Stmts) != 1 {
			notes = append(notes, fmt.Sprintf("line %d: not a variable assignment, skipped", i+1))
			continue
		}
		call, ok := f.Stmts[0].Cmd.(*syntax.CallExpr)
		if !ok || len(call.Args) != 0 || len(call.Assigns) != 1 || call.Assigns[0].Name == nil || call.Assigns[0].Index != nil || call.Assigns[0].Array != nil {
			notes = append(notes, fmt.Sprintf("line %d: not a variable assignment, skipped", i+1))
			continue
		}
		a := call.Assigns[0]
		v := ""
		if a.Value != nil {
			if v, err = expand.Literal(nil, a.Value); err != nil {
				notes = append(notes, fmt.Sprintf("line %d: %v", i+1, err))
				continue
			}
		}
		kv[a.Name.Value] = v
	}
	return kv, notes
}
