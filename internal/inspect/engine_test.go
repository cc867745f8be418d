package inspect_test

import (
	"context"
	"encoding/pem"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/inspect"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

var update = flag.Bool("update", false, "write the real failure messages of the engine tests to internal/catalog/testdata/failures/i*.log")

// reproduction is one failure reproduced on the Docker engine: the broken image must fail
// with a message matching a signature of the predicted rule, inspect must predict exactly
// that rule, and the fixed image must start.
type reproduction struct {
	id            string
	cause         string
	broken, fixed ti.Spec
	// args are extra docker run arguments (before the image) and cmd the arguments after it.
	args, cmd []string
}

func (c reproduction) run(t *testing.T) {
	t.Helper()
	ti.Engine(t)
	if runtime.GOARCH != "amd64" {
		t.Skip("the reproductions are written for an amd64 engine")
	}
	rl := catalog.Lookup(c.id)
	if rl == nil {
		t.Fatalf("%s is not in the catalog", c.id)
	}

	ref := ti.Tag(strings.ToLower(strings.TrimPrefix(t.Name(), "TestEngine")))
	ti.Load(t, ref, c.broken)
	res := ti.Run(t, append(append(append([]string(nil), c.args...), ref), c.cmd...)...)
	if res.Code == 0 {
		t.Fatalf("the broken image started:\n%s", res.Output)
	}
	var matched []string
	for _, line := range strings.Split(res.Output, "\n") {
		for _, s := range rl.Signatures {
			if s.Pattern.MatchString(line) {
				matched = append(matched, line)
			}
		}
	}
	if len(matched) == 0 {
		t.Errorf("the real failure (exit %d) matches no signature of %s:\n%s", res.Code, c.id, res.Output)
	}

	img, err := image.Open(context.Background(), "daemon:"+ref)
	if err != nil {
		t.Fatalf("reading the image from the engine: %v", err)
	}
	r := inspect.Image(img, inspect.Options{})
	img.Close()
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.ID)
		t.Logf("inspect: %s: %s [%s]", f.Pos, f.Message, f.ID)
	}
	sort.Strings(got)
	if strings.Join(got, " ") != c.id {
		t.Errorf("inspect predicted %v (verdict %q), want exactly %s", got, r.Verdict, c.id)
	}

	fixedRef := ref + "-fixed"
	ti.Load(t, fixedRef, c.fixed)
	if ok := ti.Run(t, append(append(append([]string(nil), c.args...), fixedRef), c.cmd...)...); ok.Code != 0 {
		t.Errorf("the fixed image does not start (exit %d):\n%s", ok.Code, ok.Output)
	}
	fimg, err := image.Open(context.Background(), "daemon:"+fixedRef)
	if err != nil {
		t.Fatal(err)
	}
	fr := inspect.Image(fimg, inspect.Options{})
	fimg.Close()
	if len(fr.Findings) != 0 {
		t.Errorf("inspect reports the fixed image: %v", fr.Findings)
	}

	if *update && len(matched) > 0 {
		saveCase(t, c.id, c.cause, res.Output)
	}
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// saveCase writes the real message as a failure case of the catalog corpus.
func saveCase(t *testing.T, id, cause, output string) {
	name := strings.Trim(nonWord.ReplaceAllString(strings.ToLower(strings.TrimPrefix(t.Name(), "TestEngine")), "-"), "-")
	file := filepath.Join("..", "catalog", "testdata", "failures", fmt.Sprintf("i-%s-%s.log", strings.ToLower(id), name))
	body := fmt.Sprintf("id: %s\nsource: reproduced: %s (internal/inspect)\ncause: %s\n---\n%s", id, t.Name(), cause, strings.TrimRight(output, "\n")+"\n")
	if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEngineGlibcInScratch(t *testing.T) {
	bin := cgo(t)
	glibc := ti.RootOrSkip(t, "glibc", ti.GlibcRoot)
	reproduction{id: "SS2001", cause: "cgo binary linked against glibc in an image FROM scratch; fixed by adding the libc6 files",
		broken: ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: entry("/app")},
		fixed:  ti.Spec{Layers: [][]ti.File{glibc, {ti.Exec("/app", bin)}}, Config: entry("/app")},
	}.run(t)
}

