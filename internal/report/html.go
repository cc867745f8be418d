package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shipshape-dev/shipshape/internal/compose"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// HTML writes one self-contained page for people who would rather look than read: a summary
// (counts by severity, the verdict, the notes), then the findings grouped by the deployment
// target they break (an image, a Kubernetes workload, a compose service, a systemd unit, or the
// Go code alone), each with the lines of every file it names side by side, its rule, symptom and
// fix. The page loads nothing from the network: the CSS is inline and there is no script. Rule
// IDs link to docs/rules/<ID>.md, a relative link.
//
// The lines are read from Report.Root: a file that is missing, unreadable, binary or outside the
// root is named with the reason instead of its lines. The target of a finding is decided from
// its file, or from its related positions when the file is Go code: the image of a Dockerfile
// (its final stage), the Kubernetes object at the finding's line (a Service's workload when the
// Service selects exactly one in the same file), the compose service at the line, the unit.
type HTML struct{}

var (
	//go:embed html/report.html.tmpl
	htmlPageTemplate string
	//go:embed html/report.css
	htmlCSS string

	htmlTemplate = template.Must(template.New("report").Parse(htmlPageTemplate))
)

// snippetContext is how many lines are shown before and after each marked line: enough to see
// the instruction or statement around it without turning the page into a file viewer.
const snippetContext = 2

// maxLineRunes cuts very long lines (minified or generated files) so one line cannot stretch a
// finding over screens.
const maxLineRunes = 240

// maxSnippetMarks bounds the marked lines shown per file of one finding.
const maxSnippetMarks = 12

func (HTML) Format(w io.Writer, r *Report, opt Options) error {
	page := buildPage(r, opt)
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, page); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// htmlPage is what the template renders.
type htmlPage struct {
	Root     string
	Version  string
	Verdict  string
	Failing  bool
	Said     string // Report.Verdict, when a command set one
	Total    int
	Counts   []htmlCount
	Targets  []*htmlTarget
	Notes    []htmlNote
	CSS      template.CSS
	Findings int
}

type htmlCount struct {
	Severity string // error, warning, info: the CSS class
	Label    string
	N        int
}

type htmlNote struct {
	Pos  string
	Text string
}

type htmlTarget struct {
	Anchor   string
	Kind     string // image, Deployment (any Kubernetes kind), compose service, unit, source, file, project
	Name     string
	Detail   string
	Counts   []htmlCount
	order    int
	file     string
	Findings []*htmlFinding
}

type htmlFinding struct {
	Anchor   string
	ID       string
	DocHref  string
	Title    string
	Class    string
	Severity string // the CSS class: error, warning, info
	SevLabel string
	Pos      string
	Message  []htmlSegment
	Symptom  string
	Fix      string
	Snippets []*htmlSnippet
	sev      rule.Severity
	index    int
}

// htmlSegment is a piece of a message; Ref pieces are positions (main.go:12) set as code.
type htmlSegment struct {
	Text string
	Ref  bool
}

type htmlSnippet struct {
	File    string
	Role    string // "own" for the finding's own file, "related" for the others
	Missing string // why the lines are not shown, when they are not
	Whole   bool   // the finding names the whole file (no line)
	Lines   []htmlLine
}

type htmlLine struct {
	N      int
	Text   string
	Gap    bool // stands for lines left out between two windows
	Mark   string
	Labels []string
}

