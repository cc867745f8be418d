package release

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
)

func at(v Value) string { return fmt.Sprintf("%s@%d:%d", v.Text, v.Pos.Line, v.Pos.Col) }

func ats(vs []Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, at(v))
	}
	return out
}

func settings(ss []Setting) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s=%s@%d:%d", s.Name, s.Value, s.Pos.Line, s.Pos.Col))
	}
	return out
}

func TestLoadProject(t *testing.T) {
	f, notes := Load(treetest.Walk(t, "testdata/project"))
	if len(notes) != 0 {
		t.Errorf("notes:\n%s", treetest.NotesText(notes))
	}
	if f == nil || len(f.Goreleaser) != 1 || len(f.Workflows) != 1 || len(f.Makefiles) != 1 {
		t.Fatalf("facts = %+v", f)
	}
	g := f.Goreleaser[0]
	app, worker := g.Builds[0], g.Builds[1]
	if diff := cmp.Diff([]string{"linux@9:12", "darwin@9:19"}, ats(app.GOOS)); diff != "" {
		t.Errorf("GOOS (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"amd64@11:9", "arm64@12:9", "arm@13:9"}, ats(app.GOARCH)); diff != "" {
		t.Errorf("GOARCH (-want +got):\n%s", diff)
	}
	if at(app.Binary) != "app@8:13" || at(app.GOARM[0]) != "7@14:13" || app.Ldflags[0].Text != "-s -w -X main.version={{.Version}}" {
		t.Errorf("app build = %+v", app)
	}
	if s, ok := g.CGOEnabled(app); !ok || s.Value != "0" || s.Pos.Line != 4 {
		t.Errorf("app CGO_ENABLED = %+v %v (from the global env)", s, ok)
	}
	if s, ok := g.CGOEnabled(worker); !ok || s.Value != "1" || s.Pos.Line != 22 {
		t.Errorf("worker CGO_ENABLED = %+v %v (its own env wins)", s, ok)
	}
	pkg := g.Packages[0]
	if pkg.BinDir() != "/usr/local/bin" || len(pkg.Contents) != 4 || at(pkg.Contents[0].Dst) != "/lib/systemd/system/app.service@33:14" {
		t.Errorf("nfpm = %+v", pkg)
	}
	var imgs []string
	for _, img := range g.Images {
		imgs = append(imgs, img.From+" "+strings.Join(ats(img.Platforms), " "))
	}
	wantImgs := []string{
		"goreleaser dockers linux/arm64@43:13",
		"goreleaser dockers linux/amd64@47:9",
		"goreleaser dockers_v2 linux/amd64@52:9 linux/arm64@53:9",
		"goreleaser kos linux/amd64@55:5",
	}
	if diff := cmp.Diff(wantImgs, imgs); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}

	w := f.Workflows[0]
	if diff := cmp.Diff([]string{"1.26.x@18:23"}, ats(w.GoVersions)); diff != "" || at(w.GoVersionFiles[0]) != "go.mod@31:28" {
		t.Errorf("go versions %v files %v", ats(w.GoVersions), ats(w.GoVersionFiles))
	}
	if diff := cmp.Diff([]string{"CGO_ENABLED=0@4:3", "GOARCH=${{ matrix.goarch }}@21:11", "GOOS=linux@24:0", "GOARCH=arm@24:0"}, settings(w.Env)); diff != "" {
		t.Errorf("workflow env (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"linux/amd64@25:0"}, ats(w.Images[0].Platforms)); diff != "" || w.Images[0].From != "workflow docker build" {
		t.Errorf("docker buildx in run: (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"linux/amd64@35:22", "linux/arm64@35:34"}, ats(w.Images[1].Platforms)); diff != "" || w.Images[1].Dockerfile.Text != "deploy/Dockerfile" {
		t.Errorf("build-push-action platforms (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"linux/amd64@39:0", "linux/arm/v7@40:0"}, ats(w.Images[2].Platforms)); diff != "" {
		t.Errorf("block platforms (-want +got):\n%s", diff)
	}
	var axes []string
	for _, a := range w.Matrix {
		axes = append(axes, a.Job+"."+a.Name+"="+strings.Join(ats(a.Values), ","))
	}
	if diff := cmp.Diff([]string{"build.goarch=amd64@10:18,arm64@10:25,riscv64@12:21", "build.goos=linux@13:19"}, axes); diff != "" {
		t.Errorf("matrix (-want +got):\n%s", diff)
	}

	m := f.Makefiles[0]
	if diff := cmp.Diff([]string{"GOOS=linux@1:1", "GOARCH=$(shell go env GOARCH)@2:1", "CGO_ENABLED=0@7:2", "GOARCH=amd64@7:16"}, settings(m.Settings)); diff != "" {
		t.Errorf("Makefile settings (-want +got):\n%s", diff)
	}
	if len(m.Images) != 1 || strings.Join(ats(m.Images[0].Platforms), " ") != "linux/amd64@18:33 linux/arm64@18:45" {
		t.Errorf("Makefile images = %+v", m.Images)
	}
	var installed []string
	for _, in := range f.InstalledBinaries() {
		installed = append(installed, fmt.Sprintf("%s %s (%s) %s", in.Name, in.Path, in.From, in.Pos))
	}
	want := []string{
		"app /usr/local/bin/app (goreleaser nfpms) .goreleaser.yaml:30:13",
		"app-tool /usr/sbin/app-tool (goreleaser nfpms contents) .goreleaser.yaml:40:14",
		"app /usr/local/bin/app (script install) scripts/install.sh:3:1",
		"app /usr/bin/app (script cp) scripts/install.sh:5:1",
		"tool $HOME/.local/bin/tool (script cp) scripts/install.sh:6:1",
		"app $(DESTDIR)$(PREFIX)/bin/app (Makefile install) Makefile:10:3",
		"app /opt/app/bin/app (Makefile cp) Makefile:13:3",
		"tool /opt/app/bin/tool (Makefile cp) Makefile:13:3",
	}
	if diff := cmp.Diff(want, installed); diff != "" {
		t.Errorf("installed binaries (-want +got):\n%s", diff)
	}
	if in := m.Installs[0]; in.Mode != "0755" || in.Target != "install" {
		t.Errorf("install = %+v", in)
	}
}

func TestBadInput(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nbuilds: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	tests := []struct {
		name  string
		parse func(string, []byte) (any, []source.Note)
		data  string
		nilOK bool
		note  string
	}{
		{"goreleaser invalid yaml", goreleaser, "builds:\n  - id: [unclosed\n", true, "x:3:1: invalid YAML"},
		{"goreleaser empty", goreleaser, "", true, ""},
		{"goreleaser scalar root", goreleaser, "just text\n", true, "x:1:1: top level is not a mapping"},
		{"goreleaser wrong shapes", goreleaser, "builds: 3\nnfpms: [1, {contents: 2}]\ndockers: x\n", false, ""},
		{"goreleaser alias bomb", goreleaser, bomb, false, ""},
		{"goreleaser helm template", goreleaser, "builds:\n{{ range .x }}\n- id: a\n{{ end }}\n", true, "invalid YAML"},
		{"workflow tabs", workflow, "jobs:\n\tbuild: {}\n", true, "x:2:1: invalid YAML"},
		{"workflow crlf", workflow, "jobs:\r\n  b:\r\n    steps:\r\n      - run: GOARCH=arm64 go build\r\n", false, ""},
		{"makefile binary", makefile, "all:\n\t\x00\x01", true, "x:2: binary file"},
		{"makefile unterminated quote", makefile, "install:\n\tinstall -m755 'app /usr/bin/app\n", false, ""},
		{"makefile continuation at EOF", makefile, "install:\n\tcp app /usr/bin/ \\", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := tt.parse("x", []byte(tt.data))
			if isNil(got) != tt.nilOK {
				t.Errorf("result = %+v", got)
			}
			if tt.note == "" && len(notes) > 0 || tt.note != "" && !strings.Contains(treetest.NotesText(notes), tt.note) {
				t.Errorf("notes:\n%s\nwant %q", treetest.NotesText(notes), tt.note)
			}
		})
	}
}

func goreleaser(p string, b []byte) (any, []source.Note) { return ParseGoreleaser(p, b) }
func workflow(p string, b []byte) (any, []source.Note)   { return ParseWorkflow(p, b) }
func makefile(p string, b []byte) (any, []source.Note)   { return ParseMakefile(p, b) }

func isNil(v any) bool {
	switch v := v.(type) {
	case *Goreleaser:
		return v == nil
	case *Workflow:
		return v == nil
	case *Makefile:
		return v == nil
	}
	return v == nil
}

func TestLoadNothing(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n./app\n"), 0o755)
	if f, notes := Load(treetest.Walk(t, dir)); f != nil || len(notes) != 0 {
		t.Errorf("Load = %+v, %v", f, notes)
	}
	var none *Facts
	if none.InstalledBinaries() != nil {
		t.Error("nil facts install binaries")
	}
}

func FuzzParseGoreleaser(f *testing.F) {
	data, err := os.ReadFile("testdata/project/.goreleaser.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		g, _ := ParseGoreleaser("g.yaml", data)
		if g != nil {
			(&Facts{Goreleaser: []*Goreleaser{g}}).InstalledBinaries()
		}
	})
}

func FuzzParseWorkflow(f *testing.F) {
	data, err := os.ReadFile("testdata/project/.github/workflows/release.yml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		ParseWorkflow("w.yml", data)
	})
}

