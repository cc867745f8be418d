package probe

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/testimage"
)

// Fixture services, each failing under exactly one production condition. They listen on an
// ephemeral port when they start, so probes of them never collide.
var fixtureSources = map[string]string{
	// works starts a child that leaves the session (the orphan test finds it if probe does not
	// kill it), then serves HTTP.
	"works": `package main

import (
	"net"
	"net/http"
	"os"
	"os/exec"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "child" {
		select {}
	}
	c := exec.Command(os.Args[0], append([]string{"child"}, os.Args[1:]...)...)
	c.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := c.Start(); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
}
`,
	"cwd": `package main

import (
	"log"
	"net"
	"os"
)

func main() {
	cfg, err := os.ReadFile("config.yaml")
	if err != nil {
		log.Fatalf("loading config: %v", err)
	}
	_ = cfg
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	"env": `package main

import (
	"log"
	"net"
	"os"
)

func main() {
	if os.Getenv("DATABASE_URL") == "" {
		log.Fatal("required key DATABASE_URL missing value")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	"user": `package main

import (
	"log"
	"net"
)

func main() {
	ln, err := net.Listen("tcp", ":80")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	"readonly": `package main

import (
	"fmt"
	"log"
	"net"
	"os"
	"path/filepath"
)

func main() {
	exe, err := os.Executable()
	if err != nil {
		log.Fatal(err)
	}
	// One log per process: runs as different users share the directory.
	f, err := os.OpenFile(filepath.Join(filepath.Dir(exe), fmt.Sprintf("app-%d.log", os.Getpid())), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		log.Fatal(err)
	}
	log.SetOutput(f)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	log.Print("listening on ", ln.Addr())
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	// announce prints "listening" once it listens: the benchmark times its own start-up
	// from that line, without probe.
	"announce": `package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("listening")
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	// hog fills 128 MiB before it listens, as a service loading a large cache does.
	"hog": `package main

import (
	"log"
	"net"
)

var cache [][]byte

func main() {
	for i := 0; i < 128; i++ {
		b := make([]byte, 1<<20)
		for j := range b {
			b[j] = byte(i + j)
		}
		cache = append(cache, b)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
	// hang dials the address in its first argument before it listens.
	"hang": `package main

import (
	"log"
	"net"
	"os"
)

func main() {
	db, err := net.Dial("tcp", os.Args[1])
	if err != nil {
		log.Fatalf("connecting to the database: %v", err)
	}
	defer db.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err == nil {
			c.Close()
		}
	}
}
`,
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// fixture returns the path of a built fixture service. The binaries live in a directory every
// user may read and write (so that only the read-only root stops the readonly fixture from
// writing its log there), removed by TestMain.
func fixture(t testing.TB, name string) string {
	t.Helper()
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "shipshape-probe-fixtures-")
		if fixtureErr == nil {
			fixtureErr = os.Chmod(fixtureDir, 0o777)
		}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	bin := filepath.Join(fixtureDir, name)
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	src, ok := fixtureSources[name]
	if !ok {
		t.Fatalf("no fixture %q", name)
	}
	b := testimage.GoBuild(t, src, "CGO_ENABLED=0")
	tmp := bin + ".tmp"
	if err := os.WriteFile(tmp, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, bin); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtureDir != "" {
		os.RemoveAll(fixtureDir)
	}
	os.Exit(code)
}

// processesWith returns the pids whose command line or environment holds marker.
func processesWith(marker string) []string {
	var out []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if c := e.Name()[0]; c < '0' || c > '9' || e.Name() == itoa(os.Getpid()) {
			continue
		}
		for _, f := range []string{"cmdline", "environ"} {
			b, err := os.ReadFile(filepath.Join("/proc", e.Name(), f))
			if err == nil && strings.Contains(string(b), marker) {
				out = append(out, e.Name())
				break
			}
		}
	}
	return out
}

// worldDir returns a new directory that nobody can enter (t.TempDir's parent is private to
// root), removed when the test ends.
func worldDir(t testing.TB) string {
	t.Helper()
	fixture(t, "works")
	dir, err := os.MkdirTemp(fixtureDir, "dir-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}
