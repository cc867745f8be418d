// Package gen writes deployment files that are right by construction for one Go program: a
// Dockerfile and .dockerignore, a systemd unit, Kubernetes manifests, a compose file and a
// GitHub Actions workflow, each derived from the facts check has (Go version, cgo, ports,
// required environment, files read and written, CA and zoneinfo needs, health routes).
package gen

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Plan is what every generated file says about one program, decided once from the facts.
type Plan struct {
	// Name is the binary name; Dir is the main package directory (slash, relative to the root).
	Name string
	Dir  string
	// ModDir is the directory of the program's go.mod ("." at the root); HasGoSum and Vendor
	// say what sits next to it; LocalReplace says go.mod replaces a module by a directory.
	ModDir       string
	HasGoSum     bool
	Vendor       bool
	LocalReplace bool
	// GoVersion is the golang image tag's version ("1.22", "1.23.4"), from go.mod's toolchain
	// line when it is newer than the go line; GoFrom says which line.
	GoVersion string
	GoFrom    source.Pos
	// Cgo lists why the program needs cgo; empty means CGO_ENABLED=0 and a static binary.
	Cgo []*gocode.Cgo
	// Libc is the C library of a cgo build: "musl" (the default: Alpine builder and runtime)
	// or "glibc" (Debian builder and distroless cc of the same Debian release); "" when static.
	Libc string
	// CA says the program makes outbound TLS connections; Zoneinfo that it loads time zones by
	// name without time/tzdata.
	CA       bool
	Zoneinfo bool
	// Files are what the program reads by relative path, to copy next to it.
	Files []RuntimeFile
	// WorkDir is where relative paths resolve in the image and the pod ("/app").
	WorkDir string
	// Writes are the directories the program writes to, absolute (relative ones under
	// WorkDir).
	Writes []string
	// Temp says the program uses the temporary directory.
	Temp bool
	// Ports are the ports the program listens on (not loopback), the main one first.
	Ports []Port
	// Env are the environment variables the program requires (no default), sorted.
	Env []string
	// Health is the health route ("/healthz"), "" when the code has none.
	Health    string
	HealthPos source.Pos
	// UnitBin is where the host's packaging installs the binary (goreleaser nfpms, a Makefile's
	// install), which a unit's ExecStart must name; BinPath when the repository does not say.
	UnitBin string
	// VersionVar is the -X target of the version variable, if any.
	VersionVar string
	// SetEnv are variables the generated files set, with their values and the reason, sorted
	// by name: a privileged default port moved, Gin's release mode.
	SetEnv []SetVar
	// Notes are what the generated files cannot fix (a loopback-only listener, an unresolved
	// path) and what they assume.
	Notes []string
}

// SetVar is one environment variable the deployment sets.
type SetVar struct {
	Name, Value, Why string
}

// RuntimeFile is one path the program reads relative to its working directory.
type RuntimeFile struct {
	// Src is the file or directory in the project (slash, relative to the root); Dst is the
	// path as the code names it (relative to WorkDir).
	Src, Dst string
	Dir      bool
	Pos      source.Pos
}

// Port is one listen port.
type Port struct {
	Number int
	// Env is the variable the port comes from, if any.
	Env string
	// Set says the deployment sets Env to Number: the code's default is a privileged port
	// (below 1024), which a non-root process cannot bind, so the generated files move it.
	Set bool
	Pos source.Pos
}

// Static says the binary is built with CGO_ENABLED=0.
func (p *Plan) Static() bool { return len(p.Cgo) == 0 }

// MainPort is the first port, 0 when the program listens on none.
func (p *Plan) MainPort() int {
	if len(p.Ports) == 0 {
		return 0
	}
	return p.Ports[0].Number
}

// BinPath is where the binary is installed in images and on hosts.
func (p *Plan) BinPath() string { return "/usr/local/bin/" + p.Name }

