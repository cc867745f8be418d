package dockerfile

import (
	"errors"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"golang.org/x/mod/modfile"
	"mvdan.cc/sh/v3/syntax"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// lineMap maps offsets of a RUN script back to Dockerfile positions. The first line of the
// script is the instruction's command with continuations joined (as BuildKit joins them); later
// lines are heredoc bodies, which follow the instruction line by line.
type lineMap struct {
	file  string
	segs  []seg // for script line 1, by offset
	after int   // Dockerfile line of script line 2 minus 2 (so line k maps to after+k)
	line  int   // fallback line
}

type seg struct{ off, line, col int }

func (m *lineMap) pos(p syntax.Pos) source.Pos {
	if !p.IsValid() {
		return source.Pos{File: m.file, Line: m.line}
	}
	if p.Line() > 1 {
		return source.Pos{File: m.file, Line: m.after + int(p.Line()), Col: int(p.Col())}
	}
	off := int(p.Offset())
	for i := len(m.segs) - 1; i >= 0; i-- {
		if m.segs[i].off <= off {
			return source.Pos{File: m.file, Line: m.segs[i].line, Col: m.segs[i].col + off - m.segs[i].off}
		}
	}
	return source.Pos{File: m.file, Line: m.line}
}

// joinInstruction joins the instruction starting at line start as BuildKit does (comment lines
// and blank lines inside a continuation dropped, the escape token at the end of a line removed)
// and records where each piece came from. last is the line the instruction text ends on.
func (p *fileParser) joinInstruction(start int) (joined string, segs []seg, last int) {
	var b strings.Builder
	for l := start; l <= len(p.lines); l++ {
		text := p.lines[l-1]
		col := 1
		if l == start {
			trimmed := strings.TrimLeft(text, " \t")
			col += len(text) - len(trimmed)
			text = trimmed
		} else {
			t := strings.TrimSpace(text)
			if strings.HasPrefix(t, "#") || t == "" {
				continue
			}
		}
		last = l
		end, ok := continues(text, p.esc)
		segs = append(segs, seg{off: b.Len(), line: l, col: col})
		if !ok {
			b.WriteString(text)
			break
		}
		b.WriteString(text[:end])
	}
	return b.String(), segs, last
}

// continues reports whether line ends with the line-continuation token esc (optionally followed
// by blanks) that is not itself escaped, and where the token starts: BuildKit's
// lineContinuationRegex, `([^\\])\\[ \t]*$|^\\[ \t]*$`, without a regexp.
func continues(line string, esc rune) (int, bool) {
	t := strings.TrimRight(line, " \t")
	if t == "" || rune(t[len(t)-1]) != esc {
		return 0, false
	}
	if len(t) >= 2 && rune(t[len(t)-2]) == esc {
		return 0, false
	}
	return len(t) - 1, true
}

var heredocOnly = regexp.MustCompile(`^<<-?\s*["']?([A-Za-z0-9_]+)["']?\s*$`)

func (p *fileParser) run(ss *stageState, c *instructions.RunCommand, n *parser.Node, pos source.Pos) *Run {
	r := &Run{Pos: pos, Workdir: ss.workdir, Exec: !c.PrependShell}
	// BuildKit defers the mount flags' values until the command is expanded with the stage's
	// ARG and ENV values, as its LLB converter does.
	if err := c.Expand(func(w string) (string, error) { v, _ := p.expand(w, ss.vars); return v, nil }); err != nil {
		p.note(pos.Line, "RUN --mount: %v", err)
	}
	for _, mt := range instructions.GetMounts(c) {
		src, dst := mt.Source, mt.Target
		if src == "" {
			src = "."
		}
		if dst != "" && !path.IsAbs(dst) {
			dst = path.Join(ss.workdir, dst)
		}
		r.Mounts = append(r.Mounts, &Mount{Type: string(mt.Type), From: mt.From, Source: path.Clean(src), Target: path.Clean(dst)})
	}
	m := &lineMap{file: p.f.Path, line: n.StartLine}
	var script string
	switch {
	case r.Exec:
		r.Script = strings.Join(c.CmdLine, " ")
		if len(c.CmdLine) >= 3 && isShell(c.CmdLine[0]) && c.CmdLine[1] == "-c" {
			script = c.CmdLine[2]
		} else {
			q := make([]string, 0, len(c.CmdLine))
			for _, a := range c.CmdLine {
				s, err := syntax.Quote(a, syntax.LangBash)
				if err != nil {
					s = "''"
				}
				q = append(q, s)
			}
			script = strings.Join(q, " ")
		}
		m.segs = []seg{{off: 0, line: n.StartLine}}
	default:
		if len(c.CmdLine) > 0 {
			r.Script = c.CmdLine[0]
		}
		joined, segs, last := p.joinInstruction(n.StartLine)
		m.after = last - 1
		idx := strings.LastIndex(joined, r.Script)
		if idx < 0 || r.Script == "" {
			m.segs = []seg{{off: 0, line: n.StartLine}}
			idx = 0
		} else {
			for _, s := range segs {
				// Shift the segments so offset 0 is the start of the command.
				m.segs = append(m.segs, seg{off: s.off - idx, line: s.line, col: s.col})
			}
		}
		script = r.Script
		if len(c.Files) > 0 {
			if heredocOnly.MatchString(strings.TrimSpace(r.Script)) {
				// RUN <<EOF: the body is the script.
				script = c.Files[0].Data
				m.segs = nil
				if strings.HasPrefix(script, "#!") && !isShell(strings.Fields(strings.TrimPrefix(script, "#!") + " x")[0]) {
					return r // a script for another interpreter
				}
				// An empty first line stands for the instruction line, so script line k is
				// Dockerfile line last+k-1.
				script = "\n" + script
			} else {
				var b strings.Builder
				b.WriteString(script)
				b.WriteString("\n")
				for _, f := range c.Files {
					b.WriteString(f.Data)
					if !strings.HasSuffix(f.Data, "\n") && f.Data != "" {
						b.WriteString("\n")
					}
					b.WriteString(f.Name + "\n")
				}
				script = b.String()
			}
		}
	}
	p.analyse(ss, r, script, m)
	return r
}

func isShell(prog string) bool {
	switch path.Base(prog) {
	case "sh", "bash", "ash", "dash", "zsh":
		return true
	}
	return false
}

// analyse parses the script and records the effects the model needs.
func (p *fileParser) analyse(ss *stageState, r *Run, script string, m *lineMap) {
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(strings.NewReader(script), "")
	if err != nil {
		r.Unparsed = true
		var pe syntax.ParseError
		at := source.Pos{File: p.f.Path, Line: m.line}
		msg := err.Error()
		if errors.As(err, &pe) {
			at = m.pos(pe.Pos)
			msg = pe.Text
		}
		p.f.notes = append(p.f.notes, source.Notef(at, "RUN script not understood (%s); its go builds and installs are not modelled", msg))
		return
	}
	a := &analysis{p: p, ss: ss, r: r, m: m, cwd: ss.workdir, exported: map[string]Value{}}
	syntax.Walk(file, a.visit)
}

type analysis struct {
	p        *fileParser
	ss       *stageState
	r        *Run
	m        *lineMap
	cwd      string
	exported map[string]Value
}

func (a *analysis) visit(node syntax.Node) bool {
	switch n := node.(type) {
	case *syntax.DeclClause:
		if n.Variant != nil && n.Variant.Value == "export" {
			for _, as := range n.Args {
				if as.Name != nil && as.Value != nil {
					v := a.value(as.Value, "export")
					a.exported[as.Name.Value] = v
				}
			}
		}
	case *syntax.CallExpr:
		a.call(n)
	}
	return true
}

// word renders a word with literal parts joined and parameter expansions kept as ${NAME}.
func word(w *syntax.Word) string {
	if w == nil {
		return ""
	}
	var b strings.Builder
	var parts func([]syntax.WordPart)
	parts = func(ps []syntax.WordPart) {
		for _, part := range ps {
			switch x := part.(type) {
			case *syntax.Lit:
				b.WriteString(x.Value)
			case *syntax.SglQuoted:
				b.WriteString(x.Value)
			case *syntax.DblQuoted:
				parts(x.Parts)
			case *syntax.ParamExp:
				if x.Param != nil {
					b.WriteString("${" + x.Param.Value + "}")
				}
			default:
				b.WriteString("$(…)")
			}
		}
	}
	parts(w.Parts)
	return b.String()
}

// value evaluates an assignment's word against the stage's ARG/ENV values and earlier exports.
func (a *analysis) value(w *syntax.Word, origin string) Value {
	return a.eval(word(w), a.m.pos(w.Pos()), origin)
}

// eval evaluates raw text from the script (parameters kept as ${NAME}).
func (a *analysis) eval(raw string, pos source.Pos, origin string) Value {
	v := Value{Value: raw, Pos: pos, Origin: origin}
	if strings.Contains(raw, "$(") {
		v.Unresolved = true
		return v
	}
	if strings.Contains(raw, "$") {
		sc := a.ss.vars.clone()
		for k, e := range a.exported {
			sc.set(k, e.Value)
		}
		out, unres := a.p.expand(raw, sc)
		if !unres {
			v.Value = out
		}
		v.Unresolved = unres
	}
	return v
}

// env is the environment a command sees: stage ARG/ENV, exports, then inline assignments.
func (a *analysis) env(c *syntax.CallExpr) map[string]Value {
	env := make(map[string]Value, len(a.ss.env)+len(a.exported)+len(c.Assigns))
	for k, v := range a.ss.env {
		env[k] = v
	}
	for k, v := range a.exported {
		env[k] = v
	}
	for _, as := range c.Assigns {
		if as.Name != nil && as.Value != nil {
			env[as.Name.Value] = a.value(as.Value, "inline")
		}
	}
	return env
}

func (a *analysis) call(c *syntax.CallExpr) {
	if len(c.Args) == 0 {
		for _, as := range c.Assigns { // plain `VAR=x` at top level behaves like a local export
			if as.Name != nil && as.Value != nil {
				a.exported[as.Name.Value] = a.value(as.Value, "export")
			}
		}
		return
	}
	args := make([]string, len(c.Args))
	for i, w := range c.Args {
		args[i] = word(w)
	}
	words := c.Args
	env := a.env(c)
	// Unwrap `sudo` and `env A=b` wrappers.
	for len(args) > 0 {
		switch path.Base(args[0]) {
		case "sudo", "nice", "time":
			args, words = args[1:], words[1:]
			continue
		case "env":
			args, words = args[1:], words[1:]
			for len(args) > 0 && strings.Contains(args[0], "=") && !strings.HasPrefix(args[0], "-") {
				k, v, _ := strings.Cut(args[0], "=")
				env[k] = a.eval(v, a.m.pos(words[0].Pos()), "inline")
				args, words = args[1:], words[1:]
			}
			continue
		}
		break
	}
	if len(args) == 0 {
		return
	}
	pos := a.m.pos(c.Pos())
	prog := path.Base(args[0])
	rest := args[1:]
	a.r.Calls = append(a.r.Calls, &Call{Pos: pos, Name: prog, Args: rest})
	if prog == "xx-go" {
		// tonistiigi/xx's wrapper sets GOOS and GOARCH from TARGETPLATFORM: a cross build
		// unless the script sets them itself.
		for _, k := range []string{"GOOS", "GOARCH"} {
			if _, ok := env[k]; !ok {
				env[k] = Value{Value: "${TARGETPLATFORM}", Pos: pos, Origin: "xx-go", Unresolved: true}
			}
		}
	}
	if strings.HasPrefix(prog, "xx-") && prog != "xx-go" { // xx-apk, xx-apt-get: target packages
		prog = strings.TrimPrefix(prog, "xx-")
	}
	switch prog {
	case "cd":
		if len(rest) > 0 && !strings.Contains(rest[0], "$") {
			a.cwd = absPath(a.cwd, rest[0])
			a.cwd = strings.TrimSuffix(a.cwd, "/")
			if a.cwd == "" {
				a.cwd = "/"
			}
		}
	case "go", "xx-go":
		a.goCmd(pos, rest, env)
	case "apk", "apt-get", "apt", "yum", "dnf", "microdnf":
		a.install(pos, prog, rest)
	case "mkdir", "chown", "chmod", "touch", "ln":
		a.pathOp(pos, prog, rest)
	case "useradd", "adduser", "addgroup", "groupadd":
		a.userAdd(pos, prog, rest)
	case "update-ca-certificates":
		a.r.UpdateCACerts = pos
	}
}

var goEnvNames = []string{"CGO_ENABLED", "GOOS", "GOARCH", "GOARM", "GOAMD64", "GOFLAGS", "GOEXPERIMENT", "GOTOOLCHAIN"}

// goBoolFlags are the go build flags that take no value.
var goBoolFlags = map[string]bool{
	"a": true, "n": true, "race": true, "msan": true, "asan": true, "v": true, "work": true,
	"x": true, "trimpath": true, "linkshared": true, "buildvcs": true, "cover": true,
	"modcacherw": true, "json": true, "i": true,
}

func (a *analysis) goCmd(pos source.Pos, args []string, env map[string]Value) {
	if len(args) == 0 {
		return
	}
	switch args[0] {
	case "mod":
		if len(args) > 1 {
			a.r.GoMod = append(a.r.GoMod, &GoMod{Pos: pos, Verb: args[1], Workdir: a.cwd})
		}
		return
	case "get":
		a.r.GoMod = append(a.r.GoMod, &GoMod{Pos: pos, Verb: "get", Workdir: a.cwd})
		return
	case "build", "install":
	default:
		return
	}
	g := &GoBuild{Pos: pos, Install: args[0] == "install", Env: map[string]Value{}, Workdir: a.cwd}
	for _, k := range goEnvNames {
		if v, ok := env[k]; ok {
			g.Env[k] = v
		}
	}
	args = args[1:]
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "--" {
		name, val, hasVal := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		args = args[1:]
		if !hasVal && !goBoolFlags[name] && len(args) > 0 {
			val, args = args[0], args[1:]
		}
		switch name {
		case "o":
			g.Output = val
		case "tags":
			g.Tags = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == ' ' })
		case "ldflags":
			g.Ldflags = val
		case "trimpath":
			g.Trimpath = val == "" || val == "true"
		case "mod":
			g.Mod = val
		case "C":
			a.cwd = absPath(a.cwd, val)
			g.Workdir = strings.TrimSuffix(a.cwd, "/")
		}
	}
	if gf, ok := g.Env["GOFLAGS"]; ok {
		for _, f := range strings.Fields(gf.Value) {
			name, val, _ := strings.Cut(strings.TrimLeft(f, "-"), "=")
			switch {
			case name == "mod" && g.Mod == "":
				g.Mod = val
			case name == "trimpath":
				g.Trimpath = true
			case name == "tags" && g.Tags == nil:
				g.Tags = strings.Split(val, ",")
			}
		}
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	g.Packages = args
	if len(g.Packages) == 0 {
		g.Packages = []string{"."}
	}
	g.ExtStatic, g.LinkExternal = ldflagsLinkage(a.p, g.Ldflags)
	name, guessed := a.binaryName(g.Packages[0], g.Workdir)
	switch {
	case g.Output != "":
		g.OutputIsDir = strings.HasSuffix(g.Output, "/")
		g.OutputAbs = absPath(g.Workdir, g.Output)
		if g.OutputIsDir { // -o dir/ writes dir/<name>
			g.OutputAbs, g.OutputGuessed = path.Join(g.OutputAbs, name), guessed
		}
	case g.Install:
		if gobin, ok := env["GOBIN"]; ok && !gobin.Unresolved && path.IsAbs(gobin.Value) {
			g.OutputAbs, g.OutputGuessed = path.Join(gobin.Value, name), guessed
		} else if strings.HasPrefix(a.ss.st.Base.Repo, "golang") || strings.HasSuffix(a.ss.st.Base.Repo, "/golang") {
			g.OutputAbs, g.OutputGuessed = path.Join("/go/bin", name), guessed
		}
	default:
		g.OutputAbs, g.OutputGuessed = path.Join(g.Workdir, name), guessed
	}
	a.r.GoBuilds = append(a.r.GoBuilds, g)
}

