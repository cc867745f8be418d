package dockerfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

func TestSingleStageBinary(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /usr/local/bin/app ./cmd/app\nCMD [\"app\"]\n"))
	im := Model(f, f.Final())
	if len(im.Binaries) != 1 {
		t.Fatalf("binaries = %v", im.Binaries)
	}
	b := im.Binaries[0]
	if b.Path != "/usr/local/bin/app" || b.Copy != nil || b.CGO != Yes || b.Static != No || b.Builder.GlibcVersion != "2.36" {
		t.Errorf("binary = %+v", b)
	}
	if _, ok := im.Paths["/usr/local/bin/app"]; !ok {
		t.Error("binary path missing")
	}
}

func TestAlpineBuilderWithCompiler(t *testing.T) {
	f := Parse("Dockerfile", []byte(`FROM golang:1.22-alpine AS build
RUN apk add --no-cache build-base
RUN go build -o /out/app .
FROM alpine:3.20
COPY --from=build /out/ /usr/bin/
`))
	im := Model(f, f.Final())
	if len(im.Binaries) != 1 {
		t.Fatalf("binaries = %v", im.Binaries)
	}
	b := im.Binaries[0]
	// A C compiler in the builder turns Go's cgo default on: a dynamic musl binary.
	if b.CGO != Yes || b.CGOExplicit || b.CGOPos != at(2, 5) || b.Static != No || b.Builder.Libc != LibcMusl {
		t.Errorf("binary = %+v", b)
	}
	// COPY --from=build /out/ /usr/bin/ copies the directory's contents.
	if b.Path != "/usr/bin/app" {
		t.Errorf("path = %q", b.Path)
	}
	if _, ok := im.Paths["/usr/bin/app"]; !ok {
		t.Errorf("paths = %v", im.Sorted())
	}

	// Without a compiler the default is off.
	f = Parse("Dockerfile", []byte("FROM golang:1.22-alpine AS build\nRUN go build -o /app .\nFROM scratch\nCOPY --from=build /app /app\n"))
	if b := Model(f, f.Final()).Binaries[0]; b.CGO != No || b.Static != Yes || b.CGOPos != at(1, 1) {
		t.Errorf("alpine without gcc: %+v", b)
	}
}

func TestCrossCompileCgoUnknown(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM golang:1.22 AS b\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build -o /app .\nFROM scratch\nCOPY --from=b /app /app\n"))
	b := Model(f, f.Final()).Binaries[0]
	if b.CGO != Unknown || b.Static != Unknown || !b.GOARCH.Unresolved {
		t.Errorf("cross-compiled default = %+v", b)
	}
}

func TestFromDetails(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM --platform=linux/arm64 alpine:3.20@sha256:0123abcd AS a\n"+
		"ARG PORT\n"+
		"EXPOSE $PORT 80-90/tcp\n"+
		"RUN echo $TARGETARCH\n"+
		"RUN <<EOT\n"+
		"echo ${TARGETOS}\n"+
		"EOT\n"+
		"FROM a\n"))
	a := f.Stages[0]
	if a.Base.Digest != "sha256:0123abcd" || a.Base.Tag != "3.20" || a.Base.Repo != "alpine" || a.Base.Platform != "linux/arm64" {
		t.Errorf("base = %+v", a.Base)
	}
	if p := a.Expose[0]; !p.Unresolved || p.Raw != "$PORT" || p.Port != 0 {
		t.Errorf("EXPOSE $PORT = %+v", p)
	}
	if p := a.Expose[1]; p.Port != 80 || p.End != 90 {
		t.Errorf("EXPOSE range = %+v", p)
	}
	if len(a.PlatformRefs) != 2 || a.PlatformRefs[0].Declared || a.PlatformRefs[0].Pos != at(4, 1) || a.PlatformRefs[1].Name != "TARGETOS" {
		t.Errorf("undeclared platform refs = %+v", a.PlatformRefs)
	}
	im := Model(f, f.Final())
	if im.Arch != "arm64" || im.Base.Family != "alpine" || im.BasePos != at(1, 1) {
		t.Errorf("arch %q base %+v at %v", im.Arch, im.Base, im.BasePos)
	}
}

func TestCopiedSystemFiles(t *testing.T) {
	f := Parse("Dockerfile", []byte(`FROM alpine:3.20 AS certs
RUN apk add --no-cache tzdata
FROM scratch
COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=certs /usr/share/zoneinfo /usr/share/zoneinfo
COPY --from=certs /etc/passwd /etc/passwd
USER nobody
`))
	im := Model(f, f.Final())
	if im.CABundle.State != Yes || im.CABundle.Pos != at(4, 1) || im.Zoneinfo.State != Yes || im.Zoneinfo.Pos != at(5, 1) {
		t.Errorf("ca %+v tz %+v", im.CABundle, im.Zoneinfo)
	}
	if im.Passwd.State != Yes || im.HasUser("nobody") != Unknown || im.Tmp.State != No {
		t.Errorf("passwd %+v nobody %v tmp %+v", im.Passwd, im.HasUser("nobody"), im.Tmp)
	}
	// scratch without a copied passwd: a named user cannot be resolved.
	f = Parse("Dockerfile", []byte("FROM scratch\nUSER app\n"))
	if im := Model(f, f.Final()); im.HasUser("app") != No || im.HasUser("1000") != Yes {
		t.Errorf("scratch users: %v %v", im.HasUser("app"), im.HasUser("1000"))
	}
}

