// Package dockerfile answers what each Dockerfile builds: stages, copies, commands and the final
// image they produce, read with BuildKit's own parser.
//
// The API rule writers use:
//
//   - Load(t) parses every Dockerfile of the tree (Dockerfile*, *.dockerfile, Containerfile;
//     templates and Dockerfile.md are skipped) with its directory as the build context, or the
//     nearest parent where its COPY sources are (File.ContextGuessed). LoadWithContext(t, path,
//     dir) models a file against the context a compose file or workflow names; Parse(name, data)
//     reads content without a tree.
//   - File.ParseError is set when BuildKit refuses the file (unknown instruction, unterminated
//     heredoc, a line over 64 KiB, binary content): report it as config-invalid, and do not trust
//     the stages of such a file. Warnings holds BuildKit's warnings (empty continuation lines).
//   - File.Stages in order; File.Final() is what `docker build` builds, File.Target(name) what a
//     compose or workflow `target:` selects. File.Copies() lists every COPY/ADD.
//   - Stage: Base (FROM with ARGs expanded, Platform, Digest, FromStage, Unresolved), Args, Env,
//     Workdirs (absolute Path, Relative), Users (Name, UID/GID, Numeric), Copies (Sources, DestAbs,
//     From/FromStage, Chown, Chmod, Link, Heredocs, and Placed: which project files land where,
//     .dockerignore applied), Runs (GoBuilds, GoMod, Installs, Paths, UsersAdded,
//     UpdateCACerts, every one at the shell word's own line and column), Expose, Entrypoint, Cmd
//     (Exec or shell form), Healthcheck (None, Exec, Args), Volumes, Shell, StopSignal,
//     PlatformRefs (TARGETARCH & co. and whether the stage declared them), and Steps in order.
//   - Model(f, stage) is the image the stage produces: Base (the table in bases.go, Lookup),
//     Libc/LibcFamily/GlibcVersion, CABundle, Zoneinfo, Shell, Passwd, Tmp (each a Prop: Yes,
//     No or Unknown with the Pos that established it), Users/HasUser, Paths (PathInfo with
//     owner and mode), Packages, HasCommand(name), WorkingDir(), RunAs(), Env, Entrypoint, Cmd, Expose,
//     Healthcheck, Volumes, Arch, and Binaries: each Go binary with its GoBuild, builder
//     BaseInfo, effective CGO (explicit or Go's default), predicted Static linkage,
//     NetgoOsusergo, GOOS and GOARCH.
//
// Every fact carries the source.Pos of the instruction (or the shell word inside a RUN) that
// established it. Unknown stays unknown: a base missing from the table yields Unknown for every
// property, and a value built from an ARG without a value is marked Unresolved.
package dockerfile

