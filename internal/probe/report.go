package probe

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/shipshape-dev/shipshape/internal/explain"
)

// tailLines is how many lines of output a text report shows.
const tailLines = 15

// WriteConditions writes the conditions a probe ran under, one per line, with where each came
// from.
func WriteConditions(w io.Writer, c Conditions) {
	why := func(k string) string {
		if s := c.Why[k]; s != "" {
			return "  (" + s + ")"
		}
		return ""
	}
	dir := c.Dir
	if dir == "" {
		dir = "an empty directory"
	}
	fmt.Fprintf(w, "  env     %s%s\n", describeEnv(c.Env), why("env"))
	fmt.Fprintf(w, "  cwd     %s%s\n", dir, why("cwd"))
	u := "nobody, or you when not root"
	if c.User != nil {
		u = c.User.String()
	}
	fmt.Fprintf(w, "  user    %s%s\n", u, why("user"))
	umask := 0o022
	if c.Umask != nil {
		umask = *c.Umask
	}
	fmt.Fprintf(w, "  umask   %03o%s\n", umask, why("umask"))
	root := "writable"
	if c.ReadOnlyRoot {
		root = "read-only"
		if len(c.Writable)+len(c.ReadWrite) > 0 {
			root += " (writable: " + strings.Join(append(append([]string(nil), c.Writable...), c.ReadWrite...), ", ") + ")"
		}
	}
	fmt.Fprintf(w, "  root    %s%s\n", root, why("read-only root"))
	if c.Memory > 0 || c.NoFile > 0 {
		fmt.Fprintf(w, "  limits  %s%s%s\n", describeLimits(c), why("memory"), why("nofile"))
	}
}

// WriteText writes a result for a terminal: the verdict, the output's last lines and the
// diagnosis.
func (r *Result) WriteText(w io.Writer) {
	fmt.Fprintln(w, r.Summary())
	if r.Verdict == Ready {
		return
	}
	if r.Blocked != nil && len(r.Blocked.Frames) > 0 {
		fmt.Fprintln(w, "  goroutine 1:")
		// The innermost frames say what it waits on, the outermost whose code waits.
		fr := r.Blocked.Frames
		if len(fr) > 7 {
			fmt.Fprintf(w, "    %s\n    %s\n    … %d more\n", fr[0], fr[1], len(fr)-6)
			fr = fr[len(fr)-4:]
		}
		for _, f := range fr {
			fmt.Fprintln(w, "    "+f)
		}
	}
	if t := lastLines(r.Tail, tailLines); len(t) > 0 && (r.Verdict == Failed || r.Blocked == nil || len(r.Blocked.Frames) == 0) {
		fmt.Fprintln(w, "  output (last lines):")
		for _, l := range t {
			fmt.Fprintln(w, "    "+l)
		}
	}
	if r.Diagnosis != nil && len(r.Diagnosis.Diagnoses) > 0 {
		d := r.Diagnosis.Diagnoses[0]
		fmt.Fprintf(w, "  diagnosis: %s %s (confidence %.2f)\n    %s\n", d.ID, d.Class, d.Confidence, d.Summary)
		if d.Fix != "" {
			fmt.Fprintf(w, "    fix: %s\n", d.Fix)
		}
	}
}

func lastLines(b []byte, n int) []string {
	s := strings.TrimRight(string(b), "\n")
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return lines
}

// WriteText writes a matrix: one line per case, then the conclusion.
func (m *Matrix) WriteText(w io.Writer) {
	how := "one after the other"
	if m.Parallel {
		how = "at once, each in its own network namespace"
	}
	cases := m.Cases()
	fmt.Fprintf(w, "%d runs, %s:\n", len(cases), how)
	for _, c := range cases {
		fmt.Fprintf(w, "  %-15s %s\n", c.Name, c.Result.Summary())
	}
	for _, s := range m.Conclusion() {
		fmt.Fprintln(w, s)
	}
}

// Cases are yours, each difference, then production.
func (m *Matrix) Cases() []*Case {
	out := append([]*Case{m.Yours}, m.Differences...)
	return append(out, m.Production)
}

