// Package script answers what each shell script and entrypoint of a project needs to run: its
// exec bit (on disk and in the git index), line endings, shebang interpreter, the commands it
// runs and the environment it reads, parsed with mvdan.cc/sh.
//
// API:
//
//	Load(t) ([]*Script, []source.Note)          *.sh/*.bash files and files with a shebang
//	ParseFile(t, rel) (*Script, []source.Note)  any file of the tree (what ENTRYPOINT/ExecStart names)
//	Parse(path, data) (*Script, []source.Note)  the content facts alone (no disk, no git)
//	ReadIndex(data) (map[string]uint32, error)  path → mode from a .git/index file (v2–v4)
package script

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path"
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Script is the facts of one shell script.
type Script struct {
	// Path is the slash path relative to the checked root.
	Path string
	// Executable is true when the file on disk has an exec bit (for anyone).
	Executable bool
	// IndexMode is the file's mode in the git index (ModeExecutable, ModeRegular, …), or 0 when
	// the file is not tracked or there is no git index; git and every clone take the exec bit
	// from here, not from the working tree.
	IndexMode uint32
	// CRLF is set when some line ends in "\r\n"; FirstCRLF is the first such line. A shebang
	// line ending in CR makes the kernel look for an interpreter named "sh\r".
	CRLF      bool
	FirstCRLF source.Pos
	// BOM is true when the file starts with a UTF-8 byte order mark, which breaks "#!".
	BOM bool
	// Shebang is nil when the first line is not "#!…".
	Shebang *Shebang
	// Dialect is the language the script was parsed as: "bash", "posix" or "mksh", or "" when
	// neither parse succeeded or the shebang names an interpreter that is not a shell (python,
	// perl, …); then only the line-level and shebang facts are known.
	Dialect string
	// Commands are the simple commands the script runs, in source order.
	Commands []*Command
	// Detached is the last top-level command started in the background ("app &", "nohup app &")
	// when nothing after it waits (no wait, no exec, no foreground program): the script, and a
	// container or unit whose main process it is, exits right after starting it.
	Detached *Command
	// SetE is where "set -e" (or -o errexit, or "#!/bin/sh -e") is turned on; zero when never.
	SetE source.Pos
	// EnvRefs are the variables the script expands, excluding positional and special ones.
	EnvRefs []EnvRef
	// Assigned are the variables the script sets itself (NAME=…, export, read, for, local).
	Assigned map[string]source.Pos
}

// Shebang is the "#!" line.
type Shebang struct {
	// Path is the interpreter as written: "/bin/sh", "/usr/bin/env".
	Path string
	// Interpreter is the program that runs the script: the base name of Path, or for
	// "/usr/bin/env [-S] bash" the program env looks up ("bash").
	Interpreter string
	// Args are the words after Path ("-e", or for env the words after the program).
	Args []string
	Pos  source.Pos
}

// Command is one simple command.
type Command struct {
	// Name is the program or builtin run (after wrappers such as exec, nohup, env, gosu), as
	// written; "" when it is not a literal (such as "$BIN").
	Name string
	// Word is the source text of the program word when it is not a literal ("$BIN", "$@").
	Word string
	// Args are the words after Name; a word that is not literal is given as written in source.
	Args []string
	// Via are the wrappers in front of Name, outermost first ("exec", "nohup", "su-exec").
	Via []string
	// Exec is true when the command replaces the shell (exec).
	Exec bool
	// Background is true when the command runs with a trailing "&".
	Background bool
	// Dir is the argument of the last "cd" that ran before this command (as written, "~" for a
	// bare cd), or "" when there was none. Scopes are not tracked: a cd in a subshell or an
	// earlier function counts too.
	Dir string
	Pos source.Pos

	offset uint // byte offset of the command in the parsed text
}

// Relative says whether Name is a path relative to the working directory ("./app", "bin/app"),
// which only runs if the directory is the expected one.
func (c *Command) Relative() bool {
	return c.Name != "" && !strings.HasPrefix(c.Name, "/") && strings.Contains(c.Name, "/")
}

