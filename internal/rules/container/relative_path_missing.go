package container

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// RelativePathMissing is a file the code opens at run time that the deployed layout does not
// contain: templates, static assets or configuration left out of the final image.
var RelativePathMissing = &rule.Rule{
	ID:       "SS2006",
	Class:    "relative-path-missing",
	Title:    "files the code opens at run time are missing from the image",
	Severity: rule.Error,
	Doc: `**What happens.** The service starts and panics while loading templates, or exits reading its
configuration:

    panic: html/template: pattern matches no files: ` + "`templates/*`" + `
    open config.yml: no such file or directory

**Why.** Multi-stage builds copy only what they name into the final stage, usually the binary.
Files the code reads at run time (Gin LoadHTMLGlob/LoadHTMLFiles, template.ParseGlob,
http.Dir/Static, os.ReadFile of a config, viper config paths) are resolved on disk, relative to
the working directory, and are not part of the binary unless a //go:embed directive covers them.
COPY a/ b/ ./ also copies the contents of a and b, not the directories, so templates/ vanishes.

**How to confirm.**

    docker run --rm --entrypoint ls IMAGE -la /app /app/templates
    grep -rnE 'LoadHTML|ParseGlob|ParseFiles|ReadFile|go:embed' --include=*.go .
    shipshape check .

**How to fix.** Embed the files, or copy them next to the binary and run from that directory:

    //go:embed templates/*
    var templates embed.FS

    # or in the final stage:
    WORKDIR /app
    COPY --from=build /src/templates ./templates`,
	Fix:     "Embed run-time files with //go:embed, or COPY them into the final stage at the path the code opens them from (relative to WORKDIR).",
	Symptom: "html/template: pattern matches no files / open <file>: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("pattern matches no files",
			"pattern matches no files: `?(?P<path>[^`\\s]+)`?\\s*$",
			"panic: html/template: pattern matches no files: templates/*"),
		rule.Sig("no such file or directory",
			`(?:^|[\s"=:])open (?P<path>[^/\s"][^\s":]*): no such file or directory"?$`,
			`time="2020-07-20T10:27:55Z" level=error msg="open config.yml: no such file or directory"`),
	},
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runRelativePathMissing,
}

func runRelativePathMissing(p *rule.Pass) error {
	for _, m := range missingFiles(p.Project) {
		if m.elsewhere != "" && m.t.Image.Workdir == nil {
			continue // SS2007: the files are in the image, the working directory is not set
		}
		f, t := m.use, m.t
		uses := fmt.Sprintf("%s %s %s %s relative to the working directory", f.Pos.Short(), f.Call, useVerb(f), describePath(f))
		var msg string
		related := []rule.Related{{Pos: m.wdPos, Message: "working directory " + m.wd}}
		switch {
		case f.EmbeddedBy != nil:
			msg = fmt.Sprintf("%s, although %s embeds %s with //go:embed into %s: the embedded copy is never used, and the image of %s has no %s (%s), so %s",
				uses, f.EmbeddedBy.Pos.Short(), f.EmbeddedBy.Pattern, f.EmbeddedBy.Var, t.File.Path, m.abs, m.copied, m.consequence)
			related = append(related, rule.Related{Pos: f.EmbeddedBy.Pos, Message: "//go:embed " + f.EmbeddedBy.Pattern})
		case m.elsewhere != "":
			msg = fmt.Sprintf("%s; the image of %s starts in %s (%s), but %s puts the files at %s, so %s",
				uses, t.File.Path, m.wd, m.wdPos.Short(), m.elsewherePos.Short(), m.elsewhere, m.consequence)
			related = append(related, rule.Related{Pos: m.elsewherePos, Message: "copies them to " + m.elsewhere})
		default:
			what := m.abs
			if f.IsGlob {
				what = "file matching " + m.abs
			}
			msg = fmt.Sprintf("%s; the image of %s starts in %s (%s) and has no %s (%s), so %s",
				uses, t.File.Path, m.wd, m.wdPos.Short(), what, m.copied, m.consequence)
		}
		if m.bin.Copy != nil {
			related = append(related, rule.Related{Pos: m.bin.Copy.Pos, Message: "copies the binary " + m.bin.Path})
		}
		related = append(related, rule.Related{Pos: m.bin.Program.Pos, Message: "program " + m.bin.Program.Name + " runs in the image"})
		p.Report(rule.Finding{Pos: f.Pos, Severity: m.severity, Message: msg, Related: related, Symptom: m.symptom})
	}
	return nil
}

// missing is a file the program of an image opens relative to its working directory and the
// image does not hold there.
type missing struct {
	t   *deploy.Image
	bin *deploy.Bin
	use *gocode.FileUse
	// abs is the path (or pattern) the program opens; wd the working directory and where it
	// is set.
	abs, wd string
	wdPos   source.Pos
	// copied says what the final stage copies instead ("only /app/server is copied into it").
	copied string
	// elsewhere is where the image holds the files instead, if anywhere, and the copy that put
	// them there.
	elsewhere    string
	elsewherePos source.Pos
	consequence  string
	symptom      string
	severity     rule.Severity
}

