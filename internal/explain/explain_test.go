package explain

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// explainString explains a log with the built-in clues only (no catalog signatures), on the
// given number of workers.
func explainString(t *testing.T, s string, workers int) *Result {
	t.Helper()
	res, err := Explain(strings.NewReader(s), Options{Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func top(res *Result) string {
	if len(res.Diagnoses) == 0 {
		return ""
	}
	return res.Diagnoses[0].ID
}

func TestPrefixesAreStripped(t *testing.T) {
	for _, tc := range []struct{ raw, msg, source, unit string }{
		{"2024-01-02T03:04:05.123456789Z exec /app: exec format error", "exec /app: exec format error", "", ""},
		{"Nov 21 05:57:35 host app[123]: listen tcp :80: bind: permission denied", "listen tcp :80: bind: permission denied", "journal", "app"},
		{"Mai 20 09:50:23 RaspberryPi systemd[1]: x.service: Failed with result 'exit-code'.", "x.service: Failed with result 'exit-code'.", "journal", "systemd"},
		{"web-1  | panic: boom", "panic: boom", "compose", "web-1"},
		{"#12 0.345 go: go.mod requires go >= 1.25.0", "go: go.mod requires go >= 1.25.0", "buildkit", ""},
		{"0.094 go: go.mod requires go >= 1.24.0", "go: go.mod requires go >= 1.24.0", "buildkit", ""},
		{"[   47s] go: inconsistent vendoring", "go: inconsistent vendoring", "ci", ""},
		{"[pod/api-7d9/api] dial tcp 10.0.0.1:5432: connect: connection refused", "dial tcp 10.0.0.1:5432: connect: connection refused", "kubectl", ""},
		{"E0811 09:55:40.950978   39150 main.go:26] listen tcp :53: bind: address already in use", "listen tcp :53: bind: address already in use", "", ""},
		{`{"MESSAGE":"exec /app: no such file or directory","_SYSTEMD_UNIT":"app.service","__REALTIME_TIMESTAMP":"1"}`, "exec /app: no such file or directory", "json", "app.service"},
		{`{"log":"exec /app: exec format error\n","stream":"stderr","time":"2024-01-01T00:00:00Z"}`, "exec /app: exec format error", "json", ""},
		{"2017-10-03T09:07:17.051002+00:00 heroku[web.1]: Error R10 (Boot timeout)", "Error R10 (Boot timeout)", "", ""},
	} {
		l := newLine(1, []byte(tc.raw))
		if l.msg != tc.msg || l.source != tc.source || l.unit != tc.unit {
			t.Errorf("newLine(%q) = msg %q source %q unit %q, want %q %q %q", tc.raw, l.msg, l.source, l.unit, tc.msg, tc.source, tc.unit)
		}
	}
}

func TestDetectFormat(t *testing.T) {
	for _, tc := range []struct {
		log  string
		want Format
	}{
		{"● app.service - App\n     Loaded: loaded (/etc/systemd/system/app.service; enabled)\n     Active: failed (Result: exit-code)\n   Main PID: 12 (code=exited, status=203/EXEC)\n", FormatSystemctl},
		{"Nov 21 05:57:35 host systemd[1]: Started App.\nNov 21 05:57:35 host app[12]: boom\n", FormatJournal},
		{`{"__REALTIME_TIMESTAMP":"1700000000","MESSAGE":"boom"}` + "\n", FormatJournalJSON},
		{"web-1  | starting\nweb-1  | boom\ndb-1   | ready\n", FormatCompose},
		{"#1 [internal] load build definition from Dockerfile\n#12 0.345 go: downloading x\n => ERROR [build 4/7] RUN go build\n", FormatBuildKit},
		{"Name:         api-7d9\nNamespace:    default\nContainers:\n    State:          Waiting\n", FormatKubeDescribe},
		{"NAME                   READY   STATUS             RESTARTS   AGE\napi-7d9   0/1     CrashLoopBackOff   5          3m\n", FormatKubeGet},
		{"panic: runtime error\n\ngoroutine 1 [running]:\nmain.main()\n", FormatGoPanic},
		{"hello\nworld\n", FormatPlain},
	} {
		if got := detectFormat([]byte(tc.log)); got != tc.want {
			t.Errorf("detectFormat(%q) = %s, want %s", tc.log, got, tc.want)
		}
	}
}

// TestDisambiguation covers the messages whose failure mode depends on context.
func TestDisambiguation(t *testing.T) {
	for _, tc := range []struct{ name, log, want string }{
		{"enoent binary", "exec /app: no such file or directory\n", "SS2001"},
		{"enoent script", "exec /docker-entrypoint.sh: no such file or directory\n", "SS2010"},
		{"enoent crlf marker", "exec /app/run: no such file or directory\n/bin/sh^M: bad interpreter\n", "SS2010"},
		{"ash not found", "/ # ./app\n/bin/sh: ./app: not found\n", "SS2001"},
		{"sh tool not found", "sh: curl: not found\n", "SS2011"},
		{"bad interpreter", "bash: ./run.sh: /bin/bash: bad interpreter: No such file or directory\n", "SS2011"},
		{"format binary", "exec /server: exec format error\n", "SS2003"},
		{"format script arch", "exec /usr/local/bin/docker-entrypoint.sh: exec format error\n", "SS2003"},
		{"format script no shebang", "exec /start.sh: exec format error\nthe script has no shebang line\n", "SS2010"},
		{"boot timeout loopback", "listening on 127.0.0.1:8080\ninstance refused connection. is your app listening on 0.0.0.0:8080? make sure it is not only listening on 127.0.0.1\n", "SS6002"},
		{"heroku memory", "Error R14 (Memory quota exceeded)\n", "SS7001"},
		{"compose env", "WARN[0000] The \"DB_PASSWORD\" variable is not set. Defaulting to a blank string.\n", "SS2015"},
		{"format non-main", "go build -o app ./internal/lib\npackage internal/lib is not a main package\nexec /app: exec format error\n", "SS1008"},
		{"perm port", "listen tcp :443: bind: permission denied\n", "SS6003"},
		{"perm exec", "exec /app: permission denied\n", "SS2009"},
		{"perm file", "open /var/lib/app/state.db: permission denied\n", "SS2008"},
		{"137 oom", "  Last State:     Terminated\n    Reason:       OOMKilled\n    Exit Code:    137\n", "SS7001"},
		{"137 boot timeout", "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 60 seconds of launch\nProcess exited with status 137\n", "SS6001"},
		{"sqlite 14", "panic: unable to open database file: out of memory (14)\n", "SS2008"},
		{"sqlite 14 relative", "dsn=file:data/app.db\npanic: unable to open database file: out of memory (14)\n", "SS2006"},
		{"systemd 200", "app.service: Main process exited, code=exited, status=200/CHDIR\n", "SS2007"},
		{"systemd 203 enoent", "app.service: Failed at step EXEC spawning /usr/local/bin/app: No such file or directory\napp.service: Main process exited, code=exited, status=203/EXEC\n", "SS3002"},
		{"systemd 203 perm", "app.service: Failed at step EXEC spawning /opt/app: Permission denied\napp.service: Main process exited, code=exited, status=203/EXEC\n", "SS2009"},
		{"systemd 209", "app.service: Main process exited, code=exited, status=209/STDOUT\n", "SS2008"},
		{"systemd 217", "app.service: Main process exited, code=exited, status=217/USER\n", "SS2012"},
		{"systemd 226", "app.service: Main process exited, code=exited, status=226/NAMESPACE\n", "SS2014"},
		{"forking timeout", "Type=forking\napp.service: Start operation timed out. Terminating.\napp.service: Failed with result 'timeout'.\n", "SS3001"},
		{"tz valid", "panic: unknown time zone Europe/Paris\n", "SS2005"},
		{"tz misspelt", "panic: unknown time zone Europe/paris\n", "SS1007"},
		{"go version", "go: go.mod requires go >= 1.25.0 (running go 1.24.13; GOTOOLCHAIN=local)\n", "SS1010"},
		{"new std", "main.go:4:2: package slices is not in GOROOT (/usr/local/go/src/slices)\n", "SS1010"},
		{"gcc", "# runtime/cgo\ncgo: C compiler \"gcc\" not found: exec: \"gcc\": executable file not found in $PATH\n", "SS1012"},
		{"git", "exec: \"git\": executable file not found in $PATH\n", "SS2011"},
		{"localhost in container", "api-1  | dial tcp 127.0.0.1:5432: connect: connection refused\n", "SS1003"},
		{"db down", "dial tcp 10.1.2.3:5432: connect: connection refused\n", "SS7002"},
		{"k8s waiting", "    State:          Waiting\n      Reason:       CreateContainerConfigError\nError: configmap \"app-config\" not found\n", "SS4004"},
		{"k8s probe loopback", "listening on 127.0.0.1:8080\nReadiness probe failed: Get \"http://10.1.0.5:8080/healthz\": dial tcp 10.1.0.5:8080: connect: connection refused\n", "SS6002"},
		{"k8s probe port", "listening on :3000\nLiveness probe failed: Get \"http://10.1.0.5:8080/healthz\": dial tcp 10.1.0.5:8080: connect: connection refused\n", "SS6001"},
		{"configmap over binary", "Mounts:\n      /app from config (ro)\nexec /app/server: no such file or directory\n", "SS4001"},
		{"env", "panic: required key DATABASE_URL missing value\n", "SS2015"},
		{"goroutine hang", "connecting to db:5432\nSIGQUIT: quit\n\ngoroutine 1 [IO wait]:\ninternal/poll.runtime_pollWait()\nnet.(*netFD).connect(0xc000)\nnet.(*Dialer).DialContext(0xc0)\nmain.main()\n\ngoroutine 7 [select]:\nnet/http.(*Server).Serve()\n", "SS7002"},
		{"config yaml", "panic: yaml: line 3: mapping values are not allowed in this context\n", "SS7003"},
		{"node eacces", "Error: listen EACCES: permission denied 0.0.0.0:80\n", "SS6003"},
		{"node eaddrinuse", "Error: listen EADDRINUSE: address already in use :::3000\n", "SS6004"},
		{"musl ldd", "Error loading shared library libresolv.so.2: No such file or directory (needed by app)\n", "SS2001"},
		{"env no bash", "env: 'bash': No such file or directory\n", "SS2011"},
		{"lookup misbehaving", "failed to connect to `host=db user=app`: hostname resolving error (lookup db on 127.0.0.11:53: server misbehaving)\n", "SS7002"},
		{"viper decode", "panic: 1 error(s) decoding:\n\n* 'port' expected type 'int', got unconvertible type 'string'\n", "SS7003"},
		{"module path", "go: github.com/a/b@v1.0.0: parsing go.mod:\n\tmodule declares its path as: github.com/c/b\n\t        but was required as: github.com/a/b\n", "SS1011"},
		{"readonly db", "attempt to write a readonly database\n", "SS2008"},
		{"last error wins", "listen tcp :53: bind: permission denied\nlisten tcp :53: bind: address already in use\nlisten tcp :53: bind: address already in use\n", "SS6004"},
	} {
		for _, w := range []int{1, 2} {
			if got := top(explainString(t, tc.log, w)); got != tc.want {
				t.Errorf("%s (workers %d): top %q, want %s", tc.name, w, got, tc.want)
			}
		}
	}
}

func TestGoroutineHangParams(t *testing.T) {
	res := explainString(t, "connecting to db:5432\ngoroutine 1 [IO wait]:\nnet.(*Dialer).DialContext(0xc0)\n", 2)
	if top(res) != "SS7002" || res.Diagnoses[0].Params["addr"] != "db:5432" {
		t.Fatalf("got %+v", res.Diagnoses)
	}
}

func TestNoDiagnosisShowsSuspects(t *testing.T) {
	res := explainString(t, "starting\nready\nerror: something odd happened\nshutting down\n", 2)
	if len(res.Diagnoses) != 0 {
		t.Fatalf("diagnoses %+v, want none", res.Diagnoses)
	}
	if len(res.Suspects) != 1 || res.Suspects[0].Line != 3 {
		t.Fatalf("suspects %+v, want line 3", res.Suspects)
	}
	var b bytes.Buffer
	if err := res.Write(&b, "text", "-"); err != nil || !strings.Contains(b.String(), "No diagnosis") || !strings.Contains(b.String(), "3: error: something odd") {
		t.Fatalf("text output %q, %v", b.String(), err)
	}
}

func TestJSONShape(t *testing.T) {
	res := explainString(t, "exec /app: exec format error\n", 1)
	var b bytes.Buffer
	if err := res.Write(&b, "json", "-"); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   int `json:"version"`
		Diagnoses []struct {
			ID, Class, Summary, Fix, Confirm string
			Confidence                       float64
			Evidence                         []Evidence
			Params                           map[string]string
		} `json:"diagnoses"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Diagnoses) == 0 {
		t.Fatalf("doc %+v", doc)
	}
	d := doc.Diagnoses[0]
	if d.ID != "SS2003" || d.Class != "wrong-arch" || d.Confidence <= 0 || d.Confidence > 1 ||
		len(d.Evidence) != 1 || d.Evidence[0].Line != 1 || d.Params["path"] != "/app" || d.Summary == "" || d.Confirm == "" {
		t.Fatalf("diagnosis %+v", d)
	}
	b.Reset()
	if err := res.Write(&b, "github", "deploy.log"); err != nil || !strings.HasPrefix(b.String(), "::error file=deploy.log,line=1,title=SS2003 wrong-arch::") {
		t.Fatalf("github output %q, %v", b.String(), err)
	}
	if err := res.Write(&b, "sarif", "-"); err == nil {
		t.Fatal("unknown format accepted")
	}
}

// TestCatalogSignaturesJoin checks that a catalog signature with named groups becomes a
// diagnosis with parameters even where no clue knows the message.
func TestCatalogSignaturesJoin(t *testing.T) {
	r := &rule.Rule{ID: "SS7003", Class: "config-invalid", Title: "config", Fix: "fix it",
		Signatures: []rule.Signature{rule.Sig("frobnicate failed", `frobnicate failed at (?P<stage>\w+)`, "frobnicate failed at boot")}}
	res, err := Explain(strings.NewReader("x\nfrobnicate failed at boot\n"), Options{Rules: []*rule.Rule{r}})
	if err != nil {
		t.Fatal(err)
	}
	if top(res) != "SS7003" || res.Diagnoses[0].Params["stage"] != "boot" || res.Diagnoses[0].Fix != "fix it" || res.Diagnoses[0].Evidence[0].Line != 2 {
		t.Fatalf("got %+v", res.Diagnoses)
	}
}

// TestLineNumbersAcrossChunks puts evidence in many chunks and checks the numbers.
func TestLineNumbersAcrossChunks(t *testing.T) {
	var b strings.Builder
	filler := strings.Repeat("x", 200) + "\n"
	n := 0
	for b.Len() < 5*chunkSize {
		b.WriteString(filler)
		n++
	}
	b.WriteString("listen tcp :8080: bind: address already in use\n")
	n++
	want := n
	for i := 0; i < 20000; i++ {
		b.WriteString(filler)
		n++
	}
	for _, w := range []int{1, 2, 4} {
		res := explainString(t, b.String(), w)
		if res.Lines != n {
			t.Errorf("workers %d: %d lines, want %d", w, res.Lines, n)
		}
		if top(res) != "SS6004" || res.Diagnoses[0].Evidence[0].Line != want {
			t.Errorf("workers %d: %+v, want SS6004 at line %d", w, res.Diagnoses, want)
		}
	}
}

// TestBadInput feeds binary junk, NUL bytes, invalid UTF-8, CRLF, a line over MaxLine and an
// input without a final newline, through a reader that returns one byte at a time.
func TestBadInput(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	junk := make([]byte, 3<<20)
	rng.Read(junk)
	long := bytes.Repeat([]byte("a"), 3*MaxLine)
	var in bytes.Buffer
	in.Write(junk)
	in.WriteString("\n\x00\x00 \xff\xfe exec /app: exec format error\r\n")
	in.Write(long)
	in.WriteString(" listen tcp :80: bind: permission denied\n")
	in.WriteString("after the long line\r\n")
	in.WriteString("exec /app: exec format error")
	res, err := Explain(iotest.HalfReader(bytes.NewReader(in.Bytes())), Options{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Truncated != 1 {
		t.Errorf("truncated %d, want 1", res.Truncated)
	}
	if top(res) != "SS2003" {
		t.Errorf("top %q, want SS2003: %+v", top(res), res.Diagnoses)
	}
	for _, d := range res.Diagnoses {
		if d.ID == "SS6003" {
			t.Errorf("matched text past MaxLine of a cut line: %+v", d)
		}
	}
	if _, err := Explain(iotest.ErrReader(io.ErrUnexpectedEOF), Options{}); err == nil {
		t.Error("a failing reader gave no error")
	}
	res, err = Explain(strings.NewReader(""), Options{})
	if err != nil || res.Lines != 0 || len(res.Diagnoses) != 0 {
		t.Errorf("empty input: %+v, %v", res, err)
	}
}

// FuzzLine fuzzes the line classifier: prefix stripping, JSON envelopes and every matcher.
func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"2024-01-02T03:04:05Z exec /app: exec format error",
		`{"MESSAGE":"x","_SYSTEMD_UNIT":"a.service"}`,
		"web-1  | listen tcp :80: bind: permission denied",
		"#1 0.1 go: go.mod requires go >= 1.2 (running go 1.1; GOTOOLCHAIN=local)",
		"Nov 21 05:57:35 h u[1]: status=203/EXEC",
		"\xff\x00\r{",
	} {
		f.Add([]byte(s))
	}
	s := compile(nil)
	f.Fuzz(func(t *testing.T, b []byte) {
		l := newLine(1, b)
		if len(l.msg) > len(l.raw)+len(b) && !strings.HasPrefix(l.raw, "{") {
			t.Fatalf("message longer than the line: %q", l.msg)
		}
		res := chunkResult{facts: map[string]*agg{}}
		s.matchLine(&res, 1, b, allLiterals(s), nil)
		s.matchLine(&res, 2, b, allLiterals(s), &lineCache{m: map[string][]obs{}})
		_ = detectFormat(b)
		low := make([]byte, len(b))
		lowerASCII(low, b)
		for i, c := range b {
			want := c
			if 'A' <= c && c <= 'Z' {
				want += 'a' - 'A'
			}
			if low[i] != want {
				t.Fatalf("lowerASCII byte %d: %q -> %q", i, c, low[i])
			}
		}
	})
}

func allLiterals(s *scanner) []int {
	out := make([]int, len(s.lits))
	for i := range out {
		out[i] = i
	}
	return out
}

// FuzzExplain fuzzes the whole stream: chunking, merging and deciding.
func FuzzExplain(f *testing.F) {
	f.Add([]byte("exec /app: no such file or directory\n"), uint8(2))
	f.Add([]byte("goroutine 1 [IO wait]:\nnet.Dial()\n"), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, w uint8) {
		res, err := Explain(bytes.NewReader(b), Options{Workers: int(w%4) + 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range res.Diagnoses {
			if d.Confidence <= 0 || d.Confidence > 1 {
				t.Fatalf("confidence %v", d.Confidence)
			}
			for _, e := range d.Evidence {
				if e.Line < 1 || e.Line > res.Lines {
					t.Fatalf("evidence line %d of %d", e.Line, res.Lines)
				}
			}
		}
	})
}

func TestLowerASCII(t *testing.T) {
	in := []byte("Hello, WORLD! @[`{ \xc3\x89T\xe9 AZaz09\x80\xff_Q")
	for n := 0; n <= len(in); n++ {
		got := make([]byte, n)
		lowerASCII(got, in[:n])
		want := make([]byte, n)
		for i, b := range in[:n] {
			if 'A' <= b && b <= 'Z' {
				b += 32
			}
			want[i] = b
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("lowerASCII(%q) = %q, want %q", in[:n], got, want)
		}
	}
}

// TestZonesMatchGOROOT checks the embedded zone list against this toolchain's zoneinfo.zip
// (run go generate when it fails after a Go upgrade).
func TestZonesMatchGOROOT(t *testing.T) {
	zr, err := zip.OpenReader(filepath.Join(runtime.GOROOT(), "lib", "time", "zoneinfo.zip"))
	if err != nil {
		t.Skipf("no zoneinfo.zip in GOROOT: %v", err)
	}
	defer zr.Close()
	n := 0
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue
		}
		n++
		if !ValidZone(f.Name) {
			t.Errorf("%s is in zoneinfo.zip but not in zones.txt", f.Name)
		}
	}
	if got := len(strings.Fields(zonesTxt)); got != n {
		t.Errorf("zones.txt has %d names, zoneinfo.zip %d", got, n)
	}
	if ValidZone("Asia/shanghai") || suggestZone("Asia/shanghai") != "Asia/Shanghai" {
		t.Error("case-folded suggestion broken")
	}
}

func TestUTF16(t *testing.T) {
	for _, enc := range []struct {
		name string
		bom  []byte
		put  func([]byte, uint16)
	}{
		{"le", []byte{0xFF, 0xFE}, func(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }},
		{"be", []byte{0xFE, 0xFF}, func(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }},
	} {
		var in bytes.Buffer
		in.Write(enc.bom)
		for _, r := range "starting\r\nexec /app: exec format error\r\n" {
			var b [2]byte
			enc.put(b[:], uint16(r))
			in.Write(b[:])
		}
		res, err := Explain(&in, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if top(res) != "SS2003" || res.Diagnoses[0].Evidence[0].Line != 2 {
			t.Errorf("%s: %+v", enc.name, res.Diagnoses)
		}
	}
}

// TestRepeatedFailure runs one failure repeated over many chunks: the evidence keeps the first
// and the last occurrences (the workers aggregate per fact, so memory does not grow with the
// repetitions, and the message cache answers the repeats).
func TestRepeatedFailure(t *testing.T) {
	var b strings.Builder
	n := 0
	for b.Len() < 3*chunkSize {
		n++
		fmt.Fprintf(&b, "2024-01-01T00:00:%02dZ level=error msg=\"dial tcp 10.0.0.1:5432: connect: connection refused\"\n", n%60)
	}
	res := explainString(t, b.String(), 2)
	if top(res) != "SS7002" {
		t.Fatalf("top %q", top(res))
	}
	ev := res.Diagnoses[0].Evidence
	if len(ev) > 5 || ev[0].Line != 1 || ev[len(ev)-1].Line != n {
		t.Fatalf("evidence lines %+v, want the first (1) and the last (%d) among at most 5", ev, n)
	}
}

func TestAnchors(t *testing.T) {
	for _, lit := range []string{"x509", "exec format error", "permission denied", "glibc_", "^m", "certificate signed by unknown authority"} {
		a := anchorOf(lit)
		if !strings.HasSuffix(lit, a) || len(a) < min(4, len(lit)) {
			t.Errorf("anchorOf(%q) = %q: want a suffix of at least 4 bytes", lit, a)
		}
	}
	// A line with an anchor but not its whole literal is no candidate for that literal.
	s := compile(nil)
	for ai, a := range s.anchors {
		for _, li := range s.byAnchor[ai] {
			if lit := s.lits[li]; lit != a {
				res, err := Explain(strings.NewReader(a+"\n"), Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, d := range res.Diagnoses {
					for _, m := range s.byLit[li] {
						if s.matchers[m].res == nil && !s.matchers[m].suspect && strings.Contains(string(fallbackClass[d.ID]), s.matchers[m].fact) {
							t.Errorf("anchor %q alone matched literal-only %q", a, lit)
						}
					}
				}
				break
			}
		}
	}
	if got := top(explainString(t, "error: unknown authority\n", 1)); got == "SS2004" {
		t.Errorf("a line without the whole x509 literal was diagnosed SS2004")
	}
}
