package probe

import (
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
	"slices"
	"strings"
	"testing"
)

func TestFromDockerfile(t *testing.T) {
	root := treetest.Write(t, map[string]string{
		"Dockerfile": `FROM golang:1.24 AS build
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static-debian12
WORKDIR /app
COPY --from=build /out/app /app/app
COPY config.yaml ./
COPY templates/ ./templates/
ENV GIN_MODE=release TZ=UTC
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/app/app"]
`,
		"config.yaml":          "a: 1\n",
		"templates/index.html": "<p>hi</p>\n",
		"main.go":              "package main\nfunc main() {}\n",
		"go.mod":               "module example.com/app\n\ngo 1.24\n",
	})
	tg, err := FromFile(root, "Dockerfile", "")
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Conditions
	env := envMap(c.Env)
	if env["GIN_MODE"] != "release" || env["TZ"] != "UTC" || env["PATH"] != DefaultPath || env["HOME"] != "/" {
		t.Errorf("env %v", c.Env)
	}
	if c.User == nil || c.User.UID != 65532 {
		t.Errorf("user %v, want distroless nonroot 65532", c.User)
	}
	if tg.Port != 8080 {
		t.Errorf("port %d, want 8080", tg.Port)
	}
	var dsts []string
	for _, s := range c.Seeds {
		dsts = append(dsts, s.Dst)
	}
	slices.Sort(dsts)
	if strings.Join(dsts, ",") != "config.yaml,templates/index.html" {
		t.Errorf("seeds %v, want config.yaml and templates (not the binary from the build stage)", dsts)
	}
	if !strings.Contains(c.Why["user"], "Dockerfile:12") {
		t.Errorf("why user %q, want the USER line", c.Why["user"])
	}
}

func TestFromDockerfileSeedsStartTheCwdFixture(t *testing.T) {
	root := treetest.Write(t, map[string]string{
		"Dockerfile":  "FROM scratch\nWORKDIR /app\nCOPY config.yaml ./\nCOPY app /app/app\nUSER 65534\nENTRYPOINT [\"/app/app\"]\n",
		"config.yaml": "a: 1\n",
		"app":         "binary",
	})
	tg, err := FromFile(root, "Dockerfile", "")
	if err != nil {
		t.Fatal(err)
	}
	if res := probe(t, []string{fixture(t, "cwd")}, tg.Conditions, Options{}); res.Verdict != Ready {
		t.Errorf("with the image's config.yaml copied into the working directory: %s", res.Summary())
	}
}

func TestFromUnit(t *testing.T) {
	root := treetest.Write(t, map[string]string{
		"deploy/app.service": `[Unit]
Description=app

[Service]
User=nobody
WorkingDirectory=/nonexistent/opt/app
Environment=PORT=8080 "GREETING=hello world"
EnvironmentFile=-/nonexistent/etc/app.env
EnvironmentFile=/nonexistent/etc/required.env
UMask=0077
LimitNOFILE=4096
MemoryMax=256M
ProtectSystem=strict
ReadWritePaths=/var/tmp
PrivateTmp=yes
ExecStart=/usr/local/bin/app
`,
	})
	tg, err := FromFile(root, "deploy/app.service", "")
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Conditions
	env := envMap(c.Env)
	if env["PORT"] != "8080" || env["GREETING"] != "hello world" || env["PATH"] != systemdPath {
		t.Errorf("env %v", c.Env)
	}
	if c.User == nil || c.User.UID != Nobody {
		t.Errorf("user %v", c.User)
	}
	if c.Dir != "" || !strings.Contains(c.Why["cwd"], "not on this machine") {
		t.Errorf("dir %q (%s), want an empty directory for a missing WorkingDirectory", c.Dir, c.Why["cwd"])
	}
	if c.Umask == nil || *c.Umask != 0o077 || c.NoFile != 4096 || c.Memory != 256<<20 {
		t.Errorf("umask %v nofile %d memory %d", c.Umask, c.NoFile, c.Memory)
	}
	if !c.ReadOnlyRoot || !slices.Equal(c.ReadWrite, []string{"/var/tmp"}) || !slices.Equal(c.Writable, []string{"/tmp"}) {
		t.Errorf("ro %v rw %v tmpfs %v", c.ReadOnlyRoot, c.ReadWrite, c.Writable)
	}
	notes := strings.Join(tg.Notes, "\n")
	if !strings.Contains(notes, "required.env is not on this machine") || strings.Contains(notes, "app.env") {
		t.Errorf("notes %q: want the required EnvironmentFile only", notes)
	}
}

