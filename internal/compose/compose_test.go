package compose

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func at(s Scalar) string { return fmt.Sprintf("%s@%d:%d", s.Value, s.Pos.Line, s.Pos.Col) }

func values(ss []Scalar) []string {
	var out []string
	for _, s := range ss {
		out = append(out, s.Value)
	}
	return out
}

func load(t *testing.T, dir string) ([]*File, []source.Note) {
	t.Helper()
	tr, err := tree.Walk(filepath.Join("testdata", dir), tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return Load(tr)
}

func TestProject(t *testing.T) {
	files, notes := load(t, "app")
	var paths []string
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	if d := cmp.Diff([]string{"deploy/other.yml", "docker-compose.yml"}, paths); d != "" {
		t.Fatalf("compose files (-want +got):\n%s", d)
	}
	var got []string
	for _, n := range notes {
		got = append(got, n.String())
	}
	wantNotes := []string{
		"docker-compose.yml:70:7: extends: service api is not merged into worker; settings it inherits are unknown",
		"docker-compose.yml:62:9: variable DB_PASSWORD is not set in .env and has no default: compose takes it from the shell, or uses \"\"",
	}
	if d := cmp.Diff(wantNotes, got); d != "" {
		t.Errorf("notes (-want +got):\n%s", d)
	}

	other := files[0]
	if v := other.Services[0].Volumes[0]; v.Type != "bind" || v.Resolved != "static" {
		t.Errorf("bind source relative to deploy/: %+v", v)
	}

	f := files[1]
	if f.Name.Value != "shop" || len(f.Services) != 3 {
		t.Fatalf("file %+v", f)
	}
	api := f.Service("api")
	if api.Pos != (source.Pos{File: "docker-compose.yml", Line: 8, Col: 3}) {
		t.Errorf("api at %v", api.Pos)
	}
	if at(api.Image) != "ghcr.io/shop/api:1.4.2@16:12" || api.Image.Raw != "ghcr.io/shop/api:${TAG:-latest}" {
		t.Errorf("image %s (raw %s): TAG comes from .env", at(api.Image), api.Image.Raw)
	}
	b := api.Build
	if b.ContextDir != "api" || b.DockerfilePath != "api/deploy/Dockerfile" || b.Target.Value != "final" ||
		len(b.Args) != 1 || b.Args[0].Name != "GO_VERSION" || b.Args[0].Value.Value != "1.26" {
		t.Errorf("build %+v", b)
	}
	var ports []string
	for _, p := range api.Ports {
		ports = append(ports, fmt.Sprintf("%s|%s|%s|%s@%d", p.HostIP.Value, p.Published.Value, p.Target.Value, p.Protocol.Value, p.Pos.Line))
	}
	wantPorts := []string{"|8080|8080|@18", "127.0.0.1|9090|9090|udp@19", "::1|6060|6060|@20", "|8000-8010|80-90|@21", "||3000|@22", "0.0.0.0|8443|443|tcp@23"}
	if d := cmp.Diff(wantPorts, ports); d != "" {
		t.Errorf("ports (-want +got):\n%s", d)
	}
	if lo, hi, ok := api.Ports[3].TargetRange(); !ok || lo != 80 || hi != 90 {
		t.Errorf("range %d-%d %v", lo, hi, ok)
	}
	if _, _, ok := api.Ports[4].PublishedRange(); ok {
		t.Errorf("3000 publishes no fixed host port")
	}
	if cmp.Diff([]string{"7070"}, values(api.Expose)) != "" {
		t.Errorf("expose %v", api.Expose)
	}
	env := map[string]string{}
	for _, e := range api.Environment {
		env[e.Name] = fmt.Sprintf("%s shell=%v @%d", e.Value.Value, e.FromShell, e.Pos.Line)
	}
	wantEnv := map[string]string{"DATABASE_URL": "postgres://db:5432/shop shell=false @29", "FROM_SHELL": " shell=true @30", "PRICE": "$5 shell=false @31"}
	if d := cmp.Diff(wantEnv, env); d != "" {
		t.Errorf("environment (-want +got):\n%s", d)
	}
	if len(api.EnvFiles) != 2 || api.EnvFiles[0].Resolved != ".env" || !api.EnvFiles[0].Required ||
		api.EnvFiles[1].Resolved != "deploy/extra.env" || api.EnvFiles[1].Required {
		t.Errorf("env_file %+v %+v", api.EnvFiles[0], api.EnvFiles[1])
	}
	var vols []string
	for _, v := range api.Volumes {
		vols = append(vols, fmt.Sprintf("%s %s->%s ro=%v resolved=%s @%d", v.Type, v.Source.Value, v.Target.Value, v.ReadOnly, v.Resolved, v.Pos.Line))
	}
	wantVols := []string{
		"bind ./config->/app/config ro=true resolved=config @37",
		"volume data->/var/lib/app ro=false resolved= @38",
		"bind /var/run/docker.sock->/var/run/docker.sock ro=false resolved= @39",
		"volume ->/cache ro=false resolved= @40",
		"bind ./certs->/etc/certs ro=true resolved=certs @41",
		"tmpfs ->/run ro=false resolved= @45",
	}
	if d := cmp.Diff(wantVols, vols); d != "" {
		t.Errorf("volumes (-want +got):\n%s", d)
	}
	if c := api.Command; c.List || cmp.Diff([]string{"serve", "--listen", ":8080"}, c.Words) != "" || c.Pos.Line != 47 {
		t.Errorf("command %+v", c)
	}
	if e := api.Entrypoint; !e.List || cmp.Diff([]string{"/api"}, e.Words) != "" {
		t.Errorf("entrypoint %+v", e)
	}
	if at(api.User) != "65532:65532@49:11" || api.WorkingDir.Value != "/app" || api.ReadOnly.Value != "true" {
		t.Errorf("user %s workdir %v read_only %v", at(api.User), api.WorkingDir, api.ReadOnly)
	}
	if cmp.Diff([]string{"/tmp", "/run"}, values(api.Tmpfs)) != "" {
		t.Errorf("tmpfs %v", values(api.Tmpfs))
	}
	if h := api.Healthcheck; h.Disable || cmp.Diff([]string{"CMD", "/api", "health"}, values(h.Test)) != "" {
		t.Errorf("healthcheck %+v", h)
	}
	if cmp.Diff([]string{"db"}, values(api.DependsOn)) != "" || cmp.Diff([]string{"prod"}, values(api.Profiles)) != "" {
		t.Errorf("depends_on %v profiles %v", api.DependsOn, api.Profiles)
	}

	db := f.Service("db")
	dbenv := map[string]string{}
	for _, e := range db.Environment {
		dbenv[e.Name] = fmt.Sprintf("%q shell=%v", e.Value.Value, e.FromShell)
	}
	if d := cmp.Diff(map[string]string{"POSTGRES_PASSWORD": `"" shell=false`, "POSTGRES_DB": `"" shell=true`}, dbenv); d != "" {
		t.Errorf("db environment (-want +got):\n%s", d)
	}
	if cmp.Diff([]string{"CMD-SHELL", "pg_isready -U postgres"}, values(db.Healthcheck.Test)) != "" || db.NetworkMode.Value != "host" {
		t.Errorf("db healthcheck %v network %v", values(db.Healthcheck.Test), db.NetworkMode)
	}
	if len(db.EnvFiles) != 1 || db.EnvFiles[0].Resolved != "deploy/db.env" {
		t.Errorf("db env_file %+v", db.EnvFiles)
	}
	if len(f.Unset) != 1 || f.Unset[0].Value != "DB_PASSWORD" {
		t.Errorf("unset %v", f.Unset)
	}

	w := f.Service("worker")
	if w.Extends == nil || w.Extends.Service.Value != "api" || w.Build.ContextDir != "worker" || w.Build.DockerfilePath != "worker/Dockerfile" {
		t.Errorf("worker %+v %+v", w.Extends, w.Build)
	}
	if !w.Healthcheck.Disable || !w.Command.List || cmp.Diff([]string{"db"}, values(w.DependsOn)) != "" {
		t.Errorf("worker %+v", w)
	}
}

func parseFile(t testing.TB, name string) (*File, []source.Note) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(name, b, nil)
}

