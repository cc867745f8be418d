package catalog_test

import (
	"path/filepath"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/failures"
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

func loadCases(t *testing.T) []failures.Case {
	t.Helper()
	cases, err := failures.Load("testdata/failures")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if catalog.Lookup(c.ID) == nil {
			t.Errorf("%s: id %s is not in the catalog", c.Name, c.ID)
		}
	}
	return cases
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