func writeTree(t *testing.T, files map[string]string) *tree.Tree {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestLoadSelection(t *testing.T) {
	tr := writeTree(t, map[string]string{
		"Dockerfile":                        "FROM alpine\nCOPY testdata /fixtures\nCOPY bin/app /app\n",
		"testdata/x.json":                   "{}",
		"Dockerfile.md":                     "# how to build\n",
		"dockerfile-lint.yml":               "rules: {}\n",
		"deploy/Dockerfile.tpl":             "FROM {{ .Base }}\n",
		"gen/Dockerfile":                    "FROM {{ .Base }}\nRUN {{ .Cmd }}\n",
		"app.dockerfile":                    "FROM scratch\n",
		"Containerfile":                     "FROM scratch\n",
		"binary/Dockerfile":                 "\x00\x01\x02",
		"vendor/modules.txt":                "# example.com/dep v1.0.0\n",
		"vendor/example.com/dep/Dockerfile": "FROM alpine\n",
	})
	files, notes := Load(tr)
	var names []string
	for _, f := range files {
		names = append(names, f.Path)
	}
	if strings.Join(names, " ") != "Containerfile Dockerfile app.dockerfile binary/Dockerfile" {
		t.Errorf("parsed %v", names)
	}
	var texts []string
	for _, n := range notes {
		texts = append(texts, n.String())
	}
	got := strings.Join(texts, "\n")
	// testdata exists on disk (the walk skips it): unknown, not missing. bin/app is missing.
	for _, want := range []string{"deploy/Dockerfile.tpl: Dockerfile template", "gen/Dockerfile:1:1: Dockerfile looks like a template", `Dockerfile:3:1: COPY source "bin/app" is not in the build context`} {
		if !strings.Contains(got, want) {
			t.Errorf("notes lack %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "testdata") {
		t.Errorf("note about a directory the walk skips:\n%s", got)
	}
	for _, f := range files {
		if f.Path == "binary/Dockerfile" && (f.ParseError == nil || f.ParseError.Pos.Line != 1) {
			t.Errorf("binary Dockerfile: %v", f.ParseError)
		}
		if f.Path == "Dockerfile" {
			im := Model(f, f.Final())
			if _, ok := im.Paths["/app"]; !ok || !f.Copies()[0].Unresolved {
				t.Errorf("unresolved copies still land: %v", im.Sorted())
			}
		}
	}
}

func TestUnresolvedUserAndWorkdir(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM alpine:3.20\nARG APP_USER\nARG HOME\nWORKDIR $HOME\nUSER $APP_USER\n"))
	s := f.Final()
	if w := s.Workdirs[0]; !w.Unresolved || w.Raw != "$HOME" {
		t.Errorf("WORKDIR = %+v", w)
	}
	if u := s.Users[0]; !u.Unresolved || u.Raw != "$APP_USER" || u.Numeric() {
		t.Errorf("USER = %+v", u)
	}
	im := Model(f, s)
	if im.HasUser(s.Users[0].Raw) != Unknown || im.HasUser("nobody:nogroup") != Yes || im.HasUser("app") != No {
		t.Errorf("HasUser: %v %v %v", im.HasUser(s.Users[0].Raw), im.HasUser("nobody:nogroup"), im.HasUser("app"))
	}
}

func TestCopyIntoExistingDirectories(t *testing.T) {
	f := Parse("Dockerfile", []byte(`FROM golang:1.22 AS build
WORKDIR /src
RUN CGO_ENABLED=0 go build -o /out/api ./cmd/api && CGO_ENABLED=0 go build -o /src/worker ./cmd/worker
FROM alpine:3.20
WORKDIR /app
COPY --from=build /src/worker .
RUN mkdir -p /opt/bin
COPY --from=build /out/* /opt/bin
`))
	im := Model(f, f.Final())
	var paths []string
	for _, b := range im.Binaries {
		paths = append(paths, b.Path)
	}
	// `COPY x .` lands inside the working directory; a pattern's matches land inside the
	// directory a RUN created.
	if strings.Join(paths, " ") != "/app/worker /opt/bin/api" {
		t.Errorf("binaries at %v", paths)
	}
	tr := writeTree(t, map[string]string{"Dockerfile": "FROM alpine\nWORKDIR /etc/app\nCOPY config.yaml .\nCOPY config.yaml /etc/app\n", "config.yaml": "a: 1\n"})
	files, _ := Load(tr)
	for _, cp := range files[0].Copies() {
		if len(cp.Placed) != 1 || cp.Placed[0].Dest != "/etc/app/config.yaml" {
			t.Errorf("copy at %v placed %+v", cp.Pos, cp.Placed)
		}
	}
}

func TestWorkdirRoot(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM gcr.io/distroless/static:nonroot\nWORKDIR /\n"))
	if wd, pos := Model(f, f.Final()).WorkingDir(); wd != "/" || pos != at(2, 1) {
		t.Errorf("WORKDIR / = %q at %v", wd, pos)
	}
}

func TestDefaultOutputFromModulePath(t *testing.T) {
	tr := writeTree(t, map[string]string{
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build\n" +
			"FROM scratch\nCOPY --from=build /src/svc /svc\n",
		"go.mod":  "module example.com/svc/v2\n\ngo 1.22\n",
		"main.go": "package main\n",
	})
	files, notes := Load(tr)
	if len(notes) != 0 {
		t.Fatalf("notes %v", notes)
	}
	g := files[0].Stages[0].Runs[0].GoBuilds[0]
	// The module root's binary is named after the module path (v2 skipped), not after /src.
	if g.OutputAbs != "/src/svc" || g.OutputGuessed {
		t.Errorf("go build output %q guessed %v", g.OutputAbs, g.OutputGuessed)
	}
	if bins := Model(files[0], files[0].Final()).Binaries; len(bins) != 1 || bins[0].Path != "/svc" {
		t.Errorf("binaries = %+v", bins)
	}
	// Without a go.mod in the stage the directory's name is a guess, and says so.
	f := Parse("Dockerfile", []byte("FROM golang:1.22\nWORKDIR /src\nRUN go build\n"))
	if g := f.Stages[0].Runs[0].GoBuilds[0]; g.OutputAbs != "/src/src" || !g.OutputGuessed {
		t.Errorf("guessed output %q %v", g.OutputAbs, g.OutputGuessed)
	}
}

func TestXXGoIsACrossBuild(t *testing.T) {
	f := Parse("Dockerfile", []byte("FROM --platform=$BUILDPLATFORM golang:1.22-alpine AS b\nRUN xx-apk add gcc musl-dev\nRUN xx-go build -o /app .\nFROM alpine\nCOPY --from=b /app /app\n"))
	b := Model(f, f.Final()).Binaries[0]
	if b.GOARCH.Origin != "xx-go" || !b.GOARCH.Unresolved || b.CGO != Unknown {
		t.Errorf("xx-go binary = %+v", b)
	}
	if in := f.Stages[0].Runs[0].Installs; len(in) != 1 || in[0].Manager != "apk" {
		t.Errorf("xx-apk install = %+v", in)
	}
	f = Parse("Dockerfile", []byte("FROM golang:1.22\nARG TARGETARCH=arm64\nRUN env CGO_ENABLED=1 GOARCH=${TARGETARCH} go build -o /app\n"))
	g := f.Stages[0].Runs[0].GoBuilds[0]
	if v := g.Env["GOARCH"]; v.Value != "arm64" || v.Unresolved || v.Pos != at(3, 23) {
		t.Errorf("env wrapper GOARCH = %+v", v)
	}
}

func TestHasCommand(t *testing.T) {
	f := Parse("Dockerfile", []byte(`FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app .
FROM alpine:3.20
RUN apk add --no-cache curl
COPY --from=build /out/app /usr/local/bin/app
FROM debian:bookworm-slim AS deb
FROM gcr.io/distroless/static-debian12 AS dl
COPY --from=build /out/app /app
`))
	alpine, deb, dl := Model(f, f.Stages[1]), Model(f, f.Stages[2]), Model(f, f.Stages[3])
	cases := []struct {
		im   *Image
		name string
		want Tri
		line int
	}{
		{alpine, "curl", Yes, 4},
		{alpine, "wget", Yes, 3},
		{alpine, "bash", Unknown, 3}, // a package was installed: it may bring bash along
		{alpine, "app", Yes, 5},
		{alpine, "/usr/local/bin/app", Yes, 5},
		{alpine, "/bin/sh", Yes, 3},
		{deb, "curl", No, 6},
		{deb, "bash", Yes, 6},
		{deb, "ruby", Unknown, 6},
		{dl, "sh", No, 7},
		{dl, "wget", No, 7},
		{dl, "/app", Yes, 8},
	}
	for _, c := range cases {
		if got, pos := c.im.HasCommand(c.name); got != c.want || pos.Line != c.line {
			t.Errorf("%s: HasCommand(%q) = %v at %v, want %v at line %d", c.im.Base.Family, c.name, got, pos, c.want, c.line)
		}
	}
	unknown := Parse("Dockerfile", []byte("FROM myorg/base\n"))
	if got, _ := Model(unknown, unknown.Final()).HasCommand("curl"); got != Unknown {
		t.Errorf("unknown base: curl %v", got)
	}
}