func TestNotCompose(t *testing.T) {
	for _, name := range []string{"app/deploy/ci.yml", "app/deploy/tool.yaml"} {
		if f, notes := parseFile(t, name); f != nil || len(notes) != 0 {
			t.Errorf("%s is not compose: %+v %v", name, f, notes)
		}
	}
	if f, _ := Parse("values.yaml", []byte("replicas: 2\n"), nil); f != nil {
		t.Errorf("values.yaml: %+v", f)
	}
}

func TestBadInput(t *testing.T) {
	f, notes := parseFile(t, "compose.crlf.yml")
	if len(notes) != 0 || f.Services[0].Command.Pos.Line != 4 || cmp.Diff([]string{"sh", "-c", "echo hi"}, f.Services[0].Command.Words) != "" {
		t.Errorf("CRLF: %+v %v", f.Services[0].Command, notes)
	}
	f, notes = parseFile(t, "compose.tabs.yml")
	if f == nil || len(notes) != 1 || notes[0].Pos != (source.Pos{File: "compose.tabs.yml", Line: 3, Col: 1}) || !strings.Contains(notes[0].Text, "invalid YAML") {
		t.Errorf("tabs: %v", notes)
	}
	f, notes = parseFile(t, "compose.required.yml")
	if len(notes) != 2 || !strings.Contains(notes[0].Text, "IMAGE must be set") || !strings.Contains(notes[1].Text, "UID") ||
		f.Services[0].User.Value != ":0" {
		t.Errorf("required and unset: %v, user %q", notes, f.Services[0].User.Value)
	}
	if f, notes := Parse("compose.yaml", []byte("services:\n  a: {image: x}\n\x00\x01"), nil); f != nil || len(notes) != 0 {
		t.Errorf("binary compose is noted by the k8s loader, not here: %v", notes)
	}
	for _, doc := range []string{"- a\n- b\n", "just a scalar\n", "", "services: [a, b]\n", "services:\n  a: [1]\n  b: 2\n"} {
		if f, _ := Parse("compose.yaml", []byte(doc), nil); f == nil || len(f.Services) > 2 {
			t.Errorf("%q: %+v", doc, f)
		}
	}
	huge := strings.Repeat("x", tree.MaxFileSize+1)
	if _, notes := Parse("compose.yaml", []byte(huge), nil); len(notes) != 1 {
		t.Errorf("huge: %v", notes)
	}
}

