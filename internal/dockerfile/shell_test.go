package dockerfile

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// goBuildOf parses a Dockerfile and returns the single go build of its first stage.
func goBuildOf(t *testing.T, df string) *GoBuild {
	t.Helper()
	f := Parse("Dockerfile", []byte(df))
	if f.ParseError != nil || len(f.WithNotes()) > 0 {
		t.Fatalf("%v %v", f.ParseError, f.WithNotes())
	}
	var gs []*GoBuild
	for _, r := range f.Stages[0].Runs {
		gs = append(gs, r.GoBuilds...)
	}
	if len(gs) != 1 {
		t.Fatalf("%d go builds in %q", len(gs), df)
	}
	return gs[0]
}

func TestGoBuildVariants(t *testing.T) {
	cases := []struct {
		name, df string
		check    func(g *GoBuild) bool
	}{
		{"go install default output", "FROM golang:1.22\nRUN go install ./cmd/tool@latest\n",
			func(g *GoBuild) bool { return g.Install && g.OutputAbs == "/go/bin/tool" }},
		{"go build default output is the package name", "FROM golang:1.22\nWORKDIR /src\nRUN go build ./cmd/api/v2\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/src/api" }},
		{"go build . names the directory", "FROM golang:1.22\nWORKDIR /src/svc\nRUN go build\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/src/svc/svc" && g.Packages[0] == "." }},
		{"go build main.go names the binary after the file", "FROM golang:1.22\nWORKDIR /src\nRUN go build cmd/server/main.go\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/src/main" }},
		{"go install with GOBIN", "FROM golang:1.22\nENV GOBIN=/usr/local/bin\nRUN go install ./cmd/tool\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/usr/local/bin/tool" }},
		{"-o= relative", "FROM golang:1.22\nWORKDIR /w\nRUN go build -o=bin/app .\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/w/bin/app" }},
		{"GOFLAGS in ENV", "FROM golang:1.22\nENV GOFLAGS=\"-mod=vendor -trimpath\"\nRUN go build -o /app\n",
			func(g *GoBuild) bool { return g.Mod == "vendor" && g.Trimpath && g.Env["GOFLAGS"].Origin == "ENV" }},
		{"env wrapper", "FROM golang:1.22\nRUN env CGO_ENABLED=0 GOOS=linux go build -o /app .\n",
			func(g *GoBuild) bool { return g.Env["CGO_ENABLED"].Value == "0" && g.Env["GOOS"].Value == "linux" }},
		{"ARG default feeds GOARCH", "FROM golang:1.22\nARG ARCH=arm64\nRUN GOARCH=$ARCH go build -o /app\n",
			func(g *GoBuild) bool { return g.Env["GOARCH"].Value == "arm64" && !g.Env["GOARCH"].Unresolved }},
		{"ARG without default", "FROM golang:1.22\nARG CGO_ENABLED\nRUN go build -o /app\n",
			func(g *GoBuild) bool { return g.Env["CGO_ENABLED"].Origin == "ARG" && g.Env["CGO_ENABLED"].Unresolved }},
		{"full path to go and -C", "FROM golang:1.22\nRUN /usr/local/go/bin/go build -C cmd/x -o out .\n",
			func(g *GoBuild) bool { return g.Workdir == "/go/cmd/x" && g.OutputAbs == "/go/cmd/x/out" }},
		{"xx-go", "FROM golang:1.22\nRUN xx-go build -o /out/app ./cmd/app\n",
			func(g *GoBuild) bool { return g.OutputAbs == "/out/app" }},
		{"exec form", "FROM golang:1.22\nRUN [\"go\", \"build\", \"-tags\", \"netgo osusergo\", \"-o\", \"/app\", \".\"]\n",
			func(g *GoBuild) bool {
				return g.OutputAbs == "/app" && cmp.Diff([]string{"netgo", "osusergo"}, g.Tags) == ""
			}},
		{"exec form sh -c", "FROM golang:1.22\nRUN [\"sh\", \"-c\", \"CGO_ENABLED=0 go build -o /app\"]\n",
			func(g *GoBuild) bool { return g.Env["CGO_ENABLED"].Value == "0" }},
		{"-ldflags=-linkmode=external", "FROM golang:1.22\nRUN go build -ldflags=\"-linkmode=external -extldflags=-static\" -o /a\n",
			func(g *GoBuild) bool { return g.LinkExternal && g.ExtStatic }},
		{"mount flags", "FROM golang:1.22\nRUN --mount=type=cache,target=/root/.cache/go-build go build -o /app ./...\n",
			func(g *GoBuild) bool { return g.Packages[0] == "./..." && g.OutputAbs == "/app" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if g := goBuildOf(t, c.df); !c.check(g) {
				t.Errorf("go build = %+v", g)
			}
		})
	}
}

