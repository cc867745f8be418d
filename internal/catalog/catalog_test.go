package catalog_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rule/ruletest"
)

func TestValidate(t *testing.T) {
	if err := rule.Validate(catalog.All()); err != nil {
		t.Fatal(err)
	}
}

// TestFixtures checks that every detector has a broken and a clean fixture with markers, in the
// testdata of the package that declares it. (The packages' own tests run the fixtures.)
func TestFixtures(t *testing.T) {
	dirs, _ := filepath.Glob("../rules/*/testdata")
	dirs = append(dirs, "../check/testdata")
	for _, r := range catalog.All() {
		if r.Run == nil {
			continue
		}
		var broken, clean []string
		for _, d := range dirs {
			b, c := ruletest.Cases(d, r.ID)
			broken, clean = append(broken, b...), append(clean, c...)
		}
		if len(broken) == 0 || len(clean) == 0 {
			t.Errorf("%s: no broken* and clean* fixture under internal/rules/*/testdata/%s", r.ID, r.ID)
			continue
		}
		for _, b := range broken {
			ws, err := ruletest.Wants(b)
			if err != nil {
				t.Errorf("%s: %v", b, err)
			}
			n := 0
			for _, w := range ws {
				if w.ID == r.ID {
					n++
				}
			}
			if n == 0 {
				t.Errorf("%s: broken fixture without a 'want %s' marker", b, r.ID)
			}
		}
	}
}

// Case is one real failure text kept in testdata/failures.
type Case struct {
	Name, ID, Source, Cause string
	Lines                   []string
}

func loadCases(t *testing.T) []Case {
	t.Helper()
	files, err := filepath.Glob("testdata/failures/*.log")
	if err != nil {
		t.Fatal(err)
	}
	var out []Case
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
		c := Case{Name: filepath.Base(f)}
		for _, l := range strings.Split(string(head), "\n") {
			k, v, _ := strings.Cut(l, ":")
			switch strings.TrimSpace(k) {
			case "id":
				c.ID = strings.TrimSpace(v)
			case "source":
				c.Source = strings.TrimSpace(v)
			case "cause":
				c.Cause = strings.TrimSpace(v)
			}
		}
		if c.ID == "" || c.Source == "" || c.Cause == "" {
			t.Errorf("%s: the header needs id, source and cause", f)
		}
		if catalog.Lookup(c.ID) == nil {
			t.Errorf("%s: id %s is not in the catalog", f, c.ID)
		}
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			c.Lines = append(c.Lines, sc.Text())
		}
		out = append(out, c)
	}
	return out
}

// TestSignaturesMatchRealText requires every signature to match at least one real failure line
// kept for its failure mode.
func TestSignaturesMatchRealText(t *testing.T) {
	cases := loadCases(t)
	for _, r := range catalog.All() {
		for i, s := range r.Signatures {
			found := false
			for _, c := range cases {
				if c.ID != r.ID {
					continue
				}
				for _, l := range c.Lines {
					if s.Pattern.MatchString(l) {
						found = true
						break
					}
				}
			}
			if !found {
				t.Errorf("%s signature %d (%s) matches no real failure text kept for %s in testdata/failures", r.ID, i, s.Pattern, r.ID)
			}
		}
	}
}
