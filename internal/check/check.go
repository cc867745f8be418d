// Package check answers what would keep a project from starting where it is deployed: it walks
// the tree, loads the facts of every artifact once, runs the catalog's detectors over them and
// returns the findings sorted, de-duplicated, filtered by suppressions and configuration.
package check

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/config"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/suppress"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Result is what a check found.
type Result struct {
	// Root is the checked directory as given.
	Root     string
	Findings []rule.Finding
	Notes    []source.Note
}

// Options say what to check with.
type Options struct {
	// Rules is the catalog to run.
	Rules []*rule.Rule
	// Config overrides the root's .shipshape.yaml when not nil.
	Config *config.Config
	// Only, when not empty, restricts the run to these rule IDs (for debugging one rule).
	Only []string
}

// Dir checks the project in dir. It fails only when dir cannot be read or its configuration is
// invalid; everything else is a finding or a note.
func Dir(dir string, opt Options) (*Result, error) {
	// The root is checked before the config so that "not a directory" names the directory,
	// not the config file inside it.
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s: %w", dir, tree.ErrNotDir)
	}
	cfg := opt.Config
	if cfg == nil {
		var err error
		if cfg, err = config.Load(dir); err != nil {
			return nil, err
		}
	}
	t, err := tree.Walk(dir, tree.Options{Skip: cfg.Skip})
	if err != nil {
		return nil, err
	}
	p := facts.Load(t)
	res := &Result{Root: dir, Notes: p.Notes}
	if len(t.Files) == 0 {
		res.Notes = append(res.Notes, source.Note{Text: "the directory has no files to check"})
	}
	findings, notes := Run(p, selectRules(opt.Rules, cfg, opt.Only))
	res.Notes = append(res.Notes, notes...)
	res.Notes = append(res.Notes, p.LateNotes()...)
	res.Findings = finish(t, findings, cfg)
	return res, nil
}

func selectRules(all []*rule.Rule, cfg *config.Config, only []string) []*rule.Rule {
	var out []*rule.Rule
	for _, r := range all {
		if cfg.Disabled(r.ID) {
			continue
		}
		if len(only) > 0 && !contains(only, r.ID) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Present says whether the facts hold an input.
func Present(p *facts.Project, in rule.Input) bool {
	switch in {
	case rule.GoCode:
		return p.Go != nil
	case rule.Dockerfile:
		return len(p.Dockerfiles) > 0
	case rule.Compose:
		return len(p.Compose) > 0
	case rule.Kubernetes:
		return len(p.Kubernetes) > 0
	case rule.Systemd:
		return len(p.Units) > 0
	case rule.Script:
		return len(p.Scripts) > 0
	case rule.EnvFile:
		return len(p.EnvFiles) > 0
	case rule.Binary:
		return p.Binary != nil
	case rule.Image:
		return p.Image != nil
	case rule.Host:
		return p.Host != nil
	}
	return false
}

// Run runs every rule whose inputs are present, concurrently, and returns the raw findings. A
// detector that fails or panics becomes a note: one broken rule never hides the others.
func Run(p *facts.Project, rules []*rule.Rule) ([]rule.Finding, []source.Note) {
	var (
		mu       sync.Mutex
		findings []rule.Finding
		notes    []source.Note
		wg       sync.WaitGroup
		sem      = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for _, r := range rules {
		if r.Run == nil || !requiresMet(p, r) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(r *rule.Rule) {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				if v := recover(); v != nil {
					mu.Lock()
					notes = append(notes, source.Note{Text: fmt.Sprintf("%s could not check: internal error: %v\n%s", r.ID, v, debug.Stack())})
					mu.Unlock()
				}
			}()
			pass := rule.NewPass(r, p, func(f rule.Finding) {
				mu.Lock()
				findings = append(findings, f)
				mu.Unlock()
			})
			if err := r.Run(pass); err != nil {
				mu.Lock()
				notes = append(notes, source.Note{Text: fmt.Sprintf("%s could not check: %v", r.ID, err)})
				mu.Unlock()
			}
		}(r)
	}
	wg.Wait()
	return findings, notes
}

func requiresMet(p *facts.Project, r *rule.Rule) bool {
	for _, in := range r.Requires {
		if !Present(p, in) {
			return false
		}
	}
	return true
}

// finish applies suppressions and configured severities, reports suppressions without a reason,
// then sorts and de-duplicates.
func finish(t *tree.Tree, findings []rule.Finding, cfg *config.Config) []rule.Finding {
	directives := scanDirectives(t)
	var out []rule.Finding
	for _, f := range findings {
		if suppressed(directives[f.File], f) {
			continue
		}
		out = append(out, f)
	}
	if !cfg.Disabled(UnexplainedSuppression.ID) {
		for file, ds := range directives {
			for _, d := range ds {
				if d.Reason == "" {
					pass := rule.NewPass(UnexplainedSuppression, nil, func(f rule.Finding) { out = append(out, f) })
					pass.Reportf(source.Pos{File: file, Line: d.Line}, "shipshape:ignore %v gives no reason: say why the finding does not apply, so the next reader can judge", d.IDs)
				}
			}
		}
	}
	for i := range out {
		if s, ok := cfg.Severity[out[i].ID]; ok {
			out[i].Severity = s
		}
	}
	return SortUnique(out)
}

// SortUnique sorts findings into their canonical order and drops exact duplicates.
func SortUnique(fs []rule.Finding) []rule.Finding {
	sort.SliceStable(fs, func(i, j int) bool { return rule.Less(fs[i], fs[j]) })
	out := fs[:0]
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.Key()] {
			continue
		}
		seen[f.Key()] = true
		out = append(out, f)
	}
	return out
}

func suppressed(ds []suppress.Directive, f rule.Finding) bool {
	for _, d := range ds {
		if d.Covers(f.ID, f.Line) {
			return true
		}
	}
	return false
}

// scanDirectives reads every artifact file of the tree for shipshape:ignore comments, two
// goroutines per core since the work is mostly reading.
func scanDirectives(t *tree.Tree) map[string][]suppress.Directive {
	out := map[string][]suppress.Directive{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	files := make(chan *tree.File)
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range files {
				b, err := t.Read(f)
				if err != nil {
					continue
				}
				if ds := suppress.Scan(b); len(ds) > 0 {
					mu.Lock()
					out[f.Path] = ds
					mu.Unlock()
				}
			}
		}()
	}
	for _, f := range t.Files {
		if f.Kind != tree.Other || f.Mode&0o111 != 0 {
			files <- f
		}
	}
	close(files)
	wg.Wait()
	return out
}