func TestInstallsAndUsers(t *testing.T) {
	f := Parse("Dockerfile", []byte(`FROM registry.access.redhat.com/ubi9/ubi-minimal
RUN microdnf install -y tzdata shadow-utils && microdnf clean all
RUN yum -y install gcc
RUN apk add --virtual .deps musl-dev build-base libc6-compat gcompat
RUN groupadd -g 2000 grp && useradd -m -g grp -u 2000 -s /bin/false svc
RUN addgroup --system --gid 3000 g3 && adduser --system --uid 3000 --ingroup g3 u3
RUN chmod +x /entry.sh && chmod -R 0700 /data && ln -s /usr/bin/app /app && touch /ready
`))
	var got []string
	for _, r := range f.Stages[0].Runs {
		for _, in := range r.Installs {
			got = append(got, in.Manager+":"+strings.Join(in.Packages, ","))
		}
		for _, u := range r.UsersAdded {
			got = append(got, "user:"+u.Name+":"+itoa(max(u.UID, 0)))
		}
		for _, p := range r.Paths {
			got = append(got, p.Op+":"+p.Path+":"+p.Arg)
		}
	}
	want := []string{
		"microdnf:tzdata,shadow-utils",
		"yum:gcc",
		"apk:musl-dev,build-base,libc6-compat,gcompat",
		"user:grp:2000", "user:svc:2000",
		"user:g3:3000", "user:u3:3000",
		"chmod:/entry.sh:+x", "chmod:/data:0700", "ln:/app:", "touch:/ready:",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	im := Model(f, f.Final())
	if im.Base.Family != "ubi" || im.GlibcVersion != "2.34" || im.Zoneinfo.State != Yes || im.Zoneinfo.Pos.Line != 2 || im.HasUser("svc") != Yes {
		t.Errorf("ubi model: %+v", im)
	}
}

func TestUnresolvedBase(t *testing.T) {
	f := Parse("Dockerfile", []byte("ARG BASE\nFROM $BASE\nCOPY app /app\nUSER app\n"))
	s := f.Final()
	if !s.Base.Unresolved || s.Base.Ref != "" {
		t.Errorf("base = %+v", s.Base)
	}
	im := Model(f, s)
	for name, p := range map[string]Prop{"libc": im.Libc, "ca": im.CABundle, "tz": im.Zoneinfo, "sh": im.Shell, "passwd": im.Passwd, "tmp": im.Tmp} {
		if p.State != Unknown {
			t.Errorf("%s = %v for an unknown base", name, p.State)
		}
	}
	if im.HasUser("app") != Unknown || im.LibcFamily != LibcUnknown {
		t.Errorf("users %v libc %s", im.HasUser("app"), im.LibcFamily)
	}
	if wd, _ := im.WorkingDir(); wd != "" {
		t.Errorf("working dir %q for an unknown base", wd)
	}
}

func TestRunPositionsAcrossContinuations(t *testing.T) {
	df := "FROM alpine:3.20\n" +
		"RUN set -eux; \\\n" +
		"    # a comment inside the continuation\n" +
		"    apk add --no-cache \\\n" +
		"        ca-certificates; \\\n" +
		"    mkdir -p /srv/data\n"
	f := Parse("Dockerfile", []byte(df))
	r := f.Stages[0].Runs[0]
	if len(r.Installs) != 1 || r.Installs[0].Pos != at(4, 5) {
		t.Errorf("install at %+v", r.Installs)
	}
	if len(r.Paths) != 1 || r.Paths[0].Pos != at(6, 5) || r.Paths[0].Path != "/srv/data" {
		t.Errorf("mkdir at %+v", r.Paths)
	}
}

func TestContinues(t *testing.T) {
	cases := []struct {
		line string
		esc  rune
		at   int
		ok   bool
	}{
		{`RUN a \`, '\\', 6, true},
		{"RUN a \\ \t", '\\', 6, true},
		{`\`, '\\', 0, true},
		{`RUN a \\`, '\\', 0, false}, // an escaped escape token
		{`RUN a`, '\\', 0, false},
		{"RUN a `", '`', 6, true},
		{`RUN a \`, '`', 0, false},
		{"", '\\', 0, false},
	}
	for _, c := range cases {
		if at, ok := continues(c.line, c.esc); at != c.at || ok != c.ok {
			t.Errorf("continues(%q, %q) = %d, %v; want %d, %v", c.line, c.esc, at, ok, c.at, c.ok)
		}
	}
}

func TestRunMounts(t *testing.T) {
	df := "FROM golang:1.22 AS build\n" +
		"WORKDIR /src\n" +
		"RUN --mount=type=cache,target=/root/.cache/go-build \\\n" +
		"    --mount=type=bind,target=. \\\n" +
		"    --mount=type=bind,source=go.sum,target=go.sum \\\n" +
		"    --mount=from=tools,source=/bin/x,target=/usr/bin/x \\\n" +
		"    go build -o /out/app .\n"
	f := Parse("Dockerfile", []byte(df))
	if f.ParseError != nil {
		t.Fatal(f.ParseError)
	}
	var got []Mount
	for _, m := range f.Stages[0].Runs[0].Mounts {
		got = append(got, *m)
	}
	want := []Mount{
		{Type: "cache", Source: ".", Target: "/root/.cache/go-build"},
		{Type: "bind", Source: ".", Target: "/src"},
		{Type: "bind", Source: "go.sum", Target: "/src/go.sum"},
		{Type: "bind", From: "tools", Source: "/bin/x", Target: "/usr/bin/x"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mounts (-want +got):\n%s", diff)
	}
}