// serving are calls that serve files per request: a missing directory answers 404 rather than
// stopping the program.
var serving = map[string]bool{
	"http.Dir": true, "gin.Dir": true, "gin.Static": true, "echo.Static": true, "fiber.Static": true,
	"os.DirFS": true, "http.ServeFile": true, "gin.StaticFile": true, "echo.File": true,
}

// missingFiles lists, for every image of the project whose program is known, the relative paths
// the program opens (reads that fail when absent) that the image does not provide at its working
// directory. Unknown stays unknown: an unresolved path, a path from a flag or variable some
// deployment may set, a COPY the model cannot expand, a directory copied from a builder stage
// with unknown contents, or a mount over the path, all give nothing.
func missingFiles(p *facts.Project) []missing {
	g := p.Go
	if g == nil {
		return nil
	}
	ts := deploy.Images(p)
	var out []missing
	for _, t := range ts {
		bin := t.Main()
		im := t.Image
		if bin == nil || !im.Base.Known || unexpandable(t.Stage) {
			continue
		}
		wd, wdPos := im.WorkingDir()
		if wd == "" || strings.Contains(wd, "$") {
			continue
		}
		if im.Workdir != nil && im.Workdir.Unresolved {
			continue
		}
		rs := deploy.Runners(p, t)
		if !startsInWorkdir(p, t, rs) {
			continue
		}
		for _, f := range g.Files {
			if !bin.Program.Reaches(f.Pkg) || f.Unresolved || f.Path == "" || f.Absolute || f.Write || f.Optional ||
				strings.HasPrefix(f.Call, "viper.") || strings.HasPrefix(f.Call, "godotenv.") {
				continue
			}
			if configurable(t, rs, f) {
				continue
			}
			rel := path.Clean(f.Path)
			if rel == "." || strings.HasPrefix(rel, "../") {
				continue
			}
			abs := path.Join(wd, rel)
			if mounted(t, rs, abs) {
				continue
			}
			if st := provides(t, abs, f.IsGlob); st != dockerfile.No {
				continue
			}
			m := missing{t: t, bin: bin, use: f, abs: abs, wd: wd, wdPos: wdPos, copied: copiedSummary(t)}
			m.elsewhere, m.elsewherePos = findElsewhere(t, rel, f.IsGlob)
			switch {
			case serving[f.Call]:
				m.severity = rule.Warning
				m.consequence = "every request for these files answers 404 Not Found"
				m.symptom = "404 page not found"
			case f.IsGlob:
				m.consequence = fmt.Sprintf("the program stops at start-up: \"html/template: pattern matches no files: %s\"", f.Path)
				m.symptom = "html/template: pattern matches no files: " + f.Path
			default:
				m.consequence = fmt.Sprintf("the call fails: \"open %s: no such file or directory\"", f.Path)
				m.symptom = "open " + f.Path + ": no such file or directory"
			}
			out = append(out, m)
		}
	}
	return out
}

func useVerb(f *gocode.FileUse) string {
	switch {
	case serving[f.Call]:
		return "serves"
	case f.IsGlob:
		return "loads"
	}
	return "opens"
}

func describePath(f *gocode.FileUse) string {
	s := f.Path
	switch {
	case f.Flag != "":
		s += " (the default of -" + f.Flag + ")"
	case f.Env != "":
		s += " (the default when $" + f.Env + " is unset)"
	}
	return s
}

// unexpandable says whether a copy of the stage chain brought files the model cannot list.
func unexpandable(s *dockerfile.Stage) bool {
	for st := s; st != nil; st = st.Base.FromStage {
		for _, c := range st.Copies {
			if c.Unresolved || len(c.Heredocs) > 0 && len(c.Placed) == 0 {
				return true
			}
		}
		for _, r := range st.Runs {
			if r.Unparsed {
				return true
			}
		}
	}
	return false
}

// configurable says whether a deployment may point the path elsewhere: a flag the image or a
// runner passes, an environment variable the image or a runner sets (or may set).
func configurable(t *deploy.Image, rs []*deploy.Target, f *gocode.FileUse) bool {
	if f.Flag != "" {
		for _, c := range []*dockerfile.Command{t.Image.Entrypoint, t.Image.Cmd} {
			if c != nil && (mentionsFlag(c.Args, f.Flag) || !c.Exec) {
				return true
			}
		}
		for _, r := range rs {
			if r.Overrides() {
				return true
			}
		}
	}
	if f.Env != "" {
		if _, ok := t.Image.Env[f.Env]; ok {
			return true
		}
		for _, r := range rs {
			if r.SetsEnv(f.Env) {
				return true
			}
		}
	}
	return false
}