// binaryName is the name go build gives the binary of pkg run in cwd: the first file's name
// for `go build main.go`, else the last element of the package's import path (a major-version
// suffix skipped). For a directory that is a module root the import path is the module path,
// read from the go.mod the stage copied there; guessed is true when no go.mod says, and the
// directory's own name stands in.
func (a *analysis) binaryName(pkg, cwd string) (name string, guessed bool) {
	pkg = strings.TrimSuffix(strings.TrimSuffix(pkg, "/..."), "@latest")
	if i := strings.Index(pkg, "@"); i >= 0 {
		pkg = pkg[:i]
	}
	if strings.HasSuffix(pkg, ".go") {
		return strings.TrimSuffix(path.Base(pkg), ".go"), false
	}
	if pkg != "." && pkg != "./" && !strings.HasPrefix(pkg, "./") && !strings.HasPrefix(pkg, "../") && !path.IsAbs(pkg) {
		return lastElem(pkg), false // an import path
	}
	dir := strings.TrimSuffix(absPath(cwd, pkg), "/")
	if mod := a.modulePathAt(dir); mod != "" {
		return lastElem(mod), false
	}
	for d := path.Dir(dir); d != "/" && d != "."; d = path.Dir(d) {
		if a.modulePathAt(d) != "" {
			return lastElem(dir), false
		}
	}
	return lastElem(dir), true
}

