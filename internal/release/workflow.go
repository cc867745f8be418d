package release

import (
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// Workflow is the release-relevant content of one GitHub Actions workflow.
type Workflow struct {
	Path string
	// GoVersions are setup-go's go-version inputs; GoVersionFiles its go-version-file inputs.
	GoVersions     []Value
	GoVersionFiles []Value
	// Images are docker/build-push-action steps, with their platforms input split on commas
	// and lines (an unset input means the runner's own platform, normally linux/amd64), and
	// "docker build"/"docker buildx build" commands in run: scripts that pass --platform.
	Images []*Image
	// Env are GOOS, GOARCH, GOARM, GOAMD64 and CGO_ENABLED settings from env: blocks (workflow,
	// job or step) and from NAME=value words in run: scripts.
	Env []Setting
	// Matrix are the axes of every job's strategy.matrix, include: entries folded in.
	Matrix []Axis
}

// Axis is one key of a job's build matrix.
type Axis struct {
	Job    string
	Name   string
	Values []Value
}

// buildVars are the environment variables that decide the platform and linkage of a Go build.
var buildVars = map[string]bool{"GOOS": true, "GOARCH": true, "GOARM": true, "GOAMD64": true, "CGO_ENABLED": true}

// buildVarRE finds NAME=value words in shell text and Makefile lines.
var buildVarRE = regexp.MustCompile(`(?:^|[\s;(&|])(GOOS|GOARCH|GOARM|GOAMD64|CGO_ENABLED)[ \t]*(?:\?=|:=|::=|\+=|=)[ \t]*("[^"]*"|'[^']*'|\$[({][^)}]*[)}]|[^\s;&|)]*)`)

// ParseWorkflow reads a GitHub Actions workflow. It returns nil when the file is empty or not
// YAML.
func ParseWorkflow(p string, data []byte) (*Workflow, []source.Note) {
	root, notes := parseYAML(p, data)
	if root == nil {
		return nil, notes
	}
	w := &Workflow{Path: p}
	addEnv := func(n *yaml.Node) {
		for _, s := range envSettings(p, n) {
			if buildVars[s.Name] {
				w.Env = append(w.Env, s)
			}
		}
	}
	addEnv(get(root, "env"))
	var jobs []string
	jobNodes := map[string]*yaml.Node{}
	pairs(get(root, "jobs"), func(k, v *yaml.Node) {
		jobs = append(jobs, k.Value)
		jobNodes[k.Value] = v
	})
	for _, name := range jobs {
		job := jobNodes[name]
		addEnv(get(job, "env"))
		w.Matrix = append(w.Matrix, matrix(p, name, get(get(job, "strategy"), "matrix"))...)
		for _, step := range items(get(job, "steps")) {
			addEnv(get(step, "env"))
			for _, l := range lines(p, get(step, "run")) {
				w.Env = append(w.Env, shellSettings(l)...)
				if img := buildxImage(l, "workflow docker build"); img != nil {
					w.Images = append(w.Images, img)
				}
			}
			uses := value(p, get(step, "uses")).Text
			action, _, _ := strings.Cut(uses, "@")
			with := get(step, "with")
			switch action {
			case "actions/setup-go":
				if v := value(p, get(with, "go-version")); v.Set() {
					w.GoVersions = append(w.GoVersions, v)
				}
				if v := value(p, get(with, "go-version-file")); v.Set() {
					w.GoVersionFiles = append(w.GoVersionFiles, v)
				}
			case "docker/build-push-action":
				img := &Image{Pos: source.Pos{File: p, Line: step.Line, Col: step.Column}, From: "workflow docker/build-push-action",
					Dockerfile: value(p, get(with, "file"))}
				for _, l := range lines(p, get(with, "platforms")) {
					img.Platforms = append(img.Platforms, splitList(l)...)
				}
				w.Images = append(w.Images, img)
			}
		}
	}
	return w, notes
}

// matrix reads a job's strategy.matrix: each key's list, plus the values include: adds.
func matrix(p, job string, m *yaml.Node) []Axis {
	axes := map[string]*Axis{}
	var order []string
	add := func(k *yaml.Node, v *yaml.Node) {
		a := axes[k.Value]
		if a == nil {
			a = &Axis{Job: job, Name: k.Value}
			axes[k.Value] = a
			order = append(order, k.Value)
		}
		a.Values = append(a.Values, values(p, v)...)
	}
	pairs(m, func(k, v *yaml.Node) {
		switch k.Value {
		case "exclude":
		case "include":
			for _, inc := range items(v) {
				pairs(inc, add)
			}
		default:
			add(k, v)
		}
	})
	out := make([]Axis, 0, len(order))
	for _, k := range order {
		out = append(out, *axes[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// splitList splits a line of a comma-separated list, keeping each element's column when known.
func splitList(l Value) []Value {
	var out []Value
	off := 0
	for _, part := range strings.Split(l.Text, ",") {
		t := strings.TrimSpace(part)
		if t != "" {
			pos := l.Pos
			if pos.Col > 0 {
				pos.Col += off + strings.Index(part, t)
			}
			out = append(out, Value{Text: t, Pos: pos})
		}
		off += len(part) + 1
	}
	return out
}

// shellSettings finds GOOS=… and similar words in one line of shell or make text.
func shellSettings(l Value) []Setting {
	var out []Setting
	for _, m := range buildVarRE.FindAllStringSubmatchIndex(l.Text, -1) {
		pos := l.Pos
		if pos.Col > 0 {
			pos.Col += m[2]
		}
		val := strings.Trim(l.Text[m[4]:m[5]], `"'`)
		out = append(out, Setting{Name: l.Text[m[2]:m[3]], Value: val, Pos: pos})
	}
	return out
}

// platformFlagRE finds docker's --platform flag and its value.
var platformFlagRE = regexp.MustCompile(`--platform[= ]+("[^"]*"|'[^']*'|\S+)`)

// buildxImage reads a "docker build" or "docker buildx build" line that names its platforms.
func buildxImage(l Value, from string) *Image {
	if !strings.Contains(l.Text, "docker") || !strings.Contains(l.Text, "build") {
		return nil
	}
	m := platformFlagRE.FindStringSubmatchIndex(l.Text)
	if m == nil {
		return nil
	}
	pl := l
	pl.Text = strings.Trim(l.Text[m[2]:m[3]], `"'`)
	if pl.Pos.Col > 0 {
		pl.Pos.Col += m[2]
	}
	return &Image{Pos: l.Pos, From: from, Platforms: splitList(pl)}
}
