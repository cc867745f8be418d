package dockerfile

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// fileParser holds the state of one file's parse.
type fileParser struct {
	f     *File
	ctx   *buildContext // nil for Parse without a tree
	lines []string      // source lines without line endings
	lex   *shell.Lex
	esc   rune
	meta  scope
}

// scope is the variables in effect for expansion: name → value, with a flag for "declared but
// no value known".
type scope struct {
	vals  map[string]string
	unset map[string]bool
}

func newScope() scope { return scope{vals: map[string]string{}, unset: map[string]bool{}} }

func (s scope) clone() scope {
	c := newScope()
	for k, v := range s.vals {
		c.vals[k] = v
	}
	for k := range s.unset {
		c.unset[k] = true
	}
	return c
}

func (s scope) set(k, v string) { s.vals[k] = v; delete(s.unset, k) }

func (s scope) Get(k string) (string, bool) { v, ok := s.vals[k]; return v, ok }

func (s scope) Keys() []string {
	keys := make([]string, 0, len(s.vals))
	for k := range s.vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// expand runs BuildKit's word expansion; unresolved is true when a referenced variable has no
// value (BuildKit would then substitute "").
func (p *fileParser) expand(word string, s scope) (string, bool) {
	if !strings.ContainsAny(word, "$'\"\\`") {
		return word, false
	}
	out, unmatched, err := p.lex.ProcessWord(word, s)
	if err != nil {
		return word, true
	}
	return out, len(unmatched) > 0
}

func parse(rel string, data []byte, ctx *buildContext) *File {
	f := &File{Path: rel, Context: "."}
	if ctx != nil {
		f.Context = ctx.dir
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		line := bytes.Count(data[:i], []byte("\n")) + 1
		f.ParseError = &ParseError{Pos: source.Pos{File: rel, Line: line}, Msg: "binary content (NUL byte): not a Dockerfile"}
		return f
	}
	if line, n := longestLine(data); n >= maxLine {
		// BuildKit reads lines with a bufio.Scanner and stops at its 64 KiB token limit.
		f.ParseError = &ParseError{Pos: source.Pos{File: rel, Line: line}, Msg: fmt.Sprintf("dockerfile line greater than max allowed size of %d", maxLine-1)}
		return f
	}
	res, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		line, msg := errLine(err), errText(err)
		if strings.Contains(msg, "escape token") || strings.Contains(msg, "directive") {
			line++ // BuildKit counts lines from 0 for parser-directive errors
		}
		f.ParseError = &ParseError{Pos: source.Pos{File: rel, Line: line}, Msg: msg}
		if res == nil {
			return f
		}
	}
	if res == nil || res.AST == nil {
		return f
	}
	for _, w := range res.Warnings {
		pos := source.Pos{File: rel}
		if w.Location != nil {
			pos.Line = w.Location.Start.Line
		}
		f.Warnings = append(f.Warnings, source.Note{Pos: pos, Text: w.Short})
	}
	p := &fileParser{f: f, ctx: ctx, lex: shell.NewLex(res.EscapeToken), esc: res.EscapeToken, meta: newScope()}
	p.lines = splitLines(data)
	p.walk(res.AST)
	p.continuationAtEOF()
	return f
}

// maxLine is bufio.MaxScanTokenSize, the longest physical line (with its newline) BuildKit reads.
const maxLine = 64 * 1024

// longestLine returns the 1-based number and length (newline included) of the longest line.
func longestLine(data []byte) (line, n int) {
	no := 0
	for len(data) > 0 {
		no++
		i := bytes.IndexByte(data, '\n')
		l := i + 1
		if i < 0 {
			l = len(data)
		}
		if l > n {
			line, n = no, l
		}
		data = data[l:]
	}
	return line, n
}

// continuationAtEOF notes a file whose last instruction ends with a line-continuation token:
// BuildKit accepts it, but the instruction it meant to continue is cut short.
func (p *fileParser) continuationAtEOF() {
	for l := len(p.lines); l >= 1; l-- {
		t := strings.TrimSpace(p.lines[l-1])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if _, ok := continues(p.lines[l-1], p.esc); ok {
			p.note(l, "line continuation at end of file: the instruction ends here")
		}
		return
	}
}

