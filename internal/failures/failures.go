// Package failures reads the corpus of real failure text that the catalog keeps as evidence:
// one case per file, a header naming the failure mode the source established, then the log.
//
//	id: SS2001
//	source: https://github.com/gin-gonic/gin/issues/1178
//	cause: glibc-linked cgo binary built in golang:1.x run on alpine
//	---
//	exec /app: no such file or directory
//
// The catalog test requires every signature to match some case of its failure mode, explain
// measures its accuracy on every case, and the rule docs quote them.
package failures

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Dir is the corpus directory, relative to the repository root.
const Dir = "internal/catalog/testdata/failures"

// Case is one real failure text.
type Case struct {
	// Name is the file name.
	Name string
	// ID is the failure mode the source established: the cause, not the symptom.
	ID string
	// Source is the public page the text comes from, or "reproduced: <test>".
	Source string
	// Cause is what the source established, in a sentence.
	Cause string
	// Lines is the log, line by line.
	Lines []string
	// Text is the log as one string.
	Text string
}

// Reproduced says whether a test on this machine produced the text.
func (c Case) Reproduced() bool { return strings.HasPrefix(c.Source, "reproduced") }

// Load reads every *.log case of dir in name order. A file without the header fields or the
// separator is an error naming the file.
func Load(dir string) ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var out []Case
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		c, err := Parse(filepath.Base(f), b)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// Parse reads one case.
func Parse(name string, b []byte) (Case, error) {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	head, body, ok := bytes.Cut(b, []byte("\n---\n"))
	if !ok {
		return Case{}, fmt.Errorf("%s: no --- line between the header and the log", name)
	}
	c := Case{Name: name, Text: string(body)}
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
		return Case{}, fmt.Errorf("%s: the header needs id, source and cause", name)
	}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		c.Lines = append(c.Lines, sc.Text())
	}
	return c, sc.Err()
}
