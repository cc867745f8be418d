package container

import (
	"path"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// This file answers which files of the tree an image executes at start-up (SS2009, SS2010,
// SS2011): what ENTRYPOINT and CMD run, through wrappers such as tini or an explicit shell, and
// the scripts those run in turn.

// entryFile is a file of the tree that an image runs at start-up.
type entryFile struct {
	t *Target
	// Path is where it is in the image; Src the tree path it was copied from; Info its entry in
	// the image model (owner, mode, the COPY that placed it).
	Path, Src string
	Info      dockerfile.PathInfo
	// Pos is the instruction (or script line) that runs it, By names it ("ENTRYPOINT", "CMD",
	// "the script docker/entrypoint.sh").
	Pos source.Pos
	By  string
	// Direct says the kernel executes the file itself (exec bit and shebang needed); false when a
	// shell is given the file as its argument (sh entrypoint.sh).
	Direct bool
	// Script is the parsed file; nil for binaries.
	Script *script.Script
}

// wrappers are init programs and privilege droppers that execute their arguments.
var wrappers = map[string]bool{"tini": true, "dumb-init": true, "su-exec": true, "gosu": true, "exec": true, "env": true}

// shells run a script given as their first non-option argument.
var shells = map[string]bool{"sh": true, "bash": true, "ash": true, "dash": true, "zsh": true, "ksh": true}

// entryFiles lists the files of the tree the project's images run at start-up, one level of
// scripts deep: through ENTRYPOINT and CMD, and through the command a compose service or a
// Kubernetes container that runs the image sets instead.
func entryFiles(p *facts.Project) []*entryFile {
	var out []*entryFile
	ts := Targets(p)
	for _, t := range ts {
		im := t.Image
		wd, _ := im.WorkingDir()
		if words, c := commandWords(im); c != nil && len(words) > 0 {
			out = append(out, follow(p, t, entryOf(p, t, words, wd, func(i int) (source.Pos, string) { return wordPos(im, i) }), wd)...)
		}
		for _, r := range runners(p, ts, t) {
			words, pos, by := r.command(im)
			if len(words) == 0 {
				continue
			}
			rwd, _, _ := r.workingDir(im)
			out = append(out, follow(p, t, entryOf(p, t, words, rwd, func(int) (source.Pos, string) { return pos, by }), rwd)...)
		}
	}
	return out
}

// follow returns first and the files of the tree its script runs by path.
func follow(p *facts.Project, t *Target, first *entryFile, wd string) []*entryFile {
	if first == nil {
		return nil
	}
	out := []*entryFile{first}
	if first.Script == nil {
		return out
	}
	for _, cmd := range first.Script.Commands {
		name := cmd.Name
		if name == "" || !strings.Contains(name, "/") {
			continue
		}
		dir := wd
		if cmd.Dir != "" {
			if !path.IsAbs(cmd.Dir) {
				continue
			}
			dir = cmd.Dir
		}
		if e := fileAt(p, t, name, dir, cmd.Pos, "the script "+first.Src, true); e != nil {
			out = append(out, e)
		}
	}
	return out
}

// command is the command line a runner starts instead of the image's (compose entrypoint: or a
// command: replacing a CMD-only image; Kubernetes command:, or args: replacing a CMD-only image),
// with where it is written; nil when the runner keeps the image's program or the words are not
// literal.
func (r *runner) command(im *dockerfile.Image) ([]string, source.Pos, string) {
	if s := r.Service; s != nil {
		switch {
		case s.Entrypoint != nil && s.Entrypoint.Words != nil:
			words := append([]string(nil), s.Entrypoint.Words...)
			if s.Command != nil {
				words = append(words, s.Command.Words...)
			}
			return words, s.Entrypoint.Pos, r.Name + " entrypoint"
		case s.Entrypoint == nil && s.Command != nil && s.Command.Words != nil && im.Entrypoint == nil:
			return s.Command.Words, s.Command.Pos, r.Name + " command"
		}
		return nil, source.Pos{}, ""
	}
	c := r.Container
	if c == nil {
		return nil, source.Pos{}, ""
	}
	var ss []k8s.Scalar
	var what string
	switch {
	case len(c.Command) > 0:
		ss, what = append(append([]k8s.Scalar(nil), c.Command...), c.Args...), " command"
	case len(c.Args) > 0 && im.Entrypoint == nil:
		ss, what = c.Args, " args"
	default:
		return nil, source.Pos{}, ""
	}
	var words []string
	for _, s := range ss {
		if s.Templated() || strings.Contains(s.Value, "$(") {
			return nil, source.Pos{}, ""
		}
		words = append(words, s.Value)
	}
	return words, ss[0].Pos, r.Name + what
}

// commandWords is the command line an image runs: ENTRYPOINT's words then CMD's (exec forms),
// or a shell form as ["/bin/sh", "-c", line]. The instruction returned is the one whose first
// word starts the process.
func commandWords(im *dockerfile.Image) ([]string, *dockerfile.Command) {
	var words []string
	var first *dockerfile.Command
	for _, c := range []*dockerfile.Command{im.Entrypoint, im.Cmd} {
		if c == nil {
			continue
		}
		if first == nil {
			first = c
		}
		if !c.Exec {
			if c == im.Cmd && im.Entrypoint != nil {
				break // a shell-form CMD becomes arguments of ENTRYPOINT: not run
			}
			words = append(words, "/bin/sh", "-c", strings.Join(c.Args, " "))
			break
		}
		words = append(words, c.Args...)
	}
	return words, first
}

// wordPos is the position of the instruction that wrote word i of commandWords.
func wordPos(im *dockerfile.Image, i int) (source.Pos, string) {
	if e := im.Entrypoint; e != nil {
		if !e.Exec || i < len(e.Args) || im.Cmd == nil {
			return e.Pos, "ENTRYPOINT"
		}
	}
	if im.Cmd != nil {
		return im.Cmd.Pos, "CMD"
	}
	return source.Pos{}, ""
}

// entryOf follows a command line through wrappers and shells to the file it runs.
func entryOf(p *facts.Project, t *Target, words []string, wd string, posOf func(int) (source.Pos, string)) *entryFile {
	for i := 0; i < len(words); i++ {
		w := words[i]
		base := path.Base(w)
		pos, by := posOf(i)
		switch {
		case wrappers[base]:
			continue
		case w == "--" || i > 0 && (strings.HasPrefix(w, "-") || strings.Contains(w, "=")):
			continue
		case shells[base]:
			rest := words[i+1:]
			if len(rest) >= 2 && rest[0] == "-c" {
				fs := strings.Fields(rest[1])
				for len(fs) > 0 && (wrappers[fs[0]] || strings.Contains(fs[0], "=")) {
					fs = fs[1:]
				}
				if len(fs) == 0 || strings.ContainsAny(fs[0], "$`;&|<>()") {
					return nil
				}
				return fileAt(p, t, fs[0], wd, pos, by, true)
			}
			for _, a := range rest {
				if strings.HasPrefix(a, "-") {
					continue
				}
				return fileAt(p, t, a, wd, pos, by+" (through "+base+")", false)
			}
			return nil
		}
		return fileAt(p, t, w, wd, pos, by, true)
	}
	return nil
}

// fileAt resolves a program word against the image: a path (relative ones against dir), or a
// bare name looked up in the PATH directories. Only files copied from the build context are
// returned; binaries built in the Dockerfile are always executable.
func fileAt(p *facts.Project, t *Target, w, dir string, pos source.Pos, by string, direct bool) *entryFile {
	if w == "" || strings.ContainsAny(w, "$`{}") {
		return nil
	}
	var cands []string
	switch {
	case path.IsAbs(w):
		cands = []string{path.Clean(w)}
	case strings.Contains(w, "/"):
		if dir == "" {
			return nil
		}
		cands = []string{path.Join(dir, w)}
	case !direct:
		cands = []string{path.Join(dir, w)}
	default:
		for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
			cands = append(cands, path.Join(d, w))
		}
	}
	for _, c := range cands {
		pi, ok := t.Image.Paths[c]
		if !ok {
			continue
		}
		if pi.Src == "" || p.Tree.Get(pi.Src) == nil {
			return nil
		}
		e := &entryFile{t: t, Path: c, Src: pi.Src, Info: pi, Pos: pos, By: by, Direct: direct}
		e.Script, _ = script.ParseFile(p.Tree, pi.Src)
		return e
	}
	return nil
}