func mentionsFlag(args []string, flag string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == flag || strings.HasPrefix(a, flag+"=") || strings.Contains(a, "-"+flag) {
			return true
		}
	}
	return false
}

// mounted says whether the image declares a VOLUME over abs, or a runner mounts something there.
func mounted(t *deploy.Image, rs []*deploy.Target, abs string) bool {
	for _, v := range t.Image.Volumes {
		if covers(v.Path, abs) {
			return true
		}
	}
	for _, r := range rs {
		for _, m := range r.Mounts() {
			if covers(m.Target, abs) {
				return true
			}
		}
	}
	return false
}

// provides says whether the image holds abs (a file or directory, or files matching the glob):
// Yes, No, or Unknown when a directory with unknown contents (copied from a builder stage) may.
func provides(t *deploy.Image, abs string, glob bool) dockerfile.Tri {
	im := t.Image
	dir := abs
	if glob {
		dir = globDir(abs)
	}
	for k, pi := range im.Paths {
		switch {
		case k == abs && !glob:
			return dockerfile.Yes
		case glob && k != dir && matchGlob(abs, k):
			return dockerfile.Yes
		case !glob && strings.HasPrefix(k, abs+"/"):
			return dockerfile.Yes
		}
		if pi.Dir && covers(k, dir) && k != "/" && opaqueDir(t, pi.Pos) {
			return dockerfile.Unknown
		}
	}
	return dockerfile.No
}

// globDir is the directory part of a pattern before its first meta character.
func globDir(pattern string) string {
	i := strings.IndexAny(pattern, "*?[")
	if i < 0 {
		return path.Dir(pattern)
	}
	return path.Dir(pattern[:i+1])
}

// matchGlob says whether an image path matches the pattern, or lies below a directory that
// matches it (filepath.Glob matches directories too; template parsing then fails differently).
func matchGlob(pattern, p string) bool {
	if ok, _ := path.Match(pattern, p); ok {
		return true
	}
	for d := path.Dir(p); d != "/" && d != "."; d = path.Dir(d) {
		if ok, _ := path.Match(pattern, d); ok {
			return true
		}
	}
	return false
}

// opaqueDir says whether the instruction at pos copied a directory whose contents the model does
// not list (a COPY --from of a directory, or a copy it could not expand).
func opaqueDir(t *deploy.Image, pos source.Pos) bool {
	for st := t.Stage; st != nil; st = st.Base.FromStage {
		for _, c := range st.Copies {
			if c.Pos == pos && (c.From != "" || c.Unresolved) {
				return true
			}
		}
	}
	return false
}

// copiedSummary says what the final stage copies, for the message.
func copiedSummary(t *deploy.Image) string {
	var what []string
	for st := t.Stage; st != nil; st = st.Base.FromStage {
		for _, c := range st.Copies {
			for _, pl := range c.Placed {
				what = append(what, path.Clean(pl.Dest))
			}
		}
	}
	sort.Strings(what)
	what = slices.Compact(what)
	switch {
	case len(what) == 0:
		return "nothing is copied into the final stage"
	case len(what) == 1:
		return "only " + what[0] + " is copied into the final stage"
	case len(what) <= 3:
		return "the final stage copies only " + strings.Join(what, ", ")
	}
	return fmt.Sprintf("none of the %d paths the final stage copies is there", len(what))
}

// findElsewhere looks for the files under another directory of the image: a path ending in rel
// (or matching the pattern's tail), and the copy that put it there.
func findElsewhere(t *deploy.Image, rel string, glob bool) (string, source.Pos) {
	var best string
	var pos source.Pos
	for k, pi := range t.Image.Paths {
		var base string
		if glob {
			d := globDir("/" + rel)
			if strings.HasSuffix(k, d) && k != d {
				base = k
			}
		} else if strings.HasSuffix(k, "/"+rel) && k != "/"+rel {
			base = k
		}
		if base != "" && (best == "" || base < best) {
			best, pos = base, pi.Pos
		}
	}
	return best, pos
}

// startsInWorkdir says whether the program starts in the image's working directory: the image
// runs it directly (or through a script that never changes directory), and no deployment that
// runs the image sets another working directory.
func startsInWorkdir(p *facts.Project, t *deploy.Image, rs []*deploy.Target) bool {
	for _, r := range rs {
		if _, _, how := r.WorkingDir(t.Image); how != "WORKDIR" {
			return false
		}
	}
	exe, _ := deploy.Executable(t.Image)
	if exe == "" {
		return false
	}
	if t.HasBinary(exe) {
		return true
	}
	pi, ok := t.Image.Paths[exe]
	if !ok || pi.Src == "" {
		return false
	}
	sc := p.Script(pi.Src)
	if sc == nil || sc.Dialect == "" {
		return false
	}
	for _, c := range sc.Commands {
		if c.Name == "cd" || c.Name == "pushd" || c.Dir != "" {
			return false
		}
	}
	return true
}
