package deploy

import "testing"

// The compose service that builds a Dockerfile, and the Kubernetes container whose image is
// named after the program, run that Dockerfile's image with their own settings; a Helm template
// and a service of another image do not.
func TestRunners(t *testing.T) {
	p := load(t, map[string]string{
		"go.mod":          "module example.com/shop\n\ngo 1.22\n",
		"cmd/api/main.go": mainGo,
		"Dockerfile": "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/api ./cmd/api\n\n" +
			"FROM alpine:3.20\nWORKDIR /srv\nCOPY --from=build /out/api /usr/local/bin/api\nENTRYPOINT [\"/usr/local/bin/api\"]\n",
		"compose.yaml": "services:\n  api:\n    build: .\n    working_dir: /data\n    command: [\"-v\"]\n    volumes:\n      - ./data:/data:ro\n    tmpfs:\n      - /tmp:size=64m\n" +
			"  db:\n    image: postgres:16\n",
		"deploy/api.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  template:\n    spec:\n      containers:\n" +
			"        - name: api\n          image: registry.example.com/shop/api:1.0\n          envFrom:\n            - configMapRef:\n                name: api-env\n" +
			"          volumeMounts:\n            - name: cache\n              mountPath: /var/cache/api\n      volumes:\n        - name: cache\n          emptyDir: {}\n",
	})
	ims := Images(p)
	if len(ims) != 1 {
		t.Fatalf("want one image, got %d", len(ims))
	}
	if got := ImageByRef(ims, "registry.example.com/shop/api:1.0"); got != ims[0] {
		t.Fatalf("the reference names the image whose binary is api, got %v", got)
	}
	if got := ImageByRef(ims, "postgres:16"); got != nil {
		t.Fatalf("postgres is not built here, got %v", got)
	}
	rs := Runners(p, ims[0])
	if len(rs) != 2 {
		t.Fatalf("want the compose service and the container, got %d", len(rs))
	}
	svc, ctr := rs[0], rs[1]
	if svc.Service == nil || svc.Name != `compose service "api"` || !svc.Overrides() {
		t.Errorf("first runner: want the compose service api overriding the command, got %s (overrides %v)", svc.Name, svc.Overrides())
	}
	if dir, _, how := svc.WorkingDir(ims[0].Image); dir != "/data" || how != "working_dir" {
		t.Errorf("compose working_dir: got %q from %s", dir, how)
	}
	if ms := svc.Mounts(); len(ms) != 2 || ms[0].Target != "/data" || !ms[0].ReadOnly || ms[1].Target != "/tmp" || ms[1].What != "tmpfs" {
		t.Errorf("compose mounts: got %+v", ms)
	}
	if words, _, _ := svc.CommandOverride(ims[0].Image); words != nil {
		t.Errorf("a command after an ENTRYPOINT is arguments, not a new program: got %v", words)
	}
	if svc.SetsEnv("TMPDIR") {
		t.Error("the compose service sets no environment")
	}
	if ctr.Container == nil || ctr.Overrides() {
		t.Errorf("second runner: want the container, keeping the image's command, got %s", ctr.Name)
	}
	if dir, _, how := ctr.WorkingDir(ims[0].Image); dir != "/srv" || how != "WORKDIR" {
		t.Errorf("container working directory: got %q from %s", dir, how)
	}
	if ms := ctr.Mounts(); len(ms) != 1 || ms[0].What != "emptyDir volume cache" {
		t.Errorf("container mounts: got %+v", ms)
	}
	if !ctr.SetsEnv("ANYTHING") {
		t.Error("envFrom may set any name")
	}
}
