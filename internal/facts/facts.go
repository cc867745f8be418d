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

	// scripts caches the scripts parsed on demand by Script, and lateNotes their notes.
	scriptMu  sync.Mutex
	scripts   map[string]*script.Script
	lateNotes []source.Note
}

// Script returns the facts of the script at a slash path of the tree: the one Load found, or
// the file parsed now and cached. An entrypoint an image or a unit runs need not look like a
// script by its name (docker-entrypoint, bin/start), so Load cannot find every one; rules ask for
// them here instead of parsing files themselves. Nil when the file is absent or binary. Safe for
// concurrent rules.
func (p *Project) Script(rel string) *script.Script {
	p.scriptMu.Lock()
	defer p.scriptMu.Unlock()
	if p.scripts == nil {
		p.scripts = map[string]*script.Script{}
		for _, s := range p.Scripts {
			p.scripts[s.Path] = s
		}
	}
	if s, ok := p.scripts[rel]; ok {
		return s
	}
	var s *script.Script
	if p.Tree != nil {
		var notes []source.Note
		s, notes = script.ParseFile(p.Tree, rel)
		p.lateNotes = append(p.lateNotes, notes...)
	}
	p.scripts[rel] = s
	return s
}

// LateNotes are the notes of what was parsed on demand after Load (Script), for drivers to
// report once the rules have run.
func (p *Project) LateNotes() []source.Note {
	p.scriptMu.Lock()
	defer p.scriptMu.Unlock()
	return append([]source.Note(nil), p.lateNotes...)
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
