package probe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestProgress(t *testing.T) {
	var b bytes.Buffer
	p := &Progress{W: &b, TTY: true}
	p.Update(":8080", 1400*time.Millisecond)
	p.Update(":8080", 1500*time.Millisecond)
	p.Done()
	if want := "\rwaiting for :8080 … 1.4 s\033[K\rwaiting for :8080 … 1.5 s\033[K\r\033[K"; b.String() != want {
		t.Errorf("tty progress %q, want %q", b.String(), want)
	}
	b.Reset()
	p = &Progress{W: &b}
	for _, ms := range []int{100, 200, 900, 1100, 1300, 2050} {
		p.Update(":8080", time.Duration(ms)*time.Millisecond)
	}
	p.Done()
	if got := strings.Count(b.String(), "\n"); got != 3 || strings.Contains(b.String(), "\r") {
		t.Errorf("plain progress %q, want one line at the start and one a second, no carriage returns", b.String())
	}
}

func TestReportsKeepEnvironmentValuesOut(t *testing.T) {
	r := &Result{Verdict: Failed, Exit: "exit status 1", ExitCode: 1, Tail: []byte("boom\n"),
		Conditions: Conditions{Env: []string{"DB_PASSWORD=hunter2", "PATH=/bin"}}}
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "DB_PASSWORD") {
		t.Errorf("json report %s: want the name, not the value", b.String())
	}
	var j map[string]any
	if err := json.Unmarshal(b.Bytes(), &j); err != nil || j["exit_code"] != float64(1) {
		t.Errorf("json %v %v", j, err)
	}
	b.Reset()
	WriteConditions(&b, r.Conditions)
	r.WriteText(&b)
	if strings.Contains(b.String(), "hunter2") || !strings.Contains(b.String(), "failed after 0s: exit status 1 — boom") {
		t.Errorf("text report:\n%s", b.String())
	}
}
