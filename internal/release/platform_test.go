package release

import (
	"fmt"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseProcfile(t *testing.T) {
	src := "web: GIN_MODE=release exec bin/app -addr :$PORT\r\nworker:bin/worker\n# comment\nrelease: ./migrate up\nnot an entry\nclock: A=1\n"
	es, notes := ParseProcfile("Procfile", []byte(src))
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	var got []string
	for _, e := range es {
		got = append(got, fmt.Sprintf("%s %d:%d %q %q", e.Type, e.Pos.Line, e.Pos.Col, e.Command, e.Words))
	}
	want := []string{
		`web 1:6 "GIN_MODE=release exec bin/app -addr :$PORT" ["bin/app" "-addr" ":$PORT"]`,
		`worker 2:8 "bin/worker" ["bin/worker"]`,
		`release 4:10 "./migrate up" ["./migrate" "up"]`,
		`clock 6:8 "A=1" []`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
}

func TestParseProcfileBad(t *testing.T) {
	if es, notes := ParseProcfile("deploy/Procfile", []byte("web: app\nweb: \x00\n")); es != nil || len(notes) != 1 || notes[0].Pos.Line != 2 || !strings.Contains(notes[0].Text, "binary") {
		t.Errorf("binary Procfile: %v %v", es, notes)
	}
	big := strings.Repeat("web: app\n", maxProcfile/9+1)
	if es, notes := ParseProcfile("Procfile", []byte(big)); es != nil || len(notes) != 1 || notes[0].Pos.File != "Procfile" {
		t.Errorf("huge Procfile: %d entries, %v", len(es), notes)
	}
}

func TestGcloudRunDeploy(t *testing.T) {
	for _, c := range []struct {
		cmd     string
		port    int
		set     bool
		image   string
		movedBy string
	}{
		{"gcloud run deploy app --image gcr.io/p/app:1 --region x", 8080, false, "gcr.io/p/app:1", ""},
		{"gcloud run deploy app --image=gcr.io/p/app --port=3000", 3000, true, "gcr.io/p/app", ""},
		{"gcloud run deploy app --source . --port '9000'", 9000, true, "", ""},
		{"gcloud run deploy app --port $PORT", 0, true, "", ""},
		{"gcloud run deploy app --port 70000", 0, true, "", ""},
		{"gcloud run deploy app --set-env-vars PORT=1 --port 3000", 0, true, "", "--set-env-vars"},
		{"gcloud run deploy app --args=-addr,:9000 --image x/app", 0, false, "x/app", "--args"},
	} {
		d := gcloudRunDeploy(c.cmd)
		if d.Port != c.port || d.PortSet != c.set || d.Image != c.image || d.MovedBy != c.movedBy || d.Command != c.cmd {
			t.Errorf("%q: got %+v", c.cmd, d)
		}
	}
}

func TestParseCloudRun(t *testing.T) {
	src := "steps:\n  - run: |\n      gcloud beta run deploy app \\\n        --image x/app \\\r\n        --port 3000\n      echo done\n  - run: gcloud run deploy other --image y/other\n"
	ds := ParseCloudRun(".github/workflows/deploy.yml", []byte(src))
	var got []string
	for _, d := range ds {
		got = append(got, fmt.Sprintf("%s:%d:%d port=%d image=%s", d.Pos.File, d.Pos.Line, d.Pos.Col, d.Port, d.Image))
	}
	want := []string{
		// Continuation lines are joined, CRLF ones too.
		".github/workflows/deploy.yml:3:7 port=3000 image=x/app",
		".github/workflows/deploy.yml:7:10 port=8080 image=y/other",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("deploys (-want +got):\n%s", d)
	}
	if ds := ParseCloudRun("x.sh", []byte("gcloud run deploy a\x00")); ds != nil {
		t.Errorf("binary file gave %v", ds)
	}
}

func TestLoadPlatforms(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{
		"Procfile":                    "web: bin/app\n",
		"svc/Procfile":                "worker: bin/worker\n",
		"cloudbuild.yaml":             "steps:\n- script: gcloud run deploy app --image x/app --port 9000\n",
		"deploy.sh":                   "#!/bin/sh\n# ships\ngcloud run deploy app --source .\n",
		"Makefile":                    "deploy:\n\tgcloud run deploy app --image x/app\n",
		"vendor/x/ci.yaml":            "run: gcloud run deploy vendored\n",
		"k8s.yaml":                    "apiVersion: v1\nkind: ConfigMap\n",
		".github/workflows/build.yml": "on: push\njobs:\n  d:\n    steps:\n      - run: gcloud run deploy app --port=8081\n",
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, notes := Load(treetest.Walk(t, dir))
	if len(notes) != 0 {
		t.Errorf("notes:\n%s", treetest.NotesText(notes))
	}
	if f == nil {
		t.Fatal("no facts")
	}
	var got []string
	for _, e := range f.Procfiles {
		got = append(got, fmt.Sprintf("proc %s %s", e.Pos, e.Type))
	}
	for _, d := range f.CloudRun {
		got = append(got, fmt.Sprintf("cloudrun %s %d", d.Pos, d.Port))
	}
	want := []string{
		"proc Procfile:1:6 web",
		"proc svc/Procfile:1:9 worker",
		"cloudrun .github/workflows/build.yml:5:14 8081",
		"cloudrun Makefile:2:2 8080",
		"cloudrun cloudbuild.yaml:2:11 9000",
		"cloudrun deploy.sh:3:1 8080",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("platform facts (-want +got):\n%s", d)
	}
}

// FuzzPlatform feeds arbitrary text to the Procfile and gcloud command readers, which must not
// panic and must give positions inside the text.
func FuzzPlatform(f *testing.F) {
	f.Add("web: bin/app -addr :$PORT\n")
	f.Add("gcloud run deploy a \\\n --port=80 --image \\")
	f.Add("gcloud run deploy \\\\\\\r\n\x00--port")
	f.Fuzz(func(t *testing.T, s string) {
		lines := strings.Count(s, "\n") + 1
		for _, d := range ParseCloudRun("x", []byte(s)) {
			if d.Pos.Line < 1 || d.Pos.Line > lines || d.Pos.Col < 1 {
				t.Fatalf("position %v outside the text", d.Pos)
			}
		}
		es, _ := ParseProcfile("Procfile", []byte(s))
		for _, e := range es {
			if e.Pos.Line < 1 || e.Pos.Line > lines || e.Pos.Col < 1 {
				t.Fatalf("position %v outside the text", e.Pos)
			}
		}
	})
}
