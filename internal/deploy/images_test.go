package deploy

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// load writes files into a temporary directory and loads the facts of it.
func load(t *testing.T, files map[string]string) *facts.Project {
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
	return facts.Load(tr)
}

const mainGo = "package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"

// A builder that copies one service's directory into its WORKDIR and builds "." compiles that
// service, although neither the binary's name nor the package argument says so: the copy does.
func TestTargetProgramTracedThroughCopy(t *testing.T) {
	p := load(t, map[string]string{
		"go.mod":                "module example.com/shop\n\ngo 1.22\n",
		"services/api/main.go":  mainGo,
		"services/jobs/main.go": mainGo,
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod ./\nCOPY services/api/ ./services/api/\n" +
			"WORKDIR /src/services/api\nRUN go build -o /out/server .\n\nFROM scratch\nCOPY --from=build /out/server /server\nENTRYPOINT [\"/server\"]\n",
		"compose.yaml": "services:\n  shop:\n    build: .\n",
	})
	ims := Images(p)
	if len(ims) != 1 || ims[0].Main() == nil || ims[0].Main().Program.Dir != "services/api" {
		t.Fatalf("the image's binary must be traced to services/api, got %+v", ims)
	}
	var kinds []string
	for _, tg := range All(p) {
		kinds = append(kinds, tg.Kind)
		if tg.Program == nil || tg.Program.Dir != "services/api" {
			t.Errorf("%s runs %v, want the program of services/api", tg.Name, tg.Program)
		}
	}
	if len(kinds) != 2 {
		t.Errorf("want the image and the compose service, got %v", kinds)
	}
}

// All and Images are computed once per project and shared by rules that run concurrently.
func TestOncePerProject(t *testing.T) {
	p := load(t, map[string]string{
		"go.mod":     "module example.com/app\n\ngo 1.22\n",
		"main.go":    mainGo,
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\n\nFROM scratch\nCOPY --from=build /app /app\nENTRYPOINT [\"/app\"]\n",
	})
	var wg sync.WaitGroup
	got := make([][]*Target, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i] = All(p)
			Images(p)
		}()
	}
	wg.Wait()
	for _, ts := range got {
		if len(ts) != 1 || ts[0] != got[0][0] {
			t.Fatalf("every caller must get the same targets, got %v and %v", ts, got[0])
		}
	}
	if ts := All(load(t, map[string]string{"go.mod": "module example.com/x\n"})); len(ts) != 0 {
		t.Fatalf("another project must get its own targets, got %v", ts)
	}
}

// A command override names the image's binary by path (relative to WORKDIR), by its file name,
// or names a program of the tree that is not in the image.
func TestProgramAt(t *testing.T) {
	p := load(t, map[string]string{
		"go.mod":             "module example.com/shop\n\ngo 1.22\n",
		"cmd/api/main.go":    mainGo,
		"cmd/worker/main.go": mainGo,
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/server ./cmd/api\n\n" +
			"FROM alpine:3.20\nWORKDIR /app\nCOPY --from=build /out/server /app/bin/server\nENTRYPOINT [\"/app/bin/server\"]\n",
	})
	ims := Images(p)
	if len(ims) != 1 {
		t.Fatalf("want one image, got %d", len(ims))
	}
	im := ims[0]
	for _, c := range []struct {
		im   *Image
		exe  string
		want string
	}{
		{im, "/app/bin/server", "cmd/api"},
		{im, "bin/server", "cmd/api"},
		{im, "server", "cmd/api"},
		{im, "worker", "cmd/worker"},
		{im, "/usr/local/bin/$APP", ""},
		{im, "sh", ""},
		{nil, "worker", "cmd/worker"},
		{nil, "server", ""},
	} {
		got := ""
		if prog := c.im.ProgramAt(p.Go, c.exe); prog != nil {
			got = prog.Dir
		}
		if got != c.want {
			t.Errorf("ProgramAt(%q) with image %v = %q, want %q", c.exe, c.im != nil, got, c.want)
		}
	}
}