import (
	"bytes"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// File is one parsed Dockerfile.
type File struct {
	// Path is the slash path of the Dockerfile relative to the checked root.
	Path string
	// Context is the slash path of the build context relative to the checked root ("." for the
	// root). Load uses the Dockerfile's directory, or the nearest parent directory where its
	// COPY sources exist (`docker build -f build/Dockerfile .`), and then sets ContextGuessed.
	Context        string
	ContextGuessed bool
	// ParseError is set when BuildKit rejects the file; nil otherwise.
	ParseError *ParseError
	// MetaArgs are the ARGs before the first FROM (usable in FROM lines only).
	MetaArgs []*Var
	// Stages are the build stages in file order.
	Stages []*Stage
	// Ignore is the .dockerignore applied to the context, nil when there is none.
	Ignore *Ignore
	// Warnings are BuildKit parser warnings (for example empty continuation lines).
	Warnings []source.Note

	tree  *tree.Tree
	notes []source.Note
	// missing counts COPY sources not found in the build context.
	missing int
}

// ParseError is why BuildKit would refuse the file, at the line it names.
type ParseError struct {
	Pos source.Pos
	Msg string
}

func (e *ParseError) Error() string { return e.Pos.String() + ": " + e.Msg }

// Final is the stage `docker build` builds without --target: the last one. It is nil when the
// file has no stage.
func (f *File) Final() *Stage {
	if len(f.Stages) == 0 {
		return nil
	}
	return f.Stages[len(f.Stages)-1]
}

// Target is the stage named name (case-insensitive, as BuildKit compares them), or the final
// stage when name is empty; nil when no stage has that name.
func (f *File) Target(name string) *Stage {
	if name == "" {
		return f.Final()
	}
	return f.stageNamed(name, len(f.Stages))
}

// stageNamed finds a stage by name or index among the first n stages.
func (f *File) stageNamed(name string, n int) *Stage {
	lower := strings.ToLower(name)
	for _, s := range f.Stages[:n] {
		if s.Name == lower {
			return s
		}
	}
	return nil
}

// Load finds and parses every Dockerfile in t, each with its own directory as the build context.
func Load(t *tree.Tree) ([]*File, []source.Note) {
	var files []*File
	var notes []source.Note
	for _, tf := range t.OfKind(tree.Dockerfile) {
		if inGoVendor(t, tf.Path) {
			continue // a dependency's Dockerfile, not this project's deployment
		}
		switch kindOfName(tf.Path) {
		case notDockerfile:
			continue
		case template:
			notes = append(notes, source.Notef(source.Pos{File: tf.Path}, "Dockerfile template: not parsed"))
			continue
		}
		f, ns := loadGuessingContext(t, tf.Path)
		notes = append(notes, ns...)
		if f != nil {
			files = append(files, f)
		}
	}
	return files, notes
}

// LoadWithContext parses the Dockerfile at the slash path rel of t with the build context
// contextDir (a slash path relative to the root, "." for the root), as compose's build.context
// or a workflow's context: says. It returns nil and a note when the file cannot be read.
func LoadWithContext(t *tree.Tree, rel, contextDir string) (*File, []source.Note) {
	tf := t.Get(rel)
	if tf == nil {
		return nil, []source.Note{source.Notef(source.Pos{File: rel}, "Dockerfile not found in the checked tree")}
	}
	data, err := t.Read(tf)
	if err != nil {
		return nil, []source.Note{source.Notef(source.Pos{File: rel}, "cannot read: %v", err)}
	}
	contextDir = path.Clean(strings.TrimPrefix(contextDir, "./"))
	ig, notes := loadIgnore(t, rel, contextDir)
	f := parse(rel, data, &buildContext{tree: t, dir: contextDir, ignore: ig})
	if f.ParseError != nil && bytes.Contains(data, []byte("{{")) && bytes.Contains(data, []byte("}}")) {
		// A Go, Helm or Jinja template rendered before the build: not a Dockerfile as it stands.
		return nil, append(notes, source.Notef(f.ParseError.Pos, "Dockerfile looks like a template ({{ }}): not parsed (%s)", f.ParseError.Msg))
	}
	f.Ignore = ig
	f.tree = t
	notes = append(notes, f.notes...)
	f.notes = nil
	return f, notes
}

// Parse parses Dockerfile content named rel without a tree: copies from the build context are
// recorded but not expanded into files. It never panics; errors become File.ParseError and
// what it could not model is in WithNotes.
func Parse(rel string, data []byte) *File {
	return parse(rel, data, nil)
}

// Copies lists every COPY and ADD of the file, in order.
func (f *File) Copies() []*Copy {
	var out []*Copy
	for _, s := range f.Stages {
		out = append(out, s.Copies...)
	}
	return out
}

// WithNotes returns the notes of a file made by Parse (warnings included): what LoadWithContext
// returns alongside the File.
func (f *File) WithNotes() []source.Note {
	return append(append([]source.Note(nil), f.notes...), f.Warnings...)
}

type nameKind int

const (
	dockerfileName nameKind = iota
	notDockerfile
	template
)

// kindOfName sorts out names the tree classifies as Dockerfiles by their prefix but that are
// documentation, configuration or templates (Dockerfile.md, dockerfile-lint.yml,
// Dockerfile.tmpl).
func kindOfName(rel string) nameKind {
	ext := strings.ToLower(path.Ext(rel))
	switch ext {
	case ".md", ".txt", ".rst", ".yml", ".yaml", ".json", ".toml", ".go", ".sh", ".py", ".js", ".ts",
		".html", ".xml", ".cfg", ".ini", ".lock", ".orig", ".rej", ".swp", ".bak", ".ps1", ".bat", ".dockerignore":
		return notDockerfile
	case ".tmpl", ".tpl", ".j2", ".jinja", ".jinja2", ".template", ".erb", ".gotmpl", ".mustache", ".hbs", ".ejs", ".m4", ".in":
		return template
	}
	return dockerfileName
}

// loadGuessingContext parses rel with its own directory as the context; when some COPY sources
// are missing there, it looks for the nearest parent directory where more of them exist (all,
// ideally) and models the file against that one instead, noting the choice.
func loadGuessingContext(t *tree.Tree, rel string) (*File, []source.Note) {
	dir := path.Dir(rel)
	f, notes := LoadWithContext(t, rel, dir)
	if f == nil || f.missing == 0 || dir == "." {
		return f, notes
	}
	var srcs []string
	for _, c := range f.Copies() {
		if c.From == "" {
			srcs = append(srcs, c.Sources...)
		}
	}
	best, bestFound := dir, countExisting(t, dir, srcs)
	for d := path.Dir(dir); ; d = path.Dir(d) {
		if n := countExisting(t, d, srcs); n > bestFound {
			best, bestFound = d, n
		}
		if bestFound == len(srcs) || d == "." {
			break
		}
	}
	if best == dir {
		return f, notes
	}
	g, gnotes := LoadWithContext(t, rel, best)
	if g == nil || g.missing >= f.missing {
		return f, notes
	}
	g.ContextGuessed = true
	return g, append(gnotes, source.Notef(source.Pos{File: rel}, "build context taken to be %s, where the COPY sources are, not the Dockerfile's directory", best))
}

// countExisting counts the sources that name something under the directory dir of the tree.
// It is the cheap test that picks a context; .dockerignore is applied by the real load after.
func countExisting(t *tree.Tree, dir string, srcs []string) int {
	n := 0
	for _, src := range srcs {
		rel := path.Join(dir, path.Clean("/" + src)[1:])
		if !strings.ContainsAny(src, "*?[") {
			if t.Exists(rel) {
				n++
			}
			continue
		}
		c := &buildContext{tree: t, dir: dir}
		for _, f := range c.under(literalDir(path.Clean("/" + src)[1:])) {
			if ok, _ := path.Match(rel, f.Path); ok {
				n++
				break
			}
		}
	}
	return n
}

// inGoVendor says whether rel lies in a Go vendor directory (one holding modules.txt).
func inGoVendor(t *tree.Tree, rel string) bool {
	segs := strings.Split(rel, "/")
	for i, seg := range segs[:len(segs)-1] {
		if seg == "vendor" && t.Get(strings.Join(append(segs[:i:i], "vendor", "modules.txt"), "/")) != nil {
			return true
		}
	}
	return false
}
