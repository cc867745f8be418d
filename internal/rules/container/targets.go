package container

import (
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
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

// Targets lists the images of the project with their binaries. It is computed anew on each
// call; rules call it once per Run.
func Targets(p *facts.Project) []*Target {
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
			t.Binaries = append(t.Binaries, &Bin{Binary: b, Program: programOf(p.Go, f, b)})
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
// the stage copied there from the build context tell which directory of the tree it is.
func programOf(g *gocode.Facts, f *dockerfile.File, b *dockerfile.Binary) *gocode.Program {
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
