// Package source names positions in a checked tree and the notes a parser leaves when it cannot
// read something fully.
package source

import "fmt"

// Pos is a position in a file of the checked tree. File is a slash path relative to the checked
// directory; Line and Col are 1-based, and 0 means "the whole file" or "the whole line".
type Pos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"column"`
}

// String renders the position as file:line:col, leaving out the parts that are unknown.
func (p Pos) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Short renders file:line, the form used inside messages.
func (p Pos) Short() string {
	if p.Line == 0 {
		return p.File
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Before orders positions by file, line and column.
func (p Pos) Before(q Pos) bool {
	if p.File != q.File {
		return p.File < q.File
	}
	if p.Line != q.Line {
		return p.Line < q.Line
	}
	return p.Col < q.Col
}

// Note is something a parser or loader could not do fully: a file it skipped, a construct it
// could not evaluate, information that is missing. Notes go to stderr in text output and to the
// "notes" array in JSON; they never change the exit code.
type Note struct {
	Pos  Pos    `json:"pos"`
	Text string `json:"text"`
}

func (n Note) String() string {
	if n.Pos.File == "" {
		return n.Text
	}
	return n.Pos.String() + ": " + n.Text
}

// Notef builds a Note at pos.
func Notef(pos Pos, format string, args ...any) Note {
	return Note{Pos: pos, Text: fmt.Sprintf(format, args...)}
}
