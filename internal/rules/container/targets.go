package container

import (
	"bytes"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Target is one image the project's Dockerfiles build, and the Go programs it runs.
//
// Targets are the final stage of every Dockerfile that parses, plus the stages a compose
// file's build.target selects. Rules that compare what the code needs with what an image
// provides iterate over Targets and their Binaries.
type Target struct {
	File  *dockerfile.File
	Stage *dockerfile.Stage
	// Image is dockerfile.Model(File, Stage).
	Image *dockerfile.Image
	// Binaries are the Go binaries in the image (copied from a builder or built in the image's
	// own stages), each with the program it was built from when that is known.
	Binaries []*Bin
}

// Bin is a Go binary in an image and the program of the tree it was built from.
type Bin struct {
	*dockerfile.Binary
	// Program is the package main the go build compiled: found through the files the builder
	// stage copied into the directory it built, or, when the Dockerfile's copies cannot say,
	// the only program under the build context. Nil when unknown.
	Program *gocode.Program
}

// Targets lists the images of the project with their binaries. The result is shared by the
// rules of one check (it is computed once per project): callers must not modify it.
func Targets(p *facts.Project) []*Target {
	last.Lock()
	defer last.Unlock()
	if last.project != p {
		last.project, last.targets = p, targets(p)
	}
	return last.targets
}

// last holds the targets of the most recent project: the rules of one check run concurrently
// and all ask for the same project.
var last struct {
	sync.Mutex
	project *facts.Project
	targets []*Target
}

func targets(p *facts.Project) []*Target {
	var out []*Target
	seen := map[*dockerfile.Stage]bool{}
	add := func(f *dockerfile.File, s *dockerfile.Stage) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		im := dockerfile.Model(f, s)
		t := &Target{File: f, Stage: s, Image: im}
		for _, b := range im.Binaries {
			t.Binaries = append(t.Binaries, &Bin{Binary: b, Program: programOf(p.Tree, p.Go, f, b)})
		}
		out = append(out, t)
	}
	for _, f := range p.Dockerfiles {
		if f.ParseError != nil {
			continue
		}
		add(f, f.Final())
		for _, cf := range p.Compose {
			for _, svc := range cf.Services {
				if b := svc.Build; b != nil && b.Target.Value != "" && b.DockerfilePath == f.Path {
					add(f, f.Target(b.Target.Value))
				}
			}
		}
	}
	return out
}

// programOf finds the program a binary was built from: the go build's package argument,
// resolved against its working directory, names a directory of the builder stage; the Go files
// the stage copied there from the build context (or a RUN --mount=type=bind of the context)
// tell which directory of the tree it is.
func programOf(t *tree.Tree, g *gocode.Facts, f *dockerfile.File, b *dockerfile.Binary) *gocode.Program {
	if g == nil || b.Build == nil || len(b.Build.Packages) == 0 {
		return nil
	}
	pkg := b.Build.Packages[0]
	if strings.Contains(pkg, "...") || strings.Contains(pkg, "$") {
		return nil
	}
	if !strings.HasPrefix(pkg, ".") && !strings.HasPrefix(pkg, "/") {
		// An import path: a program of the tree, or something go install fetches.
		for _, p := range g.Programs {
			if p.Main != nil && p.Main.Path == pkg {
				return p
			}
		}
		return nil
	}
	if strings.HasSuffix(pkg, ".go") {
		pkg = path.Dir(pkg)
	}
	dir := pkg
	if !path.IsAbs(dir) {
		dir = path.Join(b.Build.Workdir, pkg)
	}
	dir = path.Clean(dir)
	if r := runOf(b.Stage, b.Build); r != nil {
		if treeDir, ok := contextDirAt(bindMounts(t, f, r), f.Context, dir); ok {
			for _, p := range g.Programs {
				if p.Dir == treeDir {
					return p
				}
			}
			return nil
		}
	}
	unresolved := false
	for st := b.Stage; st != nil; st = st.Base.FromStage {
		for _, c := range st.Copies {
			if c.From != "" {
				continue
			}
			unresolved = unresolved || c.Unresolved
			for _, pl := range c.Placed {
				if strings.HasSuffix(pl.Src, ".go") && path.Dir(path.Clean(pl.Dest)) == dir {
					treeDir := path.Dir(pl.Src)
					for _, p := range g.Programs {
						if p.Dir == treeDir {
							return p
						}
					}
					return nil
				}
			}
		}
	}
	if !unresolved {
		return nil
	}
	// A COPY the model could not expand (an ARG without a value, a glob) may have brought the
	// sources: only a single program under the build context is then a safe answer.
	var only *gocode.Program
	for _, p := range g.Programs {
		if f.Context == "." || p.Dir == f.Context || strings.HasPrefix(p.Dir, f.Context+"/") {
			if only != nil {
				return nil
			}
			only = p
		}
	}
	return only
}

