// Package report renders findings for people and for CI: text (the default), JSON, SARIF 2.1.0
// and GitHub workflow annotations. Every format takes the same Report and writes it whole.
package report

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Report is what one command found.
type Report struct {
	// Root is the checked directory (or artifact) as the user named it.
	Root     string
	Findings []rule.Finding
	Notes    []source.Note
	// Rules is the catalog, for formats that describe rules (SARIF).
	Rules []*rule.Rule
	// Verdict, when not empty, is printed first by the text format (inspect's "will start").
	Verdict string
}

// Options tune a format.
type Options struct {
	// Color enables ANSI colour in text output; the caller sets it only on a terminal.
	Color bool
	// ToolVersion is written into SARIF.
	ToolVersion string
}

// Formatter writes a report in one format.
type Formatter interface {
	Format(w io.Writer, r *Report, opt Options) error
}

// Formats maps the --format names to their formatters.
var Formats = map[string]Formatter{
	"text":   Text{},
	"json":   JSON{},
	"sarif":  SARIF{},
	"github": GitHub{},
	"gitlab": GitLab{},
	"html":   HTML{},
}

// Lookup returns the formatter for a --format name.
func Lookup(name string) (Formatter, error) {
	f, ok := Formats[name]
	if !ok {
		names := make([]string, 0, len(Formats))
		for n := range Formats {
			names = append(names, n)
		}
		sort.Strings(names)
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(names, ", "))
	}
	return f, nil
}

// workspacePath turns a file path relative to the checked directory into one relative to the
// working directory, which is what CI tools resolve paths against (GitHub annotations, code
// scanning's %SRCROOT%): `shipshape check services/api` run at the repository root reports
// services/api/main.go, not main.go. An absolute root, or one outside the working directory,
// leaves the path as it is.
func workspacePath(root, file string) string {
	if file == "" || root == "" || filepath.IsAbs(root) {
		return file
	}
	r := path.Clean(filepath.ToSlash(root))
	if r == "." || r == ".." || strings.HasPrefix(r, "../") {
		return file
	}
	return r + "/" + file
}
