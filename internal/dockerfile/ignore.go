package dockerfile

import (
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Ignore is a parsed .dockerignore. It implements the documented semantics
// (https://docs.docker.com/build/concepts/context/#dockerignore-files): patterns are slash
// paths relative to the context root, matched with Go's path.Match plus `**` for any number of
// directories; `!` makes an exception; the last matching line wins; a pattern that matches a
// directory excludes everything below it. github.com/moby/patternmatcher, which Docker uses, is
// not in go.sum, hence this small reimplementation.
type Ignore struct {
	// Path is the .dockerignore file (tree path).
	Path     string
	Patterns []IgnorePattern
}

// IgnorePattern is one line of a .dockerignore.
type IgnorePattern struct {
	Pos       source.Pos
	Pattern   string // cleaned, without the leading "!" or "/"
	Exception bool
	segs      []string
}

// ParseIgnore reads .dockerignore content named rel.
func ParseIgnore(rel string, data []byte) *Ignore {
	ig := &Ignore{Path: rel}
	for i, line := range splitLines(data) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := IgnorePattern{Pos: source.Pos{File: rel, Line: i + 1, Col: 1}}
		if strings.HasPrefix(line, "!") {
			p.Exception = true
			line = strings.TrimSpace(line[1:])
		}
		line = path.Clean(strings.TrimPrefix(strings.ReplaceAll(line, `\`, "/"), "/"))
		line = strings.TrimPrefix(line, "/")
		if line == "" || line == "." {
			if !p.Exception {
				continue
			}
			line = "."
		}
		p.Pattern = line
		p.segs = strings.Split(line, "/")
		ig.Patterns = append(ig.Patterns, p)
	}
	return ig
}

// Excludes says whether the context-relative slash path rel is left out of the build context.
func (ig *Ignore) Excludes(rel string) bool {
	if ig == nil {
		return false
	}
	segs := strings.Split(rel, "/")
	excluded := false
	for _, p := range ig.Patterns {
		if p.Pattern == "." {
			excluded = !p.Exception
			continue
		}
		// A pattern matches the path itself or any directory above it.
		for n := len(segs); n >= 1; n-- {
			if matchSegs(p.segs, segs[:n]) {
				excluded = !p.Exception
				break
			}
		}
	}
	return excluded
}

// matchSegs matches path segments against pattern segments, "**" standing for zero or more
// segments. It is a dynamic program over (pattern, name) prefixes, so patterns with many "**"
// stay linear in their size times the path depth.
func matchSegs(pat, name []string) bool {
	// ok[j] says whether pat[:i] matches name[:j] for the current i.
	ok := make([]bool, len(name)+1)
	ok[0] = true
	for _, p := range pat {
		next := make([]bool, len(name)+1)
		if p == "**" {
			any := false
			for j := range ok {
				any = any || ok[j]
				next[j] = any
			}
		} else {
			for j := 1; j <= len(name); j++ {
				if ok[j-1] {
					m, err := path.Match(p, name[j-1])
					next[j] = m && err == nil
				}
			}
		}
		ok = next
	}
	return ok[len(name)]
}

// loadIgnore finds the ignore file BuildKit uses for the Dockerfile rel: <Dockerfile>.dockerignore
// next to it first, then .dockerignore at the context root.
func loadIgnore(t *tree.Tree, rel, contextDir string) (*Ignore, []source.Note) {
	for _, cand := range []string{rel + ".dockerignore", path.Join(contextDir, ".dockerignore")} {
		tf := t.Get(cand)
		if tf == nil {
			continue
		}
		data, err := t.Read(tf)
		if err != nil {
			return nil, []source.Note{source.Notef(source.Pos{File: cand}, "cannot read: %v", err)}
		}
		return ParseIgnore(cand, data), nil
	}
	return nil, nil
}
