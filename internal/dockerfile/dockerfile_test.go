package dockerfile

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// load walks testdata/<dir> and parses its Dockerfiles.
func load(t *testing.T, dir string) ([]*File, []source.Note, *tree.Tree) {
	t.Helper()
	tr, err := tree.Walk(filepath.Join("testdata", dir), tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, notes := Load(tr)
	return files, notes, tr
}

func loadOne(t *testing.T, dir string) *File {
	t.Helper()
	files, notes, _ := load(t, dir)
	if len(files) != 1 {
		t.Fatalf("got %d Dockerfiles, want 1", len(files))
	}
	if len(notes) > 0 || files[0].ParseError != nil {
		t.Fatalf("unexpected notes %v / parse error %v", notes, files[0].ParseError)
	}
	return files[0]
}

func at(line, col int) source.Pos { return source.Pos{File: "Dockerfile", Line: line, Col: col} }

func wantPos(t *testing.T, what string, got, want source.Pos) {
	t.Helper()
	if got != want {
		t.Errorf("%s at %v, want %v", what, got, want)
	}
}

func TestStaticMultistage(t *testing.T) {
	f := loadOne(t, "static")
	if len(f.MetaArgs) != 2 || f.MetaArgs[0].Name != "GO_VERSION" || f.MetaArgs[0].Value != "1.22" {
		t.Fatalf("meta args = %+v", f.MetaArgs)
	}
	if len(f.Stages) != 2 {
		t.Fatalf("%d stages", len(f.Stages))
	}
	build, final := f.Stages[0], f.Final()
	if build.Name != "build" || build.Index != 0 || final.Index != 1 {
		t.Errorf("stage names/indexes: %q %d %d", build.Name, build.Index, final.Index)
	}
	b := build.Base
	if b.Raw != "golang:${GO_VERSION}-alpine" || b.Ref != "golang:1.22-alpine" || b.Repo != "golang" || b.Tag != "1.22-alpine" || b.Unresolved {
		t.Errorf("build base = %+v", b)
	}
	if b.Platform != "$BUILDPLATFORM" {
		t.Errorf("platform = %q", b.Platform)
	}
	wantPos(t, "FROM build", b.Pos, at(5, 1))
	if final.Base.Ref != "gcr.io/distroless/static-debian12:nonroot" || final.Base.Tag != "nonroot" {
		t.Errorf("final base = %+v", final.Base)
	}
	if f.Target("build") != build || f.Target("BUILD") != build || f.Target("") != final || f.Target("nope") != nil {
		t.Error("Target lookup")
	}

	// .dockerignore: docs/ and **/*.md are out, README.md is excepted back in.
	var copied []string
	for _, p := range build.Copies[1].Placed {
		copied = append(copied, p.Src)
	}
	want := []string{".dockerignore", "Dockerfile", "README.md", "cmd/api/main.go", "go.mod", "go.sum", "web/index.html", "web/static/site.css"}
	if d := cmp.Diff(want, copied); d != "" {
		t.Errorf("COPY . . brings in (-want +got):\n%s", d)
	}
	// COPY web/ /srv/web/ copies the directory's contents.
	var placed []Placed
	placed = append(placed, final.Copies[1].Placed...)
	if d := cmp.Diff([]Placed{{Src: "web/index.html", Dest: "/srv/web/index.html"}, {Src: "web/static/site.css", Dest: "/srv/web/static/site.css"}}, placed); d != "" {
		t.Errorf("COPY web/ (-want +got):\n%s", d)
	}

	if len(build.Runs) != 2 || len(build.Runs[0].GoMod) != 1 || build.Runs[0].GoMod[0].Verb != "download" {
		t.Fatalf("runs = %+v", build.Runs)
	}
	g := build.Runs[1].GoBuilds[0]
	wantPos(t, "go build", g.Pos, at(12, 5))
	wantPos(t, "CGO_ENABLED", g.Env["CGO_ENABLED"].Pos, at(12, 17))
	if g.Env["CGO_ENABLED"].Value != "0" || g.Env["CGO_ENABLED"].Origin != "inline" {
		t.Errorf("CGO_ENABLED = %+v", g.Env["CGO_ENABLED"])
	}
	if v := g.Env["GOARCH"]; !v.Unresolved || v.Value != "${TARGETARCH}" {
		t.Errorf("GOARCH = %+v", v)
	}
	if g.Output != "/out/api" || g.OutputAbs != "/out/api" || !g.ExtStatic || !g.Trimpath || g.LinkExternal ||
		cmp.Diff([]string{"./cmd/api"}, g.Packages) != "" || g.Workdir != "/src" {
		t.Errorf("go build = %+v", g)
	}
	if len(build.PlatformRefs) != 2 || !build.PlatformRefs[0].Declared || build.PlatformRefs[1].Name != "TARGETARCH" {
		t.Errorf("platform refs = %v", build.PlatformRefs)
	}

	im := Model(f, final)
	if im.Libc.State != No || im.LibcFamily != LibcNone || im.CABundle.State != Yes || im.Zoneinfo.State != Yes ||
		im.Shell.State != No || im.Tmp.State != Yes || im.HasUser("nonroot") != Yes || im.HasUser("app") != No {
		t.Errorf("distroless static model: %+v", im)
	}
	wantPos(t, "CA bundle", im.CABundle.Pos, at(16, 1))
	if len(im.Binaries) != 1 {
		t.Fatalf("binaries = %v", im.Binaries)
	}
	bin := im.Binaries[0]
	if bin.Path != "/usr/local/bin/api" || bin.CGO != No || !bin.CGOExplicit || bin.Static != Yes || bin.Builder.Libc != LibcMusl {
		t.Errorf("binary = %+v", bin)
	}
	wantPos(t, "binary's cgo", bin.CGOPos, at(12, 17))
	wantPos(t, "binary's copy", bin.Copy.Pos, at(17, 1))
	if u, pos, known := im.RunAs(); u != "nonroot:nonroot" || pos != at(20, 1) || !known {
		t.Errorf("RunAs = %q %v %v", u, pos, known)
	}
	if wd, pos := im.WorkingDir(); wd != "/home/nonroot" || pos != at(16, 1) {
		t.Errorf("WorkingDir = %q %v", wd, pos)
	}
	if im.Entrypoint == nil || !im.Entrypoint.Exec || im.Entrypoint.Args[0] != "/usr/local/bin/api" || im.Cmd == nil || len(im.Cmd.Args) != 2 {
		t.Errorf("entrypoint %+v cmd %+v", im.Entrypoint, im.Cmd)
	}
	if len(im.Expose) != 1 || im.Expose[0].Port != 8080 || im.Expose[0].Proto != "tcp" {
		t.Errorf("expose = %v", im.Expose)
	}
	if _, ok := im.Paths["/srv/web/static/site.css"]; !ok {
		t.Error("copied asset missing from the image paths")
	}
}

func TestCgoDefaultIntoAlpine(t *testing.T) {
	f := loadOne(t, "cgo")
	im := Model(f, f.Final())
	if len(im.Binaries) != 1 {
		t.Fatalf("binaries = %v", im.Binaries)
	}
	bin := im.Binaries[0]
	// golang:1.22 is Debian bookworm with gcc: cgo defaults to on, dynamically linked to glibc.
	if bin.CGO != Yes || bin.CGOExplicit || bin.Static != No || bin.Builder.Libc != LibcGlibc || bin.Builder.GlibcVersion != "2.36" {
		t.Errorf("binary = %+v", bin)
	}
	wantPos(t, "default cgo", bin.CGOPos, at(1, 1))
	if bin.Path != "/server" || bin.Build.OutputAbs != "/app/server" {
		t.Errorf("path %q output %q", bin.Path, bin.Build.OutputAbs)
	}
	if im.LibcFamily != LibcMusl || im.CABundle.State != Yes || im.Zoneinfo.State != No {
		t.Errorf("alpine model: libc %s ca %v tz %v", im.LibcFamily, im.CABundle, im.Zoneinfo)
	}
	wantPos(t, "ca-certificates install", im.CABundle.Pos, at(7, 5))
	if im.Cmd == nil || im.Cmd.Exec || im.Cmd.Args[0] != "/server" {
		t.Errorf("shell-form CMD = %+v", im.Cmd)
	}
}

func TestDebianFacts(t *testing.T) {
	f := loadOne(t, "debian")
	build, final := f.Stages[0], f.Stages[1]
	run := build.Runs[1]
	g := run.GoBuilds[0]
	wantPos(t, "go build", g.Pos, at(10, 5))
	if g.Env["CGO_ENABLED"].Origin != "ENV" || g.Env["CGO_ENABLED"].Pos != at(2, 1) {
		t.Errorf("CGO_ENABLED from ENV = %+v", g.Env["CGO_ENABLED"])
	}
	if v := g.Env["GOOS"]; v.Value != "linux" || v.Origin != "export" || v.Pos != at(7, 17) {
		t.Errorf("exported GOOS = %+v", v)
	}
	if g.Workdir != "/go/src/app/cmd/worker" || g.OutputAbs != "/go/bin/worker" || !g.OutputIsDir || g.Mod != "vendor" ||
		!g.LinkExternal || !g.ExtStatic || cmp.Diff([]string{"netgo", "osusergo"}, g.Tags) != "" {
		t.Errorf("go build = %+v", g)
	}
	if in := run.Installs[0]; in.Manager != "apt-get" || cmp.Diff([]string{"gcc", "libc6-dev"}, in.Packages) != "" || in.Pos != at(8, 23) {
		t.Errorf("install = %+v", in)
	}
	if build.Runs[0].GoMod[0].Verb != "vendor" {
		t.Errorf("go mod = %+v", build.Runs[0].GoMod)
	}

	if w := final.Workdirs[1]; !w.Relative || w.Path != "/opt/app/data" || w.Pos != at(25, 1) {
		t.Errorf("relative WORKDIR = %+v", w)
	}
	if d := cmp.Diff([]string{"9090/tcp", "9100/udp"}, portStrings(final.Expose)); d != "" {
		t.Errorf("EXPOSE (ARG-expanded) (-want +got):\n%s", d)
	}
	if u := final.Users[0]; !u.Numeric() || u.UID != 10001 || u.GID != 10001 {
		t.Errorf("USER = %+v", u)
	}
	if h := final.Healthcheck; h == nil || h.Exec || h.None || !strings.HasPrefix(h.Args[0], "curl -f") {
		t.Errorf("HEALTHCHECK = %+v", h)
	}
	if final.Shell == nil || final.Shell.Args[0] != "/bin/bash" || final.StopSignal.Value != "SIGTERM" || final.Volumes[0].Path != "/var/lib/worker" {
		t.Errorf("SHELL %+v STOPSIGNAL %+v VOLUME %+v", final.Shell, final.StopSignal, final.Volumes)
	}
	if len(final.Env) != 2 || final.Env[0].Value != "/opt/app" || final.Env[1].Name != "TZ" {
		t.Errorf("ENV = %+v", final.Env)
	}
	r := final.Runs[0]
	if r.UpdateCACerts != at(23, 5) || len(r.UsersAdded) != 1 || r.UsersAdded[0].UID != 10001 || !r.UsersAdded[0].System {
		t.Errorf("run effects = %+v / %+v", r.UpdateCACerts, r.UsersAdded)
	}
	cp := final.Copies[0]
	if cp.FromStage != build || cp.Chown != "app:app" || cp.Chmod != "0755" || cp.DestAbs != "/opt/app/data/bin/" {
		t.Errorf("COPY --from = %+v", cp)
	}
	if d := cmp.Diff([]Placed{{Src: "config/app.yaml", Dest: "/etc/worker/app.yaml"}, {Src: "config/extra.yaml", Dest: "/etc/worker/extra.yaml"}}, final.Copies[1].Placed); d != "" {
		t.Errorf("COPY config/*.yaml (-want +got):\n%s", d)
	}

	im := Model(f, final)
	if im.GlibcVersion != "2.31" || im.CABundle.State != Yes || im.CABundle.Pos != at(19, 5) || im.Zoneinfo.State != Yes || im.HasUser("app") != Yes {
		t.Errorf("debian model: glibc %s ca %+v tz %+v users %v", im.GlibcVersion, im.CABundle, im.Zoneinfo, im.Users)
	}
	if pi := im.Paths["/var/lib/worker"]; !pi.Dir || pi.Owner != "app:app" || pi.Pos != at(22, 5) {
		t.Errorf("/var/lib/worker = %+v", pi)
	}
	bin := im.Binaries[0]
	if bin.Path != "/opt/app/data/bin/worker" || bin.CGO != Yes || !bin.CGOExplicit || bin.Static != Yes || !bin.NetgoOsusergo || bin.GOOS.Value != "linux" || bin.GOARCH.Origin != "default" {
		t.Errorf("binary = %+v", bin)
	}
	if pi := im.Paths[bin.Path]; pi.Owner != "app:app" || pi.Mode != "0755" {
		t.Errorf("binary path info = %+v", pi)
	}
}

func portStrings(ps []*Port) []string {
	var out []string
	for _, p := range ps {
		out = append(out, strings.Join([]string{itoa(p.Port), p.Proto}, "/"))
	}
	return out
}

func itoa(n int) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestHeredocs(t *testing.T) {
	f := loadOne(t, "heredoc")
	base, final := f.Stages[0], f.Stages[1]
	r := base.Runs[0]
	if len(r.Installs) != 1 || r.Installs[0].Pos != at(4, 1) || r.Installs[0].Packages[0] != "tzdata" {
		t.Errorf("heredoc RUN install = %+v", r.Installs)
	}
	if len(r.UsersAdded) != 2 || !r.UsersAdded[0].Group || r.UsersAdded[1].Name != "app" || r.UsersAdded[1].UID != 1000 || r.UsersAdded[1].Pos != at(6, 1) {
		t.Errorf("users = %+v", r.UsersAdded)
	}
	cp := base.Copies[0]
	if len(cp.Heredocs) != 1 || cp.Heredocs[0].Data != "listen = \":8080\"\n" || cp.Placed[0].Dest != "/etc/app/config.toml" {
		t.Errorf("COPY heredoc = %+v", cp)
	}
	if p := base.Runs[1].Paths; len(p) != 1 || p[0].Path != "/data" || p[0].Pos != at(11, 34) {
		t.Errorf("RUN cmd <<SQL && mkdir = %+v", p)
	}
	if final.Base.FromStage != base {
		t.Fatal("FROM base does not name the earlier stage")
	}
	im := Model(f, final)
	if im.Zoneinfo.State != Yes || im.Zoneinfo.Pos != at(4, 1) || im.HasUser("app") != Yes {
		t.Errorf("model through FROM <stage>: tz %+v users %v", im.Zoneinfo, im.Users)
	}
	if im.Healthcheck == nil || !im.Healthcheck.None {
		t.Errorf("HEALTHCHECK NONE = %+v", im.Healthcheck)
	}
	if _, ok := im.Paths["/etc/app/config.toml"]; !ok {
		t.Error("heredoc file missing from the image")
	}
}

func TestBuildContext(t *testing.T) {
	// Load finds the sources in the parent directory and takes it as the context.
	files, notes, tr := load(t, "copyctx")
	if len(files) != 1 || files[0].Context != "." || !files[0].ContextGuessed || len(notes) != 2 || !strings.Contains(notes[1].Text, "build context taken to be .") {
		t.Fatalf("guessed context: %d files, notes %v", len(files), notes)
	}
	// With its own directory as the context, the Dockerfile's sources are missing.
	f, notes := LoadWithContext(tr, "build/app.Dockerfile", "build")
	if len(notes) != 5 || !f.Copies()[0].Unresolved || f.ContextGuessed {
		t.Fatalf("explicit context build: notes %v", notes)
	}
	f, notes = LoadWithContext(tr, "build/app.Dockerfile", ".")
	if f.Ignore == nil || f.Ignore.Path != "build/app.Dockerfile.dockerignore" {
		t.Fatalf("ignore file = %+v", f.Ignore)
	}
	// secrets/ is ignored: the COPY fails; the note names the line.
	if len(notes) != 1 || notes[0].Pos.Line != 5 || !strings.Contains(notes[0].Text, `"secrets"`) {
		t.Errorf("notes = %v", notes)
	}
	cps := f.Copies()
	want := [][]Placed{
		// COPY a b /dst/: each directory's contents land in /dst/ (b is not ignored: the
		// Dockerfile's own ignore file replaces the context's .dockerignore).
		{{Src: "a/one.txt", Dest: "/dst/one.txt"}, {Src: "a/sub/two.txt", Dest: "/dst/sub/two.txt"}, {Src: "b/three.txt", Dest: "/dst/three.txt"}},
		{{Src: "top.txt", Dest: "/file"}},
		{{Src: "top.txt", Dest: "/txt/top.txt"}}, // other.txt is ignored, top.txt excepted
		nil,
		nil,
	}
	for i, w := range want {
		if d := cmp.Diff(w, cps[i].Placed); d != "" {
			t.Errorf("copy %d at %v (-want +got):\n%s", i, cps[i].Pos, d)
		}
	}
	if !cps[4].Unresolved || !cps[4].Add {
		t.Errorf("ADD <url> = %+v", cps[4])
	}
	if _, notes := LoadWithContext(tr, "nope/Dockerfile", "."); len(notes) != 1 {
		t.Errorf("missing Dockerfile: notes %v", notes)
	}
}

func TestIgnore(t *testing.T) {
	ig := ParseIgnore(".dockerignore", []byte("# comment\n\n/vendor\n**/*.log\n!keep.log\nbuild/**/tmp\n*.md\n!docs/*.md\n./bin/\n"))
	cases := map[string]bool{
		"vendor/a/b.go":      true,
		"vendor":             true,
		"app.log":            true,
		"x/y/app.log":        true,
		"keep.log":           false,
		"build/tmp/x":        true,
		"build/a/b/tmp/x":    true,
		"build/tmpx":         false,
		"README.md":          true,
		"docs/README.md":     false,
		"docs/sub/README.md": false, // *.md matches the root only, like path.Match
		"bin/app":            true,
		"main.go":            false,
	}
	for p, want := range cases {
		if got := ig.Excludes(p); got != want {
			t.Errorf("Excludes(%q) = %v, want %v", p, got, want)
		}
	}
	if ig.Patterns[0].Pos.Line != 3 || ig.Patterns[0].Pattern != "vendor" {
		t.Errorf("first pattern = %+v", ig.Patterns[0])
	}
	// Many ** stay fast: the matcher is a dynamic program, not backtracking.
	many := ParseIgnore("x", []byte(strings.Repeat("**/a/", 40)+"b\n"))
	if many.Excludes(strings.Repeat("a/", 60) + "c") {
		t.Error("pattern should not match")
	}
	var nilIgnore *Ignore
	if nilIgnore.Excludes("x") {
		t.Error("nil Ignore excludes")
	}
}
