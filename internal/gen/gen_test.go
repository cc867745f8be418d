package gen_test

import (
	"bytes"
	"flag"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gen"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// repoRoot is the repository root, from this package's directory.
const repoRoot = "../.."

// goldenCases are the projects whose generated files are kept as golden files: the two
// examples and the fixtures under testdata/src, which cover what the examples do not (a
// subdirectory program, written directories, a privileged port from the environment, a
// version variable, several programs).
var goldenCases = map[string]struct{ dir, program, libc string }{
	"clean-api":        {repoRoot + "/examples/clean-api", "", ""},
	"orders-api":       {repoRoot + "/examples/orders-api", "", ""},
	"orders-api-glibc": {repoRoot + "/examples/orders-api", "", "glibc"},
	"writer":           {"testdata/src/writer", "", ""},
	"lowport":          {"testdata/src/lowport", "", ""},
	"multi-worker":     {"testdata/src/multi", "cmd/worker", ""},
}

func load(t *testing.T, dir string) *facts.Project {
	t.Helper()
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return facts.Load(tr)
}

func TestGolden(t *testing.T) {
	names := make([]string, 0, len(goldenCases))
	for n := range goldenCases {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := goldenCases[name]
		t.Run(name, func(t *testing.T) {
			plan, err := gen.NewPlan(load(t, c.dir), c.program)
			if err != nil {
				t.Fatal(err)
			}
			if c.libc != "" {
				plan.Libc = c.libc
			}
			for _, kind := range gen.Kinds {
				files, err := plan.Generate(kind, "")
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range files {
					golden := filepath.Join("testdata", "golden", name, filepath.FromSlash(f.Path))
					if *update {
						if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
							t.Fatal(err)
						}
						if err := os.WriteFile(golden, f.Data, 0o644); err != nil {
							t.Fatal(err)
						}
						continue
					}
					want, err := os.ReadFile(golden)
					if err != nil {
						t.Fatalf("%v (run go test -update to create it)", err)
					}
					if !bytes.Equal(want, f.Data) {
						t.Errorf("%s differs from %s (go test -update rewrites it):\n%s", f.Path, golden, gen.Diff(f.Path, want, f.Data))
					}
				}
			}
			notes := strings.Join(plan.Notes, "\n") + "\n"
			golden := filepath.Join("testdata", "golden", name, "NOTES")
			if *update {
				os.WriteFile(golden, []byte(notes), 0o644)
				return
			}
			if want, _ := os.ReadFile(golden); string(want) != notes {
				t.Errorf("notes differ from %s:\n%s", golden, gen.Diff("NOTES", want, []byte(notes)))
			}
		})
	}
}

// deploymentFile says whether a project file is a deployment artifact that gen writes a
// replacement for: the proof copies a project without them, so that what check finds is about
// the code and the generated files, not about the fixture's own (often deliberately broken)
// deployment files.
func deploymentFile(rel string) bool {
	base := path.Base(rel)
	switch {
	case strings.HasPrefix(base, "Dockerfile"), strings.HasSuffix(base, ".Dockerfile"), base == ".dockerignore",
		strings.HasSuffix(base, ".service"), strings.HasPrefix(base, "compose.") && (strings.HasSuffix(base, ".yaml") || strings.HasSuffix(base, ".yml")),
		strings.HasPrefix(base, "docker-compose"):
		return true
	}
	for _, d := range []string{"deploy/", "k8s/", "kubernetes/", ".github/", "manifests/"} {
		if strings.HasPrefix(rel, d) {
			return true
		}
	}
	return false
}

