package build

import (
	"context"
	"fmt"
	"os/exec"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
)

// Target is one platform to build for.
type Target struct {
	OS, Arch string
	// Variant is the arm version ("v7" → GOARM=7), "" otherwise.
	Variant string
}

func (t Target) String() string {
	s := t.OS + "/" + t.Arch
	if t.Variant != "" {
		s += "/" + t.Variant
	}
	return s
}

// FileName is dist's name of the target's binary: <name>_<os>_<arch>[<variant>][.exe].
func (t Target) FileName(name string) string {
	s := name + "_" + t.OS + "_" + t.Arch + t.Variant
	if t.OS == "windows" {
		s += ".exe"
	}
	return s
}

// ParseTarget reads "os/arch" or "os/arch/variant" (also "os_arch").
func ParseTarget(s string) (Target, error) {
	parts := strings.Split(strings.ReplaceAll(strings.TrimSpace(s), "_", "/"), "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return Target{}, fmt.Errorf("target %q: want os/arch, like linux/amd64", s)
	}
	t := Target{OS: parts[0], Arch: parts[1]}
	if len(parts) == 3 {
		if t.Arch != "arm" || !strings.HasPrefix(parts[2], "v") {
			return Target{}, fmt.Errorf("target %q: only arm takes a variant (linux/arm/v7)", s)
		}
		t.Variant = parts[2]
	}
	return t, nil
}

var (
	distOnce sync.Once
	distList map[string]bool
	distErr  error
)

// knownTargets is the toolchain's own list (go tool dist list).
func knownTargets(ctx context.Context, goCmd string) (map[string]bool, error) {
	distOnce.Do(func() {
		out, err := exec.CommandContext(ctx, goCmd, "tool", "dist", "list").Output()
		if err != nil {
			distErr = fmt.Errorf("asking the Go toolchain for its platforms (go tool dist list): %w", err)
			return
		}
		distList = map[string]bool{}
		for _, l := range strings.Fields(string(out)) {
			distList[l] = true
		}
	})
	return distList, distErr
}

// CheckTargets fails for a target the toolchain does not know.
func CheckTargets(ctx context.Context, goCmd string, ts []Target) error {
	known, err := knownTargets(ctx, goCmd)
	if err != nil {
		return err
	}
	for _, t := range ts {
		if !known[t.OS+"/"+t.Arch] {
			var same []string
			for k := range known {
				if strings.HasPrefix(k, t.OS+"/") {
					same = append(same, k)
				}
			}
			sort.Strings(same)
			hint := "go tool dist list shows them all"
			if len(same) > 0 {
				hint = "it knows " + strings.Join(same, ", ")
			}
			return fmt.Errorf("unknown target %s: the Go toolchain cannot build for it (%s)", t, hint)
		}
	}
	return nil
}

// DefaultTargets are the platforms to build when none is given: the host snapshot's, else the
// platforms the repository's release workflows, goreleaser images and Dockerfiles build, else
// linux on this machine's architecture. from says where they came from.
func DefaultTargets(p *facts.Project, h *host.Snapshot) (ts []Target, from string) {
	if h != nil && h.Arch != "" && h.Arch != host.Unknown {
		return []Target{{OS: "linux", Arch: h.Arch}}, "the host snapshot"
	}
	seen := map[string]bool{}
	var where []string
	add := func(plat, pos string) {
		t, err := ParseTarget(plat)
		if err != nil || strings.Contains(plat, "$") || seen[t.String()] {
			return
		}
		seen[t.String()] = true
		ts = append(ts, t)
		where = append(where, pos)
	}
	if r := p.Release; r != nil {
		for _, g := range r.Goreleaser {
			for _, img := range g.Images {
				for _, v := range img.Platforms {
					add(v.Text, v.Pos.Short())
				}
			}
		}
		for _, w := range r.Workflows {
			for _, img := range w.Images {
				for _, v := range img.Platforms {
					add(v.Text, v.Pos.Short())
				}
			}
		}
	}
	for _, df := range p.Dockerfiles {
		if len(df.Stages) == 0 {
			continue
		}
		last := df.Stages[len(df.Stages)-1]
		if pl := last.Base.Platform; pl != "" {
			add(pl, last.Pos.Short())
		}
	}
	if len(ts) > 0 {
		sort.Slice(ts, func(i, j int) bool { return ts[i].String() < ts[j].String() })
		return ts, "the platforms the repository builds images for (" + strings.Join(uniq(where), ", ") + ")"
	}
	return []Target{{OS: "linux", Arch: runtime.GOARCH}}, "this machine's architecture (no --target, --host or image platforms in the repository)"
}

func uniq(ss []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
