package gocode

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

func TestShipsByName(t *testing.T) {
	for name, want := range map[string]bool{
		"main.go":                   true,
		"a/b/c.go":                  true,
		"x_linux.go":                true,
		"x_amd64.go":                true,
		"x_linux_amd64.go":          true,
		"x_windows.go":              false,
		"x_arm64.go":                false,
		"x_linux_arm64.go":          false,
		"x_darwin_amd64.go":         false,
		"x_test.go":                 false,
		"linux.go":                  true, // no underscore: not a suffix
		"server_unix.go":            true, // unix is a build tag, not a file name suffix
		"_x.go":                     false,
		".x.go":                     false,
		"_build/x.go":               false,
		"a/.cache/x.go":             false,
		"a/testdata/x.go":           false,
		"cmd/my_windows_tool.go":    true, // only the last two elements are suffixes
		"cmd/windows_helper.go":     true,
		"pkg/zsyscall_linux_386.go": false,
	} {
		if got := shipsByName(name); got != want {
			t.Errorf("shipsByName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestBinaryName(t *testing.T) {
	for in, want := range map[string]string{
		"example.com/app":              "app",
		"example.com/app/cmd/api":      "api",
		"github.com/org/tool/v2":       "tool",
		"github.com/org/tool/v2/cmd/x": "x",
		"v2":                           "v2",
	} {
		if got := binaryName(in); got != want {
			t.Errorf("binaryName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitAddr(t *testing.T) {
	type hp struct {
		host string
		port int
	}
	for in, want := range map[string]hp{
		":8080":          {"", 8080},
		"0.0.0.0:80":     {"0.0.0.0", 80},
		"[::1]:7000":     {"::1", 7000},
		"localhost:http": {"localhost", 80},
		":https":         {"", 443},
		"8080":           {"8080", 0},
		":99999":         {"", 0},
		":":              {"", 0},
	} {
		h, p := splitAddr(in)
		if (hp{h, p}) != want {
			t.Errorf("splitAddr(%q) = %q, %d, want %v", in, h, p, want)
		}
	}
}

func TestEndpointsIn(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:p@localhost/db":                 "postgres localhost 0",
		"redis://127.0.0.1:6379/0":                    "redis 127.0.0.1 6379",
		"mongodb://localhost:27017,10.0.0.2:27017/db": "mongodb localhost 27017",
		"u:p@tcp(localhost:3306)/db":                  "mysql localhost 3306",
		"host=127.0.0.1 user=app":                     "postgres 127.0.0.1 0",
		"localhost:6379":                              "redis localhost 6379",
		"localhost:8080":                              "", // a listen address as often as a client one
		"postgres://u:p@db.internal:5432/app":         "", // not loopback
		"see http://localhost:8080 for docs":          "", // a message
		"file://localhost/etc/passwd":                 "", // not a client scheme
		"http://[::1]:9000/":                          "http ::1 9000",
	} {
		var got string
		if eps := endpointsIn(in); len(eps) > 0 {
			got = eps[0].Scheme + " " + eps[0].Host + " " + itoa(eps[0].Port)
		}
		if got != want {
			t.Errorf("endpointsIn(%q) = %q, want %q", in, got, want)
		}
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestExpandNames(t *testing.T) {
	got := expandNames("$HOME/x/${APP_DIR}/$1/$ end ${}")
	if diff := cmp.Diff([]string{"HOME", "APP_DIR", "1"}, got); diff != "" {
		t.Error(diff)
	}
}

// TestModuleCacheCgo checks that a dependency already in the module cache is looked into for
// import "C", with the cache's escaped paths, and that nothing is fetched when it is absent.
func TestModuleCacheCgo(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	dep := filepath.Join(cache, "github.com", "!acme", "cdep@v1.2.0", "img")
	must(t, os.MkdirAll(dep, 0o755))
	must(t, os.WriteFile(filepath.Join(dep, "img.go"), []byte("package img\n\n// #cgo LDFLAGS: -lpng\nimport \"C\"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dep, "img_windows.go"), []byte("package img\n"), 0o644))

	dir := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/Acme/cdep v1.2.0\n\tgithub.com/acme/absent v0.1.0\n)\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport (\n\t\"github.com/Acme/cdep/img\"\n\t\"github.com/acme/absent\"\n)\n\nfunc main() { img.X(); absent.Y() }\n"), 0o644))
	f, notes := load(t, dir)
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
	var got []string
	for _, c := range f.Cgo {
		got = append(got, c.Pos.String()+" "+c.Module+" "+c.Import+" "+c.Reason)
	}
	want := []string{`main.go:4:2 github.com/Acme/cdep github.com/Acme/cdep/img import "C" in github.com/Acme/cdep@v1.2.0/img/img.go (module cache)`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cgo (-want +got):\n%s", diff)
	}
}

// TestGoRootLoads loads the standard library's tree: many modules, vendor directories and
// generated files, and no note may say an internal error happened.
func TestGoRootLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("reads GOROOT/src")
	}
	src := filepath.Join(runtime.GOROOT(), "src", "cmd", "go")
	if _, err := os.Stat(src); err != nil {
		t.Skip("no GOROOT/src/cmd/go")
	}
	f, notes := load(t, src)
	for _, n := range notes {
		if strings.Contains(n.Text, "internal error") {
			t.Errorf("note: %v", n)
		}
	}
	if f == nil || len(f.Programs) == 0 {
		t.Fatal("no program found in cmd/go")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestReadSrcLimit checks that a Go file over the tree's size limit is refused with a reason,
// not read: the tree skips such files, and this guards a file that grew after the walk.
func TestReadSrcLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "big.go")
	must(t, os.WriteFile(p, []byte("package big\n"), 0o644))
	_, err := readSrc(&tree.File{Path: "big.go", Abs: p, Size: tree.MaxFileSize + 1})
	if err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("readSrc of an oversized file: %v, want a limit error", err)
	}
	_, err = readSrc(&tree.File{Path: "gone.go", Abs: p + ".gone", Size: 1})
	if err == nil {
		t.Error("readSrc of a missing file: no error")
	}
}