// EnvRef is one expansion of a variable.
type EnvRef struct {
	Name string
	Pos  source.Pos
	// Default is true for ${X:-…}, ${X-…}, ${X:=…} and ${X=…}, and for ${X:+…}: the script
	// does not need X set.
	Default bool
	// Required is true for ${X:?…} and ${X?…}: the shell exits when X is unset.
	Required bool
}

// headSize is how much of an unclassified file is read to look for "#!".
const headSize = 256

// binarySniff is how many leading bytes are searched for a NUL byte to call a file binary: the
// window git uses.
const binarySniff = 8000

// scriptDirs are directories whose files are read for a shebang even without an exec bit.
var scriptDirs = map[string]bool{"scripts": true, "script": true, "bin": true, "deploy": true, "docker": true, "hack": true}

// Load parses every *.sh and *.bash file of t, and every other file that starts with "#!" among
// those with an exec bit or under scripts/, bin/, deploy/, docker/ or hack/ (only their first
// bytes are read to decide). Files with a NUL byte are binaries, not scripts: a note, no Script.
func Load(t *tree.Tree) ([]*Script, []source.Note) {
	var notes []source.Note
	var out []*Script
	for _, f := range t.Files {
		switch {
		case f.Kind == tree.Shell:
		case f.Kind == tree.Other && (f.Mode&0o111 != 0 || inScriptDir(f.Path)):
			if !hasShebang(f.Abs) {
				continue
			}
		default:
			continue
		}
		s, ns := ParseFile(t, f.Path)
		notes = append(notes, ns...)
		if s != nil {
			out = append(out, s)
		}
	}
	if modes, err := indexOf(t); len(out) > 0 && modes == nil && err == nil {
		notes = append(notes, source.Notef(source.Pos{File: out[0].Path}, "no git work tree above the checked directory: exec bits in git are not known, only on disk"))
	}
	return out, notes
}

func inScriptDir(rel string) bool {
	for _, d := range strings.Split(path.Dir(rel), "/") {
		if scriptDirs[d] {
			return true
		}
	}
	return false
}

// hasShebang reads the first bytes of a file and says whether it starts with "#!" (after an
// optional UTF-8 byte order mark) and is a text interpreter line.
func hasShebang(abs string) bool {
	fh, err := os.Open(abs)
	if err != nil {
		return false
	}
	defer fh.Close()
	buf := make([]byte, headSize)
	n, _ := io.ReadFull(fh, buf)
	head := bytes.TrimPrefix(buf[:n], []byte("\xef\xbb\xbf"))
	return bytes.HasPrefix(head, []byte("#!")) && bytes.IndexByte(head, 0) < 0
}

// indexes caches the git index of each tree: rules call ParseFile for many entrypoints.
var indexes sync.Map // *tree.Tree → *indexEntry

type indexEntry struct {
	once  sync.Once
	modes map[string]uint32
	err   error
}

func indexOf(t *tree.Tree) (map[string]uint32, error) {
	e, _ := indexes.LoadOrStore(t, &indexEntry{})
	ie := e.(*indexEntry)
	ie.once.Do(func() { ie.modes, ie.err = gitIndex(t.Root) })
	return ie.modes, ie.err
}

// ParseFile parses the file at rel (a slash path relative to t's root) as a script whatever its
// name, and adds what the disk and the git index say about it. It returns nil when the file is
// not in the tree or is binary (with a note for the latter and for read errors).
func ParseFile(t *tree.Tree, rel string) (*Script, []source.Note) {
	f := t.Get(rel)
	if f == nil {
		return nil, nil
	}
	data, err := t.Read(f)
	if err != nil {
		return nil, []source.Note{source.Notef(source.Pos{File: rel}, "cannot read: %v", err)}
	}
	s, notes := Parse(rel, data)
	if s == nil {
		return nil, notes
	}
	s.Executable = f.Mode&0o111 != 0
	modes, err := indexOf(t)
	if err != nil {
		notes = append(notes, source.Notef(source.Pos{File: rel}, "git index: %v; exec bits in git not known", err))
	}
	s.IndexMode = modes[rel]
	return s, notes
}

