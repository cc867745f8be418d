package dockerfile

import (
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Prop is a modelled property of the image and the position that established it (the FROM for
// base knowledge, the COPY or RUN that changed it).
type Prop struct {
	State Tri
	Pos   source.Pos
	// Why says in a few words where the value comes from ("base alpine", "apk add tzdata").
	Why string
}

// PathInfo is a path known to exist in the image.
type PathInfo struct {
	Pos source.Pos
	// Src is the tree path a context copy brought in, "" otherwise.
	Src string
	// Dir is true for directories (mkdir, WORKDIR, --from copies of directories).
	Dir bool
	// Owner is the owner set by COPY --chown or chown ("" = root, the default). Mode is the mode
	// set by --chmod or chmod.
	Owner, Mode string
}

// Binary is a Go binary the final image gets from a builder stage.
type Binary struct {
	// Path is where it lands in the image; Copy is the COPY --from that put it there, nil when
	// the binary was built in the image's own stage.
	Path string
	Copy *Copy
	// Build is the go build that produced it; Stage the builder stage.
	Build *GoBuild
	Stage *Stage
	// Builder is the table's knowledge of the builder's base image (Pos: its FROM).
	Builder    BaseInfo
	BuilderPos source.Pos
	// CGO is the effective CGO_ENABLED: Yes/No with the position that set it, or Go's default
	// (cgo on when the builder has a C compiler) with CGOPos at the builder's FROM.
	CGO         Tri
	CGOPos      source.Pos
	CGOExplicit bool
	// Static is the predicted linkage: Yes when cgo is off, or when it is on and linked with
	// -extldflags -static; No when cgo is on without it; Unknown otherwise. Code that uses cgo
	// (from the gocode facts) combined with CGO=No is the rule's business, not this model's.
	Static Tri
	// NetgoOsusergo is true when -tags has both netgo and osusergo (pure-Go net and os/user
	// even with cgo on).
	NetgoOsusergo bool
	// GOOS and GOARCH are the values in effect (Origin "default" when unset: the builder's own
	// platform).
	GOOS, GOARCH Value
	// PlatformRefs are the builder stage's uses of TARGETARCH, TARGETPLATFORM, BUILDPLATFORM …
	// each saying whether the stage declared the ARG.
	PlatformRefs []*PlatformRef
}

// Image is the model of the image one stage produces.
type Image struct {
	File  *File
	Stage *Stage
	// Base is the table's knowledge of the root image of the stage chain (through FROM <stage>).
	Base    BaseInfo
	BasePos source.Pos
	// Arch is the platform from --platform, "" (unknown) otherwise.
	Arch string
	Libc Prop
	// LibcFamily and GlibcVersion repeat Base's (a RUN install of glibc or gcompat changes Libc).
	LibcFamily   string
	GlibcVersion string
	CABundle     Prop
	Zoneinfo     Prop
	Shell        Prop
	Passwd       Prop
	Tmp          Prop
	// Users are the accounts known to exist (base table plus users created), with the position
	// that established each.
	Users map[string]source.Pos
	// UsersKnown is false when the base is unknown: a user missing from Users may still exist.
	UsersKnown bool
	// Paths are the absolute paths known to exist, from the base table (only a few well-known
	// ones), copies, WORKDIR and RUN effects.
	Paths map[string]PathInfo
	// Packages are packages installed by RUN, by name.
	Packages map[string]source.Pos
	// Workdir and User are the last WORKDIR and USER (nil: the base's default, see Base).
	Workdir *Workdir
	User    *User
	// Env is the ENV in effect at the end of the stage chain, by name.
	Env map[string]*Var
	// Entrypoint and Cmd are the effective ones (inherited through FROM <stage>); nil when set
	// by the base image only.
	Entrypoint, Cmd *Command
	Expose          []*Port
	Healthcheck     *Healthcheck
	Volumes         []*Volume
	Binaries        []*Binary
}

// Model computes the image stage s of f produces. FROM <stage> chains are followed so the
// model includes what earlier stages put in.
func Model(f *File, s *Stage) *Image {
	if s == nil {
		return nil
	}
	chain := []*Stage{s}
	for cur := s; cur.Base.FromStage != nil && len(chain) <= len(f.Stages); cur = cur.Base.FromStage {
		chain = append([]*Stage{cur.Base.FromStage}, chain...)
	}
	root := chain[0]
	im := &Image{File: f, Stage: s, BasePos: root.Base.Pos, Users: map[string]source.Pos{},
		Paths: map[string]PathInfo{}, Packages: map[string]source.Pos{}, Env: map[string]*Var{}}
	if !root.Base.Unresolved {
		im.Base = Lookup(root.Base.Ref)
	}
	if p := root.Base.Platform; p != "" && !strings.Contains(p, "$") {
		if _, arch, ok := strings.Cut(p, "/"); ok {
			im.Arch = arch
		}
	}
	b := im.Base
	why := "base " + root.Base.Ref
	im.LibcFamily = LibcUnknown
	if b.Known {
		im.LibcFamily, im.GlibcVersion = b.Libc, b.GlibcVersion
		im.UsersKnown = true
		for u := range b.Users {
			im.Users[u] = root.Base.Pos
		}
		if b.Tmp == Yes {
			im.Paths["/tmp"] = PathInfo{Pos: root.Base.Pos, Dir: true}
		}
		if b.CABundle == Yes {
			im.Paths["/etc/ssl/certs/ca-certificates.crt"] = PathInfo{Pos: root.Base.Pos}
		}
		if b.Zoneinfo == Yes {
			im.Paths["/usr/share/zoneinfo"] = PathInfo{Pos: root.Base.Pos, Dir: true}
		}
		if b.Shell == Yes {
			im.Paths["/bin/sh"] = PathInfo{Pos: root.Base.Pos}
		}
	}
	libcState := Unknown
	switch im.LibcFamily {
	case LibcGlibc, LibcMusl, LibcUClibc:
		libcState = Yes
	case LibcNone:
		libcState = No
	}
	im.Libc = Prop{State: libcState, Pos: root.Base.Pos, Why: why}
	im.CABundle = Prop{State: b.CABundle, Pos: root.Base.Pos, Why: why}
	im.Zoneinfo = Prop{State: b.Zoneinfo, Pos: root.Base.Pos, Why: why}
	im.Shell = Prop{State: b.Shell, Pos: root.Base.Pos, Why: why}
	im.Passwd = Prop{State: b.Passwd, Pos: root.Base.Pos, Why: why}
	im.Tmp = Prop{State: b.Tmp, Pos: root.Base.Pos, Why: why}
	for _, st := range chain {
		im.apply(st)
	}
	// Binaries built in the image's own stages (single-stage Dockerfiles) are in it too.
	for _, st := range chain {
		for _, r := range st.Runs {
			for _, g := range r.GoBuilds {
				if g.OutputAbs != "" {
					im.Binaries = append(im.Binaries, newBinary(g, st, g.OutputAbs, nil))
					im.Paths[g.OutputAbs] = PathInfo{Pos: g.Pos}
				}
			}
		}
	}
	return im
}

// apply adds what one stage's instructions do.
func (im *Image) apply(s *Stage) {
	for _, step := range s.Steps {
		switch x := step.(type) {
		case *Var:
			if !x.Arg {
				im.Env[x.Name] = x
			}
		case *Workdir:
			im.Workdir = x
			im.addDir(strings.TrimSuffix(x.Path, "/"), x.Pos, "")
		case *User:
			im.User = x
		case *Copy:
			im.copy(x)
		case *Run:
			im.run(x)
		case *Port:
			im.Expose = append(im.Expose, x)
		case *Command:
			switch x.Kind {
			case "ENTRYPOINT":
				im.Entrypoint = x
				im.Cmd = nil // an ENTRYPOINT resets CMD set before it
			case "CMD":
				im.Cmd = x
			}
		case *Healthcheck:
			im.Healthcheck = x
		case *Volume:
			im.Volumes = append(im.Volumes, x)
			im.addDir(x.Path, x.Pos, "")
		}
	}
}

// addDir records dir and its parents as existing directories.
func (im *Image) addDir(dir string, pos source.Pos, owner string) {
	for d := path.Clean(dir); d != "/" && d != "."; d = path.Dir(d) {
		if _, ok := im.Paths[d]; ok {
			if owner == "" {
				return
			}
		}
		pi := im.Paths[d]
		if pi.Pos.File == "" || owner != "" && d == path.Clean(dir) {
			pi.Pos, pi.Dir = pos, true
			if d == path.Clean(dir) && owner != "" {
				pi.Owner = owner
			}
			im.Paths[d] = pi
		}
	}
}

func (im *Image) copy(c *Copy) {
	for _, pl := range c.Placed {
		dest := path.Clean(pl.Dest)
		im.addDir(path.Dir(dest), c.Pos, "")
		pi := PathInfo{Pos: c.Pos, Dir: pl.Dir, Owner: c.Chown, Mode: c.Chmod}
		if c.From == "" {
			pi.Src = pl.Src
		}
		im.Paths[dest] = pi
		switch {
		case dest == "/etc/ssl/certs/ca-certificates.crt" || dest == "/etc/ssl/certs" || strings.HasPrefix(dest, "/etc/ssl/certs/") && pl.Dir:
			im.CABundle = Prop{State: Yes, Pos: c.Pos, Why: "copied " + pl.Src}
		case dest == "/usr/share/zoneinfo" || strings.HasPrefix(dest, "/usr/share/zoneinfo/"):
			im.Zoneinfo = Prop{State: Yes, Pos: c.Pos, Why: "copied " + pl.Src}
		case dest == "/etc/passwd":
			im.Passwd = Prop{State: Yes, Pos: c.Pos, Why: "copied " + pl.Src}
			// The users it defines come from the source stage or file: not enumerated.
			im.UsersKnown = false
		case dest == "/tmp":
			im.Tmp = Prop{State: Yes, Pos: c.Pos, Why: "copied " + pl.Src}
		case dest == "/bin/sh" || dest == "/bin" && pl.Dir:
			im.Shell = Prop{State: Yes, Pos: c.Pos, Why: "copied " + pl.Src}
		}
		if c.FromStage != nil {
			if bin := im.binary(c, pl); bin != nil {
				im.Binaries = append(im.Binaries, bin)
				if bin.Path != dest { // a directory copy: the source held the binary
					delete(im.Paths, dest)
					im.addDir(path.Clean(c.DestAbs), c.Pos, c.Chown)
					im.Paths[bin.Path] = PathInfo{Pos: c.Pos, Owner: c.Chown, Mode: c.Chmod}
				}
			}
		}
	}
	if c.Unresolved && c.From == "" && len(c.Placed) == 0 {
		// Something unknown landed at the destination.
		im.Paths[path.Clean(c.DestAbs)] = PathInfo{Pos: c.Pos, Dir: c.DestIsDir, Owner: c.Chown, Mode: c.Chmod}
	}
}

func (im *Image) run(r *Run) {
	for _, in := range r.Installs {
		for _, p := range in.Packages {
			im.Packages[p] = in.Pos
			why := in.Manager + " install " + p
			switch p {
			case "ca-certificates", "ca-certificates-bundle":
				im.CABundle = Prop{State: Yes, Pos: in.Pos, Why: why}
				im.Paths["/etc/ssl/certs/ca-certificates.crt"] = PathInfo{Pos: in.Pos}
			case "tzdata":
				im.Zoneinfo = Prop{State: Yes, Pos: in.Pos, Why: why}
				im.Paths["/usr/share/zoneinfo"] = PathInfo{Pos: in.Pos, Dir: true}
			case "gcompat", "libc6-compat":
				// glibc compatibility on musl: a dynamic glibc binary may load.
				if im.LibcFamily == LibcMusl {
					im.Libc = Prop{State: Yes, Pos: in.Pos, Why: why + " (glibc compatibility on musl)"}
				}
			}
		}
	}
	if r.UpdateCACerts.File != "" && im.CABundle.State != Yes && im.Packages["ca-certificates"].File != "" {
		im.CABundle = Prop{State: Yes, Pos: r.UpdateCACerts, Why: "update-ca-certificates"}
	}
	for _, p := range r.Paths {
		switch p.Op {
		case "mkdir":
			im.addDir(p.Path, p.Pos, "")
		case "touch", "ln":
			im.addDir(path.Dir(p.Path), p.Pos, "")
			if _, ok := im.Paths[p.Path]; !ok {
				im.Paths[p.Path] = PathInfo{Pos: p.Pos}
			}
		case "chown", "chmod":
			pi, ok := im.Paths[p.Path]
			if !ok {
				pi = PathInfo{Pos: p.Pos}
			}
			if p.Op == "chown" {
				pi.Owner = p.Arg
			} else {
				pi.Mode = p.Arg
			}
			pi.Pos = p.Pos
			im.Paths[p.Path] = pi
		}
	}
	for _, u := range r.UsersAdded {
		if !u.Group {
			im.Users[u.Name] = u.Pos
			if im.Passwd.State != Yes {
				im.Passwd = Prop{State: Yes, Pos: u.Pos, Why: "user " + u.Name + " created"}
			}
		}
	}
}

// binary links a --from copy to the go build that wrote its source, when there is one.
func (im *Image) binary(c *Copy, pl Placed) *Binary {
	src := strings.TrimSuffix(pl.Src, "/")
	var build *GoBuild
	var stage *Stage
	dest := ""
	for st := c.FromStage; st != nil && build == nil; st = st.Base.FromStage {
		for _, r := range slices.Backward(st.Runs) {
			for _, g := range slices.Backward(r.GoBuilds) {
				out := g.OutputAbs
				switch {
				case out == "":
				case out == src:
					build, stage, dest = g, st, pl.Dest
				case strings.ContainsAny(src, "*?["):
					if ok, _ := path.Match(src, out); ok { // COPY --from=build /out/* /bin/
						build, stage, dest = g, st, path.Join(c.DestAbs, path.Base(out))
					}
				case strings.HasPrefix(out, src+"/"):
					// The source is a directory holding the binary: its contents land in Dest.
					build, stage = g, st
					dest = path.Join(c.DestAbs, strings.TrimPrefix(out, src+"/"))
				}
				if build != nil {
					break
				}
			}
			if build != nil {
				break
			}
		}
	}
	if build == nil {
		return nil
	}
	return newBinary(build, stage, dest, c)
}

// newBinary predicts the linkage of the binary build wrote, found at dest in the image.
func newBinary(build *GoBuild, stage *Stage, dest string, c *Copy) *Binary {
	root := stage
	for root.Base.FromStage != nil {
		root = root.Base.FromStage
	}
	bin := &Binary{Path: path.Clean(dest), Copy: c, Build: build, Stage: stage, BuilderPos: root.Base.Pos}
	if !root.Base.Unresolved {
		bin.Builder = Lookup(root.Base.Ref)
	}
	bin.PlatformRefs = stage.PlatformRefs
	bin.GOOS = goEnv(build, "GOOS")
	bin.GOARCH = goEnv(build, "GOARCH")
	tags := map[string]bool{}
	for _, t := range build.Tags {
		tags[t] = true
	}
	bin.NetgoOsusergo = tags["netgo"] && tags["osusergo"]
	if v, ok := build.Env["CGO_ENABLED"]; ok && !v.Unresolved {
		bin.CGOExplicit, bin.CGOPos = true, v.Pos
		bin.CGO = No
		if v.Value == "1" {
			bin.CGO = Yes
		}
	} else if !ok {
		bin.CGOPos = root.Base.Pos
		// Go's default: cgo on for native builds when a C compiler is found, off when
		// cross-compiling. A set GOARCH may or may not be the builder's own: unknown.
		cross := bin.GOARCH.Origin != "default" || bin.GOOS.Origin != "default" && bin.GOOS.Value != "linux"
		cc := installsCC(stage)
		switch {
		case cross:
			bin.CGO = Unknown
		case bin.Builder.GCC == Yes:
			bin.CGO = Yes
		case cc != nil:
			bin.CGO, bin.CGOPos = Yes, cc.Pos
		case bin.Builder.GCC == No:
			bin.CGO = No
		}
	}
	switch {
	case bin.CGO == No:
		bin.Static = Yes
	case bin.CGO == Yes && build.ExtStatic:
		bin.Static = Yes
	case bin.CGO == Yes:
		bin.Static = No
	}
	return bin
}

// installsCC returns the install of a C compiler (apk add gcc / build-base, apt-get install
// gcc …) in a stage or the stages it is built on, nil when there is none.
func installsCC(s *Stage) *Install {
	for st := s; st != nil; st = st.Base.FromStage {
		for _, r := range st.Runs {
			for _, in := range r.Installs {
				for _, p := range in.Packages {
					switch p {
					case "gcc", "build-base", "clang", "build-essential", "gcc-c++":
						return in
					}
				}
			}
		}
	}
	return nil
}

func goEnv(g *GoBuild, name string) Value {
	if v, ok := g.Env[name]; ok {
		return v
	}
	return Value{Origin: "default"}
}

// Sorted returns the image paths in order (for stable output and tests).
func (im *Image) Sorted() []string {
	out := make([]string, 0, len(im.Paths))
	for p := range im.Paths {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// HasUser says whether the named (or numeric) user exists: Yes/No when the users are known,
// Unknown otherwise. Numeric users always work for the kernel, so they answer Yes. A
// "user:group" value is judged by its user part; a value with a variable is Unknown.
func (im *Image) HasUser(name string) Tri {
	name, _, _ = strings.Cut(name, ":")
	if strings.Contains(name, "$") {
		return Unknown
	}
	if name == "" || strings.Trim(name, "0123456789") == "" {
		return Yes
	}
	if _, ok := im.Users[name]; ok {
		return Yes
	}
	if !im.UsersKnown || im.Passwd.State == Unknown {
		return Unknown
	}
	return No
}

// WorkingDir is the directory the container starts in and the position that set it: the last
// WORKDIR, else the base image's default (at the FROM); "" when the base is unknown.
func (im *Image) WorkingDir() (string, source.Pos) {
	if im.Workdir != nil {
		return path.Clean(im.Workdir.Path), im.Workdir.Pos
	}
	if im.Base.Known {
		return im.Base.Workdir, im.BasePos
	}
	return "", im.BasePos
}

// RunAs is the user the container runs as and the position that set it: the last USER, else
// the base image's default ("" = root, known only when the base is in the table).
func (im *Image) RunAs() (user string, pos source.Pos, known bool) {
	if im.User != nil {
		return im.User.Raw, im.User.Pos, true
	}
	return im.Base.User, im.BasePos, im.Base.Known
}

// binDirs are where a command named without a path is looked up.
var binDirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// HasCommand says whether the program name (a bare name looked up on the PATH, or an absolute
// path) exists in the image, with the position that says so: a copy or install, the FROM of a
// base that has it or is known to lack it; Unknown when the table does not say.
func (im *Image) HasCommand(name string) (Tri, source.Pos) {
	if path.IsAbs(name) {
		if pi, ok := im.Paths[path.Clean(name)]; ok {
			return Yes, pi.Pos
		}
		if name == "/bin/sh" && im.Shell.State != Unknown {
			return im.Shell.State, im.Shell.Pos
		}
		name = path.Base(name)
	}
	for _, d := range binDirs {
		if pi, ok := im.Paths[path.Join(d, name)]; ok {
			return Yes, pi.Pos
		}
	}
	if pos, ok := im.Packages[name]; ok {
		return Yes, pos
	}
	if name == "sh" && im.Shell.State != Unknown {
		return im.Shell.State, im.Shell.Pos
	}
	b := im.Base
	switch {
	case !b.Known:
		return Unknown, im.BasePos
	case slices.Contains(b.Commands, name):
		return Yes, im.BasePos
	case b.Exhaustive || slices.Contains(b.Absent, name):
		if len(im.Packages) > 0 && !b.Exhaustive {
			// An installed package may bring the program under another package's name.
			return Unknown, im.BasePos
		}
		return No, im.BasePos
	}
	return Unknown, im.BasePos
}