// NewPlan decides the plan for the program in directory want ("" when the project has one).
func NewPlan(pr *facts.Project, want string) (*Plan, error) {
	prog, err := build.Program(pr.Go, want)
	if err != nil {
		return nil, err
	}
	f := pr.Go
	p := &Plan{Name: prog.Name, Dir: prog.Dir, ModDir: ".", WorkDir: "/app", GoVersion: "1.26"}
	if m := prog.Module; m != nil {
		p.ModDir, p.HasGoSum, p.Vendor = m.Dir, m.HasGoSum, m.Vendor != nil && !m.Vendor.Missing
		for _, r := range m.Replaces {
			p.LocalReplace = p.LocalReplace || r.Local
		}
		p.GoVersion, p.GoFrom = goImage(m)
	} else {
		p.Notes = append(p.Notes, "the program is outside every module: the builder uses golang:"+p.GoVersion)
	}
	p.Cgo = build.CgoReasons(f, prog)
	if len(p.Cgo) > 0 {
		p.Libc = "musl"
	}
	p.CA = build.NeedsCA(f, prog)
	p.Zoneinfo = build.NeedsTZData(f, prog)
	if v, _ := build.FindVersionVar(pr, prog); v != "" {
		p.VersionVar = v
	}
	p.files(pr, prog)
	p.ports(f, prog)
	seen := map[string]bool{}
	for _, e := range f.Env {
		if prog.Reaches(e.Pkg) && e.Required && !e.HasDefault && e.Name != "" && !seen[e.Name] {
			seen[e.Name] = true
			p.Env = append(p.Env, e.Name)
		}
	}
	sort.Strings(p.Env)
	for _, t := range f.Temp {
		if prog.Reaches(t.Pkg) {
			p.Temp = true
		}
	}
	p.Health, p.HealthPos = healthRoute(pr, prog)
	p.UnitBin = p.BinPath()
	for _, in := range pr.Release.InstalledBinaries() {
		if in.Name == p.Name && path.IsAbs(in.Path) && !strings.ContainsAny(in.Path, "$({") {
			p.UnitBin = in.Path
			break
		}
	}
	for _, pt := range p.Ports {
		if pt.Set {
			p.SetEnv = append(p.SetEnv, SetVar{pt.Env, strconv.Itoa(pt.Number), "the code's default port is privileged"})
		}
	}
	if pos, ok := ginDebug(f, prog); ok {
		p.SetEnv = append(p.SetEnv, SetVar{"GIN_MODE", "release", pos.Short() + " creates a Gin engine and nothing sets its mode (debug by default)"})
	}
	sort.Slice(p.SetEnv, func(i, j int) bool { return p.SetEnv[i].Name < p.SetEnv[j].Name })
	return p, nil
}

// goImage picks the golang image version: the go line's major.minor (the image's latest patch
// is at least any x.y.z the go line names), or the toolchain line's full version when it asks
// for more.
func goImage(m *gocode.Module) (string, source.Pos) {
	v, pos := "1.26", m.GoPos
	if m.Go != "" {
		parts := strings.Split(m.Go, ".")
		if len(parts) >= 2 {
			v = parts[0] + "." + parts[1]
		} else {
			v = m.Go
		}
	}
	if tc := strings.TrimPrefix(m.Toolchain, "go"); tc != "" && tc != m.Toolchain && versionLess(v, tc) && !strings.HasPrefix(tc, v+".") {
		v, pos = tc, m.ToolchainPos
	}
	return v, pos
}

// versionLess orders dotted Go versions numerically ("1.9" < "1.23").
func versionLess(a, b string) bool { return binary.CompareVersions(a, b) < 0 }

