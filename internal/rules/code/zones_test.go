package code

import (
	"testing"
	"time"
	_ "time/tzdata"
)

// TestZonesLoad checks the generated list against the runtime: every name must load (with the
// embedded database, so the machine's tzdata does not matter), and a few must be there.
func TestZonesLoad(t *testing.T) {
	if len(ianaZones) < 400 {
		t.Fatalf("only %d zones: regenerate zones.go with go generate", len(ianaZones))
	}
	for _, z := range ianaZones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("%s is listed but does not load: %v", z, err)
		}
	}
	for _, z := range []string{"Asia/Shanghai", "America/New_York", "Etc/GMT-8", "UTC", "Local", ""} {
		if !validZone(z) {
			t.Errorf("validZone(%q) = false", z)
		}
	}
	for _, z := range []string{"Asia/shanghai", "asia/Shanghai", "PST", "UTC+8", "Mars/Olympus"} {
		if validZone(z) {
			t.Errorf("validZone(%q) = true", z)
		}
	}
}

func TestSuggestZone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Asia/shanghai", "Asia/Shanghai"},
		{"america/new_york", "America/New_York"},
		{"America/New York", "America/New_York"},
		{"UTC+8", "Etc/GMT-8"},
		{"GMT-05:00", "Etc/GMT+5"},
		{"UTC+0", "UTC"},
		{"Europe/Amsterdan", "Europe/Amsterdam"},
		{"Asia/Shangai", "Asia/Shanghai"},
		{"PST", ""},          // an abbreviation: no safe guess
		{"Mars/Olympus", ""}, // nothing close
		{"UTC+99", ""},       // no such offset zone
	} {
		if got, _ := suggestZone(c.in); got != c.want {
			t.Errorf("suggestZone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"kitten", "sitting", 10, 3},
		{"kitten", "sitting", 2, 2},
		{"", "abc", 10, 3},
		{"same", "same", 1, 0},
		{"a", "abcdef", 3, 3},
	} {
		if got := editDistance(c.a, c.b, c.limit); got != c.want {
			t.Errorf("editDistance(%q, %q, %d) = %d, want %d", c.a, c.b, c.limit, got, c.want)
		}
	}
}

// FuzzSuggestZone: any name, however odd, gets either no suggestion or a valid zone name.
func FuzzSuggestZone(f *testing.F) {
	for _, s := range []string{"Asia/shanghai", "UTC+8", "GMT-05:00", "", "\xff", "America/New York"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if len(name) > 200 {
			return
		}
		if s, why := suggestZone(name); s != "" && (!validZone(s) || why == "") {
			t.Fatalf("suggestZone(%q) = %q, %q: not a valid zone", name, s, why)
		}
	})
}
