// Package baseline answers which findings of a check are new: a team records the findings a repo
// has today (--write-baseline) and from then on CI fails only on findings the baseline does not
// hold. Findings are matched by rule ID, file and a fingerprint of the evidence that survives
// line shifts, and each recorded finding absorbs at most one current one.
package baseline

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Version is the format version this build writes and reads.
const Version = 1

// DefaultFile is the baseline's conventional name at a repository's root.
const DefaultFile = ".shipshape-baseline.json"

// File is a recorded baseline.
type File struct {
	Version  int     `json:"version"`
	Findings []Entry `json:"findings"`
}

// Entry is one recorded finding. Message is kept for the people who review the file; matching
// uses ID, File and Fingerprint only.
type Entry struct {
	ID          string `json:"id"`
	File        string `json:"file"`
	Fingerprint string `json:"fingerprint"`
	Message     string `json:"message"`
}

func (e Entry) key() string { return e.ID + "\x00" + e.File + "\x00" + e.Fingerprint }

// From records findings.
func From(fs []rule.Finding) *File {
	b := &File{Version: Version, Findings: []Entry{}}
	for _, f := range fs {
		b.Findings = append(b.Findings, Entry{ID: f.ID, File: f.File, Fingerprint: report.Fingerprint(f), Message: f.Message})
	}
	sort.SliceStable(b.Findings, func(i, j int) bool { return b.Findings[i].key() < b.Findings[j].key() })
	return b
}

// Load reads a baseline file.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var b File
	if err := json.Unmarshal(data, &b); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%s: not a baseline: invalid JSON at byte %d: %v", path, se.Offset, err)
		}
		return nil, fmt.Errorf("%s: not a baseline: %v", path, err)
	}
	switch {
	case b.Version == 0:
		return nil, fmt.Errorf("%s: not a baseline: no version (write one with --write-baseline)", path)
	case b.Version > Version:
		return nil, fmt.Errorf("%s: baseline version %d is newer than this shipshape reads (%d): upgrade shipshape", path, b.Version, Version)
	}
	return &b, nil
}

// Write saves the baseline as indented JSON.
func (b *File) Write(path string) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// New returns the findings the baseline does not hold, in their order, and how many it held.
func (b *File) New(fs []rule.Finding) (fresh []rule.Finding, known int) {
	budget := map[string]int{}
	for _, e := range b.Findings {
		budget[e.key()]++
	}
	for _, f := range fs {
		k := Entry{ID: f.ID, File: f.File, Fingerprint: report.Fingerprint(f)}.key()
		if budget[k] > 0 {
			budget[k]--
			known++
			continue
		}
		fresh = append(fresh, f)
	}
	return fresh, known
}
