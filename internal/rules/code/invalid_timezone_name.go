package code

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// InvalidTimezoneName is time.LoadLocation with a name that is not in the IANA time zone
// database, so it fails on every Linux system whatever tzdata is installed.
var InvalidTimezoneName = &rule.Rule{
	ID:       "SS1007",
	Class:    "invalid-timezone-name",
	Title:    "time.LoadLocation with a name not in the IANA database",
	Severity: rule.Error,
	Doc: `**What happens.** At start-up (or at the first request that needs the zone) the service
fails with:

    unknown time zone Asia/shanghai

**Why.** ` + "`time.LoadLocation`" + ` looks the name up as a file path in the zoneinfo database
(` + "`$ZONEINFO`" + `, /usr/share/zoneinfo, then the copy embedded by ` + "`time/tzdata`" + ` or shipped in GOROOT).
Names are case-sensitive paths: ` + "`Asia/shanghai`" + `, ` + "`asia/Shanghai`" + ` or ` + "`America/New York`" + ` do not
exist. On macOS, whose default file system is case-insensitive, a wrong case still opens the
file, so the bug only shows on Linux. Abbreviations (` + "`PST`" + `, ` + "`CEST`" + `) and offsets written
` + "`UTC+8`" + ` are not zone names either; the POSIX-style ` + "`Etc/GMT-8`" + ` means UTC+8 (the sign is
inverted). Installing tzdata does not help: this is a different failure from a missing zoneinfo
database, which prints the same text for a correct name (see the tzdata-missing class).

**How to confirm.** On Linux: ` + "`go run`" + ` a program calling ` + "`time.LoadLocation(\"Asia/shanghai\")`" + `, or
` + "`ls /usr/share/zoneinfo/Asia/shanghai`" + `.

**How to fix.** Use the exact IANA name (` + "`Asia/Shanghai`" + `); shipshape suggests one when the name
differs only by case or a small typo. The names come from the zoneinfo.zip of the Go toolchain
that built shipshape (` + "`gen_zones.go`" + `).`,
	Fix:     "Use the exact, case-sensitive IANA zone name (for example Asia/Shanghai, America/New_York, Etc/GMT-8 for UTC+8).",
	Symptom: "unknown time zone NAME",
	Signatures: []rule.Signature{
		rule.Sig("unknown time zone",
			`unknown time zone (?P<zone>\S+)`,
			"unknown time zone Asia/shanghai"),
		// Go 1.9 and earlier, when only GOROOT's zoneinfo.zip was left to search.
		rule.Sig("in zip file",
			`cannot find (?P<zone>\S+) in zip file \S*zoneinfo\.zip`,
			"err: cannot find America/new_york in zip file /usr/local/go/lib/time/zoneinfo.zip"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runInvalidTimezoneName,
}

func runInvalidTimezoneName(p *rule.Pass) error {
	g := p.Project.Go
	for _, l := range g.Locations {
		if l.Unresolved || !ships(g, l.Pkg) || validZone(l.Name) {
			continue
		}
		msg := fmt.Sprintf("%s loads the time zone %q, which is not in the IANA database: time.LoadLocation fails on Linux with \"unknown time zone %s\"", l.Pos.Short(), l.Name, l.Name)
		fix := ""
		if s, why := suggestZone(l.Name); s != "" {
			msg += fmt.Sprintf(" (%s; did you mean %q?)", why, s)
			fix = fmt.Sprintf("Use %q.", s)
		}
		p.Report(rule.Finding{Pos: l.Pos, Message: msg, Fix: fix})
	}
	return nil
}

var (
	zonesOnce   sync.Once
	zoneSet     map[string]bool
	zoneByLower map[string]string
)

func loadZones() {
	zoneSet = make(map[string]bool, len(ianaZones))
	zoneByLower = make(map[string]string, len(ianaZones))
	for _, z := range ianaZones {
		zoneSet[z] = true
		zoneByLower[strings.ToLower(z)] = z
	}
}

// validZone says whether time.LoadLocation accepts name on any system with a complete zoneinfo
// database: "" and "UTC" are built in, "Local" is the system zone.
func validZone(name string) bool {
	if name == "" || name == "UTC" || name == "Local" {
		return true
	}
	zonesOnce.Do(loadZones)
	return zoneSet[name]
}

var offsetRE = regexp.MustCompile(`^(?i:UTC|GMT)\s*([+-])\s*([0-9]{1,2})(?::?00)?$`)

// suggestZone proposes the zone the author most likely meant, and says why; "" when no
// suggestion is safe.
func suggestZone(name string) (string, string) {
	zonesOnce.Do(loadZones)
	if z, ok := zoneByLower[strings.ToLower(name)]; ok {
		return z, "zone names are case-sensitive"
	}
	if z, ok := zoneByLower[strings.ToLower(strings.ReplaceAll(strings.TrimSpace(name), " ", "_"))]; ok {
		return z, "zone names use underscores, not spaces"
	}
	if m := offsetRE.FindStringSubmatch(strings.TrimSpace(name)); m != nil {
		h, _ := strconv.Atoi(m[2])
		sign := "-"
		if m[1] == "-" {
			sign = "+"
		}
		z := "Etc/GMT" + sign + strconv.Itoa(h)
		if h == 0 {
			z = "UTC"
		}
		if zoneSet[z] {
			return z, "offsets are zones named Etc/GMT with the sign inverted"
		}
	}
	// A small typo: the unique closest name within two edits, compared without case.
	lower := strings.ToLower(name)
	best, bestD, ties := "", 3, 0
	for _, z := range ianaZones {
		// The limit is one more than the best so far, so that a tie is told from a far name.
		d := editDistance(lower, strings.ToLower(z), bestD+1)
		switch {
		case d < bestD:
			best, bestD, ties = z, d, 1
		case d == bestD && best != "":
			ties++
		}
	}
	if best != "" && ties == 1 && bestD <= 2 && len(name) > 4 {
		return best, "a likely misspelling"
	}
	return "", ""
}

// editDistance is the Levenshtein distance between a and b, or limit when it is at least
// limit (the search only needs to know that a name is far).
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(b)], limit)
}