func FuzzParseMakefile(f *testing.F) {
	data, err := os.ReadFile("testdata/project/Makefile")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, _ := ParseMakefile("Makefile", data)
		if m == nil {
			return
		}
		for _, in := range m.Installs {
			if in.Pos.Line < 1 || len(in.Src) == 0 {
				t.Fatalf("install %+v", in)
			}
		}
	})
}

// BenchmarkLoad measures Load on a project with a goreleaser config, a workflow, a Makefile
// and 200 scripts.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	for _, p := range []string{".goreleaser.yaml", ".github/workflows/release.yml", "Makefile", "scripts/install.sh"} {
		data, err := os.ReadFile(filepath.Join("testdata/project", p))
		if err != nil {
			b.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, filepath.Dir(p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), data, 0o644)
		if p == "scripts/install.sh" {
			for i := range 200 {
				os.WriteFile(filepath.Join(dir, "scripts", fmt.Sprintf("s%d.sh", i)), data, 0o755)
			}
		}
	}
	tr := treetest.Walk(b, dir)
	b.ResetTimer()
	for b.Loop() {
		if f, _ := Load(tr); f == nil {
			b.Fatal("no facts")
		}
	}
}

func TestInstallOf(t *testing.T) {
	tests := []struct {
		args []string
		want string // tool mode srcs -> dst, or "" for not an install into a bin directory
	}{
		{[]string{"install", "-m755", "app", "/usr/local/bin/app"}, "install 755 [app] -> /usr/local/bin/app"},
		{[]string{"install", "-Dm755", "app", "/usr/bin/app"}, "install 755 [app] -> /usr/bin/app"},
		{[]string{"install", "-Dm", "0755", "app", "/usr/bin/app"}, "install 0755 [app] -> /usr/bin/app"},
		{[]string{"install", "-o", "root", "--mode=0755", "a", "b", "/opt/x/bin"}, "install 0755 [a b] -> /opt/x/bin"},
		{[]string{"install", "-t", "/usr/bin", "a", "b"}, "install  [a b] -> /usr/bin/"},
		{[]string{"install", "-d", "/usr/local/bin"}, ""},
		{[]string{"install", "-m644", "app.conf", "/etc/app/app.conf"}, ""},
		{[]string{"cp", "-a", "app", "$(BINDIR)"}, "cp  [app] -> $(BINDIR)"},
		{[]string{"cp", "app"}, ""},
		{[]string{"mv", "app", "/usr/bin/"}, ""},
	}
	for _, tt := range tests {
		in := installOf(tt.args[0], tt.args[1:], source.Pos{})
		got := ""
		if in != nil {
			got = fmt.Sprintf("%s %s %v -> %s", in.Tool, in.Mode, in.Src, in.Dst)
		}
		if got != tt.want {
			t.Errorf("installOf(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