// jsonResult is a Result as JSON: text instead of bytes, milliseconds instead of nanoseconds.
type jsonResult struct {
	Verdict    Verdict             `json:"verdict"`
	ElapsedMS  int64               `json:"elapsed_ms"`
	Addrs      []string            `json:"addrs,omitempty"`
	Exit       string              `json:"exit,omitempty"`
	ExitCode   *int                `json:"exit_code,omitempty"`
	SetupError string              `json:"setup_error,omitempty"`
	Tail       string              `json:"tail,omitempty"`
	Blocked    *Blocked            `json:"blocked,omitempty"`
	Diagnoses  []explain.Diagnosis `json:"diagnoses,omitempty"`
	Notes      []string            `json:"notes,omitempty"`
	Conditions jsonConditions      `json:"conditions"`
}

type jsonConditions struct {
	Env          []string          `json:"env"`
	Dir          string            `json:"dir"`
	UID          *int              `json:"uid,omitempty"`
	GID          *int              `json:"gid,omitempty"`
	Umask        string            `json:"umask"`
	ReadOnlyRoot bool              `json:"read_only_root"`
	Writable     []string          `json:"writable,omitempty"`
	Memory       int64             `json:"memory,omitempty"`
	NoFile       uint64            `json:"nofile,omitempty"`
	Why          map[string]string `json:"why,omitempty"`
}

func (r *Result) json() jsonResult {
	j := jsonResult{Verdict: r.Verdict, ElapsedMS: r.Elapsed.Milliseconds(), Addrs: r.Addrs, Exit: r.Exit,
		SetupError: r.SetupError, Tail: string(r.Tail), Blocked: r.Blocked, Notes: r.Notes}
	if r.Exit != "" {
		code := r.ExitCode
		j.ExitCode = &code
	}
	if r.Diagnosis != nil {
		j.Diagnoses = r.Diagnosis.Diagnoses
	}
	c := r.Conditions
	// Values of the environment stay out of reports (they may be secrets): names only.
	names := make([]string, 0, len(c.Env))
	for k := range envMap(c.Env) {
		names = append(names, k)
	}
	sort.Strings(names)
	umask := 0o022
	if c.Umask != nil {
		umask = *c.Umask
	}
	j.Conditions = jsonConditions{Env: names, Dir: c.Dir, Umask: fmt.Sprintf("%03o", umask), ReadOnlyRoot: c.ReadOnlyRoot,
		Writable: c.Writable, Memory: c.Memory, NoFile: c.NoFile, Why: c.Why}
	if c.User != nil {
		j.Conditions.UID, j.Conditions.GID = &c.User.UID, &c.User.GID
	}
	return j
}

// WriteJSON writes the result as one JSON object.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.json())
}

// WriteJSON writes the matrix as one JSON object.
func (m *Matrix) WriteJSON(w io.Writer) error {
	type jcase struct {
		Name   string     `json:"name"`
		Yours  string     `json:"yours,omitempty"`
		Theirs string     `json:"theirs,omitempty"`
		Result jsonResult `json:"result"`
	}
	var out struct {
		Cases      []jcase  `json:"cases"`
		Breaking   []string `json:"breaking"`
		Conclusion []string `json:"conclusion"`
		Parallel   bool     `json:"parallel"`
		Notes      []string `json:"notes,omitempty"`
	}
	for _, c := range m.Cases() {
		out.Cases = append(out.Cases, jcase{c.Name, c.Yours, c.Theirs, c.Result.json()})
	}
	out.Breaking = []string{}
	for _, c := range m.Breaking() {
		out.Breaking = append(out.Breaking, c.Name)
	}
	out.Conclusion, out.Parallel, out.Notes = m.Conclusion(), m.Parallel, m.Notes
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// Progress renders the waiting line: on a terminal one line rewritten in place, else a plain
// line each second. Call Done when the probe returns.
type Progress struct {
	W    io.Writer
	TTY  bool
	last time.Duration
	used bool
}

// Update is an Options.Progress function.
func (p *Progress) Update(waitingFor string, elapsed time.Duration) {
	if p.TTY {
		fmt.Fprintf(p.W, "\rwaiting for %s … %.1f s\033[K", waitingFor, elapsed.Seconds())
		p.used = true
		return
	}
	if s := elapsed.Truncate(time.Second); s > p.last || !p.used {
		p.last, p.used = s, true
		fmt.Fprintf(p.W, "waiting for %s … %.0f s\n", waitingFor, elapsed.Seconds())
	}
}

// Done clears the line on a terminal.
func (p *Progress) Done() {
	if p.TTY && p.used {
		fmt.Fprint(p.W, "\r\033[K")
	}
}