const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      securityContext:
        runAsUser: 10001
      containers:
        - name: api
          image: example.com/api:1.2
          env:
            - name: LOG_LEVEL
              value: debug
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db, key: password}
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet: {path: /ready, port: http}
          resources:
            limits:
              memory: 64Mi
          securityContext:
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {}
`

func TestFromManifest(t *testing.T) {
	root := treetest.Write(t, map[string]string{"k8s/deployment.yaml": manifest})
	tg, err := FromFile(root, "k8s/deployment.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	c := tg.Conditions
	env := envMap(c.Env)
	if env["LOG_LEVEL"] != "debug" || env["DB_PASSWORD"] == "" || env["HOSTNAME"] != "api" {
		t.Errorf("env %v", c.Env)
	}
	if c.User == nil || c.User.UID != 10001 {
		t.Errorf("user %v, want the pod's runAsUser 10001", c.User)
	}
	if !c.ReadOnlyRoot || !slices.Equal(c.Writable, []string{"/tmp"}) || c.Memory != 64<<20 {
		t.Errorf("ro %v writable %v memory %d", c.ReadOnlyRoot, c.Writable, c.Memory)
	}
	if !slices.Equal(tg.EmptyDirs, []string{"/tmp"}) {
		t.Errorf("emptyDirs %v", tg.EmptyDirs)
	}
	if tg.Port != 8080 || tg.Health != "http://127.0.0.1:8080/ready" || tg.Image != "example.com/api:1.2" {
		t.Errorf("port %d health %q image %q", tg.Port, tg.Health, tg.Image)
	}
	if _, err := FromFile(root, "k8s/deployment.yaml", "sidecar"); err == nil {
		t.Error("a missing container name gave no error")
	}
}

func TestFromManifestReadOnlyRootFailsTheFixture(t *testing.T) {
	requireMountNamespace(t)
	root := treetest.Write(t, map[string]string{"k8s/deployment.yaml": manifest})
	tg, err := FromFile(root, "k8s/deployment.yaml", "")
	if err != nil {
		t.Fatal(err)
	}
	res := probe(t, []string{fixture(t, "readonly")}, tg.Conditions, Options{})
	if res.Verdict != Failed || !strings.Contains(string(res.Tail), "read-only file system") {
		t.Errorf("%s, want failed on the read-only root", res.Summary())
	}
	// /tmp is an emptyDir: a fresh tmpfs, so the fixture directory under /tmp is gone there.
	tg.Conditions.ReadOnlyRoot = false
	tg.Conditions.Writable = nil
	if res := probe(t, []string{fixture(t, "readonly")}, tg.Conditions, Options{}); res.Verdict != Ready {
		t.Errorf("without readOnlyRootFilesystem: %s", res.Summary())
	}
}

func TestFromErrors(t *testing.T) {
	root := treetest.Write(t, map[string]string{
		"README.md":   "hi\n",
		"values.yaml": "replicas: 2\n",
		"Dockerfile":  "FRM alpine\n",
	})
	for _, rel := range []string{"README.md", "values.yaml", "missing.yaml", "Dockerfile"} {
		if _, err := FromFile(root, rel, ""); err == nil {
			t.Errorf("%s: no error", rel)
		}
	}
}

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in      string
		systemd bool
		want    int64
		ok      bool
	}{
		{"512Mi", false, 512 << 20, true},
		{"1G", false, 1e9, true},
		{"0.5Gi", false, 1 << 29, true},
		{"128974848", false, 128974848, true},
		{"256M", true, 256 << 20, true},
		{"infinity", true, 0, false},
		{"12Q", false, 0, false},
		{"", false, 0, false},
	} {
		got, ok := parseSize(tc.in, tc.systemd)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseSize(%q, %v) = %d, %v; want %d, %v", tc.in, tc.systemd, got, ok, tc.want, tc.ok)
		}
	}
}
