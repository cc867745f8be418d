// Package facts gathers the typed facts of every artifact a rule may read: the Go code, the
// deployment files of a project, and (for inspect, snapshot and diff) a binary, an image or a
// host. Parsers fill it; rules read it; nothing here knows about rules.
package facts

import (
	"sort"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/dotenv"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/host"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/release"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Project is everything known about one checked directory (and, for inspect, one artifact).
// A nil or empty field means that input is absent.
type Project struct {
	Tree        *tree.Tree
	Go          *gocode.Facts
	Dockerfiles []*dockerfile.File
	Compose     []*compose.File
	Kubernetes  []*k8s.Object
	Units       []*systemd.Unit
	Scripts     []*script.Script
	EnvFiles    []*dotenv.File
	Release     *release.Facts

	// Binary, Image and Host are set by inspect, snapshot and diff.
	Binary *binary.Facts
	Image  *image.Facts
	Host   *host.Snapshot

	// Notes are what the loaders could not read or evaluate.
	Notes []source.Note
}

// Load parses every artifact of t. Loaders run concurrently; each is independent of the others.
func Load(t *tree.Tree) *Project {
	p := &Project{Tree: t}
	var mu sync.Mutex
	var wg sync.WaitGroup
	note := func(ns []source.Note) {
		mu.Lock()
		p.Notes = append(p.Notes, ns...)
		mu.Unlock()
	}
	run := func(f func() []source.Note) {
		wg.Add(1)
		go func() { defer wg.Done(); note(f()) }()
	}
	run(func() (n []source.Note) { p.Go, n = gocode.Load(t); return })
	run(func() (n []source.Note) { p.Dockerfiles, n = dockerfile.Load(t); return })
	run(func() (n []source.Note) { p.Compose, n = compose.Load(t); return })
	run(func() (n []source.Note) { p.Kubernetes, n = k8s.Load(t); return })
	run(func() (n []source.Note) { p.Units, n = systemd.Load(t); return })
	run(func() (n []source.Note) { p.Scripts, n = script.Load(t); return })
	run(func() (n []source.Note) { p.EnvFiles, n = dotenv.Load(t); return })
	run(func() (n []source.Note) { p.Release, n = release.Load(t); return })
	wg.Wait()
	p.Notes = append(p.Notes, t.Notes...)
	sort.SliceStable(p.Notes, func(i, j int) bool { return p.Notes[i].Pos.Before(p.Notes[j].Pos) })
	return p
}