// Parse reads the content facts of a script. It returns nil and a note when data is binary.
// A parse error is a note with its position; the dialect falls back from POSIX to bash (many
// "#!/bin/sh" scripts use bash syntax, which fails under dash) and line-level facts are kept
// even when no dialect parses.
func Parse(p string, data []byte) (*Script, []source.Note) {
	if i := bytes.IndexByte(data[:min(len(data), binarySniff)], 0); i >= 0 {
		line := bytes.Count(data[:i], []byte{'\n'}) + 1
		return nil, []source.Note{source.Notef(source.Pos{File: p, Line: line}, "binary file (NUL byte), not a script")}
	}
	s := &Script{Path: p, Assigned: map[string]source.Pos{}}
	var notes []source.Note
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		s.BOM, data = true, rest
	}
	if i := bytes.Index(data, []byte("\r\n")); i >= 0 {
		s.CRLF = true
		s.FirstCRLF = source.Pos{File: p, Line: bytes.Count(data[:i], []byte{'\n'}) + 1}
		// Parse what the lines say; the CR itself is the fact rules report.
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	}
	s.Shebang = shebang(p, data)

	langs := []syntax.LangVariant{syntax.LangBash}
	if s.Shebang != nil {
		switch s.Shebang.Interpreter {
		case "sh", "dash", "ash", "busybox", "posh":
			langs = []syntax.LangVariant{syntax.LangPOSIX, syntax.LangBash}
		case "mksh", "ksh":
			langs = []syntax.LangVariant{syntax.LangMirBSDKorn, syntax.LangBash}
		case "bash", "zsh", "":
		default:
			// python, perl, node…: the shebang facts hold, the body is not shell.
			return s, nil
		}
		for _, a := range s.Shebang.Args {
			if isSetE(a) {
				s.SetE = s.Shebang.Pos
			}
		}
	}
	var file *syntax.File
	for _, lang := range langs {
		f, err := syntax.NewParser(syntax.Variant(lang)).Parse(bytes.NewReader(data), p)
		if err == nil {
			file, s.Dialect = f, lang.String()
			break
		}
		notes = append(notes, parseNote(p, lang, err))
	}
	if file != nil {
		facts(s, file, data)
	}
	return s, notes
}

func parseNote(p string, lang syntax.LangVariant, err error) source.Note {
	var pe syntax.ParseError
	var le syntax.LangError
	switch {
	case errors.As(err, &pe):
		return source.Notef(source.Pos{File: p, Line: int(pe.Pos.Line()), Col: int(pe.Pos.Col())}, "does not parse as %s: %s", lang, pe.Text)
	case errors.As(err, &le):
		return source.Notef(source.Pos{File: p, Line: int(le.Pos.Line()), Col: int(le.Pos.Col())}, "does not parse as %s: %s", lang, le.Feature+" is not supported")
	}
	return source.Notef(source.Pos{File: p}, "does not parse as %s: %v", lang, err)
}

func shebang(p string, data []byte) *Shebang {
	if !bytes.HasPrefix(data, []byte("#!")) {
		return nil
	}
	line, _, _ := bytes.Cut(data[2:], []byte{'\n'})
	words := strings.Fields(string(line))
	if len(words) == 0 {
		return &Shebang{Pos: source.Pos{File: p, Line: 1, Col: 1}}
	}
	sb := &Shebang{Path: words[0], Interpreter: path.Base(words[0]), Args: words[1:], Pos: source.Pos{File: p, Line: 1, Col: 1}}
	if sb.Interpreter == "env" {
		args := sb.Args
		for len(args) > 0 && strings.HasPrefix(args[0], "-") {
			args = args[1:] // env -S, env -i …
		}
		for len(args) > 0 && strings.Contains(args[0], "=") {
			args = args[1:] // env NAME=value prog
		}
		if len(args) > 0 {
			sb.Interpreter, sb.Args = path.Base(args[0]), args[1:]
		}
	}
	return sb
}