// files finds, for every relative path the program reads, the project file or directory it
// names (looked up from the main package's directory, then the module's, then the root: where
// `go run` is usually started), and collects the directories it writes.
func (p *Plan) files(pr *facts.Project, prog *gocode.Program) {
	seen := map[string]bool{}
	writes := map[string]bool{}
	for _, u := range pr.Go.Files {
		if !prog.Reaches(u.Pkg) {
			continue
		}
		if u.Unresolved || u.Path == "" {
			if !u.Optional {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: %s opens a path this cannot evaluate; add what it needs to the image by hand", u.Pos.Short(), u.Call))
			}
			continue
		}
		if u.Write {
			dir := u.Path
			if !u.IsDir {
				dir = path.Dir(u.Path)
			}
			if !u.Absolute {
				dir = path.Join(p.WorkDir, dir)
			}
			writes[path.Clean(dir)] = true
			continue
		}
		if u.Absolute {
			if !u.Optional {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: %s reads %s, an absolute path: mount or install it where the program runs", u.Pos.Short(), u.Call, u.Path))
			}
			continue
		}
		rel := path.Clean(u.Path)
		dir := u.IsDir
		if u.IsGlob || strings.ContainsAny(rel, "*?[") {
			rel, dir = globDir(rel), true
		}
		if rel == "." || strings.HasPrefix(rel, "../") {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s reads %s relative to the working directory; copy it by hand", u.Pos.Short(), u.Call, u.Path))
			continue
		}
		if seen[rel] {
			continue
		}
		src := ""
		for _, base := range []string{prog.Dir, p.ModDir, "."} {
			if c := path.Join(base, rel); pr.Tree.Exists(c) {
				src = c
				break
			}
		}
		if src == "" {
			if !u.Optional {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: %s reads %s, which the project does not have; the image will not have it either", u.Pos.Short(), u.Call, u.Path))
			}
			continue
		}
		if pr.Tree.Get(src) == nil {
			dir = true
		}
		seen[rel] = true
		p.Files = append(p.Files, RuntimeFile{Src: src, Dst: rel, Dir: dir, Pos: u.Pos})
	}
	// A file inside a copied directory is already there.
	sort.Slice(p.Files, func(i, j int) bool { return p.Files[i].Dst < p.Files[j].Dst })
	var kept []RuntimeFile
	for _, rf := range p.Files {
		if len(kept) > 0 && kept[len(kept)-1].Dir && strings.HasPrefix(rf.Dst, kept[len(kept)-1].Dst+"/") {
			continue
		}
		kept = append(kept, rf)
	}
	p.Files = kept
	for w := range writes {
		p.Writes = append(p.Writes, w)
	}
	sort.Strings(p.Writes)
}

// globDir is the directory part of a glob before its first wildcard ("templates/*" →
// "templates").
func globDir(g string) string {
	i := strings.IndexAny(g, "*?[")
	d := path.Dir(g[:i] + "x")
	return path.Clean(d)
}

// unprivilegedPort is where a privileged default port moves when the code reads its port from
// the environment.
const unprivilegedPort = 8080

// ports lists the ports the program listens on, the one from the environment (the service
// port, which deployments set) first.
func (p *Plan) ports(f *gocode.Facts, prog *gocode.Program) {
	pprof := false
	for _, pp := range f.Pprof {
		pprof = pprof || pp.Blank && prog.Reaches(pp.Pkg)
	}
	var ls []*gocode.Listener
	for _, l := range f.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if pprof && l.DefaultMux {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: the server on %s serves net/http/pprof (a blank import registers it on the default mux): the generated files do not publish it", l.Pos.Short(), l.Addr))
			continue
		}
		if l.Loopback {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: listens on %s, loopback only: nothing outside the container or pod can reach it; listen on :%d instead", l.Pos.Short(), l.Addr, l.Port))
			continue
		}
		if l.Unresolved || l.Port == 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s listens on an address this cannot evaluate; set the port in the generated files by hand", l.Pos.Short(), l.Via))
			continue
		}
		ls = append(ls, l)
	}
	rank := func(l *gocode.Listener) int {
		switch {
		case l.PortFromEnv != "" || l.Flag != "":
			return 0
		case !l.DefaultMux:
			return 1
		}
		return 2
	}
	sort.SliceStable(ls, func(i, j int) bool { return rank(ls[i]) < rank(ls[j]) })
	seen := map[int]bool{}
	for _, l := range ls {
		if seen[l.Port] {
			continue
		}
		seen[l.Port] = true
		pt := Port{Number: l.Port, Env: l.PortFromEnv, Pos: l.Pos}
		if pt.Number < 1024 && pt.Env != "" && !seen[unprivilegedPort] {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: the default port %d is privileged; the generated files set %s=%d so that the non-root user can bind it", l.Pos.Short(), pt.Number, pt.Env, unprivilegedPort))
			pt.Number, pt.Set = unprivilegedPort, true
			seen[unprivilegedPort] = true
		}
		p.Ports = append(p.Ports, pt)
	}
}

// ginDebug returns the first Gin engine prog creates when no gin.SetMode of the program sets a
// mode (Gin then runs in debug mode unless GIN_MODE says otherwise).
func ginDebug(f *gocode.Facts, prog *gocode.Program) (source.Pos, bool) {
	var first *gocode.Gin
	for _, g := range f.Gin {
		if !prog.Reaches(g.Pkg) {
			continue
		}
		if g.Call == "gin.SetMode" {
			return source.Pos{}, false
		}
		if first == nil {
			first = g
		}
	}
	if first == nil {
		return source.Pos{}, false
	}
	return first.Pos, true
}