// runOf is the RUN of stage s that holds the go build g.
func runOf(s *dockerfile.Stage, g *dockerfile.GoBuild) *dockerfile.Run {
	for _, r := range s.Runs {
		for _, x := range r.GoBuilds {
			if x == g {
				return r
			}
		}
	}
	return nil
}

// bindMount is a RUN --mount=type=bind of the build context: Source (a context path, "." for
// all of it) is visible at Target (absolute) while the command runs, without any COPY.
type bindMount struct {
	Source, Target string
}

// mountRE finds the --mount flags of a RUN instruction.
var mountRE = regexp.MustCompile(`--mount=([^\s\\]+)`)

// bindMounts lists the context bind mounts of a RUN. The dockerfile facts do not record RUN
// mounts, so they are read from the instruction's own lines (up to the end of its
// continuations): only --mount flags of type bind (BuildKit's default type) without from=.
func bindMounts(t *tree.Tree, f *dockerfile.File, r *dockerfile.Run) []bindMount {
	if t == nil || r.Pos.Line < 1 {
		return nil
	}
	tf := t.Get(f.Path)
	if tf == nil {
		return nil
	}
	data, err := t.Read(tf)
	if err != nil {
		return nil
	}
	lines := bytes.Split(data, []byte("\n"))
	var text []byte
	for i := r.Pos.Line - 1; i >= 0 && i < len(lines) && i < r.Pos.Line+50; i++ {
		l := bytes.TrimRight(lines[i], "\r \t")
		if i > r.Pos.Line-1 && bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			continue // a comment line inside the continuation, which BuildKit drops
		}
		text = append(append(text, l...), ' ')
		if !bytes.HasSuffix(l, []byte("\\")) {
			break
		}
	}
	var out []bindMount
	for _, m := range mountRE.FindAllSubmatch(text, -1) {
		kind, src, dst, from := "bind", ".", "", ""
		for _, kv := range strings.Split(strings.Trim(string(m[1]), `"'`), ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "type":
				kind = v
			case "source", "src":
				src = v
			case "target", "dst", "destination":
				dst = v
			case "from":
				from = v
			}
		}
		if kind != "bind" || from != "" || dst == "" || strings.Contains(src+dst, "$") {
			continue
		}
		if !path.IsAbs(dst) {
			dst = path.Join(r.Workdir, dst)
		}
		out = append(out, bindMount{Source: path.Clean(src), Target: path.Clean(dst)})
	}
	return out
}

// contextDirAt maps a directory of the stage to the tree directory a bind mount of the build
// context (ctx) shows there.
func contextDirAt(mounts []bindMount, ctx, dir string) (string, bool) {
	for _, m := range mounts {
		if dir == m.Target || strings.HasPrefix(dir, m.Target+"/") {
			rel := strings.TrimPrefix(strings.TrimPrefix(dir, m.Target), "/")
			return path.Join(ctx, m.Source, rel), true
		}
	}
	return "", false
}
