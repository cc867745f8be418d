package gen_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/gen"
	"github.com/shipshape-dev/shipshape/internal/host"
	"github.com/shipshape-dev/shipshape/internal/testimage"
)

// TestGeneratedImageAnswers builds the runtime stage of the generated Dockerfile on the Docker
// engine, starts it, and GETs its health route from the host through the published port.
//
// The engine has no registry, so neither the golang builder image nor the distroless base can
// be pulled. The test replaces them as follows:
//
//  1. The build stage is replaced by a host build: build.Run builds the program for this
//     machine's architecture with the settings the Dockerfile's build stage uses
//     (CGO_ENABLED=0, -trimpath, -ldflags "-s -w"), with a host snapshot that says the target
//     has zoneinfo, as distroless static does, so that nothing links time/tzdata in.
//  2. The base image is replaced by a local image built FROM scratch with go-containerregistry
//     (testimage.Load) holding what distroless provides: /etc/passwd and /etc/group with
//     nonroot 65532, the host's CA bundle at /etc/ssl/certs/ca-certificates.crt, the host's
//     /usr/share/zoneinfo when the program loads zones, an empty /tmp (1777), and for the
//     glibc (distroless cc) case the host's libc6 files (testimage.GlibcRoot), the same glibc
//     the host build linked against.
//  3. The final stage is kept line by line except: the `# syntax` line is dropped (the classic
//     builder needs no frontend image); `FROM <base>` names the local image;
//     `COPY --from=build /out/NAME DST` becomes a COPY of the host-built binary from the
//     context; `COPY --from=build --chown=U:G /out/rwDIR DIR` becomes the same COPY --chown of
//     an empty directory. The context holds the project (the runtime files the stage copies)
//     and the binary; docker build runs with DOCKER_BUILDKIT=0.
//  4. docker run publishes the port on 127.0.0.1 (an ephemeral host port) with the required
//     environment set, and the test GETs the health route with bounded retries.
//
// Without an engine the test skips, unless SHIPSHAPE_REQUIRE_DOCKER=1.
func TestGeneratedImageAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds images")
	}
	testimage.Engine(t)
	cases := []struct {
		name, dir, libc string
		env             []string
	}{
		{"clean-api", repoRoot + "/examples/clean-api", "", nil},
		{"writer", "testdata/src/writer", "", []string{"API_TOKEN=test"}},
		{"lowport", "testdata/src/lowport", "", nil},
		// cgo (go-sqlite3) on glibc: the host build links the host's glibc dynamically, and the
		// stand-in for distroless cc carries the host's libc6. The SQLite file lives in the
		// /tmp the base provides.
		{"orders-api-glibc", repoRoot + "/examples/orders-api", "glibc", []string{"DATABASE_URL=file:/tmp/orders.db"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			project := copyProject(t, c.dir)
			p := load(t, project)
			plan, err := gen.NewPlan(p, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.libc != "" {
				plan.Libc = c.libc
			}
			if plan.MainPort() == 0 || plan.Static() != (c.libc == "") {
				t.Fatalf("static %v port %d: the case does not test what it says", plan.Static(), plan.MainPort())
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			snap := &host.Snapshot{Arch: runtime.GOARCH}
			snap.Libc.Family, snap.Libc.Version = "none", host.Unknown
			snap.Zoneinfo.Dirs = []string{"/usr/share/zoneinfo"}
			var choose build.Options
			base := distrolessStandIn(t, plan)
			if c.libc == "glibc" {
				snap.Libc.Family = "glibc"
				// Link dynamically, as the generated build stage does on Debian.
				choose = build.Options{LookPath: noMusl, Stat: noLibcA}
				base = append(base, testimage.RootOrSkip(t, "glibc", testimage.GlibcRoot)...)
			}
			dist := t.TempDir()
			res, err := build.Run(ctx, p, build.RunOptions{Host: snap, Dist: dist, Version: "v0.0.0-test", Choose: choose})
			if err != nil {
				t.Fatalf("host build: %v", err)
			}
			baseRef := testimage.Tag("gen-base-" + c.name)
			testimage.Load(t, baseRef, testimage.Spec{Layers: [][]testimage.File{base}})
			context := filepath.Join(t.TempDir(), "ctx")
			if err := os.CopyFS(context, os.DirFS(project)); err != nil {
				t.Fatal(err)
			}
			dockerfile := hostStage(t, plan, context, baseRef, res.Artifacts[0].Path)
			if err := os.WriteFile(filepath.Join(context, "Dockerfile.test"), dockerfile, 0o644); err != nil {
				t.Fatal(err)
			}
			tag := testimage.Tag("gen-" + c.name)
			docker(t, ctx, nil, "build", "-q", "-f", filepath.Join(context, "Dockerfile.test"), "-t", tag, context)
			t.Cleanup(func() { exec.Command("docker", "rmi", "-f", tag).Run() })
			args := []string{"run", "-d", "-p", fmt.Sprintf("127.0.0.1::%d", plan.MainPort())}
			for _, e := range c.env {
				args = append(args, "-e", e)
			}
			id := strings.TrimSpace(docker(t, ctx, nil, append(args, tag)...))
			t.Cleanup(func() { exec.Command("docker", "rm", "-f", id).Run() })
			mapped := strings.TrimSpace(docker(t, ctx, nil, "port", id, fmt.Sprintf("%d/tcp", plan.MainPort())))
			addr := strings.Fields(mapped)[0]
			route := plan.Health
			if route == "" {
				route = "/"
			}
			url := "http://" + addr + route
			var last string
			client := &http.Client{Timeout: 2 * time.Second}
			for range 50 {
				resp, err := client.Get(url)
				if err == nil {
					body, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode == http.StatusOK {
						t.Logf("GET %s: %s %q", url, resp.Status, body)
						return
					}
					last = resp.Status
				} else {
					last = err.Error()
				}
				time.Sleep(200 * time.Millisecond)
			}
			logs, _ := exec.Command("docker", "logs", id).CombinedOutput()
			t.Fatalf("GET %s never answered 200 (last: %s); container log:\n%s\nDockerfile:\n%s", url, last, logs, dockerfile)
		})
	}
}

func noMusl(name string) (string, error) {
	if name == "musl-gcc" {
		return "", exec.ErrNotFound
	}
	return exec.LookPath(name)
}

func noLibcA(name string) (os.FileInfo, error) {
	if strings.HasSuffix(name, "libc.a") {
		return nil, os.ErrNotExist
	}
	return os.Stat(name)
}

// distrolessStandIn are the files of distroless that a program may need: users, the CA
// bundle, /tmp and, when the program loads zones, zoneinfo.
func distrolessStandIn(t *testing.T, plan *gen.Plan) []testimage.File {
	t.Helper()
	ca, err := os.ReadFile("/etc/ssl/certs/ca-certificates.crt")
	if err != nil {
		t.Skipf("skipping: the host has no CA bundle to stand in for the base image's: %v", err)
	}
	files := []testimage.File{
		{Path: "etc", Dir: true}, {Path: "etc/ssl", Dir: true}, {Path: "etc/ssl/certs", Dir: true},
		testimage.Text("etc/passwd", "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"),
		testimage.Text("etc/group", "root:x:0:\nnonroot:x:65532:\n"),
		{Path: "etc/ssl/certs/ca-certificates.crt", Body: ca},
		{Path: "tmp", Dir: true, Mode: 0o777 | fs.ModeSticky},
	}
	if plan.Zoneinfo {
		err := filepath.WalkDir("/usr/share/zoneinfo", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
				files = append(files, testimage.File{Path: p, Dir: true})
			case d.Type().IsRegular():
				b, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				files = append(files, testimage.File{Path: p, Body: b})
			}
			return nil
		})
		if err != nil {
			t.Skipf("skipping: the host's zoneinfo cannot stand in for the base image's: %v", err)
		}
		files = append([]testimage.File{{Path: "usr", Dir: true}, {Path: "usr/share", Dir: true}}, files...)
	}
	return files
}