// lastElem is the last element of an import path, skipping a major-version suffix (/v2).
func lastElem(p string) string {
	p = strings.TrimSuffix(p, "/")
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' {
		if _, err := strconv.Atoi(base[1:]); err == nil {
			return path.Base(path.Dir(p))
		}
	}
	return base
}

// modulePathAt is the module path of the go.mod the stage (or a stage it is built on) copied
// from the build context into dir, "" when there is none or it cannot be read.
func (a *analysis) modulePathAt(dir string) string {
	if a.p.ctx == nil {
		return ""
	}
	want := path.Join(dir, "go.mod")
	for st := a.ss.st; st != nil; st = st.Base.FromStage {
		for _, c := range st.Copies {
			for _, pl := range c.Placed {
				if pl.Dest != want || c.From != "" {
					continue
				}
				tf := a.p.ctx.tree.Get(pl.Src)
				if tf == nil {
					return ""
				}
				data, err := a.p.ctx.tree.Read(tf)
				if err != nil {
					return ""
				}
				return modfile.ModulePath(data)
			}
		}
	}
	return ""
}

// ldflagsLinkage reads -extldflags -static and -linkmode external from an -ldflags value.
func ldflagsLinkage(p *fileParser, ld string) (extStatic, external bool) {
	if ld == "" {
		return false, false
	}
	words, err := p.lex.ProcessWords(ld, newScope())
	if err != nil {
		words = strings.Fields(ld)
	}
	for i := 0; i < len(words); i++ {
		name, val, hasVal := strings.Cut(strings.TrimLeft(words[i], "-"), "=")
		if !hasVal && i+1 < len(words) && (name == "extldflags" || name == "linkmode") {
			i++
			val = words[i]
		}
		switch name {
		case "extldflags":
			for _, f := range strings.Fields(strings.Trim(val, `"'`)) {
				if f == "-static" || f == "--static" || f == "-static-pie" {
					extStatic = true
				}
			}
		case "linkmode":
			external = strings.Trim(val, `"'`) == "external"
		}
	}
	return extStatic, external
}