// copyProject copies src to a temporary directory without its deployment files.
func copyProject(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if d.IsDir() {
			if deploymentFile(rel + "/") {
				return fs.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if deploymentFile(rel) || !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, _ := d.Info()
		return os.WriteFile(filepath.Join(dst, rel), b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// findingKeys runs check in process and returns "ID file" for every finding, and the text of
// each for messages.
func findingKeys(t *testing.T, dir string) (map[string]bool, map[string]string) {
	t.Helper()
	res, err := check.Dir(dir, check.Options{Rules: catalog.All()})
	if err != nil {
		t.Fatal(err)
	}
	keys, text := map[string]bool{}, map[string]string{}
	for _, f := range res.Findings {
		k := f.ID + " " + f.File
		keys[k] = true
		text[k] = f.Message
	}
	return keys, text
}

// proofProjects are the examples and every clean fixture of the rule packages with a main
// package: the services of the repository that are meant to start.
func proofProjects(t *testing.T) []string {
	dirs := []string{repoRoot + "/examples/clean-api", repoRoot + "/examples/orders-api"}
	fixtures, err := filepath.Glob(filepath.Join(repoRoot, "internal", "rules", "*", "testdata", "*", "clean*"))
	if err != nil {
		t.Fatal(err)
	}
	own, _ := filepath.Glob(filepath.Join("testdata", "src", "*"))
	fixtures = append(fixtures, own...)
	sort.Strings(fixtures)
	for _, f := range fixtures {
		if st, err := os.Stat(f); err == nil && st.IsDir() {
			dirs = append(dirs, f)
		}
	}
	return dirs
}

// TestGeneratedFilesPassCheck is the proof: for every example and clean fixture with a main
// package, the files gen writes (all kinds, for every program) add no finding to what check
// says about the code alone, and clean-api, the example built the recommended way, has none at
// all. The one expected exception is a file the code reads that the project does not have:
// no generated file can ship it, and gen says so in a note, which the test requires.
func TestGeneratedFilesPassCheck(t *testing.T) {
	checked := 0
	for _, src := range proofProjects(t) {
		p := load(t, src)
		if p.Go == nil || len(p.Go.Programs) == 0 {
			continue
		}
		for _, prog := range p.Go.Programs {
			for _, libc := range []string{"", "glibc"} {
				if libc != "" && len(build.CgoReasons(p.Go, prog)) == 0 {
					continue
				}
				name := strings.TrimPrefix(src, repoRoot+"/")
				if len(p.Go.Programs) > 1 {
					name += "@" + prog.Dir
				}
				if libc != "" {
					name += "+" + libc
				}
				t.Run(name, func(t *testing.T) {
					dir := copyProject(t, src)
					before, _ := findingKeys(t, dir)
					plan, err := gen.NewPlan(load(t, dir), prog.Dir)
					if err != nil {
						t.Fatal(err)
					}
					if libc != "" {
						plan.Libc = libc
					}
					for _, kind := range gen.Kinds {
						files, err := plan.Generate(kind, "")
						if err != nil {
							t.Fatal(err)
						}
						for _, f := range files {
							if _, _, err := gen.Write(dir, f, true); err != nil {
								t.Fatal(err)
							}
						}
					}
					after, text := findingKeys(t, dir)
					var added []string
					for k := range after {
						if before[k] || missingFileNoted(k, text[k], plan.Notes) {
							continue
						}
						added = append(added, k+": "+text[k])
					}
					sort.Strings(added)
					if len(added) > 0 {
						t.Errorf("the generated files add %d findings:\n%s\nnotes: %q", len(added), strings.Join(added, "\n"), plan.Notes)
					}
					if strings.HasSuffix(src, "examples/clean-api") && len(after) > 0 {
						t.Errorf("clean-api with generated files: %v", after)
					}
				})
				checked++
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d programs checked: the fixture layout changed?", checked)
	}
}

// missingFileNoted says a finding is SS2006 about a path that gen noted the project lacks.
func missingFileNoted(key, msg string, notes []string) bool {
	if !strings.HasPrefix(key, "SS2006 ") {
		return false
	}
	for _, n := range notes {
		if !strings.Contains(n, "which the project does not have") {
			continue
		}
		// "main.go:14: os.ReadFile reads config.json, which …"
		_, rest, _ := strings.Cut(n, " reads ")
		p, _, _ := strings.Cut(rest, ",")
		if p != "" && strings.Contains(msg, " "+p+" ") {
			return true
		}
	}
	return false
}

func TestSeveralMainPackages(t *testing.T) {
	p := load(t, "testdata/src/multi")
	_, err := gen.NewPlan(p, "")
	var amb *build.AmbiguousError
	if !asAmbiguous(err, &amb) {
		t.Fatalf("NewPlan without a program: %v, want an AmbiguousError", err)
	}
	if got := strings.Join(amb.Programs, ","); got != "cmd/api,cmd/worker" {
		t.Errorf("programs listed: %s", got)
	}
	if _, err := gen.NewPlan(p, "./cmd/nope"); err == nil || !strings.Contains(err.Error(), "cmd/api, cmd/worker") {
		t.Errorf("unknown program: %v", err)
	}
	if plan, err := gen.NewPlan(p, "worker"); err != nil || plan.Dir != "cmd/worker" {
		t.Errorf("by binary name: %v %v", plan, err)
	}
}

func asAmbiguous(err error, target **build.AmbiguousError) bool {
	a, ok := err.(*build.AmbiguousError)
	if ok {
		*target = a
	}
	return ok
}

func TestNoMainPackage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/lib\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "lib.go"), []byte("package lib\n\nfunc F() {}\n"), 0o644)
	if _, err := gen.NewPlan(load(t, dir), ""); err != build.ErrNoMain {
		t.Fatalf("got %v, want ErrNoMain", err)
	}
}

func TestWriteRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	f := gen.File{Path: "deploy/app.service", Data: []byte("[Service]\nType=exec\nExecStart=/usr/local/bin/app\n")}
	if written, _, err := gen.Write(dir, f, false); err != nil || !written {
		t.Fatalf("first write: %v %v", written, err)
	}
	if written, diff, err := gen.Write(dir, f, false); err != nil || written || diff != nil {
		t.Fatalf("same content: written %v diff %q err %v", written, diff, err)
	}
	changed := gen.File{Path: f.Path, Data: []byte("[Service]\nType=exec\nExecStart=/usr/bin/app\n")}
	written, diff, err := gen.Write(dir, changed, false)
	if written || err == nil {
		t.Fatalf("changed content without force: written %v err %v", written, err)
	}
	want := "--- a/deploy/app.service\n+++ b/deploy/app.service\n@@ -1,3 +1,3 @@\n [Service]\n Type=exec\n-ExecStart=/usr/local/bin/app\n+ExecStart=/usr/bin/app\n"
	if string(diff) != want {
		t.Errorf("diff:\n%s\nwant:\n%s", diff, want)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "deploy", "app.service")); !bytes.Equal(b, f.Data) {
		t.Errorf("the file was changed without --force")
	}
	if written, _, err := gen.Write(dir, changed, true); err != nil || !written {
		t.Fatalf("with force: %v %v", written, err)
	}
}

func TestDiff(t *testing.T) {
	old := strings.Repeat("a\n", 10) + "b\n" + strings.Repeat("c\n", 10) + "d"
	new := strings.Repeat("a\n", 10) + "B\n" + strings.Repeat("c\n", 10) + "d\n"
	got := string(gen.Diff("f", []byte(old), []byte(new)))
	want := `--- a/f
+++ b/f
@@ -8,7 +8,7 @@
 a
 a
 a
-b
+B
 c
 c
 c
@@ -19,4 +19,4 @@
 c
 c
 c
-d
\ No newline at end of file
+d
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if gen.Diff("f", []byte("x\n"), []byte("x\n")) != nil {
		t.Error("equal contents give a diff")
	}
	if got := string(gen.Diff("f", nil, []byte("x\n"))); got != "--- a/f\n+++ b/f\n@@ -0,0 +1 @@\n+x\n" {
		t.Errorf("from empty: %q", got)
	}
}

// TestObjectNames: binary names that are not DNS-1123 labels become valid object, service and
// image names.
func TestObjectNames(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/My_Svc\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport \"net/http\"\n\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"), 0o644)
	plan, err := gen.NewPlan(load(t, dir), "")
	if err != nil {
		t.Fatal(err)
	}
	k8s := string(plan.Kubernetes())
	if !strings.Contains(k8s, "\n  name: my-svc\n") || !strings.Contains(k8s, "image: my-svc:latest") || strings.Contains(k8s, ": My_Svc") {
		t.Errorf("manifests:\n%s", k8s)
	}
	if c := string(plan.Compose("compose.yaml")); !strings.Contains(c, "\n  my-svc:\n") {
		t.Errorf("compose:\n%s", c)
	}
	if !strings.Contains(string(plan.Dockerfile()), "/usr/local/bin/My_Svc") {
		t.Error("the binary keeps its own name in the image")
	}
}
