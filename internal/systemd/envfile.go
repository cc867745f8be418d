package systemd

import (
	"bytes"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Var is one environment assignment: from Environment= or from a file EnvironmentFile= reads.
type Var struct {
	Name  string
	Value string
	// Pos is where the assignment starts.
	Pos source.Pos
}

// ParseEnvironmentFile reads a file in the dialect of systemd's EnvironmentFile= (systemd's
// env-file.c), which differs from shell and from docker's env files: "#" and ";" start comment
// lines; blanks around the key and before the value are dropped; an unquoted value loses its
// trailing blanks and a backslash keeps the next byte literally (before a newline it continues
// the value); single quotes are literal; inside double quotes only \" \\ \` \$ and
// backslash-newline are escapes. Lines without "=" and invalid names ("export A") are ignored
// by systemd and noted here. Later assignments override earlier ones; all are returned in order.
func ParseEnvironmentFile(path string, data []byte) ([]Var, []source.Note) {
	var notes []source.Note
	if i := bytes.IndexByte(data[:min(len(data), binarySniff)], 0); i >= 0 {
		line := bytes.Count(data[:i], []byte{'\n'}) + 1
		return nil, []source.Note{source.Notef(source.Pos{File: path, Line: line}, "binary file (NUL byte), not read as an environment file")}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	const (
		preKey = iota
		key
		preValue
		value
		valueEscape
		single
		double
		doubleEscape
		comment
		commentEscape
	)
	var (
		vars       []Var
		state      = preKey
		k, v       strings.Builder
		trailBlank int // blanks at the end of an unquoted value, dropped if the value ends
		line, col  = 1, 0
		at         source.Pos
	)
	push := func() {
		name := strings.TrimRight(k.String(), " \t")
		val := v.String()
		if !validEnvName(name) {
			notes = append(notes, source.Notef(at, "invalid variable name %q; systemd ignores this assignment", clip(name)))
		} else {
			vars = append(vars, Var{Name: name, Value: val, Pos: at})
		}
		k.Reset()
		v.Reset()
		trailBlank = 0
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		col++
		nl := c == '\n' || c == '\r' // systemd's NEWLINE is "\n\r": a CR ends a line too
		blank := c == ' ' || c == '\t'
		switch state {
		case preKey:
			switch {
			case c == '#' || c == ';':
				state = comment
			case nl || blank:
			default:
				at = source.Pos{File: path, Line: line, Col: col}
				state = key
				k.WriteByte(c)
			}
		case key:
			switch {
			case nl:
				notes = append(notes, source.Notef(at, "line %q has no '='; systemd ignores it", clip(strings.TrimSpace(k.String()))))
				k.Reset()
				state = preKey
			case c == '=':
				state = preValue
			default:
				k.WriteByte(c)
			}
		case preValue:
			switch {
			case nl:
				push()
				state = preKey
			case blank:
			case c == '\'':
				state = single
			case c == '"':
				state = double
			case c == '\\':
				state = valueEscape
			default:
				state = value
				v.WriteByte(c)
			}
		case value:
			switch {
			case nl:
				s := v.String()
				v.Reset()
				v.WriteString(s[:len(s)-trailBlank])
				push()
				state = preKey
			case c == '\\':
				trailBlank = 0
				state = valueEscape
			case blank:
				trailBlank++
				v.WriteByte(c)
			default:
				trailBlank = 0
				v.WriteByte(c)
			}
		case valueEscape:
			if !nl {
				v.WriteByte(c)
			}
			state = value
		case single:
			if c == '\'' {
				state = preValue
			} else {
				v.WriteByte(c)
			}
		case double:
			switch c {
			case '"':
				state = preValue
			case '\\':
				state = doubleEscape
			default:
				v.WriteByte(c)
			}
		case doubleEscape:
			switch {
			case strings.IndexByte("\"\\`$", c) >= 0:
				v.WriteByte(c)
			case nl:
			default:
				v.WriteByte('\\')
				v.WriteByte(c)
			}
			state = double
		case comment:
			if c == '\\' {
				state = commentEscape
			} else if nl {
				state = preKey
			}
		case commentEscape:
			state = comment
		}
		if c == '\n' {
			line++
			col = 0
		}
	}
	switch state {
	case key:
		notes = append(notes, source.Notef(at, "line %q has no '='; systemd ignores it", clip(strings.TrimSpace(k.String()))))
	case preValue, valueEscape:
		push()
	case value:
		s := v.String()
		v.Reset()
		v.WriteString(s[:len(s)-trailBlank])
		push()
	case single, double, doubleEscape:
		notes = append(notes, source.Notef(at, "unterminated quote in the value of %s; systemd rejects the whole file", clip(strings.TrimSpace(k.String()))))
	}
	return vars, notes
}

// validEnvName is systemd's env_name_is_valid: a letter or "_" then letters, digits and "_".
func validEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9' {
			continue
		}
		return false
	}
	return true
}