func buildPage(r *Report, opt Options) *htmlPage {
	p := &htmlPage{Root: pageTitle(r.Root), Version: opt.ToolVersion, Said: r.Verdict, CSS: template.CSS(htmlCSS)}
	rules := map[string]*rule.Rule{}
	for _, ru := range r.Rules {
		rules[ru.ID] = ru
	}
	files := &fileCache{root: r.Root, lines: map[string]*fileLines{}}
	targets := &targetFinder{files: files, parsed: map[string]*artifact{}}
	byKey := map[string]*htmlTarget{}
	var errs, warns, infos int
	for i, f := range r.Findings {
		switch {
		case f.Severity >= rule.Error:
			errs++
		case f.Severity == rule.Warning:
			warns++
		default:
			infos++
		}
		t := targets.of(f)
		key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", t.order, t.Kind, t.Name, t.file)
		if have, ok := byKey[key]; ok {
			t = have
		} else {
			byKey[key] = t
			p.Targets = append(p.Targets, t)
		}
		t.Findings = append(t.Findings, buildFinding(f, i, rules, files))
	}
	p.Findings = len(r.Findings)
	p.Counts = counts(errs, warns, infos)
	p.Failing = errs > 0
	switch {
	case errs == 1:
		p.Verdict = "1 error: this will not start as deployed"
	case errs > 1:
		p.Verdict = fmt.Sprintf("%d errors: this will not start as deployed", errs)
	default:
		p.Verdict = "no errors"
	}
	sort.SliceStable(p.Targets, func(i, j int) bool {
		a, b := p.Targets[i], p.Targets[j]
		if a.order != b.order {
			return a.order < b.order
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.file < b.file
	})
	for i, t := range p.Targets {
		t.Anchor = fmt.Sprintf("target-%d", i+1)
		sort.SliceStable(t.Findings, func(i, j int) bool {
			if t.Findings[i].sev != t.Findings[j].sev {
				return t.Findings[i].sev > t.Findings[j].sev
			}
			return t.Findings[i].index < t.Findings[j].index
		})
		var e, w, in int
		for _, f := range t.Findings {
			switch f.Severity {
			case "error":
				e++
			case "warning":
				w++
			default:
				in++
			}
		}
		t.Counts = counts(e, w, in)
	}
	for _, n := range r.Notes {
		hn := htmlNote{Text: n.Text}
		if n.Pos.File != "" {
			hn.Pos = n.Pos.String()
		}
		p.Notes = append(p.Notes, hn)
	}
	return p
}

// pageTitle names the checked directory: as the user gave it, or by its own name when it was
// given as "." or "..", which say nothing once the page is opened elsewhere.
func pageTitle(root string) string {
	if root == "" {
		root = "."
	}
	if c := filepath.Clean(root); c == "." || c == ".." || strings.HasSuffix(c, string(filepath.Separator)+"..") {
		if abs, err := filepath.Abs(c); err == nil && filepath.Base(abs) != string(filepath.Separator) {
			return filepath.Base(abs)
		}
	}
	return root
}

func counts(errs, warns, infos int) []htmlCount {
	plural := func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	}
	return []htmlCount{
		{"error", plural(errs, "error", "errors"), errs},
		{"warning", plural(warns, "warning", "warnings"), warns},
		{"info", "info", infos},
	}
}

var ruleID = regexp.MustCompile(`^SS[0-9]{4}$`)

func buildFinding(f rule.Finding, index int, rules map[string]*rule.Rule, files *fileCache) *htmlFinding {
	hf := &htmlFinding{
		Anchor:   fmt.Sprintf("finding-%d", index+1),
		ID:       f.ID,
		Class:    string(f.Class),
		Severity: sevClass(f.Severity),
		SevLabel: f.Severity.String(),
		Pos:      f.Pos.String(),
		Symptom:  f.Symptom,
		Fix:      f.Fix,
		sev:      f.Severity,
		index:    index,
	}
	if ruleID.MatchString(f.ID) {
		hf.DocHref = "docs/rules/" + f.ID + ".md"
	}
	if ru := rules[f.ID]; ru != nil {
		hf.Title = ru.Title
		if hf.Class == "" {
			hf.Class = string(ru.Class)
		}
	}
	hf.Message = segments(f)
	hf.Snippets = snippets(f, files)
	return hf
}

func sevClass(s rule.Severity) string {
	switch {
	case s >= rule.Error:
		return "error"
	case s == rule.Warning:
		return "warning"
	}
	return "info"
}

var posInText = regexp.MustCompile(`[A-Za-z0-9_.@+/-]+:[0-9]+(?::[0-9]+)?`)