func splitLines(data []byte) []string {
	s := strings.Split(string(data), "\n")
	for i := range s {
		s[i] = strings.TrimSuffix(s[i], "\r")
	}
	return s
}

func errLine(err error) int {
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 {
		return le.Locations[0][0].Start.Line
	}
	return 0
}

// errText is the error without the location wrappers BuildKit adds.
func errText(err error) string {
	var ui *instructions.UnknownInstructionError
	if errors.As(err, &ui) {
		return fmt.Sprintf("unknown instruction: %s", ui.Instruction)
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "dockerfile parse error on line ")
	if i := strings.Index(msg, ": "); i >= 0 && strings.Trim(msg[:i], "0123456789") == "" {
		msg = msg[i+2:]
	}
	return msg
}

// pos is the position of a line: its first non-blank column.
func (p *fileParser) pos(line int) source.Pos {
	pos := source.Pos{File: p.f.Path, Line: line}
	if line >= 1 && line <= len(p.lines) {
		l := p.lines[line-1]
		pos.Col = len(l) - len(strings.TrimLeft(l, " \t")) + 1
	}
	return pos
}

func (p *fileParser) note(line int, format string, args ...any) {
	p.f.notes = append(p.f.notes, source.Notef(p.pos(line), format, args...))
}

func (p *fileParser) fail(line int, msg string) {
	if p.f.ParseError == nil {
		p.f.ParseError = &ParseError{Pos: p.pos(line), Msg: msg}
		return
	}
	p.note(line, "%s", msg)
}

// stageState is what a stage accumulates while its instructions are read.
type stageState struct {
	st       *Stage
	vars     scope            // ARG and ENV values for expansion
	env      map[string]Value // values a RUN's commands see, by name
	declared map[string]bool  // ARG names declared in the stage
	workdir  string
}

// isDir says whether an absolute path is known to be a directory at this point of the stage:
// a WORKDIR, or a directory a RUN created.
func (ss *stageState) isDir(p string) bool {
	if p == "/" || p == strings.TrimSuffix(ss.workdir, "/") {
		return true
	}
	for _, w := range ss.st.Workdirs {
		if strings.TrimSuffix(w.Path, "/") == p {
			return true
		}
	}
	for _, r := range ss.st.Runs {
		for _, op := range r.Paths {
			if op.Op == "mkdir" && op.Path == p {
				return true
			}
		}
	}
	return false
}

var platformRef = regexp.MustCompile(`\$\{?((?:TARGET|BUILD)(?:PLATFORM|OS|ARCH|VARIANT))\b`)

func (p *fileParser) walk(ast *parser.Node) {
	var cur *stageState
	for _, n := range ast.Children {
		v, err := instructions.ParseInstruction(n)
		if err != nil {
			p.fail(n.StartLine, errText(err))
			continue
		}
		pos := p.pos(n.StartLine)
		if st, ok := v.(*instructions.Stage); ok {
			cur = p.stage(st, pos)
			continue
		}
		if cur == nil {
			if a, ok := v.(*instructions.ArgCommand); ok {
				for _, kv := range a.Args {
					vr := &Var{Pos: pos, Name: kv.Key, Arg: true}
					if kv.Value != nil {
						vr.Value, vr.Unresolved = p.expand(*kv.Value, p.meta)
						vr.HasValue = true
						p.meta.set(kv.Key, vr.Value)
					} else {
						p.meta.unset[kv.Key] = true
					}
					p.f.MetaArgs = append(p.f.MetaArgs, vr)
				}
				continue
			}
			p.fail(n.StartLine, "no build stage in current context: "+strings.ToUpper(n.Value)+" before the first FROM")
			continue
		}
		if strings.ToLower(n.Value) != "from" {
			text := n.Original
			for _, h := range n.Heredocs {
				text += "\n" + h.Content
			}
			if !strings.Contains(text, "TARGET") && !strings.Contains(text, "BUILD") {
				text = ""
			}
			for _, m := range platformRef.FindAllStringSubmatch(text, -1) {
				cur.st.PlatformRefs = append(cur.st.PlatformRefs, &PlatformRef{Pos: pos, Name: m[1], Declared: cur.declared[m[1]]})
			}
		}
		p.instruction(cur, n, v, pos)
	}
}