// execMode says whether a --chmod or chmod argument sets an execute bit: Yes, No, or Unknown
// when there is none or it cannot be read.
func execMode(mode string) dockerfile.Tri {
	if mode == "" {
		return dockerfile.Unknown
	}
	if n, err := strconv.ParseUint(mode, 8, 32); err == nil {
		if n&0o111 != 0 {
			return dockerfile.Yes
		}
		return dockerfile.No
	}
	for _, clause := range strings.Split(mode, ",") {
		if i := strings.IndexAny(clause, "+="); i >= 0 && strings.Contains(clause[i:], "x") {
			return dockerfile.Yes
		}
	}
	return dockerfile.Unknown
}

// modeFixed says whether the image sets an execute bit on the file or, recursively, on a
// directory above it (chmod -R +x /app), after the copy.
func modeFixed(e *entryFile) (bool, source.Pos) {
	if execMode(e.Info.Mode) == dockerfile.Yes {
		return true, e.Info.Pos
	}
	for d := path.Dir(e.Path); d != "/" && d != "."; d = path.Dir(d) {
		if pi, ok := e.t.Image.Paths[d]; ok && execMode(pi.Mode) == dockerfile.Yes {
			return true, pi.Pos
		}
	}
	return false, source.Pos{}
}

// runsScriptText says whether a RUN of the image mentions the file's name together with one of
// the words (dos2unix, chmod): a fix the image model does not record as a path effect.
func runsScriptText(e *entryFile, words ...string) bool {
	name := path.Base(e.Path)
	for st := e.t.Stage; st != nil; st = st.Base.FromStage {
		for _, r := range st.Runs {
			for _, w := range words {
				if strings.Contains(r.Script, w) && (strings.Contains(r.Script, name) || strings.Contains(r.Script, "*")) {
					return true
				}
			}
		}
	}
	return false
}