// install records `apk add`, `apt-get install` and the like.
func (a *analysis) install(pos source.Pos, mgr string, args []string) {
	verb := map[string]string{"apk": "add"}[mgr]
	if verb == "" {
		verb = "install"
	}
	i := 0
	for i < len(args) && args[i] != verb {
		i++
	}
	if i == len(args) {
		return
	}
	in := &Install{Pos: pos, Manager: mgr}
	valueFlags := map[string]bool{"-t": true, "--virtual": true, "-o": true, "--repository": true, "-X": true, "--setopt": true}
	for j := i + 1; j < len(args); j++ {
		w := args[j]
		if strings.HasPrefix(w, "-") {
			if valueFlags[w] {
				j++
			}
			continue
		}
		if k := strings.IndexAny(w, "=<>~"); k > 0 {
			w = w[:k]
		}
		if w != "" && !strings.Contains(w, "$") {
			in.Packages = append(in.Packages, w)
		}
	}
	a.r.Installs = append(a.r.Installs, in)
}

func (a *analysis) pathOp(pos source.Pos, op string, args []string) {
	var opArg string
	recursive := false
	var paths []string
	for j := 0; j < len(args); j++ {
		w := args[j]
		if strings.HasPrefix(w, "-") && len(w) > 1 && !(op == "chmod" && opArg == "" && isMode(w)) {
			if strings.ContainsAny(w, "Rp") && !strings.HasPrefix(w, "--") || w == "--parents" || w == "--recursive" {
				recursive = true
			}
			if op == "mkdir" && (w == "-m" || w == "--mode") && j+1 < len(args) {
				j++
			}
			continue
		}
		if (op == "chown" || op == "chmod") && opArg == "" {
			opArg = w
			continue
		}
		paths = append(paths, w)
	}
	if op == "ln" {
		if len(paths) < 2 {
			return
		}
		paths = paths[len(paths)-1:] // the link
	}
	for _, p := range paths {
		if strings.Contains(p, "$") || strings.ContainsAny(p, "*?[") {
			continue
		}
		a.r.Paths = append(a.r.Paths, &PathOp{Pos: pos, Op: op, Path: strings.TrimSuffix(absPath(a.cwd, p), "/"), Arg: opArg, Recursive: recursive})
	}
}

