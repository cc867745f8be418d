package systemd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coreos/go-systemd/v22/unit"
	"github.com/google/go-cmp/cmp"
)

// TestAgreesWithGoSystemd checks that Parse reads the same sections, names and values as
// coreos/go-systemd's deserializer on every fixture it can read. Values are compared with
// continuations and blank runs normalised: go-systemd keeps the backslash-newline that systemd
// replaces with a space.
func TestAgreesWithGoSystemd(t *testing.T) {
	paths, err := filepath.Glob("testdata/diff/*")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ")
	}
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			opts, err := unit.DeserializeOptions(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("go-systemd: %v", err)
			}
			var want, got []string
			for _, o := range opts {
				want = append(want, o.Section+"/"+o.Name+"="+norm(o.Value))
			}
			f, notes := Parse(p, data)
			for _, s := range f.Sections {
				for _, st := range s.Settings {
					got = append(got, st.Section+"/"+st.Key+"="+norm(st.Value))
				}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("go-systemd (-) and Parse (+) disagree:\n%s", diff)
			}
			if len(notes) > 0 {
				t.Errorf("notes on a valid unit:\n%s", notesText(notes))
			}
		})
	}
}

// TestLongLines: go-systemd refuses lines over 2048 bytes; systemd accepts them, and so do we.
func TestLongLines(t *testing.T) {
	data := []byte("[Service]\nExecStart=/bin/app " + strings.Repeat("x", 3000) + "\n")
	if _, err := unit.DeserializeOptions(bytes.NewReader(data)); err == nil {
		t.Log("go-systemd now reads long lines")
	}
	f, notes := Parse("long.service", data)
	if len(notes) != 0 || len(f.Sections) != 1 || len(f.Sections[0].Settings[0].Value) != len("/bin/app ")+3000 {
		t.Errorf("long line: %d notes, %+v", len(notes), f.Sections)
	}
}
