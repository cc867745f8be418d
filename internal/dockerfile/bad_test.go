package dockerfile

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// badCases are inputs BuildKit refuses or mangles; each must give a ParseError or a note with a
// line, and never panic or hang.
var badCases = []struct {
	name string
	data string
	line int
	// err is a substring of ParseError.Msg; "" means no ParseError but a note or warning.
	err  string
	note string
}{
	{"unknown instruction", "FROM alpine\nRUNN echo hi\nCMD x\n", 2, "unknown instruction: RUNN", ""},
	{"unterminated heredoc", "FROM alpine\nRUN <<EOF\necho hi\n", 2, "unterminated heredoc", ""},
	{"continuation at EOF", "FROM alpine\nRUN echo hi && \\\n", 2, "", "line continuation at end of file"},
	{"empty continuation", "FROM alpine\nRUN echo a \\\n\n  && echo b\n", 4, "", "Empty continuation line"},
	{"NUL bytes", "FROM alpine\nRUN echo \x00\n", 2, "binary content", ""},
	{"binary file", "\x7fELF\x02\x01\x01\x00\x00\x00\x00", 1, "binary content", ""},
	{"no instructions", "# only a comment\n", 1, "file with no instructions", ""},
	{"instruction before FROM", "RUN echo hi\nFROM alpine\n", 1, "before the first FROM", ""},
	{"bad stage name", "FROM alpine AS 1st\n", 1, "invalid name for build stage", ""},
	{"COPY without destination", "FROM alpine\nCOPY onlyone\n", 2, "COPY requires at least two arguments", ""},
	{"bad escape directive", "# escape=x\nFROM alpine\n", 1, "invalid escape token", ""},
	{"unparsable RUN script", "FROM alpine\nRUN if then fi ((\n", 2, "", "RUN script not understood"},
	{"1 MB RUN line", "FROM alpine\nRUN echo " + strings.Repeat("x", 1<<20) + "\n", 2, "max allowed size of 65535", ""},
}

func TestBadInputs(t *testing.T) {
	for _, c := range badCases {
		t.Run(c.name, func(t *testing.T) {
			f := Parse("Dockerfile", []byte(c.data))
			fl := f.WithNotes()
			switch {
			case c.err != "":
				if f.ParseError == nil || !strings.Contains(f.ParseError.Msg, c.err) || f.ParseError.Pos.Line != c.line {
					t.Errorf("ParseError = %v, want line %d containing %q", f.ParseError, c.line, c.err)
				}
			default:
				if f.ParseError != nil {
					t.Errorf("unexpected ParseError %v", f.ParseError)
				}
				found := false
				for _, n := range fl {
					if strings.Contains(n.Text, c.note) && n.Pos.Line == c.line {
						found = true
					}
				}
				if !found {
					t.Errorf("notes %v, want one at line %d containing %q", fl, c.line, c.note)
				}
			}
			for _, s := range f.Stages {
				Model(f, s) // must not panic on partial files
			}
		})
	}
}

// TestCRLF checks that a file with CRLF line endings everywhere gives the same facts as LF.
func TestCRLF(t *testing.T) {
	data, err := os.ReadFile("testdata/debian/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	lf := Parse("Dockerfile", data)
	crlf := Parse("Dockerfile", bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	if crlf.ParseError != nil || len(crlf.WithNotes()) != 0 {
		t.Fatalf("CRLF: %v %v", crlf.ParseError, crlf.WithNotes())
	}
	a, b := Model(lf, lf.Final()), Model(crlf, crlf.Final())
	if len(b.Binaries) != 1 || b.Binaries[0].Path != a.Binaries[0].Path || b.Binaries[0].Static != Yes {
		t.Errorf("CRLF binaries = %+v", b.Binaries)
	}
	ga, gb := lf.Stages[0].Runs[1].GoBuilds[0], crlf.Stages[0].Runs[1].GoBuilds[0]
	if ga.Pos != gb.Pos || ga.OutputAbs != gb.OutputAbs || ga.Ldflags != gb.Ldflags || gb.Env["GOOS"].Pos != ga.Env["GOOS"].Pos {
		t.Errorf("CRLF go build = %+v, LF = %+v", gb, ga)
	}
	if crlf.Final().Cmd.Args[0] != "./bin/worker --port $PORT" {
		t.Errorf("CRLF CMD = %q", crlf.Final().Cmd.Args)
	}
}
