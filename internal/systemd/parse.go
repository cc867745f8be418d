package systemd

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// File is one unit file or drop-in as written: its sections and assignments in file order.
type File struct {
	// Path is the slash path relative to the checked root.
	Path     string
	Sections []*Section
}

// Section is one [Name] block of a file.
type Section struct {
	Name string
	// Pos is the position of the "[" that opens the section.
	Pos      source.Pos
	Settings []*Setting
}

// Setting is one Key=Value assignment. Continued lines are joined the way systemd joins them:
// the trailing backslash becomes a space, the next line is stripped of leading blanks, and
// comment lines inside the continuation are dropped.
type Setting struct {
	Section string
	Key     string
	// Value is stripped of surrounding blanks; an empty Value is an empty assignment, which
	// resets list settings.
	Value string
	// Pos is where the value starts (line of the key, column of the first byte of the value;
	// for an empty value, the column just after "=").
	Pos source.Pos
	// KeyPos is where the key starts.
	KeyPos source.Pos
}

// binarySniff is how many leading bytes are searched for a NUL byte to call a file binary: the
// same window git uses to decide a file is binary.
const binarySniff = 8000

// Parse reads a unit file or drop-in. It never fails: what systemd would ignore or reject
// becomes a note with a position, and the rest is kept. Lines have no length limit (systemd
// itself accepts lines of up to 1 MiB; coreos/go-systemd stops at 2048 bytes).
func Parse(path string, data []byte) (*File, []source.Note) {
	f := &File{Path: path}
	var notes []source.Note
	if i := bytes.IndexByte(data[:min(len(data), binarySniff)], 0); i >= 0 {
		line := bytes.Count(data[:i], []byte{'\n'}) + 1
		return f, []source.Note{source.Notef(source.Pos{File: path, Line: line}, "binary file (NUL byte), not read as a unit")}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))

	var (
		cur      *Section
		cont     strings.Builder // the joined text of a continued assignment
		contLine int             // line where the continued assignment starts, 0 if none
		contRaw  string          // the first raw line of the continued assignment
	)
	flush := func(line int, raw, joined string) {
		if s := assignment(path, line, raw, joined, cur, &notes); s != nil {
			cur.Settings = append(cur.Settings, s)
		}
	}
	lineNo := 0
	for len(data) > 0 {
		lineNo++
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		raw = bytes.TrimSuffix(raw, []byte{'\r'})
		line := string(raw)
		if !utf8.ValidString(line) {
			notes = append(notes, source.Notef(source.Pos{File: path, Line: lineNo}, "line is not valid UTF-8; systemd ignores it"))
			continue
		}
		s := strings.TrimSpace(line)
		if contLine > 0 {
			if s != "" && (s[0] == '#' || s[0] == ';') {
				continue
			}
			if continued(s) {
				cont.WriteString(s[:len(s)-1])
				cont.WriteByte(' ')
				continue
			}
			cont.WriteString(s)
			flush(contLine, contRaw, cont.String())
			contLine = 0
			continue
		}
		if s == "" || s[0] == '#' || s[0] == ';' {
			continue
		}
		if s[0] == '[' {
			if !strings.HasSuffix(s, "]") || len(s) < 3 {
				notes = append(notes, source.Notef(source.Pos{File: path, Line: lineNo, Col: col(line)}, "invalid section header %q; systemd rejects the file", clip(s)))
				cur = &Section{} // what follows belongs to no section that is kept
				continue
			}
			cur = &Section{Name: s[1 : len(s)-1], Pos: source.Pos{File: path, Line: lineNo, Col: col(line)}}
			f.Sections = append(f.Sections, cur)
			continue
		}
		if continued(s) {
			contLine, contRaw = lineNo, line
			cont.Reset()
			cont.WriteString(s[:len(s)-1])
			cont.WriteByte(' ')
			continue
		}
		flush(lineNo, line, s)
	}
	if contLine > 0 {
		flush(contLine, contRaw, strings.TrimSpace(cont.String()))
	}
	return f, notes
}

// assignment turns one logical line into a Setting, or notes why systemd would ignore it.
func assignment(path string, line int, raw, joined string, cur *Section, notes *[]source.Note) *Setting {
	at := source.Pos{File: path, Line: line, Col: col(raw)}
	if strings.HasPrefix(joined, ".include ") {
		*notes = append(*notes, source.Notef(at, ".include is no longer supported by systemd; the included file is not read"))
		return nil
	}
	eq := strings.IndexByte(joined, '=')
	if eq < 0 {
		*notes = append(*notes, source.Notef(at, "line %q has no '='; systemd ignores it", clip(joined)))
		return nil
	}
	if cur == nil {
		*notes = append(*notes, source.Notef(at, "assignment outside of any section; systemd ignores it"))
		return nil
	}
	key := strings.TrimSpace(joined[:eq])
	if key == "" {
		*notes = append(*notes, source.Notef(at, "assignment without a key; systemd ignores it"))
		return nil
	}
	value := strings.TrimSpace(joined[eq+1:])
	vcol := at.Col
	if i := strings.IndexByte(raw, '='); i >= 0 {
		vcol = i + 2
		rest := raw[i+1:]
		vcol += len(rest) - len(strings.TrimLeft(rest, " \t"))
	}
	return &Setting{
		Section: cur.Name, Key: key, Value: value,
		Pos:    source.Pos{File: path, Line: line, Col: vcol},
		KeyPos: at,
	}
}

// continued says whether a line ends in an unescaped backslash (an odd number of them), which
// systemd reads as a continuation; "\\\\" at the end is an escaped backslash.
func continued(s string) bool {
	n := 0
	for n < len(s) && s[len(s)-1-n] == '\\' {
		n++
	}
	return n%2 == 1
}

// col is the 1-based column of the first non-blank byte of line.
func col(line string) int {
	return len(line) - len(strings.TrimLeft(line, " \t")) + 1
}

// clip shortens text quoted in notes.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
