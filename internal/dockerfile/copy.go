package dockerfile

import (
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

// buildContext is the directory COPY reads from and the .dockerignore that filters it.
type buildContext struct {
	tree   *tree.Tree
	dir    string // slash path relative to the tree root, "." for the root
	ignore *Ignore
}

// included says whether .dockerignore keeps the tree file treePath in the context.
func (c *buildContext) included(treePath string) bool {
	return c.ignore == nil || !c.ignore.Excludes(c.rel(treePath))
}

// rel is a tree path relative to the context.
func (c *buildContext) rel(treePath string) string {
	if c.dir == "." {
		return treePath
	}
	return strings.TrimPrefix(treePath, c.dir+"/")
}

// under lists the tree files below dir (a context-relative slash path, "" for the context
// itself). The tree's files are sorted by path, so they are found by binary search.
func (c *buildContext) under(dir string) []*tree.File {
	prefix := path.Join(c.dir, dir)
	if prefix == "." {
		return c.tree.Files
	}
	files := c.tree.Files
	lo := sort.Search(len(files), func(i int) bool { return files[i].Path >= prefix })
	hi := sort.Search(len(files), func(i int) bool { return files[i].Path >= prefix+"0" }) // '0' follows '/'
	var out []*tree.File
	for _, f := range files[lo:hi] {
		if f.Path == prefix || strings.HasPrefix(f.Path, prefix+"/") {
			out = append(out, f)
		}
	}
	return out
}

func (p *fileParser) copy(ss *stageState, cp *Copy, sd instructions.SourcesAndDest, n *parser.Node) {
	s := ss.st
	unres := false
	for _, src := range sd.SourcePaths {
		e, u := p.expand(src, ss.vars)
		unres = unres || u
		cp.Sources = append(cp.Sources, e)
	}
	dest, u := p.expand(sd.DestPath, ss.vars)
	cp.Unresolved = unres || u
	cp.Dest = dest
	cp.Workdir = ss.workdir
	cp.DestAbs = absPath(ss.workdir, dest)
	// A destination is a directory when written as one, when several sources go there, or
	// when it already is one: the working directory (`COPY app .`), a WORKDIR or mkdir of
	// the stage.
	cp.DestIsDir = strings.HasSuffix(dest, "/") || len(sd.SourcePaths)+len(sd.SourceContents) > 1 ||
		ss.isDir(path.Clean(cp.DestAbs))
	if cp.DestIsDir && !strings.HasSuffix(cp.DestAbs, "/") {
		cp.DestAbs += "/"
	}
	if cp.From != "" {
		from, _ := p.expand(cp.From, ss.vars)
		cp.From = from
		if i, err := strconv.Atoi(from); err == nil && i >= 0 && i < len(p.f.Stages)-1 {
			cp.FromStage = p.f.Stages[i]
		} else {
			cp.FromStage = p.f.stageNamed(from, len(p.f.Stages)-1)
		}
	}
	line := n.StartLine
	for _, h := range sd.SourceContents {
		cp.Heredocs = append(cp.Heredocs, Heredoc{Pos: p.pos(line + 1), Name: h.Path, Data: h.Data})
		cp.Placed = append(cp.Placed, Placed{Src: "<<" + h.Path, Dest: into(cp, h.Path)})
	}
	switch {
	case cp.Unresolved:
	case cp.From != "":
		for _, src := range cp.Sources {
			src = absPath("/", src)
			if strings.HasSuffix(src, "/") || src == "/" || strings.ContainsAny(src, "*?[") {
				// A directory (its contents land in Dest) or a pattern: what lands is unknown
				// here; Model places the binaries a builder wrote there.
				cp.Placed = append(cp.Placed, Placed{Src: src, Dest: path.Clean(cp.DestAbs), Dir: true})
				continue
			}
			cp.Placed = append(cp.Placed, Placed{Src: src, Dest: into(cp, path.Base(src))})
		}
	case p.ctx != nil:
		for _, src := range cp.Sources {
			if strings.Contains(src, "://") || strings.HasPrefix(src, "git@") {
				cp.Unresolved = true // ADD of a URL or repository: contents unknown
				continue
			}
			if cp.Add && isArchive(src) {
				cp.Unresolved = true // ADD extracts local archives: contents unknown
				continue
			}
			placed := p.ctx.expandSource(cp, src)
			if len(placed) == 0 {
				cp.Unresolved = true
				if !p.ctx.onDisk(src) {
					p.f.missing++
					p.note(line, "%s source %q is not in the build context %s (after .dockerignore): it must be generated before the build, or the build fails", kind(cp), src, p.ctx.dir)
				}
			}
			cp.Placed = append(cp.Placed, placed...)
		}
	}
	s.Copies = append(s.Copies, cp)
	s.Steps = append(s.Steps, cp)
}

// isArchive says whether ADD would extract a local source.
func isArchive(src string) bool {
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"} {
		if strings.HasSuffix(strings.ToLower(src), ext) {
			return true
		}
	}
	return false
}

