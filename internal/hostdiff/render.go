package hostdiff

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// Formats are the output formats of Write and WriteFleet.
var Formats = []string{"text", "json", "markdown"}

// describe is a one-line summary of a host: "web-1 (debian 12, amd64, glibc 2.36)".
func describe(s *host.Snapshot) string {
	var parts []string
	switch s.OS.ID {
	case host.Unknown:
		parts = append(parts, "OS unknown")
	case "":
	default:
		parts = append(parts, strings.TrimSpace(s.OS.ID+" "+s.OS.VersionID))
	}
	parts = append(parts, s.Arch)
	if s.Libc.Family != "" {
		parts = append(parts, strings.TrimSpace(s.Libc.Family+" "+s.Libc.Version))
	}
	if s.Container.Kind != "" {
		parts = append(parts, s.Container.Kind)
	}
	return fmt.Sprintf("%s (%s)", s.Hostname, strings.Join(parts, ", "))
}

// Write renders a comparison of a and b. all lists the differences that do not matter too.
func Write(w io.Writer, format string, a, b *host.Snapshot, r *Result, all bool) error {
	diffs := r.Matters()
	if all {
		diffs = r.Differences
	}
	nMatter := len(r.Matters())
	nOther := len(r.Differences) - nMatter
	switch format {
	case "json":
		out := struct {
			Version     int          `json:"version"`
			A           string       `json:"a"`
			B           string       `json:"b"`
			Identical   bool         `json:"identical"`
			Needs       string       `json:"needs,omitempty"`
			Matters     int          `json:"matters"`
			Others      int          `json:"others"`
			Differences []Difference `json:"differences"`
		}{host.Version, r.A, r.B, r.Identical, r.Needs, nMatter, nOther, diffs}
		if out.Differences == nil {
			out.Differences = []Difference{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "markdown":
		fmt.Fprintf(w, "**A:** %s  \n**B:** %s\n\n", mdEscape(describe(a)), mdEscape(describe(b)))
		if r.Needs != "" {
			fmt.Fprintf(w, "Narrowed to what %s needs.\n\n", mdEscape(r.Needs))
		}
		fmt.Fprintln(w, summary(r, nMatter, nOther, all))
		if len(diffs) == 0 {
			return nil
		}
		fmt.Fprintln(w, "\n| # | ID | Class | Field | A | B | Consequence |")
		fmt.Fprintln(w, "|---|----|-------|-------|---|---|-------------|")
		for i, d := range diffs {
			fmt.Fprintf(w, "| %d | %s | %s | `%s` | %s | %s | %s |\n", i+1, d.ID, d.Class, mdCode(d.Field), mdEscape(d.A), mdEscape(d.B), mdEscape(d.Message))
		}
		return nil
	case "text":
		fmt.Fprintf(w, "A: %s\nB: %s\n", describe(a), describe(b))
		if r.Needs != "" {
			fmt.Fprintf(w, "Needs of %s\n", r.Needs)
		}
		fmt.Fprintf(w, "\n%s\n", summary(r, nMatter, nOther, all))
		n := 0
		fixed := map[string]bool{}
		for _, d := range r.Matters() {
			n++
			fmt.Fprintf(w, "\n  %d. %s %s: %s\n", n, d.ID, d.Class, d.Message)
			if d.Fix != "" && !fixed[d.ID] {
				fmt.Fprintf(w, "     fix: %s\n", d.Fix)
			}
			fixed[d.ID] = true
		}
		if all && nOther > 0 {
			fmt.Fprintf(w, "\nOther differences:\n")
			for _, d := range r.Differences {
				if d.Matters {
					continue
				}
				id := ""
				if d.ID != "" {
					id = " [" + d.ID + "]"
				}
				fmt.Fprintf(w, "  %s%s\n", d.Message, id)
			}
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func summary(r *Result, nMatter, nOther int, all bool) string {
	if r.Identical {
		return "A and B are identical: no difference (host names aside)."
	}
	var s string
	switch nMatter {
	case 0:
		s = "No difference matters for starting the service on B."
	case 1:
		s = "1 difference matters for starting the service on B:"
	default:
		s = fmt.Sprintf("%d differences matter for starting the service on B, most serious first:", nMatter)
	}
	if nOther > 0 && !all {
		s += fmt.Sprintf(" (%d other %s: --all lists %s)", nOther, plural(nOther, "difference", "differences"), plural(nOther, "it", "them"))
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func mdEscape(s string) string {
	r := strings.NewReplacer("|", `\|`, "\n", " ", "<", "&lt;", ">", "&gt;", "*", `\*`, "_", `\_`, "`", "\\`")
	return r.Replace(s)
}

func mdCode(s string) string { return strings.NewReplacer("`", "'", "|", `\|`).Replace(s) }

// maxListed is how many hosts a text line names before "and N more": a line per group stays
// readable with a thousand hosts.
const maxListed = 8

// WriteFleet renders a fleet's drift.
func WriteFleet(w io.Writer, format string, d *Drift, all bool) error {
	matter, other, same := 0, 0, 0
	for _, h := range d.Hosts {
		switch {
		case h.Matters > 0:
			matter++
		case h.Same:
			same++
		default:
			other++
		}
	}
	groups := d.Groups
	if !all {
		groups = nil
		for _, g := range d.Groups {
			if g.Matters {
				groups = append(groups, g)
			}
		}
	}
	head := fmt.Sprintf("Baseline %s, %d %s: %d differ in what matters, %d in other ways only, %d identical.",
		d.Baseline, len(d.Hosts), plural(len(d.Hosts), "host", "hosts"), matter, other, same)
	switch format {
	case "json":
		out := struct {
			Version     int         `json:"version"`
			Baseline    string      `json:"baseline"`
			Hosts       []HostDrift `json:"hosts"`
			Differences []Group     `json:"differences"`
		}{host.Version, d.Baseline, make([]HostDrift, len(d.Hosts)), groups}
		for i, h := range d.Hosts {
			h.Differences = []Difference{}
			for _, df := range d.Hosts[i].Differences {
				if all || df.Matters {
					h.Differences = append(h.Differences, df)
				}
			}
			out.Hosts[i] = h
		}
		if out.Differences == nil {
			out.Differences = []Group{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	case "markdown":
		fmt.Fprintln(w, mdEscape(head))
		if len(groups) == 0 {
			return nil
		}
		fmt.Fprintln(w, "\n| ID | Class | Field | Hosts | Example |")
		fmt.Fprintln(w, "|----|-------|-------|-------|---------|")
		for _, g := range groups {
			fmt.Fprintf(w, "| %s | %s | `%s` | %d: %s | %s |\n", g.ID, g.Class, mdCode(g.Field), len(g.Hosts), mdEscape(hostList(g.Hosts)), mdEscape(g.Message))
		}
		return nil
	case "text":
		fmt.Fprintln(w, head)
		if len(groups) == 0 {
			return nil
		}
		fmt.Fprintln(w)
		for _, g := range groups {
			label := g.Field
			if g.ID != "" {
				label = g.ID + " " + g.Class + " " + g.Field
			}
			fmt.Fprintf(w, "%s: %d %s: %s\n", label, len(g.Hosts), plural(len(g.Hosts), "host", "hosts"), hostList(g.Hosts))
			if g.Matters {
				fmt.Fprintf(w, "    e.g. %s\n", g.Message)
			}
		}
		if !all && other > 0 {
			fmt.Fprintln(w, "\n--all lists the differences that do not matter too.")
		}
		return nil
	}
	return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
}

func hostList(hs []GroupHost) string {
	var parts []string
	for i, h := range hs {
		if i == maxListed {
			parts = append(parts, fmt.Sprintf("and %d more", len(hs)-maxListed))
			break
		}
		v := h.Value
		if v == "" {
			v = "none"
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", h.File, v))
	}
	return strings.Join(parts, ", ")
}
