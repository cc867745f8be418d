package probe

import (
	"strings"
	"testing"
)

// A SIGQUIT dump as Go 1.26 prints it for a service dialing its database (trimmed paths,
// GOTRACEBACK=crash-style frame annotations left in one frame to test both forms).
const dialDump = `SIGQUIT: quit
PC=0x47e16e m=0 sigcode=0

goroutine 1 gp=0xc000002380 m=nil [IO wait]:
runtime.gopark(0x1?, 0x2?, 0x3?, 0x4?, 0x5?)
	runtime/proc.go:462 +0xce fp=0xc00006f9b0 sp=0xc00006f990 pc=0x47e16e
runtime.netpollblock(0x4e6b48?, 0x6ee0e0?, 0x0?)
	runtime/netpoll.go:575 +0xf7
internal/poll.runtime_pollWait(0x7f, 0x77)
	runtime/netpoll.go:351 +0x85
internal/poll.(*pollDesc).wait(0xc000104080?, 0x4?, 0x0)
	internal/poll/fd_poll_runtime.go:84 +0x27
internal/poll.(*pollDesc).waitWrite(...)
	internal/poll/fd_poll_runtime.go:93
net.(*netFD).connect(0xc000104080, {0x5c7e50, 0xc000110000}, {0x0?, 0x0?}, {0x5c6f78?, 0xc000112000?})
	net/fd_unix.go:124 +0x3c5
net.(*sysDialer).dialSerial(0xc000108000, {0x5c7e50, 0x7206a0}, {0xc00010c030?, 0x1, 0x0?})
	net/dial.go:700 +0x1a5
net.(*Dialer).DialContext(0xc000074e58, {0x5c7e50, 0x7206a0}, {0x5a2d2b, 0x3}, {0x7ffdd62c4e8c, 0xf})
	net/dial.go:583 +0x5b6
net.Dial(...)
	net/dial.go:472
example.com/app/internal/db.Open({0x7ffdd62c4e8c, 0xf})
	example.com/app/internal/db/db.go:31 +0x5b
main.main()
	example.com/app/main.go:14 +0x2f

goroutine 2 gp=0xc000002e00 m=nil [force gc (idle)]:
runtime.gopark(0x0?, 0x0?, 0x0?, 0x0?, 0x0?)
	runtime/proc.go:462 +0xce
`

func TestParseDump(t *testing.T) {
	b := ParseDump([]byte(dialDump))
	if b == nil {
		t.Fatal("no goroutine 1")
	}
	if b.State != "IO wait" || b.Call != "net.Dial" || b.Caller != "example.com/app/internal/db.Open" || b.At != "db.go:31" {
		t.Errorf("got %+v", b)
	}
	if b.Frames[0] != "net.(*netFD).connect" || b.Frames[len(b.Frames)-1] != "main.main" {
		t.Errorf("frames %q", b.Frames)
	}
	if s := b.String(); !strings.Contains(s, "blocked in net.Dial, called from example.com/app/internal/db.Open (db.go:31) [IO wait]") {
		t.Errorf("String() = %q", s)
	}
}

func TestParseDumpSelect(t *testing.T) {
	dump := "goroutine 1 [select (no cases), 2 minutes]:\nmain.main()\n\t/src/main.go:9 +0x1d\n\n"
	b := ParseDump([]byte(dump))
	if b == nil || b.Call != "" || b.Caller != "main.main" || b.At != "main.go:9" || b.State != "select (no cases), 2 minutes" {
		t.Fatalf("got %+v", b)
	}
	dump = "goroutine 1 [chan receive]:\nruntime.gopark(0x0?)\n\truntime/proc.go:462 +0xce\nruntime.chanrecv1(0x0?, 0x0?)\n\truntime/chan.go:506 +0x12\nmain.main()\n\t/src/main.go:12 +0x1d\r\n"
	if b := ParseDump([]byte(dump)); b == nil || b.Call != "" || b.Caller != "main.main" || !strings.Contains(b.String(), "waits [chan receive] in main.main (main.go:12)") {
		t.Fatalf("got %+v", b)
	}
}

func TestParseDumpWithoutMain(t *testing.T) {
	for _, in := range []string{"", "panic: boom\n", "goroutine 7 [running]:\nmain.f()\n", "\x00\x00goroutine 1 [", strings.Repeat("x", 1<<20)} {
		if b := ParseDump([]byte(in)); b != nil {
			t.Errorf("ParseDump(%.20q) = %+v, want nil", in, b)
		}
	}
}

func FuzzParseDump(f *testing.F) {
	f.Add([]byte(dialDump))
	f.Add([]byte("goroutine 1 [running]:\nmain.main()\n\t/x.go:1\n"))
	f.Add([]byte("goroutine 1 [IO wait]:\n\t:0\n(\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bl := ParseDump(b); bl != nil {
			_ = bl.String()
		}
	})
}

func TestParseSockets(t *testing.T) {
	table := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1 0000000000000000 100 0 0 10 0
   1: 0100007F:D431 0100007F:1538 02 00000001:00000000 01:00000066 00000002 65534        0 5678 2 0000000000000000 100 0 0 10 -1
   2: garbage
`
	got := parseSockets([]byte(table))
	if len(got) != 2 {
		t.Fatalf("got %+v", got)
	}
	if got[0].local != "0.0.0.0:8080" || got[0].state != tcpListen || got[0].inode != 1234 || displayAddr(got[0].local) != ":8080" {
		t.Errorf("listener %+v", got[0])
	}
	if got[1].remote != "127.0.0.1:5432" || got[1].state != tcpSynSent {
		t.Errorf("connecting %+v", got[1])
	}
	v6 := "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n" +
		"   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 42 1\n"
	if got := parseSockets([]byte(v6)); len(got) != 1 || got[0].local != "[::1]:8080" {
		t.Errorf("v6 %+v", got)
	}
}

func FuzzParseSockets(f *testing.F) {
	f.Add([]byte("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1234 1\n"))
	f.Add([]byte("x\n0: ZZ:1 0:0 0A a b c d e 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, e := range parseSockets(b) {
			_ = displayAddr(e.local)
		}
	})
}
