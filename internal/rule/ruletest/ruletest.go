// Package ruletest runs a rule over fixture trees and compares its findings with the "want"
// expectations written inside the fixtures, in the manner of analysistest.
//
// A rule's fixtures live in testdata/<ID>/<case>/, one directory tree per case: a small project
// with its go.mod, Go files, Dockerfiles, manifests and units. Cases whose name starts with
// "broken" must produce the findings their markers ask for; cases whose name starts with "clean"
// must produce no finding of the rule and no error or warning of any rule.
//
// A marker is a comment holding `want SS1234` optionally followed by a quoted regexp that the
// message must match, e.g.
//
//	http.ListenAndServe(":6060", nil) // want SS1001 "net/http/pprof"
//
// A marker at the end of a line of code applies to that line. A marker alone on a comment line
// applies to the next line that is neither blank nor another marker line: Dockerfiles, systemd
// units and env files cannot carry trailing comments, so they put the marker on the line above.
package ruletest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/config"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Want is one expectation.
type Want struct {
	File string
	Line int
	ID   string
	RE   *regexp.Regexp
	met  bool
}

var (
	markerRE = regexp.MustCompile(`(?:^|\s)(?://|#|;)\s*(.*\bwant\s+SS[0-9]{4}.*)$`)
	wantRE   = regexp.MustCompile(`\bwant\s+(SS[0-9]{4})(?:\s+"((?:[^"\\]|\\.)*)")?`)
)

// Wants reads the markers of every file under dir.
func Wants(dir string) ([]*Want, error) {
	var out []*Want
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Type()&os.ModeSymlink != 0 {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		ws, err := parseWants(filepath.ToSlash(rel), b)
		out = append(out, ws...)
		return err
	})
	return out, err
}

func parseWants(file string, b []byte) ([]*Want, error) {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		lines = append(lines, strings.TrimRight(sc.Text(), "\r"))
	}
	var out []*Want
	for i, l := range lines {
		m := markerRE.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		target := i + 1
		if isCommentOnly(l) {
			target = 0
			for j := i + 1; j < len(lines); j++ {
				if t := strings.TrimSpace(lines[j]); t != "" && !(isCommentOnly(lines[j]) && markerRE.MatchString(lines[j])) {
					target = j + 1
					break
				}
			}
			if target == 0 {
				return nil, fmt.Errorf("%s:%d: want marker with no line after it", file, i+1)
			}
		}
		for _, w := range wantRE.FindAllStringSubmatch(m[1], -1) {
			re := "."
			if w[2] != "" {
				s, err := strconv.Unquote(`"` + w[2] + `"`)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: bad want string: %v", file, i+1, err)
				}
				re = s
			}
			rx, err := regexp.Compile(re)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: bad want regexp: %v", file, i+1, err)
			}
			out = append(out, &Want{File: file, Line: target, ID: w[1], RE: rx})
		}
	}
	return out, nil
}

func isCommentOnly(l string) bool {
	t := strings.TrimSpace(l)
	return strings.HasPrefix(t, "#") || strings.HasPrefix(t, "//") || strings.HasPrefix(t, ";")
}

// Cases lists the fixture cases of a rule: testdata/<ID>/{broken*,clean*}.
func Cases(testdata, id string) (broken, clean []string) {
	entries, _ := os.ReadDir(filepath.Join(testdata, id))
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		p := filepath.Join(testdata, id, e.Name())
		switch {
		case strings.HasPrefix(e.Name(), "broken"):
			broken = append(broken, p)
		case strings.HasPrefix(e.Name(), "clean"):
			clean = append(clean, p)
		}
	}
	return broken, clean
}

// Run checks every fixture case of every rule in rules, running the whole catalog all (so that a
// clean case also proves that no other rule fires on it).
func Run(t *testing.T, testdata string, rules, all []*rule.Rule) {
	t.Helper()
	for _, r := range rules {
		broken, clean := Cases(testdata, r.ID)
		if r.Run != nil && (len(broken) == 0 || len(clean) == 0) {
			t.Errorf("%s: needs at least one broken* and one clean* case under %s", r.ID, filepath.Join(testdata, r.ID))
		}
		for _, dir := range broken {
			t.Run(r.ID+"/"+filepath.Base(dir), func(t *testing.T) { runBroken(t, dir, r, all) })
		}
		for _, dir := range clean {
			t.Run(r.ID+"/"+filepath.Base(dir), func(t *testing.T) { runClean(t, dir, r, all) })
		}
	}
}

// Findings checks one fixture directory with the whole catalog.
func Findings(t *testing.T, dir string, all []*rule.Rule) []rule.Finding {
	t.Helper()
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := check.Dir(dir, check.Options{Rules: all, Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range res.Notes {
		t.Logf("note: %s", n)
	}
	return res.Findings
}

func runBroken(t *testing.T, dir string, r *rule.Rule, all []*rule.Rule) {
	wants, err := Wants(dir)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{r.ID: true}
	n := 0
	for _, w := range wants {
		ids[w.ID] = true
		if w.ID == r.ID {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("%s: a broken case needs at least one 'want %s' marker", dir, r.ID)
	}
	for _, p := range Compare(wants, Findings(t, dir, all), ids) {
		t.Error(p)
	}
}

// Compare matches findings of the IDs in ids against wants and returns what does not agree:
// findings no marker asked for, and markers no finding met.
func Compare(wants []*Want, findings []rule.Finding, ids map[string]bool) []string {
	var problems []string
	for _, f := range findings {
		if !ids[f.ID] {
			continue
		}
		if !meet(wants, f) {
			problems = append(problems, fmt.Sprintf("unexpected finding %s:%d: %s [%s]", f.File, f.Line, f.Message, f.ID))
		}
	}
	for _, w := range wants {
		if !w.met {
			problems = append(problems, fmt.Sprintf("%s:%d: no %s finding matching %q", w.File, w.Line, w.ID, w.RE))
		}
	}
	return problems
}

func meet(wants []*Want, f rule.Finding) bool {
	for _, w := range wants {
		if !w.met && w.ID == f.ID && w.File == f.File && w.Line == f.Line && w.RE.MatchString(f.Message) {
			w.met = true
			return true
		}
	}
	// A second finding on a line already met by the same marker is tolerated only when it
	// matches too; de-duplication happens before this, so this is a genuinely distinct message.
	for _, w := range wants {
		if w.ID == f.ID && w.File == f.File && w.Line == f.Line && w.RE.MatchString(f.Message) {
			return true
		}
	}
	return false
}

func runClean(t *testing.T, dir string, r *rule.Rule, all []*rule.Rule) {
	wants, err := Wants(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(wants) > 0 {
		t.Errorf("%s: a clean case must not carry want markers", dir)
	}
	var bad []string
	for _, f := range Findings(t, dir, all) {
		if f.ID == r.ID || f.Severity >= rule.Warning {
			bad = append(bad, fmt.Sprintf("%s:%d: %s: %s [%s]", f.File, f.Line, f.Severity, f.Message, f.ID))
		}
	}
	sort.Strings(bad)
	for _, b := range bad {
		t.Errorf("clean case has a finding: %s", b)
	}
}