func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x:\n  a: &a {image: lol}\n")
	prev := "a"
	for _, c := range "bcdefghi" {
		fmt.Fprintf(&b, "  %c: &%c {<<: [%s]}\n", c, c, strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ","))
		prev = string(c)
	}
	b.WriteString("services:\n  api:\n    <<: *i\n    environment: *i\n")
	f, notes := Parse("compose.yaml", []byte(b.String()), nil)
	if f == nil || len(notes) != 1 || !strings.Contains(notes[0].Text, "aliases") {
		t.Errorf("merge bomb: %v", notes)
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"app/docker-compose.yml", "compose.required.yml", "compose.tabs.yml", "app/deploy/ci.yml"} {
		b, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		file, notes := Parse("compose.yaml", b, nil)
		if file != nil {
			for _, s := range file.Services {
				if s.Pos.Line < 1 {
					t.Fatalf("service without position: %+v", s)
				}
				for _, p := range s.Ports {
					p.TargetRange()
				}
			}
		}
		for _, n := range notes {
			if n.Pos.File != "compose.yaml" {
				t.Fatalf("note without file: %v", n)
			}
		}
	})
}

func BenchmarkParse50(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "app", "docker-compose.yml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < 50; i++ {
			Parse("docker-compose.yml", data, nil)
		}
	}
}
