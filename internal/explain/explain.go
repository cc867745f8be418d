// Package explain names the failure mode behind a start-up failure log: it streams a log of any
// size through an Aho-Corasick prefilter over the catalog's signature literals and its own clues,
// runs regular expressions only on candidate lines, and weighs what it found in context into
// ranked diagnoses, each with evidence lines, parameters, the fix and a confirming command.
package explain

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Options tune Explain. The zero value explains against the whole catalog on every core.
type Options struct {
	// Rules is the catalog to explain with (catalog.All() in the CLI). Its signatures join the
	// built-in clues; explain does not import the catalog so that probe and tests can pass a
	// part of it.
	Rules []*rule.Rule
	// Workers is the number of goroutines scanning chunks; 0 means GOMAXPROCS.
	Workers int
	// Max is the number of diagnoses returned, best first; 0 means 3.
	Max int
}

// Evidence is one line of the log that supports a diagnosis (1-based line number).
type Evidence struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// Diagnosis is one failure mode that explains the log.
type Diagnosis struct {
	ID    string     `json:"id"`
	Class rule.Class `json:"class"`
	// Confidence is in (0, 1]: the share of the evidence weight this mode holds, discounted
	// when the evidence is thin.
	Confidence float64           `json:"confidence"`
	Evidence   []Evidence        `json:"evidence"`
	Params     map[string]string `json:"params"`
	// Summary says what happened here, in one or two sentences.
	Summary string `json:"summary"`
	Fix     string `json:"fix"`
	// Confirm is the shipshape (or shell) command that would confirm the diagnosis.
	Confirm string `json:"confirm"`
}

// Result is what Explain found in one log.
type Result struct {
	// Format is the kind of log detected from its first lines.
	Format Format `json:"format"`
	Lines  int    `json:"lines"`
	Bytes  int64  `json:"bytes"`
	// Truncated counts lines longer than MaxLine, cut there.
	Truncated int         `json:"truncated,omitempty"`
	Diagnoses []Diagnosis `json:"diagnoses"`
	// Suspects are the lines that looked most like an error, for when nothing is diagnosed.
	Suspects []Evidence `json:"suspects,omitempty"`
}

// compiled caches the scanner of the last catalog seen: the CLI and probe explain many logs
// against the same catalog.
var compiled struct {
	sync.Mutex
	rules []*rule.Rule
	s     *scanner
}

func scannerFor(rules []*rule.Rule) *scanner {
	compiled.Lock()
	defer compiled.Unlock()
	if compiled.s != nil && sameRules(compiled.rules, rules) {
		return compiled.s
	}
	compiled.rules, compiled.s = rules, compile(rules)
	return compiled.s
}

