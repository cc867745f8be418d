package systemd

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Command is one command line of ExecStart=, ExecStartPre= and the like.
type Command struct {
	// Pos is the position of the setting's value.
	Pos source.Pos
	// Raw is the value as written, prefixes included.
	Raw string
	// IgnoreFailure is the "-" prefix: a non-zero exit is not a failure.
	IgnoreFailure bool
	// Argv0 is set by the "@" prefix: the second word is passed as argv[0].
	Argv0 string
	// NoEnvExpand is the ":" prefix: $VAR references are passed literally.
	NoEnvExpand bool
	// FullPrivileges is the "+" prefix: User=, capabilities and sandboxing do not apply.
	FullPrivileges bool
	// NoSetuid is the "!" or "!!" prefix: the user is set by ambient capabilities, not setuid.
	NoSetuid bool
	// Path is the executable as written (after unquoting); systemd looks a name without "/"
	// up in its fixed search path (v239 and later) and refuses any other relative path.
	Path string
	// Args are the words after the executable (and after argv[0] with "@").
	Args []string
}

// Absolute says whether Path is an absolute path, which every systemd version accepts.
func (c *Command) Absolute() bool { return strings.HasPrefix(c.Path, "/") }

// Relative says whether Path names a file relative to some directory ("./app", "bin/app"),
// which systemd refuses ("Neither a valid executable name nor an absolute path"). A bare name
// such as "app" is neither absolute nor relative: it is searched for in systemd's own PATH.
func (c *Command) Relative() bool { return !c.Absolute() && strings.Contains(c.Path, "/") }

// ParseCommands splits one Exec*= value into its commands (a lone ";" word separates commands
// in older systemd versions) and parses the prefixes and words of each.
func ParseCommands(pos source.Pos, value string) ([]*Command, error) {
	words, seps, err := splitWords(value)
	if err != nil {
		return nil, err
	}
	var out []*Command
	for len(words) > 0 {
		n := 0
		for n < len(words) && !seps[n] {
			n++
		}
		cmd, err := command(pos, value, words[:n])
		if err != nil {
			return out, err
		}
		if cmd != nil {
			out = append(out, cmd)
		}
		if n == len(words) {
			break
		}
		words, seps = words[n+1:], seps[n+1:]
	}
	return out, nil
}

func command(pos source.Pos, raw string, words []string) (*Command, error) {
	if len(words) == 0 {
		return nil, nil
	}
	c := &Command{Pos: pos, Raw: raw}
	first := words[0]
	argv0 := false
prefixes:
	for len(first) > 0 {
		switch first[0] {
		case '-':
			c.IgnoreFailure = true
		case '@':
			argv0 = true
		case ':':
			c.NoEnvExpand = true
		case '+':
			c.FullPrivileges = true
		case '!':
			c.NoSetuid = true
		default:
			break prefixes
		}
		first = first[1:]
	}
	if first == "" {
		return nil, errors.New("command line has prefixes but no executable")
	}
	c.Path = first
	rest := words[1:]
	if argv0 {
		if len(rest) == 0 {
			return nil, errors.New(`"@" prefix without an argv[0] word`)
		}
		c.Argv0, rest = rest[0], rest[1:]
	}
	if len(rest) > 0 {
		c.Args = rest
	}
	return c, nil
}

// SplitWords splits a value into words the way systemd does for command lines and
// Environment=: blanks separate words, single and double quotes group (and may start mid-word),
// and C escapes (\n, \t, \x41, \\, \", \ ) are decoded. An unterminated quote or a trailing
// lone backslash is an error, as in systemd, which then ignores the whole setting.
func SplitWords(s string) ([]string, error) {
	words, _, err := splitWords(s)
	return words, err
}

// splitWords also reports which words were a bare, unquoted and unescaped ";".
func splitWords(s string) ([]string, []bool, error) {
	var words []string
	var seps []bool
	start := 0
	var w strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case c == '\\':
			if i+1 >= len(s) {
				return nil, nil, errors.New("trailing backslash")
			}
			r, n, err := cunescape(s[i+1:])
			if err != nil {
				return nil, nil, err
			}
			if !inWord {
				start = i
			}
			w.WriteString(r)
			i += n
			inWord = true
		case quote != 0:
			w.WriteByte(c)
		case c == '"' || c == '\'':
			if !inWord {
				start = i
			}
			quote = c
			inWord = true
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, w.String())
				seps = append(seps, s[start:i] == ";")
				w.Reset()
				inWord = false
			}
		default:
			if !inWord {
				start = i
			}
			w.WriteByte(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if inWord {
		words = append(words, w.String())
		seps = append(seps, s[start:] == ";")
	}
	return words, seps, nil
}

// cunescape decodes the escape after a backslash; it returns the text and how many bytes of s
// it used.
func cunescape(s string) (string, int, error) {
	switch c := s[0]; c {
	case 'a':
		return "\a", 1, nil
	case 'b':
		return "\b", 1, nil
	case 'f':
		return "\f", 1, nil
	case 'n':
		return "\n", 1, nil
	case 'r':
		return "\r", 1, nil
	case 't':
		return "\t", 1, nil
	case 'v':
		return "\v", 1, nil
	case 's':
		return " ", 1, nil
	case 'x':
		if len(s) < 3 {
			return "", 0, errors.New(`short \x escape`)
		}
		v, err := strconv.ParseUint(s[1:3], 16, 8)
		if err != nil {
			return "", 0, fmt.Errorf(`invalid \x escape %q`, s[:3])
		}
		return string([]byte{byte(v)}), 3, nil
	case 'u', 'U':
		n := 4
		if c == 'U' {
			n = 8
		}
		if len(s) < n+1 {
			return "", 0, fmt.Errorf(`short \%c escape`, c)
		}
		v, err := strconv.ParseUint(s[1:n+1], 16, 32)
		if err != nil {
			return "", 0, fmt.Errorf(`invalid \%c escape`, c)
		}
		return string(rune(v)), n + 1, nil
	case '0', '1', '2', '3', '4', '5', '6', '7':
		if len(s) < 3 {
			return "", 0, errors.New("short octal escape")
		}
		v, err := strconv.ParseUint(s[:3], 8, 8)
		if err != nil {
			return "", 0, fmt.Errorf("invalid octal escape %q", s[:3])
		}
		return string([]byte{byte(v)}), 3, nil
	}
	// \\, \", \', \ , \; and any other byte stand for themselves.
	return s[:1], 1, nil
}
