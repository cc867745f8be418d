// Command gen writes a synthetic service log for the explain benchmark: request and worker
// lines in the formats explain reads (logfmt, JSON, journal, compose prefixes, klog), with a
// warning or error line about every 200 lines and a real start-up failure line about every
// 50,000, so the prefilter has candidates to verify but most lines have none. Output is
// deterministic for a given size.
//
//	go run ./bench/explain/gen -size 1GiB > /tmp/explain-bench.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"strings"
	"time"
)

var failures = []string{
	"exec /app/server: exec format error",
	"listen tcp :8080: bind: address already in use",
	"dial tcp 10.0.3.7:5432: connect: connection refused",
	"panic: unknown time zone America/New_York",
	"standard_init_linux.go:228: exec user process caused: no such file or directory",
	"go: go.mod requires go >= 1.25.0 (running go 1.24.13; GOTOOLCHAIN=local)",
	"tls: failed to verify certificate: x509: certificate signed by unknown authority",
	"/app/server: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by /app/server)",
}

var paths = []string{"/api/v1/users", "/api/v1/orders", "/healthz", "/metrics", "/api/v1/items/42", "/login", "/static/app.js"}
var methods = []string{"GET", "GET", "GET", "POST", "PUT", "DELETE"}
var warnings = []string{
	"slow query took %dms: SELECT * FROM orders WHERE user_id = $1",
	"error handling request: context canceled (client went away after %dms)",
	"retrying upstream call after %dms: upstream returned 503",
	"cache miss ratio above threshold: %d%%",
}

func parseSize(s string) (int64, error) {
	mult := int64(1)
	for suf, m := range map[string]int64{"GiB": 1 << 30, "MiB": 1 << 20, "KiB": 1 << 10} {
		if strings.HasSuffix(s, suf) {
			s, mult = strings.TrimSuffix(s, suf), m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n * mult, err
}

func main() {
	sizeFlag := flag.String("size", "1GiB", "bytes to write (suffixes KiB, MiB, GiB)")
	flag.Parse()
	size, err := parseSize(*sizeFlag)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen: -size:", err)
		os.Exit(2)
	}
	rng := rand.New(rand.NewSource(1))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	t := time.Date(2026, 11, 21, 6, 0, 0, 0, time.UTC)
	var written int64
	for n := 0; written < size; n++ {
		t = t.Add(time.Duration(rng.Intn(5000)) * time.Microsecond)
		var line string
		switch {
		case n%50000 == 49999:
			line = fmt.Sprintf("%s api-1  | %s", t.Format(time.RFC3339Nano), failures[rng.Intn(len(failures))])
		case n%200 == 199:
			line = fmt.Sprintf("%s level=warn msg=%q", t.Format(time.RFC3339Nano), fmt.Sprintf(warnings[rng.Intn(len(warnings))], rng.Intn(3000)))
		default:
			switch rng.Intn(4) {
			case 0:
				line = fmt.Sprintf(`{"time":"%s","level":"info","msg":"request handled","method":"%s","path":"%s","status":200,"duration_ms":%d,"request_id":"%016x"}`,
					t.Format(time.RFC3339Nano), methods[rng.Intn(len(methods))], paths[rng.Intn(len(paths))], rng.Intn(900), rng.Uint64())
			case 1:
				line = fmt.Sprintf("%s level=info msg=\"request handled\" method=%s path=%s status=200 bytes=%d remote=10.0.%d.%d:%d",
					t.Format(time.RFC3339Nano), methods[rng.Intn(len(methods))], paths[rng.Intn(len(paths))], rng.Intn(90000), rng.Intn(255), rng.Intn(255), 1024+rng.Intn(60000))
			case 2:
				line = fmt.Sprintf("%s host api[%d]: worker %d processed batch %d (%d items) in %dms",
					t.Format("Jan _2 15:04:05"), 1000+rng.Intn(9000), rng.Intn(16), rng.Intn(1e6), rng.Intn(500), rng.Intn(2000))
			default:
				line = fmt.Sprintf("I%s %7d controller.go:%d] synced %d objects for namespace team-%d, next resync in %ds",
					t.Format("0102 15:04:05.000000"), 1+rng.Intn(99999), 100+rng.Intn(900), rng.Intn(5000), rng.Intn(40), 30+rng.Intn(300))
			}
		}
		k, _ := w.WriteString(line)
		w.WriteByte('\n')
		written += int64(k) + 1
	}
}
