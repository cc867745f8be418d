package gocode

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

// BenchmarkLoadGOROOT loads the Go code of $(go env GOROOT)/src: some 150 programs under cmd/
// and the packages they reach. The tree walk is done once, outside the timer.
func BenchmarkLoadGOROOT(b *testing.B) {
	src := filepath.Join(runtime.GOROOT(), "src")
	if _, err := os.Stat(src); err != nil {
		b.Skip("no GOROOT/src")
	}
	t, err := tree.Walk(src, tree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		f, _ := Load(t)
		if f == nil || len(f.Programs) == 0 {
			b.Fatal("no programs found in GOROOT/src")
		}
	}
	reportCPU(b, start)
}

// cpuTime is the process's user and system CPU time. On a shared machine the wall time of a
// benchmark depends on the load; the CPU time per operation, reported as cpu-ms/op, does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// BenchmarkLoad700 loads a generated service of 700 Go files: one main package importing 69
// packages of 10 files each, every file exercising the constructs the extractor looks for.
func BenchmarkLoad700(b *testing.B) {
	dir := b.TempDir()
	writeService(b, dir, 70, 10)
	t, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		f, _ := Load(t)
		if f == nil || len(f.Packages) != 70 {
			b.Fatalf("want 70 packages, got %v", f)
		}
	}
	reportCPU(b, start)
}

// writeService generates a module of pkgs packages (the first is main) of files files each.
func writeService(tb testing.TB, dir string, pkgs, files int) {
	write := func(rel, content string) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("go.mod", "module example.com/big\n\ngo 1.22\n")
	var imports strings.Builder
	for p := 1; p < pkgs; p++ {
		fmt.Fprintf(&imports, "\t_ \"example.com/big/internal/p%d\"\n", p)
	}
	for p := 0; p < pkgs; p++ {
		name, rel := fmt.Sprintf("p%d", p), fmt.Sprintf("internal/p%d", p)
		if p == 0 {
			name, rel = "main", "cmd/server"
		}
		for i := 0; i < files; i++ {
			var b strings.Builder
			fmt.Fprintf(&b, "package %s\n\nimport (\n\t\"fmt\"\n\t\"log\"\n\t\"net/http\"\n\t\"os\"\n\t\"path/filepath\"\n", name)
			if p == 0 && i == 0 {
				b.WriteString(imports.String())
			}
			b.WriteString(")\n\n")
			fmt.Fprintf(&b, "const base%d = \"data/%s\"\n\n", i, name)
			for fn := 0; fn < 8; fn++ {
				fmt.Fprintf(&b, `// Handler%[1]d_%[2]d serves a page.
func Handler%[1]d_%[2]d(w http.ResponseWriter, r *http.Request) {
	key := os.Getenv("KEY_%[1]d_%[2]d")
	if key == "" {
		key = "default"
	}
	data, err := os.ReadFile(filepath.Join(base%[1]d, "file%[2]d.json"))
	if err != nil {
		log.Printf("read: %%v", err)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for i := 0; i < len(data); i++ {
		if data[i] == '\n' {
			fmt.Fprintf(w, "%%s line %%d\n", key, i)
		}
	}
	switch r.Method {
	case http.MethodGet:
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

`, i, fn)
			}
			if p == 0 && i == 0 {
				b.WriteString("func main() {\n\tport := os.Getenv(\"PORT\")\n\tif port == \"\" {\n\t\tport = \"8080\"\n\t}\n\tlog.Fatal(http.ListenAndServe(\":\"+port, nil))\n}\n")
			}
			write(fmt.Sprintf("%s/f%d.go", rel, i), b.String())
		}
	}
}
