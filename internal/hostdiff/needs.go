package hostdiff

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
)

// Tri is a need that may be unknown.
type Tri int8

const (
	Maybe Tri = iota // not known: treated as needed
	Yes
	No
)

// Needs is what one binary or project needs from a host; it narrows the differences that
// matter to those. The zero value needs nothing known.
type Needs struct {
	// What names the need in messages ("./app", "the project").
	What string
	// Binary says the binary fields are known.
	Binary bool
	// Arch is the binary's GOARCH ("" when unknown).
	Arch string
	// Interp is the binary's loader ("" for a static binary).
	Interp string
	// GlibcFloor is the highest GLIBC_x.y the binary imports, GlibcSymbol one symbol that
	// needs it.
	GlibcFloor, GlibcSymbol string

	// Project says the project fields are known.
	Project bool
	// Ports are the ports the code listens on.
	Ports []int
	// Env are the variables the code reads.
	Env []EnvNeed
	// TLS and Zones say whether outbound TLS and time.LoadLocation are used.
	TLS, Zones Tri
	// Temp says the code uses the temporary directory; Writes that it writes files.
	Temp, Writes bool
	// GoVersion is the highest go directive of the project's go.mod files ("" when none).
	GoVersion string
}

// EnvNeed is one variable the code reads.
type EnvNeed struct {
	Name     string
	Required bool
	// Where is the first position that reads it, like "main.go:12".
	Where string
}

// FromProject reads the needs of a project from its facts (facts.Load(tree.Walk(dir))).
func FromProject(p *facts.Project) (*Needs, error) {
	if p == nil || p.Go == nil || len(p.Go.Programs) == 0 {
		return nil, errors.New("no Go program (package main) found")
	}
	g := p.Go
	n := &Needs{What: "the project", Project: true, TLS: No, Zones: No}
	for _, l := range g.Listeners {
		if l.Port > 0 && !slices.Contains(n.Ports, l.Port) {
			n.Ports = append(n.Ports, l.Port)
		}
	}
	sort.Ints(n.Ports)
	byName := map[string]int{}
	for _, e := range g.Env {
		if e.Name == "" {
			continue
		}
		if i, ok := byName[e.Name]; ok {
			n.Env[i].Required = n.Env[i].Required || e.Required && !e.HasDefault
			continue
		}
		byName[e.Name] = len(n.Env)
		n.Env = append(n.Env, EnvNeed{Name: e.Name, Required: e.Required && !e.HasDefault, Where: e.Pos.Short()})
	}
	sort.Slice(n.Env, func(i, j int) bool { return n.Env[i].Name < n.Env[j].Name })
	if len(g.TLS) > 0 {
		n.TLS = Yes
	}
	if len(g.Locations) > 0 {
		n.Zones = Yes
		embedded := true
		for _, prog := range g.Programs {
			embedded = embedded && prog.Reaches("time/tzdata")
		}
		if embedded {
			n.Zones = No
		}
	}
	n.Temp = len(g.Temp) > 0
	for _, m := range g.Modules {
		if numeric(m.Go) && host.CompareVersions(m.Go, n.GoVersion) > 0 {
			n.GoVersion = m.Go
		}
	}
	for _, f := range g.Files {
		n.Writes = n.Writes || f.Write
	}
	return n, nil
}

// FromBinary reads the needs of an executable with internal/binary: its architecture, its
// loader, the newest glibc symbol version it imports and, for a Go binary whose function
// names could be read, whether it makes outbound TLS connections and loads time zones by
// name without time/tzdata.
func FromBinary(path string) (*Needs, error) {
	f, err := binary.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if f.Format != binary.ELF {
		return nil, fmt.Errorf("%s: not an ELF executable (%s)", path, f.Format)
	}
	n := &Needs{What: path, Binary: true, Arch: f.Arch, Interp: f.Interp,
		GlibcFloor: f.GlibcFloor, GlibcSymbol: f.GlibcFloorSymbol, TLS: Maybe, Zones: Maybe}
	if f.Static {
		n.Interp = ""
	}
	if g := f.Go; g != nil && g.FuncNamesRead {
		n.TLS, n.Zones = No, No
		if g.TLSClient {
			n.TLS = Yes
		}
		if g.LoadsLocation && !g.TZData {
			n.Zones = Yes
		}
	}
	return n, nil
}

func numeric(v string) bool {
	for _, p := range strings.Split(v, ".") {
		if _, err := strconv.Atoi(p); err != nil {
			return false
		}
	}
	return v != ""
}

// Merge combines the needs of a binary and a project.
func Merge(bin, proj *Needs) *Needs {
	switch {
	case bin == nil:
		return proj
	case proj == nil:
		return bin
	}
	n := *proj
	n.What = bin.What
	n.Binary, n.Arch, n.Interp, n.GlibcFloor, n.GlibcSymbol = true, bin.Arch, bin.Interp, bin.GlibcFloor, bin.GlibcSymbol
	// What the built binary links is surer than what the source seems to use.
	if bin.TLS != Maybe {
		n.TLS = bin.TLS
	}
	if bin.Zones != Maybe {
		n.Zones = bin.Zones
	}
	return &n
}

// String says what is needed, for the head of a report: "./app: amd64, loader
// /lib64/ld-linux-x86-64.so.2, glibc 2.34 or newer; ports :8080; env API_KEY (required)".
func (n *Needs) String() string {
	if n == nil {
		return ""
	}
	var parts []string
	if n.Binary {
		p := n.Arch
		if n.Interp == "" {
			p += ", static"
		} else {
			p += ", loader " + n.Interp
		}
		if n.GlibcFloor != "" {
			p += ", glibc " + n.GlibcFloor + " or newer"
		}
		parts = append(parts, p)
	}
	if n.Project {
		if len(n.Ports) > 0 {
			parts = append(parts, "ports "+portList(n.Ports))
		}
		if len(n.Env) > 0 {
			var names []string
			for _, e := range n.Env {
				if e.Required {
					names = append(names, e.Name+" (required)")
				} else {
					names = append(names, e.Name)
				}
			}
			parts = append(parts, "env "+strings.Join(names, ", "))
		}
		var uses []string
		if n.TLS == Yes {
			uses = append(uses, "outbound TLS")
		}
		if n.Zones == Yes {
			uses = append(uses, "time zones by name")
		}
		if n.Temp {
			uses = append(uses, "/tmp")
		}
		if n.Writes {
			uses = append(uses, "file writes")
		}
		if len(uses) > 0 {
			parts = append(parts, strings.Join(uses, ", "))
		}
		if len(parts) == 0 {
			parts = append(parts, "nothing this comparison checks")
		}
	}
	return n.What + ": " + strings.Join(parts, "; ")
}