// segments splits a message so that the positions it names (of files the finding names) are
// set apart as code.
func segments(f rule.Finding) []htmlSegment {
	known := map[string]bool{}
	if f.File != "" {
		known[f.File] = true
	}
	for _, rel := range f.Related {
		if rel.File != "" {
			known[rel.File] = true
		}
	}
	msg := strings.TrimRight(f.Message, "\r\n")
	var out []htmlSegment
	last := 0
	for _, m := range posInText.FindAllStringIndex(msg, -1) {
		file := msg[m[0]:m[1]]
		file = file[:strings.IndexByte(file, ':')]
		if !known[file] {
			continue
		}
		if m[0] > last {
			out = append(out, htmlSegment{Text: msg[last:m[0]]})
		}
		out = append(out, htmlSegment{Text: msg[m[0]:m[1]], Ref: true})
		last = m[1]
	}
	if last < len(msg) {
		out = append(out, htmlSegment{Text: msg[last:]})
	}
	return out
}

// mark is a line a finding points at, with what it says there.
type mark struct {
	line    int
	primary bool
	labels  []string
}

// snippets gives one snippet per file the finding names: its own file first, then the files of
// the related positions in the order they are named.
func snippets(f rule.Finding, files *fileCache) []*htmlSnippet {
	type fileMarks struct {
		file  string
		whole bool
		marks map[int]*mark
	}
	var order []*fileMarks
	byFile := map[string]*fileMarks{}
	add := func(pos source.Pos, label string, primary bool) {
		if pos.File == "" {
			return
		}
		fm := byFile[pos.File]
		if fm == nil {
			fm = &fileMarks{file: pos.File, marks: map[int]*mark{}}
			byFile[pos.File] = fm
			order = append(order, fm)
		}
		if pos.Line <= 0 {
			fm.whole = fm.whole || primary
			return
		}
		m := fm.marks[pos.Line]
		if m == nil {
			m = &mark{line: pos.Line}
			fm.marks[pos.Line] = m
		}
		m.primary = m.primary || primary
		if label != "" && !slices.Contains(m.labels, label) {
			m.labels = append(m.labels, label)
		}
	}
	add(f.Pos, "", true)
	for _, rel := range f.Related {
		add(rel.Pos, strings.TrimSpace(rel.Message), false)
	}
	var out []*htmlSnippet
	for _, fm := range order {
		sn := &htmlSnippet{File: fm.file, Role: "related", Whole: fm.whole && len(fm.marks) == 0}
		if fm.file == f.File {
			sn.Role = "own"
		}
		fl, err := files.get(fm.file)
		if err != nil {
			sn.Missing = err.Error()
			out = append(out, sn)
			continue
		}
		var marks []*mark
		for _, m := range fm.marks {
			marks = append(marks, m)
		}
		sort.Slice(marks, func(i, j int) bool { return marks[i].line < marks[j].line })
		if len(marks) > maxSnippetMarks {
			marks = marks[:maxSnippetMarks]
		}
		var past []int
		var shown []*mark
		for _, m := range marks {
			if m.line > len(fl.lines) {
				past = append(past, m.line)
				continue
			}
			shown = append(shown, m)
		}
		sn.Lines = window(fl.lines, shown)
		if len(past) > 0 {
			sn.Missing = fmt.Sprintf("line %d is past the end of the file (%d lines): it changed since the check", past[0], len(fl.lines))
		}
		out = append(out, sn)
	}
	return out
}

// window shows each marked line with snippetContext lines around it, merging windows that touch
// and putting a gap line where lines are left out.
func window(lines []string, marks []*mark) []htmlLine {
	var out []htmlLine
	next := 1 // first line not yet shown
	for i, m := range marks {
		from := max(m.line-snippetContext, 1)
		to := min(m.line+snippetContext, len(lines))
		// Extend to the next mark's window when they would touch.
		for i+1 < len(marks) && marks[i+1].line-snippetContext <= to+2 {
			i++
			to = min(marks[i].line+snippetContext, len(lines))
		}
		if from < next {
			from = next
		}
		if from > to {
			continue
		}
		if len(out) > 0 && from > next {
			out = append(out, htmlLine{Gap: true})
		}
		for n := from; n <= to; n++ {
			l := htmlLine{N: n, Text: lines[n-1]}
			for _, mm := range marks {
				if mm.line == n {
					l.Mark = "related"
					if mm.primary {
						l.Mark = "primary"
					}
					l.Labels = mm.labels
				}
			}
			out = append(out, l)
		}
		next = to + 1
	}
	return out
}

// fileLines is one file of the root, split into lines fit for display.
type fileLines struct {
	lines []string
	err   error
	data  []byte
}