func (p *fileParser) stage(st *instructions.Stage, pos source.Pos) *stageState {
	s := &Stage{Index: len(p.f.Stages), Name: st.Name, Pos: pos}
	b := &s.Base
	b.Pos, b.Raw = pos, st.BaseName
	b.Ref, b.Unresolved = p.expand(st.BaseName, p.meta)
	b.PlatformRaw = st.Platform
	if st.Platform != "" {
		plat, unres := p.expand(st.Platform, p.meta)
		if unres {
			plat = st.Platform // $BUILDPLATFORM and friends are set by the builder
		}
		b.Platform = plat
	}
	ss := &stageState{st: s, vars: newScope(), env: map[string]Value{}, declared: map[string]bool{}, workdir: "/"}
	if strings.EqualFold(b.Ref, "scratch") {
		b.Scratch = true
	} else if prev := p.f.stageNamed(b.Ref, len(p.f.Stages)); prev != nil && !b.Unresolved {
		b.FromStage = prev
		// A stage built on another inherits its ENV and working directory.
		for _, e := range prev.Env {
			ss.vars.set(e.Name, e.Value)
			ss.env[e.Name] = Value{Value: e.Value, Pos: e.Pos, Origin: "ENV", Unresolved: e.Unresolved}
		}
		if len(prev.Workdirs) > 0 {
			ss.workdir = prev.Workdirs[len(prev.Workdirs)-1].Path
		} else if prev.Base.FromStage == nil {
			ss.workdir = baseWorkdir(prev.Base)
		}
	} else {
		b.Repo, b.Tag, b.Digest = splitRef(b.Ref)
		ss.workdir = baseWorkdir(*b)
	}
	p.f.Stages = append(p.f.Stages, s)
	return ss
}

// splitRef splits an image reference into repository, tag and digest.
func splitRef(ref string) (repo, tag, digest string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		ref, digest = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(ref, ":"); i >= 0 && !strings.Contains(ref[i+1:], "/") {
		ref, tag = ref[:i], ref[i+1:]
	}
	return ref, tag, digest
}

