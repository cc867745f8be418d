package probe

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// ownStart is how long the announce fixture takes, started directly, to print that it
// listens: the start time probe's verdict is measured against.
func ownStart(b *testing.B, bin string) time.Duration {
	var total time.Duration
	const n = 10
	for i := 0; i < n; i++ {
		cmd := exec.Command(bin)
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		cmd.Process.Kill()
		cmd.Wait()
	}
	return total / n
}

// BenchmarkProbeReady measures the time from the start of a probe to its ready verdict for a
// service that starts at once, and the overhead over the service's own start time (budget:
// 100 ms).
func BenchmarkProbeReady(b *testing.B) {
	bin := fixture(b, "announce")
	own := ownStart(b, bin)
	var verdict time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Run(context.Background(), []string{bin}, Conditions{}, Options{})
		if err != nil || res.Verdict != Ready {
			b.Fatalf("%v %+v", err, res)
		}
		verdict += res.Elapsed
	}
	b.StopTimer()
	b.ReportMetric(float64(own.Microseconds())/1000, "own-start-ms")
	b.ReportMetric(float64(verdict.Microseconds())/1000/float64(b.N), "verdict-ms")
	b.ReportMetric(float64((verdict/time.Duration(b.N)-own).Microseconds())/1000, "overhead-ms")
}

// BenchmarkMatrix5 measures a matrix of five cases (yours, cwd, env, user, production) against
// a single probe of the same service (budget: about 3× on 2 cores).
func BenchmarkMatrix5(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("the matrix runs its cases at once only as root")
	}
	bin := fixture(b, "announce")
	dir, _ := os.Getwd()
	yours := Conditions{Env: os.Environ(), Dir: dir, User: &User{UID: 0, GID: 0, Name: "root"}}
	umask := 0o022
	yours.Umask = &umask
	target := Conditions{}
	var single, matrix time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := Run(context.Background(), []string{bin}, target, Options{}); err != nil {
			b.Fatal(err)
		}
		single += time.Since(start)
		start = time.Now()
		m, err := RunMatrix(context.Background(), []string{bin}, yours, target, Options{AllowRoot: true})
		if err != nil {
			b.Fatal(err)
		}
		matrix += time.Since(start)
		if n := len(m.Cases()); n != 5 {
			b.Fatalf("%d cases, want 5", n)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(single.Microseconds())/1000/float64(b.N), "single-ms")
	b.ReportMetric(float64(matrix.Microseconds())/1000/float64(b.N), "matrix-ms")
	b.ReportMetric(float64(matrix)/float64(single), "x-single")
}