var (
	fromLine      = regexp.MustCompile(`^FROM\s+`)
	copyBinLine   = regexp.MustCompile(`^COPY --from=build /out/(\S+) (\S+)$`)
	copyWriteLine = regexp.MustCompile(`^COPY --from=build (--chown=\S+) /out/rw(\S+) (\S+)$`)
)

// hostStage rewrites the generated Dockerfile's final stage as the test's comment says, and
// puts the files it copies into the context.
func hostStage(t *testing.T, plan *gen.Plan, context, baseRef, bin string) []byte {
	t.Helper()
	df := string(plan.Dockerfile())
	i := strings.LastIndex(df, "\nFROM ")
	if i < 0 {
		t.Fatalf("no final stage in\n%s", df)
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(context, "_bin"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(df[i+1:], "\n") {
		switch {
		case fromLine.MatchString(line):
			out = append(out, "FROM "+baseRef)
		case copyBinLine.MatchString(line):
			m := copyBinLine.FindStringSubmatch(line)
			out = append(out, "COPY _bin "+m[2])
		case copyWriteLine.MatchString(line):
			m := copyWriteLine.FindStringSubmatch(line)
			empty := path.Join("_rw", m[2])
			if err := os.MkdirAll(filepath.Join(context, filepath.FromSlash(empty)), 0o755); err != nil {
				t.Fatal(err)
			}
			// An empty directory needs an entry for the classic builder to create it.
			os.WriteFile(filepath.Join(context, filepath.FromSlash(empty), ".keep"), nil, 0o644)
			out = append(out, "COPY "+m[1]+" "+empty+" "+m[3])
		case strings.Contains(line, "--from="):
			t.Fatalf("a COPY --from the test does not know how to replace: %s", line)
		case strings.HasPrefix(line, "RUN "):
			t.Fatalf("a RUN in the final stage needs a shell the stand-in base lacks: %s", line)
		default:
			out = append(out, line)
		}
	}
	os.WriteFile(filepath.Join(context, ".dockerignore"), plan.DockerIgnore(), 0o644)
	return []byte(strings.Join(out, "\n"))
}

func docker(t *testing.T, ctx context.Context, stdin io.Reader, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_BUILDKIT=0")
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("docker %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}