func isSetE(flag string) bool {
	return len(flag) > 1 && flag[0] == '-' && flag[1] != '-' && strings.Contains(flag, "e")
}

// wrappers run their argument as the real command; the value is how many arguments of their
// own they take before it (beyond flags).
var wrappers = map[string]int{
	"exec": 0, "nohup": 0, "command": 0, "env": 0, "time": 0, "nice": 0, "setsid": 0,
	"sudo": 0, "gosu": 1, "su-exec": 1, "chpst": 0, "tini": 0, "dumb-init": 0, "timeout": 1, "stdbuf": 0,
}

// quietBuiltins do not keep a script alive after a background job.
var quietBuiltins = map[string]bool{
	"echo": true, "printf": true, "true": true, ":": true, "exit": true, "return": true, "set": true,
	"export": true, "trap": true, "unset": true, "logger": true,
}

// facts reads the parsed file; src is the text it was parsed from.
func facts(s *Script, f *syntax.File, src []byte) {
	pos := func(p syntax.Pos) source.Pos {
		return source.Pos{File: s.Path, Line: int(p.Line()), Col: int(p.Col())}
	}
	type cd struct {
		end uint
		dir string
	}
	var cds []cd
	byCall := map[*syntax.CallExpr]*Command{}
	syntax.Walk(f, func(n syntax.Node) bool {
		switch n := n.(type) {
		case *syntax.Stmt:
			if call, ok := n.Cmd.(*syntax.CallExpr); ok && n.Background {
				byCall[call] = nil // marked below when the call is visited
			}
		case *syntax.CallExpr:
			for _, a := range n.Assigns {
				if a.Name != nil {
					s.Assigned[a.Name.Value] = pos(a.Pos())
				}
			}
			if len(n.Args) == 0 {
				return true
			}
			c := command(n, pos, src)
			if c == nil {
				return true
			}
			if _, bg := byCall[n]; bg {
				c.Background = true
			}
			byCall[n] = c
			s.Commands = append(s.Commands, c)
			switch c.Name {
			case "cd":
				dir := "~"
				for _, a := range c.Args {
					if !strings.HasPrefix(a, "-") {
						dir = a
						break
					}
				}
				cds = append(cds, cd{end: n.End().Offset(), dir: dir})
			case "set":
				for i, a := range c.Args {
					if isSetE(a) || a == "-o" && i+1 < len(c.Args) && c.Args[i+1] == "errexit" {
						if s.SetE.Line == 0 {
							s.SetE = c.Pos
						}
					}
				}
			case "export", "local", "declare", "typeset", "readonly", "read":
				for _, a := range c.Args {
					name, _, _ := strings.Cut(a, "=")
					if validName(name) {
						s.Assigned[name] = c.Pos
					}
				}
			}
		case *syntax.DeclClause:
			for _, a := range n.Args {
				if a.Name != nil {
					s.Assigned[a.Name.Value] = pos(a.Pos())
				}
			}
		case *syntax.ForClause:
			if wi, ok := n.Loop.(*syntax.WordIter); ok {
				s.Assigned[wi.Name.Value] = pos(wi.Name.Pos())
			}
		case *syntax.ParamExp:
			if n.Param == nil || !validName(n.Param.Value) || n.Excl {
				return true
			}
			r := EnvRef{Name: n.Param.Value, Pos: pos(n.Pos())}
			if n.Exp != nil {
				switch n.Exp.Op {
				case syntax.DefaultUnset, syntax.DefaultUnsetOrNull, syntax.AssignUnset, syntax.AssignUnsetOrNull,
					syntax.AlternateUnset, syntax.AlternateUnsetOrNull:
					r.Default = true
				case syntax.ErrorUnset, syntax.ErrorUnsetOrNull:
					r.Required = true
				}
			}
			s.EnvRefs = append(s.EnvRefs, r)
		}
		return true
	})
	// A cd applies to the commands that start after it ends (not to those in its own words).
	for _, c := range s.Commands {
		for _, d := range cds {
			if d.end <= c.offset {
				c.Dir = d.dir
			}
		}
	}
	s.Detached = detached(f, byCall)
}

