// Package rule is shipshape's vocabulary for the catalog of failure modes: a Rule is one failure
// mode (its identity, its documentation, the log signatures by which it shows up) together with
// the detector that predicts it from facts; a Finding is one prediction.
//
// A Rule is plain data plus one Run function, in the spirit of golang.org/x/tools/go/analysis.
// Rules never parse anything: they read facts (package facts) and report findings through a
// Pass. Rules whose failure can only be seen at run time (an OOM kill, a port already in use)
// have Signatures but no Run.
package rule

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Severity says how sure the failure is.
type Severity int

const (
	// Info is worth knowing; it does not fail CI by default.
	Info Severity = iota + 1
	// Warning means the service fails under common conditions.
	Warning
	// Error means the service will not start, or will not be reachable.
	Error
)

var severityNames = map[Severity]string{Info: "info", Warning: "warning", Error: "error"}

func (s Severity) String() string {
	if n, ok := severityNames[s]; ok {
		return n
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(s string) (Severity, error) {
	for k, v := range severityNames {
		if v == strings.ToLower(strings.TrimSpace(s)) {
			return k, nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Class is the family of a failure mode. The vocabulary is closed: Classes lists every value and
// Validate rejects others. JSON output carries these strings exactly.
type Class string

// Classes is the class vocabulary. Add a class only with the reason written in the rule's Doc.
var Classes = []Class{
	"dynamic-loader-missing", "glibc-too-old", "wrong-arch", "ca-certificates-missing",
	"tzdata-missing", "invalid-timezone-name", "port-in-use", "privileged-port", "port-mismatch",
	"listen-loopback-in-container", "relative-path-missing", "working-directory", "file-permission",
	"mount-source-missing", "env-missing", "config-invalid", "dependency-unreachable",
	"exec-permission", "crlf-script", "missing-runtime-binary", "user-missing",
	"non-main-package-built", "go-version-mismatch", "module-resolution", "cgo-toolchain",
	"oom-killed", "systemd-unit", "k8s-config", "tmp-dir-missing", "pprof-exposed", "debug-mode",
	"hardcoded-endpoint",
	// main-process-exits is a service whose supervised process ends on its own, with success, so
	// that the runtime stops it and takes the server down too (a start-up script that backgrounds
	// the server and ends): nothing the server needs is missing, so no other class fits.
	"main-process-exits",
	// shipshape-directive is not a failure mode of the service: it classes findings about
	// shipshape's own directives (a suppression without a reason), which need an ID and a class
	// like every finding so that CI and SARIF can handle them.
	"shipshape-directive",
}

// Input is a kind of fact a rule reads. A rule runs only when every input it Requires is present.
type Input string

const (
	GoCode     Input = "go"         // Go packages that ship (facts.Project.Go)
	Dockerfile Input = "dockerfile" // Dockerfiles and the images they build
	Compose    Input = "compose"    // compose files
	Kubernetes Input = "kubernetes" // Kubernetes manifests
	Systemd    Input = "systemd"    // systemd units
	Script     Input = "script"     // shell scripts and entrypoints
	EnvFile    Input = "env"        // .env files
	Binary     Input = "binary"     // a built executable (inspect)
	Image      Input = "image"      // a built container image (inspect)
	Host       Input = "host"       // a host snapshot (snapshot, diff)
)

// Signature is one way the failure shows up in a log. Pattern is a regexp over one log line
// (anchored to the message part, not to timestamps or prefixes); Literal is a fragment every
// match contains, used to find candidate lines fast before the regexp runs. Named groups in
// Pattern (?P<path>…) become the diagnosis parameters.
type Signature struct {
	Literal string
	Pattern *regexp.Regexp
	// Example is one real line this signature matches, quoted in docs.
	Example string
}

// Sig builds a Signature; it panics on a bad pattern, which only a programmer can write (the
// catalog test compiles every signature).
func Sig(literal, pattern, example string) Signature {
	return Signature{Literal: literal, Pattern: regexp.MustCompile(pattern), Example: example}
}

// Rule is one failure mode of the catalog and the detector that predicts it.
type Rule struct {
	// ID is "SS" plus four digits, stable and never reused. The first digit says where the
	// failure is decided: 0 shipshape itself, 1 Go code and modules, 2 images and containers,
	// 3 systemd, 4 Kubernetes, 5 binaries and hosts, 6 networking and ports, 7 run-time only.
	ID string
	// Class is exactly one word of Classes.
	Class Class
	// Title is a lower-case phrase without a final period, at most 70 characters.
	Title string
	// Severity is the default severity of findings; a Pass may report a different one when the
	// evidence says so (a privileged port is an error under systemd, a warning on Kubernetes).
	Severity Severity
	// Doc is Markdown: what happens at start-up, why, how to confirm, how to fix.
	Doc string
	// Fix is one or two sentences: the change that makes the failure go away.
	Fix string
	// Symptom is the error text the failure prints, the default for findings.
	Symptom string
	// Signatures are the log lines by which the failure shows up (explain uses them).
	Signatures []Signature
	// Requires lists the inputs Run reads; all of them must be present for it to run.
	Requires []Input
	// Run predicts the failure from facts. It returns an error only when it could not check,
	// never to report a finding. Nil for failure modes seen only at run time.
	Run func(*Pass) error
}

// Related is another position that is part of a finding's evidence.
type Related struct {
	source.Pos
	Message string `json:"message"`
}

// Finding is one predicted failure.
type Finding struct {
	ID       string   `json:"id"`
	Class    Class    `json:"class"`
	Severity Severity `json:"severity"`
	source.Pos
	Message string    `json:"message"`
	Fix     string    `json:"fix"`
	Related []Related `json:"related,omitempty"`
	Symptom string    `json:"symptom,omitempty"`
}

// Key is the identity used to de-duplicate findings.
func (f Finding) Key() string {
	return fmt.Sprintf("%s\x00%s\x00%d\x00%d\x00%s", f.ID, f.File, f.Line, f.Col, f.Message)
}

// Less orders findings by position, then ID, then message.
func Less(a, b Finding) bool {
	if a.Pos != b.Pos {
		return a.Pos.Before(b.Pos)
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.Message < b.Message
}

var _ json.Marshaler = (*Finding)(nil)

// MarshalJSON keeps "related" an array even when empty so consumers need no null check.
func (f *Finding) MarshalJSON() ([]byte, error) {
	type plain Finding
	p := plain(*f)
	if p.Related == nil {
		p.Related = []Related{}
	}
	return json.Marshal(struct {
		plain
		Related []Related `json:"related"`
	}{p, p.Related})
}

// Pass is one rule's view of the facts, and the place where it reports findings.
type Pass struct {
	Rule    *Rule
	Project *facts.Project
	report  func(Finding)
}

// NewPass is for drivers (check, inspect, tests): report receives every finding.
func NewPass(r *Rule, p *facts.Project, report func(Finding)) *Pass {
	return &Pass{Rule: r, Project: p, report: report}
}

// Report emits a finding. ID, Class, Fix and Symptom default to the rule's; Severity defaults to
// the rule's when zero.
func (p *Pass) Report(f Finding) {
	f.ID, f.Class = p.Rule.ID, p.Rule.Class
	if f.Severity == 0 {
		f.Severity = p.Rule.Severity
	}
	if f.Fix == "" {
		f.Fix = p.Rule.Fix
	}
	if f.Symptom == "" {
		f.Symptom = p.Rule.Symptom
	}
	p.report(f)
}

// Reportf reports a finding at pos with a formatted message and the rule's defaults.
func (p *Pass) Reportf(pos source.Pos, format string, args ...any) {
	p.Report(Finding{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

var idPattern = regexp.MustCompile(`^SS[0-9]{4}$`)

// Validate checks the catalog as a whole: IDs well formed and unique, every field filled, classes
// from the vocabulary, signatures with a literal that the pattern requires.
func Validate(rules []*Rule) error {
	var errs []string
	seen := map[string]bool{}
	classes := map[Class]bool{}
	for _, c := range Classes {
		classes[c] = true
	}
	for _, r := range rules {
		bad := func(format string, args ...any) {
			errs = append(errs, r.ID+": "+fmt.Sprintf(format, args...))
		}
		if !idPattern.MatchString(r.ID) {
			bad("ID is not SS plus four digits")
		}
		if seen[r.ID] {
			bad("ID is used twice")
		}
		seen[r.ID] = true
		if !classes[r.Class] {
			bad("class %q is not in the vocabulary", r.Class)
		}
		if r.Title == "" || len(r.Title) > 70 || strings.HasSuffix(r.Title, ".") || r.Title != strings.ToLower(r.Title[:1])+r.Title[1:] {
			bad("title %q must be a lower-case phrase of at most 70 characters without a final period", r.Title)
		}
		if r.Severity < Info || r.Severity > Error {
			bad("no severity")
		}
		if len(r.Doc) < 200 {
			bad("doc is shorter than 200 characters: say what happens, why, how to confirm and how to fix")
		}
		if r.Fix == "" {
			bad("no fix")
		}
		if r.Symptom == "" && r.Class != "shipshape-directive" {
			bad("no symptom")
		}
		if r.Run == nil && len(r.Signatures) == 0 && r.Class != "shipshape-directive" {
			bad("neither a detector (Run) nor a signature: the mode can be neither predicted nor explained")
		}
		if r.Run != nil && len(r.Requires) == 0 {
			bad("Run without Requires")
		}
		for i, s := range r.Signatures {
			if s.Literal == "" || s.Pattern == nil || s.Example == "" {
				bad("signature %d needs a literal, a pattern and an example", i)
				continue
			}
			if !s.Pattern.MatchString(s.Example) {
				bad("signature %d does not match its own example %q", i, s.Example)
			}
			if !strings.Contains(strings.ToLower(s.Example), strings.ToLower(s.Literal)) {
				bad("signature %d: its example does not contain the literal %q", i, s.Literal)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("catalog is invalid:\n  %s", strings.Join(errs, "\n  "))
	}
	return nil
}
