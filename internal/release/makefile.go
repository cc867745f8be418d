package release

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Makefile is the release-relevant content of a Makefile.
type Makefile struct {
	Path string
	// Settings are GOOS, GOARCH, GOARM, GOAMD64 and CGO_ENABLED assignments: make variables
	// (GOARCH ?= amd64) and environment words in recipes (GOOS=linux go build).
	Settings []Setting
	// Installs are recipe commands that install or copy files into a bin directory.
	Installs []*Install
	// Images are "docker build"/"docker buildx build" recipe lines that pass --platform.
	Images []*Image
}

// targetRE matches a rule line "name other: prerequisites" (not a := assignment).
var targetRE = regexp.MustCompile(`^([^\s:=#][^:=#]*?)\s*::?(?:[^=]|$)`)

// ParseMakefile reads the build settings and install commands of a Makefile. Recipes are read
// as shell with mvdan.cc/sh after make's own escapes ($$ → $) are undone; make functions stay
// unexpanded words, and recipes that are not shell are skipped silently (make decides that
// at run time, not us). It returns nil for binary files.
func ParseMakefile(p string, data []byte) (*Makefile, []source.Note) {
	if i := bytes.IndexByte(data[:min(len(data), 8000)], 0); i >= 0 {
		return nil, []source.Note{source.Notef(source.Pos{File: p, Line: bytes.Count(data[:i], []byte{'\n'}) + 1}, "binary file (NUL byte), not read as a Makefile")}
	}
	m := &Makefile{Path: p}
	target := ""
	raw := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i := 0; i < len(raw); i++ {
		start := i
		line := raw[i]
		for strings.HasSuffix(line, `\`) && i+1 < len(raw) {
			i++
			line = line[:len(line)-1] + " " + strings.TrimLeft(raw[i], " \t")
		}
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		at := Value{Text: line, Pos: source.Pos{File: p, Line: start + 1, Col: 1}}
		m.Settings = append(m.Settings, shellSettings(at)...)
		if img := buildxImage(at, "Makefile docker build"); img != nil {
			m.Images = append(m.Images, img)
		}
		recipe, ok := strings.CutPrefix(line, "\t")
		if !ok {
			if sm := targetRE.FindStringSubmatch(line); sm != nil {
				names := strings.Fields(sm[1]) // may be empty: RE2's \s lacks \v, Fields has it
				if len(names) == 0 {
					continue
				}
				target = names[0]
				if _, inline, ok := strings.Cut(line, ";"); ok {
					m.Installs = append(m.Installs, recipeInstalls(p, start+1, 0, inline, target)...)
				}
			}
			continue
		}
		if target == "" {
			continue
		}
		m.Installs = append(m.Installs, recipeInstalls(p, start+1, 1, recipe, target)...)
	}
	return m, nil
}

// recipeInstalls parses one recipe line (indent is the bytes before it on its line).
func recipeInstalls(p string, line, indent int, recipe, target string) []*Install {
	trimmed := strings.TrimLeft(recipe, "@-+ \t")
	indent += len(recipe) - len(trimmed)
	s, _ := script.Parse(p, []byte(strings.ReplaceAll(trimmed, "$$", "$")))
	if s == nil {
		return nil
	}
	var out []*Install
	for _, c := range s.Commands {
		pos := source.Pos{File: p, Line: line}
		if c.Pos.Line == 1 {
			pos.Col = indent + c.Pos.Col
		}
		if in := installOf(c.Name, c.Args, pos); in != nil {
			in.Target = target
			out = append(out, in)
		}
	}
	return out
}
