package systemd

import (
	"bytes"
	"fmt"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

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
			secs, err := unit.DeserializeSections(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("go-systemd sections: %v", err)
			}
			var wantSecs, gotSecs []string
			for _, s := range secs {
				wantSecs = append(wantSecs, fmt.Sprintf("%s(%d)", s.Section, len(s.Entries)))
			}
			for _, s := range f.Sections {
				gotSecs = append(gotSecs, fmt.Sprintf("%s(%d)", s.Name, len(s.Settings)))
			}
			if diff := cmp.Diff(wantSecs, gotSecs); diff != "" {
				t.Errorf("sections: go-systemd (-) and Parse (+) disagree:\n%s", diff)
			}
			if len(notes) > 0 {
				t.Errorf("notes on a valid unit:\n%s", treetest.NotesText(notes))
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

// FuzzAgreesWithGoSystemd compares Parse with go-systemd on any input go-systemd reads,
// leaving out the inputs where systemd itself (which Parse follows) and go-systemd differ:
// NUL bytes and invalid UTF-8 (systemd ignores such lines), a UTF-8 BOM (systemd drops it),
// continuations at EOF or after an escaped backslash, comment lines inside a continuation
// (systemd drops them), text before the first section (go-systemd skips it silently), and
// empty or malformed section and key names.
func FuzzAgreesWithGoSystemd(f *testing.F) {
	paths, _ := filepath.Glob("testdata/diff/*")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	norm := func(s string) string {
		return strings.Join(strings.Fields(strings.ReplaceAll(s, "\\\n", " ")), " ")
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.HasSuffix(bytes.TrimRight(data, " \t\r\n"), []byte(`\`)) || bytes.Contains(data, []byte(`\\`)) ||
			bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) ||
			commentInContinuation(data) || textBeforeFirstSection(data) {
			return
		}
		opts, err := unit.DeserializeOptions(bytes.NewReader(data))
		if err != nil {
			return
		}
		var want, got []string
		for _, o := range opts {
			if o.Section == "" || o.Name == "" || strings.ContainsAny(o.Section+o.Name, "\r\n[]#;") {
				return
			}
			want = append(want, o.Section+"/"+o.Name+"="+norm(o.Value))
		}
		file, _ := Parse("x.service", data)
		for _, s := range file.Sections {
			for _, st := range s.Settings {
				got = append(got, st.Section+"/"+st.Key+"="+norm(st.Value))
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("go-systemd (-) and Parse (+) disagree:\n%s", diff)
		}
		secs, err := unit.DeserializeSections(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("go-systemd read the options but not the sections: %v", err)
		}
		var wantSecs, gotSecs []string
		for _, s := range secs {
			if s.Section == "" || strings.ContainsAny(s.Section, "\r\n[]#;") {
				return
			}
			wantSecs = append(wantSecs, s.Section)
		}
		for _, s := range file.Sections {
			gotSecs = append(gotSecs, s.Name)
		}
		if diff := cmp.Diff(wantSecs, gotSecs); diff != "" {
			t.Fatalf("sections: go-systemd (-) and Parse (+) disagree:\n%s", diff)
		}
	})
}

func commentInContinuation(data []byte) bool {
	prev := false
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if prev && len(l) > 0 && (l[0] == '#' || l[0] == ';') {
			return true
		}
		prev = bytes.HasSuffix(l, []byte(`\`))
	}
	return false
}

func textBeforeFirstSection(data []byte) bool {
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSpace(l)
		if len(l) == 0 || l[0] == '#' || l[0] == ';' {
			continue
		}
		return l[0] != '['
	}
	return false
}