// detached finds the last top-level background command that nothing after it waits for.
func detached(f *syntax.File, byCall map[*syntax.CallExpr]*Command) *Command {
	var bg *Command
	for _, st := range f.Stmts {
		call, _ := st.Cmd.(*syntax.CallExpr)
		c := byCall[call]
		if st.Background && call == nil {
			c = firstCommand(st, byCall) // ( ./app ) &  or  { ./app; } &
		}
		switch {
		case st.Background && c != nil:
			bg = c
		case bg == nil:
		case c != nil && quietBuiltins[c.Name], call != nil && len(call.Args) == 0: // PID=$!
		default:
			bg = nil // wait, exec, or any foreground work keeps the script running
		}
	}
	return bg
}

// firstCommand is the first command run inside a compound statement.
func firstCommand(st *syntax.Stmt, byCall map[*syntax.CallExpr]*Command) *Command {
	var first *Command
	syntax.Walk(st, func(n syntax.Node) bool {
		if call, ok := n.(*syntax.CallExpr); ok && first == nil {
			first = byCall[call]
		}
		return first == nil
	})
	return first
}

// command reads a call: wrappers are peeled off into Via, and the rest named.
func command(call *syntax.CallExpr, pos func(syntax.Pos) source.Pos, src []byte) *Command {
	words := make([]string, len(call.Args))
	for i, w := range call.Args {
		words[i] = wordText(w, src)
	}
	c := &Command{Pos: pos(call.Args[0].Pos()), offset: call.Args[0].Pos().Offset()}
	i := 0
	for i < len(words)-1 {
		w := words[i]
		n, ok := wrappers[w]
		if !ok {
			break
		}
		c.Via = append(c.Via, w)
		c.Exec = c.Exec || w == "exec"
		i++
		for i < len(words) && strings.HasPrefix(words[i], "-") {
			i++
			if words[i-1] == "--" {
				break
			}
		}
		for w == "env" && i < len(words) && strings.Contains(words[i], "=") {
			i++ // env NAME=value prog
		}
		i += n
	}
	if i >= len(words) {
		// "exec 3>&1" and the like: a wrapper with only redirections or flags.
		c.Name, c.Args = c.Via[len(c.Via)-1], nil
		c.Via = c.Via[:len(c.Via)-1]
		return c
	}
	if call.Args[i].Lit() != "" {
		c.Name = words[i]
	} else if lit, ok := quotedLit(call.Args[i]); ok {
		c.Name = lit
	} else {
		c.Word = words[i]
	}
	if i+1 < len(words) {
		c.Args = words[i+1:]
	}
	return c
}

// wordText is a word's literal value when it has one (quotes removed), else its source text.
func wordText(w *syntax.Word, src []byte) string {
	if lit := w.Lit(); lit != "" {
		return lit
	}
	if lit, ok := quotedLit(w); ok {
		return lit
	}
	start, end := w.Pos().Offset(), w.End().Offset()
	if start <= end && end <= uint(len(src)) {
		return string(src[start:end])
	}
	var b strings.Builder
	syntax.NewPrinter().Print(&b, w)
	return b.String()
}

// quotedLit joins a word made only of literals and quoted literals: "./app" or 'a b'.
func quotedLit(w *syntax.Word) (string, bool) {
	var b strings.Builder
	for _, part := range w.Parts {
		switch p := part.(type) {
		case *syntax.Lit:
			b.WriteString(p.Value)
		case *syntax.SglQuoted:
			b.WriteString(p.Value)
		case *syntax.DblQuoted:
			for _, q := range p.Parts {
				l, ok := q.(*syntax.Lit)
				if !ok {
					return "", false
				}
				b.WriteString(l.Value)
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

func validName(s string) bool {
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