func sameRules(a, b []*rule.Rule) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Explain reads a log to its end and explains it. It fails only when r fails.
func Explain(r io.Reader, opt Options) (*Result, error) {
	rules := opt.Rules
	s := scannerFor(rules)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	max := opt.Max
	if max <= 0 {
		max = 3
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(2); len(bom) == 2 && (bom[0] == 0xFF && bom[1] == 0xFE || bom[0] == 0xFE && bom[1] == 0xFF) {
		// A log saved by PowerShell's > is UTF-16 with a byte-order mark: decode it, or no
		// literal would ever match between its NUL bytes.
		br = bufio.NewReaderSize(transform.NewReader(br, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), 64<<10)
	}
	head, _ := br.Peek(64 << 10)
	res := &Result{Format: detectFormat(head)}

	f := newFacts()
	var suspects []obs
	lines, read, truncated, err := s.run(br, workers, func(cr chunkResult) {
		for _, o := range cr.ordered {
			f.add(o)
		}
		names := make([]string, 0, len(cr.facts))
		for name := range cr.facts {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			f.merge(name, cr.facts[name])
		}
		for _, o := range cr.suspects {
			suspects = keepSuspect(suspects, o)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("reading the log: %w", err)
	}
	res.Lines, res.Bytes, res.Truncated = lines, read, truncated
	byID := map[string]*rule.Rule{}
	for _, r := range rules {
		byID[r.ID] = r
	}
	cands := decide(f, ValidZone)
	total := 0.0
	for _, c := range cands {
		total += c.score
	}
	for _, c := range cands {
		if len(res.Diagnoses) == max {
			break
		}
		res.Diagnoses = append(res.Diagnoses, diagnosis(c, byID[c.id], total))
	}
	sort.SliceStable(suspects, func(i, j int) bool { return suspects[i].line < suspects[j].line })
	for _, o := range suspects {
		res.Suspects = append(res.Suspects, Evidence{Line: o.line, Text: o.text})
	}
	if res.Diagnoses == nil {
		res.Diagnoses = []Diagnosis{}
	}
	return res, nil
}

func diagnosis(c *cand, r *rule.Rule, total float64) Diagnosis {
	d := Diagnosis{ID: c.id, Params: c.params}
	// Share of the weight, discounted for thin evidence: one weak sign is not a diagnosis.
	conf := (c.score / total) * (c.score / (c.score + 3))
	d.Confidence = math.Round(conf*100) / 100
	if d.Confidence < 0.01 {
		d.Confidence = 0.01
	}
	ev := c.evidence
	if len(ev) > 5 {
		ev = append(append([]obs{}, ev[:2]...), ev[len(ev)-3:]...)
	}
	for _, o := range ev {
		d.Evidence = append(d.Evidence, Evidence{Line: o.line, Text: o.text})
	}
	title := ""
	if r != nil {
		d.Class, d.Fix, title = r.Class, r.Fix, r.Title
	} else {
		d.Class = fallbackClass[c.id]
		d.Fix = "see shipshape rules " + c.id
	}
	d.Summary = summary(c, title)
	d.Confirm = confirm(c, r)
	return d
}

func summary(c *cand, title string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString(strings.ToUpper(title[:1]) + title[1:])
		b.WriteString(": ")
	}
	if len(c.why) > 0 {
		b.WriteString(strings.Join(c.why, "; "))
	} else {
		b.WriteString("the log shows this failure mode's known message")
	}
	var ps []string
	for _, k := range []string{"path", "port", "addr", "host", "env", "user", "zone", "suggestion", "glibc", "binary",
		"required", "running", "module", "package", "name", "key", "status", "unit", "cmd", "lib", "dir", "platform"} {
		if v := c.params[k]; v != "" {
			ps = append(ps, k+"="+v)
		}
	}
	if len(ps) > 0 {
		b.WriteString(" (")
		b.WriteString(strings.Join(ps, ", "))
		b.WriteString(")")
	}
	b.WriteString(".")
	return b.String()
}

// confirm returns the command that would confirm a diagnosis: a shipshape verb for modes a
// detector can predict from files, a shell command for those only seen at run time.
func confirm(c *cand, r *rule.Rule) string {
	p := func(k, def string) string {
		if v := c.params[k]; v != "" {
			return v
		}
		return def
	}
	if cmd, ok := confirmCmds[c.id]; ok {
		cmd = strings.ReplaceAll(cmd, "{path}", p("path", p("binary", "BINARY")))
		cmd = strings.ReplaceAll(cmd, "{port}", p("port", "PORT"))
		cmd = strings.ReplaceAll(cmd, "{zone}", p("zone", "ZONE"))
		cmd = strings.ReplaceAll(cmd, "{unit}", p("unit", "UNIT"))
		cmd = strings.ReplaceAll(cmd, "{host}", p("host", p("addr", "HOST:PORT")))
		cmd = strings.ReplaceAll(cmd, "{name}", p("name", "NAME"))
		cmd = strings.ReplaceAll(cmd, "{env}", p("env", "NAME"))
		return cmd
	}
	if r != nil {
		for _, in := range r.Requires {
			switch in {
			case rule.Binary:
				return "shipshape inspect " + p("path", p("binary", "BINARY"))
			case rule.Image:
				return "shipshape inspect IMAGE"
			case rule.Host:
				return "shipshape snapshot"
			}
		}
	}
	return "shipshape check . --only " + c.id
}

var confirmCmds = map[string]string{
	"SS2001": "shipshape inspect IMAGE (or: file {path}; a dynamically linked binary names its interpreter)",
	"SS2002": "shipshape inspect {path} (lists the GLIBC_ versions the binary needs)",
	"SS2003": "shipshape inspect {path} (or: file {path}; uname -m)",
	"SS2010": "shipshape check . --only SS2010 (or: head -1 {path} | od -c | grep '\\r')",
	"SS6004": "ss -ltnp 'sport = :{port}' (who holds the port)",
	"SS6003": "shipshape check . --only SS6003 (or: id -u; sysctl net.ipv4.ip_unprivileged_port_start)",
	"SS7001": "kubectl describe pod POD | grep -A3 'Last State' (or: journalctl -k | grep -i oom; docker inspect -f '{{.State.OOMKilled}}' CONTAINER)",
	"SS7002": "nc -vz {host} (from where the service runs)",
	"SS7003": "run the service with its config file outside the deployment and read the parse error",
	"SS3001": "shipshape check . --only SS3001 (or: systemctl cat {unit} | grep Type=)",
	"SS3002": "shipshape check . --only SS3002 (or: systemctl cat {unit} | grep ExecStart)",
	"SS2005": "shipshape inspect IMAGE (or: ls /usr/share/zoneinfo/{zone})",
	"SS1007": "TZ={zone} date (the zone name must match the IANA database exactly)",
	"SS4001": "shipshape check . --only SS4001 (or: kubectl get pod POD -o jsonpath='{.spec.containers[*].volumeMounts}')",
	"SS4004": "shipshape check . --only SS4004 (or: kubectl get secret,configmap -n NAMESPACE {name})",
	"SS2012": "shipshape check . --only SS2012 (or: getent passwd USER in the image or on the host)",
	"SS2015": "shipshape check . --only SS2015 (or: kubectl exec POD -- env | grep {env}; docker inspect -f '{{.Config.Env}}' CONTAINER)",
	"SS2016": "shipshape check . --only SS2016 (or: docker inspect -f '{{.State.ExitCode}} {{.Config.Entrypoint}}' CONTAINER; kubectl describe pod POD | grep -A3 'Last State')",
}

// fallbackClass is the class of catalog IDs explain can name even when the catalog passed in
// lacks the rule (a partial catalog in tests or probes).
var fallbackClass = map[string]rule.Class{
	"SS1001": "pprof-exposed", "SS1002": "debug-mode", "SS1003": "hardcoded-endpoint", "SS1004": "module-resolution",
	"SS1005": "module-resolution", "SS1006": "module-resolution", "SS1007": "invalid-timezone-name",
	"SS1008": "non-main-package-built", "SS1009": "module-resolution", "SS1010": "go-version-mismatch",
	"SS1011": "module-resolution", "SS1012": "cgo-toolchain", "SS2001": "dynamic-loader-missing",
	"SS2002": "glibc-too-old", "SS2003": "wrong-arch", "SS2004": "ca-certificates-missing", "SS2005": "tzdata-missing",
	"SS2006": "relative-path-missing", "SS2007": "working-directory", "SS2008": "file-permission",
	"SS2009": "exec-permission", "SS2010": "crlf-script", "SS2011": "missing-runtime-binary", "SS2012": "user-missing",
	"SS2013": "tmp-dir-missing", "SS2014": "mount-source-missing", "SS2015": "env-missing", "SS2016": "main-process-exits", "SS3001": "systemd-unit",
	"SS3002": "systemd-unit", "SS4001": "k8s-config", "SS4002": "k8s-config", "SS4003": "k8s-config",
	"SS4004": "k8s-config", "SS6001": "port-mismatch", "SS6002": "listen-loopback-in-container",
	"SS6003": "privileged-port", "SS6004": "port-in-use", "SS7001": "oom-killed", "SS7002": "dependency-unreachable",
	"SS7003": "config-invalid",
}