func TestEngineGlibcOnMusl(t *testing.T) {
	bin := cgo(t)
	musl := ti.RootOrSkip(t, "musl", ti.MuslRoot)
	reproduction{id: "SS2001", cause: "cgo binary linked against glibc in a musl/busybox image; fixed with CGO_ENABLED=0",
		broken: ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/app", bin)}}, Config: entry("/app")},
		fixed:  ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/app", static(t))}}, Config: entry("/app")},
	}.run(t)
}

func TestEngineCRLFEntrypoint(t *testing.T) {
	musl := ti.RootOrSkip(t, "musl", ti.MuslRoot)
	script := "#!/bin/sh\necho started\n"
	reproduction{id: "SS2010", cause: "entrypoint script saved with CRLF line endings: the kernel looks for /bin/sh\\r",
		broken: ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entrypoint.sh", []byte(strings.ReplaceAll(script, "\n", "\r\n")))}}, Config: entry("/entrypoint.sh")},
		fixed:  ti.Spec{Layers: [][]ti.File{musl, {ti.Exec("/entrypoint.sh", []byte(script))}}, Config: entry("/entrypoint.sh")},
	}.run(t)
}

func TestEngineNoExecBit(t *testing.T) {
	bin := static(t)
	reproduction{id: "SS2009", cause: "entrypoint binary copied without its exec bit (mode 0644)",
		broken: ti.Spec{Layers: scratch(ti.File{Path: "/app", Mode: 0o644, Body: bin}), Config: entry("/app")},
		fixed:  ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: entry("/app")},
	}.run(t)
}

func TestEngineArm64OnAmd64(t *testing.T) {
	reproduction{id: "SS2003", cause: "GOARCH=arm64 binary in a linux/amd64 image run on an amd64 engine without binfmt emulation",
		broken: ti.Spec{Layers: scratch(ti.Exec("/app", ti.GoBuild(t, helloSrc, "CGO_ENABLED=0", "GOARCH=arm64"))), Config: entry("/app")},
		fixed:  ti.Spec{Layers: scratch(ti.Exec("/app", static(t))), Config: entry("/app")},
	}.run(t)
}

func TestEngineUserMissing(t *testing.T) {
	bin := static(t)
	cfg := v1.Config{Entrypoint: []string{"/app"}, User: "app"}
	reproduction{id: "SS2012", cause: "USER app in an image FROM scratch, which has no /etc/passwd",
		broken: ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: cfg},
		fixed:  ti.Spec{Layers: scratch(ti.Exec("/app", bin), ti.Text("/etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\napp:x:1000:1000::/:/sbin/nologin\n")), Config: cfg},
	}.run(t)
}

func TestEngineCAMissing(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "hi") }))
	defer srv.Close()
	bundle := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	bin := ti.GoBuild(t, tlsSrc, "CGO_ENABLED=0")
	reproduction{id: "SS2004", cause: "Go HTTPS client in an image FROM scratch without a CA bundle; fixed by adding /etc/ssl/certs/ca-certificates.crt",
		broken: ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: entry("/app")},
		fixed:  ti.Spec{Layers: scratch(ti.Exec("/app", bin), ti.File{Path: "/etc/ssl/certs/ca-certificates.crt", Body: bundle}), Config: entry("/app")},
		args:   []string{"--network", "host"},
		cmd:    []string{srv.URL},
	}.run(t)
}

func TestEngineZoneinfoMissing(t *testing.T) {
	berlin, err := os.ReadFile("/usr/share/zoneinfo/Europe/Berlin")
	if err != nil {
		t.Skip("no host zoneinfo (Debian package tzdata) to build the fixed image")
	}
	bin := ti.GoBuild(t, zoneSrc, "CGO_ENABLED=0")
	reproduction{id: "SS2005", cause: "time.LoadLocation in an image FROM scratch without zoneinfo and without time/tzdata",
		broken: ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: entry("/app")},
		fixed:  ti.Spec{Layers: scratch(ti.Exec("/app", bin), ti.File{Path: "/usr/share/zoneinfo/Europe/Berlin", Body: berlin}), Config: entry("/app")},
	}.run(t)
}
