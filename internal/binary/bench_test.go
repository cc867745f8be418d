package binary_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/binary"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

// bigSrc links a realistic set of packages and embeds ~95 MB of random data, so the binary is
// about 100 MB: what matters is that Read touches only headers, build info and the function
// names, not the size of the file.
const bigSrc = `package main

import (
	_ "embed"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"time"
)

//go:embed blob.bin
var blob []byte

func main() {
	_ = tls.Config{}
	_, _ = json.Marshal(map[string]int{"n": len(blob)})
	_, _ = time.LoadLocation("UTC")
	http.Get("https://example.com")
	fmt.Fprintln(os.Stdout, len(blob))
}
`

func bigBinary(b *testing.B) string {
	b.Helper()
	blob := make([]byte, 95<<20)
	// The same bytes on every run, so that the build cache hits after the first.
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i*7919 + i>>8)
	}
	for off := 0; off < len(blob); off += len(block) {
		copy(blob[off:], block)
	}
	bin, err := ti.GoBuildFiles(map[string][]byte{"main.go": []byte(bigSrc), "blob.bin": blob}, "CGO_ENABLED=0")
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "big")
	if err := os.WriteFile(p, bin, 0o755); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkReadFile100MB is the target "a 100 MB Go binary in ≤ 50 ms" (page cache warm).
func BenchmarkReadFile100MB(b *testing.B) {
	p := bigBinary(b)
	st, _ := os.Stat(p)
	b.ReportMetric(float64(st.Size())/(1<<20), "MB")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f, err := binary.ReadFile(p)
		if err != nil || f.Go == nil || !f.Go.TLSClient || !f.Go.LoadsLocation {
			b.Fatalf("%v %+v", err, f)
		}
	}
}

// BenchmarkReadSmall is the same on a small binary, to show the cost does not grow with size.
func BenchmarkReadSmall(b *testing.B) {
	bin := ti.GoBuild(b, hello, "CGO_ENABLED=0")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := binary.Read(bytes.NewReader(bin), int64(len(bin)), "app"); err != nil {
			b.Fatal(err)
		}
	}
}
