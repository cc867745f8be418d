package explain_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/explain"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// corpusCase is one real failure text of internal/catalog/testdata/failures.
type corpusCase struct {
	name, id, source, cause string
	body                    []byte
}

func loadCorpus(t testing.TB) []corpusCase {
	t.Helper()
	files, err := filepath.Glob("../catalog/testdata/failures/*.log")
	if err != nil {
		t.Fatal(err)
	}
	var out []corpusCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		head, body, ok := bytes.Cut(b, []byte("\n---\n"))
		if !ok {
			t.Errorf("%s: no --- line between the header and the log", f)
			continue
		}
		c := corpusCase{name: filepath.Base(f), body: body}
		for _, l := range strings.Split(string(head), "\n") {
			k, v, _ := strings.Cut(l, ":")
			switch strings.TrimSpace(k) {
			case "id":
				c.id = strings.TrimSpace(v)
			case "source":
				c.source = strings.TrimSpace(v)
			case "cause":
				c.cause = strings.TrimSpace(v)
			}
		}
		out = append(out, c)
	}
	return out
}

// accuracy explains every case and returns the share whose top diagnosis is the case's ID. It
// logs the share for explain's own cases (x*.log) apart.
func accuracy(t *testing.T, rules []*rule.Rule) float64 {
	cases := loadCorpus(t)
	if len(cases) == 0 {
		t.Fatal("no cases in ../catalog/testdata/failures")
	}
	right, own, ownRight := 0, 0, 0
	defer func() {
		if own > 0 {
			t.Logf("explain's own corpus (x*.log): %d/%d = %.1f%%", ownRight, own, 100*float64(ownRight)/float64(own))
		}
		t.Logf("whole corpus: %d/%d", right, len(cases))
	}()
	for _, c := range cases {
		isOwn := strings.HasPrefix(c.name, "x")
		if isOwn {
			own++
		}
		res, err := explain.Explain(bytes.NewReader(c.body), explain.Options{Rules: rules})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := "none"
		if len(res.Diagnoses) > 0 {
			got = res.Diagnoses[0].ID
		}
		if got == c.id {
			right++
			if isOwn {
				ownRight++
			}
			continue
		}
		var alt []string
		for _, d := range res.Diagnoses {
			alt = append(alt, d.ID)
		}
		t.Logf("miss %s: want %s, got %v", c.name, c.id, alt)
	}
	return float64(right) / float64(len(cases))
}

// TestCorpusAccuracy explains every real failure text kept in testdata/failures (every
// engineer's cases, not only explain's) and requires the top diagnosis to be the cause the
// thread established in at least 90% of them.
func TestCorpusAccuracy(t *testing.T) {
	a := accuracy(t, catalog.All())
	t.Logf("top-1 accuracy: %.1f%%", 100*a)
	if a < 0.90 {
		t.Errorf("top-1 accuracy %.1f%% is below 90%%", 100*a)
	}
}