func isMode(w string) bool { return strings.Trim(w, "-+=rwxXstugoa,0123456789") == "" }

// userValueFlags are the options of useradd, adduser (Debian and BusyBox), addgroup and
// groupadd that take a value.
var userValueFlags = map[string]bool{
	"-u": true, "--uid": true, "-g": true, "--gid": true, "-G": true, "--groups": true,
	"-d": true, "--home": true, "--home-dir": true, "-h": true, "-s": true, "--shell": true,
	"-c": true, "--comment": true, "--gecos": true, "-e": true, "-f": true, "-k": true,
	"-K": true, "-p": true, "-b": true, "--ingroup": true, "--firstuid": true, "--lastuid": true,
}

func (a *analysis) userAdd(pos source.Pos, prog string, args []string) {
	u := &UserAdd{Pos: pos, UID: -1, Group: prog == "addgroup" || prog == "groupadd"}
	for j := 0; j < len(args); j++ {
		w := args[j]
		if strings.HasPrefix(w, "-") {
			name, val, hasVal := strings.Cut(w, "=")
			if userValueFlags[name] && !hasVal && j+1 < len(args) {
				j++
				val = args[j]
			}
			isID := name == "-u" || name == "--uid" || (u.Group && (name == "-g" || name == "--gid"))
			if isID {
				if id, err := strconv.Atoi(val); err == nil {
					u.UID = id
				}
			}
			if name == "-r" || name == "-S" || name == "--system" {
				u.System = true
			}
			continue
		}
		if u.Name == "" {
			u.Name = w
		}
	}
	if u.Name != "" && !strings.Contains(u.Name, "$") {
		a.r.UsersAdded = append(a.r.UsersAdded, u)
	}
}