// onDisk says whether a source exists on disk though the tree left it out (directories the walk
// skips such as testdata or node_modules, files over the size limit, user skips): its contents
// are then unknown rather than missing.
func (c *buildContext) onDisk(src string) bool {
	if c.ignore.Excludes(path.Clean("/" + src)[1:]) {
		return false
	}
	pattern := filepath.Join(c.tree.Root, filepath.FromSlash(c.dir), filepath.FromSlash(path.Clean("/" + src)[1:]))
	matches, err := filepath.Glob(pattern)
	return err == nil && len(matches) > 0
}

func kind(cp *Copy) string {
	if cp.Add {
		return "ADD"
	}
	return "COPY"
}

// into is where a source named base lands: inside Dest when it is a directory, Dest otherwise.
func into(cp *Copy, base string) string {
	if cp.DestIsDir {
		return path.Join(cp.DestAbs, base)
	}
	return strings.TrimSuffix(cp.DestAbs, "/")
}

// literalDir is the leading segments of a pattern that hold no wildcard.
func literalDir(pat string) string {
	var lit []string
	for _, seg := range strings.Split(pat, "/") {
		if strings.ContainsAny(seg, "*?[\\") {
			break
		}
		lit = append(lit, seg)
	}
	return strings.Join(lit, "/")
}

// expandSource lists the files a context source brings in. A file lands at Dest (or inside it);
// a directory's contents land inside Dest, as `COPY dir/ /app/` copies what dir holds and not dir
// itself; wildcards match files and directories at their depth.
func (c *buildContext) expandSource(cp *Copy, src string) []Placed {
	pat := path.Clean("/" + src)[1:] // relative to the context, "" for the context itself
	var out []Placed
	depth := strings.Count(pat, "/") + 1
	wild := strings.ContainsAny(pat, "*?[")
	// Only files below the pattern's literal leading directories can match.
	for _, f := range c.under(literalDir(pat)) {
		rel := c.rel(f.Path)
		if !c.included(f.Path) {
			continue
		}
		if pat == "" {
			out = append(out, Placed{Src: f.Path, Dest: path.Join(cp.DestAbs, rel)})
			continue
		}
		segs := strings.Split(rel, "/")
		if len(segs) < depth {
			continue
		}
		head := strings.Join(segs[:depth], "/")
		if wild {
			if ok, _ := path.Match(pat, head); !ok {
				continue
			}
		} else if head != pat {
			continue
		}
		if head == rel { // the source is this file
			out = append(out, Placed{Src: f.Path, Dest: into(cp, path.Base(rel))})
			continue
		}
		// The source is a directory: its contents land inside Dest.
		inner := strings.Join(segs[depth:], "/")
		out = append(out, Placed{Src: f.Path, Dest: path.Join(cp.DestAbs, inner)})
	}
	return out
}
