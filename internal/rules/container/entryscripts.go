package container

import (
	"path"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// This file answers which files of the tree an image executes at start-up (SS2009, SS2010,
// SS2011): what ENTRYPOINT and CMD run, through wrappers such as tini or an explicit shell, and
// the scripts those run in turn.

// entryFile is a file of the tree that an image runs at start-up.
type entryFile struct {
	t *deploy.Image
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
	ts := deploy.Images(p)
	for _, t := range ts {
		im := t.Image
		wd, _ := im.WorkingDir()
		if words, c := deploy.CommandWords(im); c != nil && len(words) > 0 {
			out = append(out, follow(p, t, entryOf(p, t, words, wd, func(i int) (source.Pos, string) { return deploy.WordPos(im, i) }), wd)...)
		}
		for _, r := range deploy.Runners(p, t) {
			words, pos, by := r.CommandOverride(im)
			if len(words) == 0 {
				continue
			}
			rwd, _, _ := r.WorkingDir(im)
			out = append(out, follow(p, t, entryOf(p, t, words, rwd, func(int) (source.Pos, string) { return pos, by }), rwd)...)
		}
	}
	return out
}

// follow returns first and the files of the tree its script runs by path.
func follow(p *facts.Project, t *deploy.Image, first *entryFile, wd string) []*entryFile {
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

// entryOf follows a command line through wrappers and shells to the file it runs.
func entryOf(p *facts.Project, t *deploy.Image, words []string, wd string, posOf func(int) (source.Pos, string)) *entryFile {
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
func fileAt(p *facts.Project, t *deploy.Image, w, dir string, pos source.Pos, by string, direct bool) *entryFile {
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
		e.Script = p.Script(pi.Src)
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
