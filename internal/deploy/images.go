package deploy

import (
	"path"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
)

// Image is one image the project's Dockerfiles build, and the Go programs it runs.
//
// Images are the final stage of every Dockerfile that parses, plus the stages a compose file's
// build.target selects. Rules that compare what the code needs with what an image provides
// iterate over Images and their Binaries.
type Image struct {
	// File is the Dockerfile; Stage the stage that is the image (the final one, or the one a
	// compose build.target names).
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

// Images lists the images of the project with their binaries. The result is shared by the
// rules of one check (it is computed once per project): callers must not modify it.
func Images(p *facts.Project) []*Image {
	lastImages.Lock()
	defer lastImages.Unlock()
	if lastImages.project != p {
		lastImages.project, lastImages.images = p, images(p)
	}
	return lastImages.images
}

// lastImages holds the images of the most recent project: the rules of one check run
// concurrently and all ask for the same project.
var lastImages struct {
	sync.Mutex
	project *facts.Project
	images  []*Image
}

func images(p *facts.Project) []*Image {
	var out []*Image
	seen := map[*dockerfile.Stage]bool{}
	add := func(f *dockerfile.File, s *dockerfile.Stage) {
		if s == nil || seen[s] {
			return
		}
		seen[s] = true
		out = append(out, newImage(p.Go, f, s))
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

// newImage models stage s of f and traces its binaries to their programs.
func newImage(g *gocode.Facts, f *dockerfile.File, s *dockerfile.Stage) *Image {
	im := dockerfile.Model(f, s)
	t := &Image{File: f, Stage: s, Image: im}
	for _, b := range im.Binaries {
		t.Binaries = append(t.Binaries, &Bin{Binary: b, Program: ProgramOfBinary(g, f, b)})
	}
	return t
}

// ProgramOfBinary finds the program a binary was built from: the go build's package argument,
// resolved against its working directory, names a directory of the builder stage; the Go files
// the stage copied there from the build context (or a RUN --mount=type=bind of the context)
// tell which directory of the tree it is.
func ProgramOfBinary(g *gocode.Facts, f *dockerfile.File, b *dockerfile.Binary) *gocode.Program {
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
		if treeDir, ok := ContextDirAt(BindMounts(r), f.Context, dir); ok {
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

// BindMount is a RUN --mount=type=bind of the build context: Source (a context path, "." for
// all of it) is visible at Target (absolute) while the command runs, without any COPY.
type BindMount struct {
	Source, Target string
}

// BindMounts lists the build-context bind mounts of a RUN (bind is BuildKit's default type; a
// mount with from= reads another stage or image, not the context).
func BindMounts(r *dockerfile.Run) []BindMount {
	var out []BindMount
	for _, m := range r.Mounts {
		if m.Type != "bind" || m.From != "" || m.Target == "." || strings.Contains(m.Source+m.Target, "$") {
			continue
		}
		out = append(out, BindMount{Source: m.Source, Target: m.Target})
	}
	return out
}

// ContextDirAt maps a directory of a build stage to the tree directory that a bind mount of the
// build context (ctx, a slash path of the tree) shows there, while the RUN with those mounts runs.
func ContextDirAt(mounts []BindMount, ctx, dir string) (string, bool) {
	for _, m := range mounts {
		if dir == m.Target || strings.HasPrefix(dir, m.Target+"/") {
			rel := strings.TrimPrefix(strings.TrimPrefix(dir, m.Target), "/")
			return path.Join(ctx, m.Source, rel), true
		}
	}
	return "", false
}

// Main is the binary of the Go program of the tree the image runs: the binary its entrypoint
// names (or, when the entrypoint is a script or unknown, the only binary of the image whose
// program is known). Nil when none is known.
func (t *Image) Main() *Bin {
	exe, _ := Executable(t.Image)
	var known []*Bin
	for _, b := range t.Binaries {
		if b.Program == nil {
			continue
		}
		if exe != "" && (b.Path == exe || !strings.Contains(exe, "/") && path.Base(b.Path) == exe) {
			return b
		}
		known = append(known, b)
	}
	if len(known) == 1 && (exe == "" || !t.HasBinary(exe)) {
		return known[0]
	}
	return nil
}

// HasBinary says whether exe (a path, or a file name) is one of the image's Go binaries.
func (t *Image) HasBinary(exe string) bool {
	for _, b := range t.Binaries {
		if b.Path == exe || path.Base(b.Path) == exe {
			return true
		}
	}
	return false
}

// ProgramAt is the program a command that replaces the image's runs when its first word is
// exe: the image's Go binary at that path (a relative one against the working directory), by
// the program its build was traced to or else guessed from its package path; else the image's
// binary of a known program called exe; else the only deployed program called like exe's file
// name. t may be nil (an image not built here).
func (t *Image) ProgramAt(g *gocode.Facts, exe string) *gocode.Program {
	if g == nil || exe == "" || strings.Contains(exe, "$") {
		return nil
	}
	if t != nil {
		abs := exe
		if !path.IsAbs(abs) && strings.Contains(abs, "/") {
			if wd, _ := t.Image.WorkingDir(); wd != "" {
				abs = path.Join(wd, abs)
			}
		}
		for _, b := range t.Binaries {
			if b.Path != abs {
				continue
			}
			if b.Program != nil {
				return b.Program
			}
			if prog := programOfBuild(g, t.File, b.Binary); prog != nil {
				return prog
			}
		}
		for _, b := range t.Binaries {
			if b.Program != nil && (b.Path == exe || path.Base(b.Path) == exe) {
				return b.Program
			}
		}
	}
	return ByName(g, path.Base(exe))
}

// ImageByRef finds the image a reference names: the only final image whose executable, or the
// program of its Main binary, is called like the reference's last path element.
func ImageByRef(ims []*Image, ref string) *Image {
	return imageNamed(ims, ref, func(t *Image, name string) bool {
		b := t.Main()
		return b != nil && b.Program.Name == name
	})
}

// imageNamed is the only final image of ims whose executable is called like the last path
// element of ref (see RefName), or that named says is called so; nil when none or several are.
func imageNamed(ims []*Image, ref string, named func(t *Image, name string) bool) *Image {
	name := RefName(ref)
	if name == "" {
		return nil
	}
	var hit *Image
	for _, t := range ims {
		if t.Stage != t.File.Final() {
			continue
		}
		if exe, _ := Executable(t.Image); exe != "" && path.Base(exe) == name || named(t, name) {
			if hit != nil {
				return nil
			}
			hit = t
		}
	}
	return hit
}

// ImageOfBuild is the image a compose service's build selects, or nil.
func ImageOfBuild(ims []*Image, s *compose.Service) *Image {
	b := s.Build
	if b == nil || b.Inline.Set() || b.DockerfilePath == "" {
		return nil
	}
	for _, t := range ims {
		if t.File.Path == b.DockerfilePath && t.File.Target(b.Target.Value) == t.Stage {
			return t
		}
	}
	return nil
}
