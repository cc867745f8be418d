package explain

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
)

// benchLog is a synthetic service log (the shape of bench/explain/gen's): mostly request lines,
// a warning every 200 lines, a real failure every 50,000.
func benchLog(size int) []byte {
	rng := rand.New(rand.NewSource(1))
	var b bytes.Buffer
	for n := 0; b.Len() < size; n++ {
		switch {
		case n%50000 == 49999:
			b.WriteString("2026-11-21T06:00:00.123456Z api-1  | listen tcp :8080: bind: address already in use\n")
		case n%200 == 199:
			fmt.Fprintf(&b, "2026-11-21T06:00:00.123456Z level=warn msg=\"error handling request: context canceled after %dms\"\n", rng.Intn(3000))
		case n%4 == 0:
			fmt.Fprintf(&b, `{"time":"2026-11-21T06:00:00.%06dZ","level":"info","msg":"request handled","method":"GET","path":"/api/v1/users","status":200,"duration_ms":%d,"request_id":"%016x"}`+"\n", rng.Intn(1e6), rng.Intn(900), rng.Uint64())
		case n%4 == 1:
			fmt.Fprintf(&b, "2026-11-21T06:00:00.%06dZ level=info msg=\"request handled\" method=GET path=/healthz status=200 bytes=%d remote=10.0.%d.%d:%d\n", rng.Intn(1e6), rng.Intn(90000), rng.Intn(255), rng.Intn(255), 1024+rng.Intn(60000))
		case n%4 == 2:
			fmt.Fprintf(&b, "Nov 21 06:00:00 host api[%d]: worker %d processed batch %d (%d items) in %dms\n", 1000+rng.Intn(9000), rng.Intn(16), rng.Intn(1e6), rng.Intn(500), rng.Intn(2000))
		default:
			fmt.Fprintf(&b, "I1121 06:00:00.%06d %7d controller.go:%d] synced %d objects for namespace team-%d, next resync in %ds\n", rng.Intn(1e6), 1+rng.Intn(99999), 100+rng.Intn(900), rng.Intn(5000), rng.Intn(40), 30+rng.Intn(300))
		}
	}
	return b.Bytes()
}

func BenchmarkExplain(b *testing.B) {
	log := benchLog(32 << 20)
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			b.SetBytes(int64(len(log)))
			for i := 0; i < b.N; i++ {
				res, err := Explain(bytes.NewReader(log), Options{Workers: w})
				if err != nil || len(res.Diagnoses) == 0 {
					b.Fatal(err, res)
				}
			}
		})
	}
}