func (p *fileParser) instruction(ss *stageState, n *parser.Node, v any, pos source.Pos) {
	s := ss.st
	switch c := v.(type) {
	case *instructions.ArgCommand:
		for _, kv := range c.Args {
			vr := &Var{Pos: pos, Name: kv.Key, Arg: true}
			ss.declared[kv.Key] = true
			switch {
			case kv.Value != nil:
				vr.Value, vr.Unresolved = p.expand(*kv.Value, ss.vars)
				vr.HasValue = true
			default:
				if mv, ok := p.meta.vals[kv.Key]; ok { // ARG NAME re-declares a meta ARG
					vr.Value, vr.HasValue = mv, true
				}
			}
			if vr.HasValue {
				ss.vars.set(kv.Key, vr.Value)
				ss.env[kv.Key] = Value{Value: vr.Value, Pos: pos, Origin: "ARG", Unresolved: vr.Unresolved}
			} else {
				ss.env[kv.Key] = Value{Pos: pos, Origin: "ARG", Unresolved: true}
			}
			s.Args = append(s.Args, vr)
			s.Steps = append(s.Steps, vr)
		}
	case *instructions.EnvCommand:
		for _, kv := range c.Env {
			vr := &Var{Pos: pos, Name: kv.Key, HasValue: true}
			vr.Value, vr.Unresolved = p.expand(kv.Value, ss.vars)
			ss.vars.set(kv.Key, vr.Value)
			ss.env[kv.Key] = Value{Value: vr.Value, Pos: pos, Origin: "ENV", Unresolved: vr.Unresolved}
			s.Env = append(s.Env, vr)
			s.Steps = append(s.Steps, vr)
		}
	case *instructions.WorkdirCommand:
		raw, unres := p.expand(c.Path, ss.vars)
		if unres {
			raw = c.Path
		}
		w := &Workdir{Pos: pos, Raw: raw, Relative: !path.IsAbs(raw), Unresolved: unres}
		w.Path = absPath(ss.workdir, raw)
		ss.workdir = w.Path
		s.Workdirs = append(s.Workdirs, w)
		s.Steps = append(s.Steps, w)
	case *instructions.UserCommand:
		raw, unres := p.expand(c.User, ss.vars)
		if unres {
			raw = c.User
		}
		u := &User{Pos: pos, Raw: raw, UID: -1, GID: -1, Unresolved: unres}
		u.Name, u.Group, _ = strings.Cut(raw, ":")
		if id, err := strconv.Atoi(u.Name); err == nil {
			u.UID = id
		}
		if id, err := strconv.Atoi(u.Group); err == nil {
			u.GID = id
		}
		s.Users = append(s.Users, u)
		s.Steps = append(s.Steps, u)
	case *instructions.CopyCommand:
		cp := &Copy{Pos: pos, From: c.From, Chmod: c.Chmod, Chown: c.Chown, Link: c.Link}
		p.copy(ss, cp, c.SourcesAndDest, n)
	case *instructions.AddCommand:
		cp := &Copy{Pos: pos, Add: true, Chmod: c.Chmod, Chown: c.Chown, Link: c.Link}
		p.copy(ss, cp, c.SourcesAndDest, n)
	case *instructions.RunCommand:
		r := p.run(ss, c, n, pos)
		s.Runs = append(s.Runs, r)
		s.Steps = append(s.Steps, r)
	case *instructions.ExposeCommand:
		for _, w := range c.Ports {
			for _, word := range strings.Fields(w) {
				pt := &Port{Pos: pos, Proto: "tcp"}
				pt.Raw, pt.Unresolved = p.expand(word, ss.vars)
				if pt.Unresolved {
					pt.Raw = word // EXPOSE $PORT with PORT unset: keep what was written
				}
				num, proto, ok := strings.Cut(pt.Raw, "/")
				if ok {
					pt.Proto = strings.ToLower(proto)
				}
				lo, hi, _ := strings.Cut(num, "-")
				pt.Port, _ = strconv.Atoi(lo)
				if hi != "" {
					pt.End, _ = strconv.Atoi(hi)
				}
				s.Expose = append(s.Expose, pt)
				s.Steps = append(s.Steps, pt)
			}
		}
	case *instructions.EntrypointCommand:
		s.Entrypoint = &Command{Pos: pos, Kind: "ENTRYPOINT", Exec: !c.PrependShell, Args: c.CmdLine}
		// An ENTRYPOINT resets the CMD inherited from the base (not one of this stage).
		s.Steps = append(s.Steps, s.Entrypoint)
	case *instructions.CmdCommand:
		s.Cmd = &Command{Pos: pos, Kind: "CMD", Exec: !c.PrependShell, Args: c.CmdLine}
		s.Steps = append(s.Steps, s.Cmd)
	case *instructions.ShellCommand:
		s.Shell = &Command{Pos: pos, Kind: "SHELL", Exec: true, Args: c.Shell}
		s.Steps = append(s.Steps, s.Shell)
	case *instructions.HealthCheckCommand:
		h := &Healthcheck{Pos: pos}
		if c.Health != nil && len(c.Health.Test) > 0 {
			switch c.Health.Test[0] {
			case "NONE":
				h.None = true
			case "CMD":
				h.Exec, h.Args = true, c.Health.Test[1:]
			default: // CMD-SHELL
				h.Args = c.Health.Test[1:]
			}
		}
		s.Healthcheck = h
		s.Steps = append(s.Steps, h)
	case *instructions.VolumeCommand:
		for _, v := range c.Volumes {
			raw, _ := p.expand(v, ss.vars)
			vol := &Volume{Pos: pos, Path: absPath(ss.workdir, raw)}
			s.Volumes = append(s.Volumes, vol)
			s.Steps = append(s.Steps, vol)
		}
	case *instructions.StopSignalCommand:
		sig, unres := p.expand(c.Signal, ss.vars)
		s.StopSignal = &Var{Pos: pos, Name: "STOPSIGNAL", Value: sig, HasValue: true, Unresolved: unres}
	}
}

// absPath resolves p against the directory dir as Docker does for WORKDIR and destinations,
// keeping a trailing slash (it says "directory").
func absPath(dir, p string) string {
	if p == "" {
		return dir
	}
	slash := strings.HasSuffix(p, "/") || strings.HasSuffix(p, "/.")
	if !path.IsAbs(p) {
		p = path.Join(dir, p)
	}
	p = path.Clean(p)
	if slash && p != "/" {
		p += "/"
	}
	return p
}
