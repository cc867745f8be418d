package release

import (
	"path"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Goreleaser is one goreleaser configuration. Values are as written: templates such as
// {{ .ProjectName }} are not expanded, and unset lists mean goreleaser's defaults.
type Goreleaser struct {
	Path string
	// Env is the top-level env: list, which applies to every build.
	Env      []Setting
	Builds   []*Build
	Packages []*Package
	Images   []*Image
}

// Build is one entry of builds:.
type Build struct {
	Pos    source.Pos
	ID     Value
	Main   Value
	Binary Value // unset means the project name
	// Builder is "go" unless written otherwise ("prebuilt", "rust", …).
	Builder Value
	Skip    Value
	// GOOS, GOARCH, GOARM and Targets ("linux_amd64") are the platforms; unset GOOS and GOARCH
	// mean goreleaser's defaults (darwin, linux, windows × 386, amd64, arm64).
	GOOS    []Value
	GOARCH  []Value
	GOARM   []Value
	Targets []Value
	Env     []Setting
	Ldflags []Value
	Flags   []Value
	Tags    []Value
}

// CGOEnabled returns the CGO_ENABLED setting of the build, from its env or the config's; ok is
// false when neither sets it (then the go tool's default applies: on for native builds with a
// C compiler, off for cross builds).
func (g *Goreleaser) CGOEnabled(b *Build) (Setting, bool) {
	for _, env := range [][]Setting{b.Env, g.Env} {
		for i := len(env) - 1; i >= 0; i-- {
			if env[i].Name == "CGO_ENABLED" {
				return env[i], true
			}
		}
	}
	return Setting{}, false
}

// Package is one entry of nfpms: a deb, rpm or apk package.
type Package struct {
	Pos         source.Pos
	ID          Value
	PackageName Value
	// Bindir is where the builds' binaries are installed; unset means /usr/bin.
	Bindir  Value
	Formats []Value
	// Builds are the build IDs packaged (ids: or the older builds:); none means every build.
	Builds   []Value
	Contents []Content
}

// BinDir is the directory binaries land in: Bindir or goreleaser's default.
func (p *Package) BinDir() string {
	if p.Bindir.Text != "" {
		return p.Bindir.Text
	}
	return "/usr/bin"
}

// Content is one file a package installs.
type Content struct {
	Src  Value
	Dst  Value
	Type Value // "config", "dir", "symlink", …; unset for a plain file
}

// Image is a container image a release builds.
type Image struct {
	Pos source.Pos
	// From is what builds it: "goreleaser dockers", "goreleaser dockers_v2", "goreleaser kos",
	// or "workflow docker/build-push-action".
	From string
	// Platforms are os/arch[/variant] strings; for goreleaser's dockers: they come from goos,
	// goarch and goarm (defaults linux/amd64) or a --platform build flag.
	Platforms  []Value
	Dockerfile Value
	// BaseImage is ko's base_image.
	BaseImage Value
	// Builds are the build IDs the image takes binaries from; none means all.
	Builds []Value
}

// ParseGoreleaser reads a goreleaser config. It returns nil when the file is empty or not YAML.
func ParseGoreleaser(p string, data []byte) (*Goreleaser, []source.Note) {
	root, notes := parseYAML(p, data)
	if root == nil {
		return nil, notes
	}
	g := &Goreleaser{Path: p, Env: envSettings(p, get(root, "env"))}
	pos := func(n *yaml.Node) source.Pos { return source.Pos{File: p, Line: n.Line, Col: n.Column} }
	builds := items(get(root, "builds"))
	if b := get(root, "build"); b != nil { // goreleaser v0: a single build:
		builds = append(builds, b)
	}
	for _, b := range builds {
		if b.Kind != yaml.MappingNode {
			continue
		}
		g.Builds = append(g.Builds, &Build{
			Pos: pos(b), ID: value(p, get(b, "id")), Main: value(p, get(b, "main")),
			Binary: value(p, get(b, "binary")), Builder: value(p, get(b, "builder")), Skip: value(p, get(b, "skip")),
			GOOS: values(p, get(b, "goos")), GOARCH: values(p, get(b, "goarch")), GOARM: values(p, get(b, "goarm")),
			Targets: values(p, get(b, "targets")), Env: envSettings(p, get(b, "env")),
			Ldflags: values(p, get(b, "ldflags")), Flags: values(p, get(b, "flags")), Tags: values(p, get(b, "tags")),
		})
	}
	for _, n := range items(get(root, "nfpms")) {
		if n.Kind != yaml.MappingNode {
			continue
		}
		pkg := &Package{
			Pos: pos(n), ID: value(p, get(n, "id")), PackageName: value(p, get(n, "package_name")),
			Bindir: value(p, get(n, "bindir")), Formats: values(p, get(n, "formats")),
			Builds: append(values(p, get(n, "ids")), values(p, get(n, "builds"))...),
		}
		for _, c := range items(get(n, "contents")) {
			pkg.Contents = append(pkg.Contents, Content{Src: value(p, get(c, "src")), Dst: value(p, get(c, "dst")), Type: value(p, get(c, "type"))})
		}
		g.Packages = append(g.Packages, pkg)
	}
	for _, d := range items(get(root, "dockers")) {
		if d.Kind != yaml.MappingNode {
			continue
		}
		img := &Image{Pos: pos(d), From: "goreleaser dockers", Dockerfile: value(p, get(d, "dockerfile")),
			Builds: append(values(p, get(d, "ids")), values(p, get(d, "builds"))...)}
		for _, f := range values(p, get(d, "build_flag_templates")) {
			if pl, ok := strings.CutPrefix(f.Text, "--platform="); ok {
				img.Platforms = append(img.Platforms, Value{Text: pl, Pos: f.Pos})
			}
		}
		if len(img.Platforms) == 0 {
			goos, goarch, goarm := value(p, get(d, "goos")), value(p, get(d, "goarch")), value(p, get(d, "goarm"))
			plat := Value{Text: "linux/amd64", Pos: img.Pos}
			if goos.Set() || goarch.Set() {
				os, arch := "linux", "amd64"
				if goos.Set() {
					os, plat.Pos = goos.Text, goos.Pos
				}
				if goarch.Set() {
					arch, plat.Pos = goarch.Text, goarch.Pos
				}
				plat.Text = os + "/" + arch
				if arch == "arm" {
					v := "6" // goreleaser's default goarm
					if goarm.Set() {
						v = goarm.Text
					}
					plat.Text += "/v" + v
				}
			}
			img.Platforms = []Value{plat}
		}
		g.Images = append(g.Images, img)
	}
	for _, d := range items(get(root, "dockers_v2")) {
		if d.Kind != yaml.MappingNode {
			continue
		}
		img := &Image{Pos: pos(d), From: "goreleaser dockers_v2", Dockerfile: value(p, get(d, "dockerfile")),
			Platforms: values(p, get(d, "platforms")), Builds: values(p, get(d, "ids"))}
		if len(img.Platforms) == 0 {
			img.Platforms = []Value{{Text: "linux/amd64", Pos: img.Pos}, {Text: "linux/arm64", Pos: img.Pos}}
		}
		g.Images = append(g.Images, img)
	}
	for _, k := range items(get(root, "kos")) {
		if k.Kind != yaml.MappingNode {
			continue
		}
		img := &Image{Pos: pos(k), From: "goreleaser kos", Platforms: values(p, get(k, "platforms")),
			BaseImage: value(p, get(k, "base_image")), Builds: values(p, get(k, "build"))}
		if len(img.Platforms) == 0 {
			img.Platforms = []Value{{Text: "linux/amd64", Pos: img.Pos}}
		}
		g.Images = append(g.Images, img)
	}
	return g, notes
}

// installed lists the binaries the config's packages install, and the files they place in bin
// directories through contents:.
func (g *Goreleaser) installed() []Installed {
	var out []Installed
	for _, pkg := range g.Packages {
		ids := map[string]bool{}
		for _, b := range pkg.Builds {
			ids[b.Text] = true
		}
		for _, b := range g.Builds {
			if len(ids) > 0 && !ids[b.ID.Text] {
				continue
			}
			name := b.Binary.Text
			if name == "" {
				name = "{{ .ProjectName }}"
			}
			pos := pkg.Bindir.Pos
			if !pkg.Bindir.Set() {
				pos = pkg.Pos
			}
			out = append(out, Installed{Name: path.Base(name), Path: strings.TrimSuffix(pkg.BinDir(), "/") + "/" + path.Base(name), From: "goreleaser nfpms", Pos: pos})
		}
		for _, c := range pkg.Contents {
			if c.Dst.Set() && binDir(c.Dst.Text) && c.Type.Text != "dir" && c.Type.Text != "config" {
				out = append(out, Installed{Name: path.Base(c.Dst.Text), Path: c.Dst.Text, From: "goreleaser nfpms contents", Pos: c.Dst.Pos})
			}
		}
	}
	return out
}