// fileCache reads the files of the checked root once each.
type fileCache struct {
	root  string
	lines map[string]*fileLines
}

func (c *fileCache) get(rel string) (*fileLines, error) {
	if fl, ok := c.lines[rel]; ok {
		return fl, fl.err
	}
	fl := &fileLines{}
	fl.data, fl.err = c.read(rel)
	if fl.err == nil {
		fl.lines = displayLines(fl.data)
	}
	c.lines[rel] = fl
	return fl, fl.err
}

// read returns the content of a slash path under the root. Paths that leave the root (.., an
// absolute path, a symlink out of it) are refused by os.Root; only regular files are read, and
// no more than the tree's limit.
func (c *fileCache) read(rel string) ([]byte, error) {
	if !fs.ValidPath(rel) {
		return nil, fmt.Errorf("not shown: %s is not a path inside %s", rel, displayRoot(c.root))
	}
	root, err := os.OpenRoot(displayRoot(c.root))
	if err != nil {
		return nil, fmt.Errorf("not shown: %s is not a directory that can be read", displayRoot(c.root))
	}
	defer root.Close()
	fh, err := root.Open(rel)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("not shown: %s is not in %s", rel, displayRoot(c.root))
		}
		return nil, fmt.Errorf("not shown: %s cannot be read", rel)
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not shown: %s is not a regular file", rel)
	}
	if st.Size() > tree.MaxFileSize {
		return nil, fmt.Errorf("not shown: %s is over the %d MB limit for a file", rel, tree.MaxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(fh, tree.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("not shown: %s cannot be read", rel)
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fmt.Errorf("not shown: %s is a binary file", rel)
	}
	return data, nil
}

func displayRoot(root string) string {
	if root == "" {
		return "."
	}
	return root
}

// displayLines splits text into lines without their line ends (LF or CRLF), with invalid UTF-8
// replaced and very long lines cut.
func displayLines(data []byte) []string {
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	if text == "" {
		return nil
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if !utf8.ValidString(l) {
			l = strings.ToValidUTF8(l, "\uFFFD")
		}
		if utf8.RuneCountInString(l) > maxLineRunes {
			l = string([]rune(l)[:maxLineRunes]) + " …"
		}
		lines[i] = l
	}
	return lines
}

// Target orders: images first, then the orchestrated workloads, units, and what runs nowhere in
// particular.
const (
	orderImage = iota
	orderKubernetes
	orderCompose
	orderUnit
	orderGo
	orderFile
	orderNone
)

// artifact is what the page needs to know of one deployment file to name its targets.
type artifact struct {
	kind    tree.Kind
	image   string     // Dockerfile: the final stage's base
	imageAt source.Pos // the final stage's FROM
	objects []*k8s.Object
	compose *compose.File
}

// targetFinder decides the deployment target of each finding.
type targetFinder struct {
	files  *fileCache
	parsed map[string]*artifact
}

func (tf *targetFinder) of(f rule.Finding) *htmlTarget {
	if t := tf.artifactTarget(f.Pos); t != nil {
		return t
	}
	for _, rel := range f.Related {
		if t := tf.artifactTarget(rel.Pos); t != nil {
			return t
		}
	}
	if f.File == "" {
		return &htmlTarget{Kind: "project", Name: "the checked directory", order: orderNone}
	}
	if isGo(f.File) {
		return &htmlTarget{Kind: "source", Name: "Go code", Detail: "found in the Go sources alone: it holds wherever they run", order: orderGo}
	}
	return &htmlTarget{Kind: "file", Name: f.File, file: f.File, order: orderFile}
}

func isGo(file string) bool {
	switch tree.KindOf(file) {
	case tree.GoFile, tree.GoMod, tree.GoSum, tree.GoWork, tree.VendorModules:
		return true
	}
	return false
}

// artifactTarget is the deployment target a position in a deployment file belongs to, or nil
// for any other file.
func (tf *targetFinder) artifactTarget(pos source.Pos) *htmlTarget {
	if pos.File == "" {
		return nil
	}
	switch tree.KindOf(pos.File) {
	case tree.Dockerfile:
		a := tf.artifact(pos.File)
		t := &htmlTarget{Kind: "image", Name: pos.File, file: pos.File, order: orderImage}
		if a != nil && a.image != "" {
			t.Detail = fmt.Sprintf("built by %s, final stage FROM %s (%s)", pos.File, a.image, a.imageAt.Short())
		} else {
			t.Detail = "built by " + pos.File
		}
		return t
	case tree.SystemdUnit:
		return &htmlTarget{Kind: "unit", Name: path.Base(pos.File), Detail: "systemd unit " + pos.File, file: pos.File, order: orderUnit}
	case tree.Other:
		// Drop-ins (app.service.d/override.conf) belong to their unit.
		dir := path.Dir(pos.File)
		if strings.HasSuffix(pos.File, ".conf") && strings.HasSuffix(dir, ".d") && tree.KindOf(strings.TrimSuffix(dir, ".d")) == tree.SystemdUnit {
			unit := strings.TrimSuffix(dir, ".d")
			return &htmlTarget{Kind: "unit", Name: path.Base(unit), Detail: "systemd unit " + unit, file: unit, order: orderUnit}
		}
		return nil
	case tree.YAML:
		a := tf.artifact(pos.File)
		if a == nil {
			return nil
		}
		if a.compose != nil {
			var at *compose.Service
			for _, s := range a.compose.Services {
				if s.Pos.Line <= pos.Line && (at == nil || s.Pos.Line >= at.Pos.Line) {
					at = s
				}
			}
			if at == nil {
				return &htmlTarget{Kind: "compose file", Name: pos.File, file: pos.File, order: orderCompose}
			}
			return &htmlTarget{Kind: "compose service", Name: at.Name, Detail: "compose service defined at " + at.Pos.Short(), file: pos.File, order: orderCompose}
		}
		o := objectAt(a.objects, pos.Line)
		if o == nil {
			return nil
		}
		if o.Service != nil {
			var selected []*k8s.Object
			for _, w := range a.objects {
				if w.Workload != nil {
					for _, s := range k8s.Selecting(a.objects, w) {
						if s == o {
							selected = append(selected, w)
						}
					}
				}
			}
			if len(selected) == 1 {
				o = selected[0]
			}
		}
		name := o.Name.Value
		if o.Namespace.Value != "" {
			name = o.Namespace.Value + "/" + name
		}
		if name == "" {
			name = "(unnamed)"
		}
		kind := o.Kind
		if kind == "" {
			kind = "object"
		}
		return &htmlTarget{Kind: kind, Name: name, Detail: fmt.Sprintf("Kubernetes %s at %s", o.Kind, o.Pos.Short()), file: pos.File, order: orderKubernetes}
	}
	return nil
}

// objectAt is the object whose document holds line: the last one starting at or before it. A
// whole-file position (line 0) names an object only when the file holds one.
func objectAt(objs []*k8s.Object, line int) *k8s.Object {
	if line <= 0 {
		if len(objs) == 1 {
			return objs[0]
		}
		return nil
	}
	var at *k8s.Object
	for _, o := range objs {
		if o.Pos.Line <= line && (at == nil || o.Pos.Line >= at.Pos.Line) {
			at = o
		}
	}
	return at
}

// artifact parses a deployment file with its own parser (once), or returns nil when the file
// cannot be read or is not one.
func (tf *targetFinder) artifact(rel string) *artifact {
	if a, ok := tf.parsed[rel]; ok {
		return a
	}
	tf.parsed[rel] = nil
	fl, err := tf.files.get(rel)
	if err != nil {
		return nil
	}
	a := &artifact{kind: tree.KindOf(rel)}
	switch a.kind {
	case tree.Dockerfile:
		df := dockerfile.Parse(rel, fl.data)
		if s := df.Final(); s != nil {
			a.image = s.Base.Ref
			if a.image == "" {
				a.image = s.Base.Raw
			}
			a.imageAt = s.Pos
		}
	case tree.YAML:
		if cf, _ := compose.Parse(rel, fl.data, nil); cf != nil {
			a.compose = cf
		} else {
			a.objects, _ = k8s.Parse(rel, fl.data)
			if len(a.objects) == 0 {
				return nil
			}
		}
	}
	tf.parsed[rel] = a
	return a
}
