package explain

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode/utf8"
)

// line is one candidate line: its number, the raw text and the message once the prefixes that
// log collectors add (timestamps, syslog headers, compose service names, BuildKit step numbers,
// kubectl and CI decorations, JSON envelopes) are stripped.
type line struct {
	no  int
	raw string
	msg string
	// source is what the prefix said about where the line came from: "journal", "compose",
	// "buildkit", "json", "kubectl", "ci" or "".
	source string
	// unit is the systemd unit or the compose service named by the prefix, when there is one.
	unit string
}

// prefixes are stripped from the start of a line, repeatedly, in this order. Each is anchored
// and cannot match an empty string; quick is a cheap test of the first bytes that must pass
// before the regexp runs (candidate lines are stripped many times in repetitive logs).
var prefixes = []struct {
	re     *regexp.Regexp
	source string
	quick  func(string) bool
}{
	// kubectl logs --prefix: [pod/name/container]
	{regexp.MustCompile(`^\[pod/[^\]]+\] `), "kubectl", startsWith("[pod/")},
	// RFC 3339 / ISO 8601 timestamps (docker logs -t, GitHub Actions, journal short-iso).
	{regexp.MustCompile(`^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?(?: [A-Z]{3,4})?\s+`), "", digitAt(4, '-')},
	// Go's log package: 2009/11/10 23:00:00.000000
	{regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?\s+`), "", digitAt(4, '/')},
	// syslog and journalctl short format: "Mar 14 16:21:33 host unit[pid]: " (any month
	// spelling, for localised logs).
	{regexp.MustCompile(`^\p{L}{3,5}\.? +\d{1,2} \d\d:\d\d:\d\d \S+ (?P<unit>[^\s:\[]+)(?:\[\d+\])?: `), "journal", letterFirst},
	// journal lines without the date (pasted from the middle of systemctl status).
	{regexp.MustCompile(`^\S+ (?P<unit>systemd|kernel)(?:\[\d+\])?: `), "journal", containsNear(" systemd", " kernel")},
	// systemd in a container log: "systemd[1]: "
	{regexp.MustCompile(`^(?P<unit>systemd)\[\d+\]: `), "journal", startsWith("systemd[")},
	// Heroku router and dynos: "app[web.1]: ", "heroku[web.1]: "
	{regexp.MustCompile(`^(?:app|heroku)\[[\w.]+\]: `), "", containsNear("[")},
	// docker compose: "web-1  | ", "web_1    | "
	{regexp.MustCompile(`^(?P<unit>[\w.-]+)\s+\| ?`), "compose", containsNear("|")},
	// BuildKit plain progress: "#12 0.345 " or "#12 "
	{regexp.MustCompile(`^#\d+ (?:\d+\.\d+ )?`), "buildkit", startsWith("#")},
	// BuildKit error echo: "0.094 " after "> [build 7/7] RUN …:"
	{regexp.MustCompile(`^\d+\.\d{3} `), "buildkit", digitFirst},
	// Open Build Service and similar CI: "[   47s] "
	{regexp.MustCompile(`^\[\s*\d+s\] `), "ci", startsWith("[")},
	// GitHub Actions annotations.
	{regexp.MustCompile(`^##\[(?:error|warning|debug|group|endgroup)\]`), "ci", startsWith("##[")},
	// glog/klog: "E0811 09:55:40.950978   39150 main.go:26] "
	{regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] `), "", func(s string) bool {
		return len(s) > 5 && strings.IndexByte("IWEF", s[0]) >= 0 && s[1] >= '0' && s[1] <= '9'
	}},
	// Level words some loggers put first: "ERR ", "ERROR: ", "[error] ", "FATA[0000] "
	{regexp.MustCompile(`^(?:\[(?:error|fatal|warn|info)\]|(?:FATA|ERRO|WARN|INFO)\[\d+\]|(?:ERR|ERROR|FATAL|WARN|INF|INFO)\b:?) ?`), "", func(s string) bool {
		return s != "" && strings.IndexByte("[EFWI", s[0]) >= 0
	}},
	// Shell prompts in pasted terminals: "$ ", "# ", "user@host:~$ "
	{regexp.MustCompile(`^(?:[\w.-]+@[\w.-]+:[^$#\s]*[$#]|[$#>❯]) `), "", func(s string) bool {
		return s != "" && (strings.IndexByte("$#>", s[0]) >= 0 || strings.HasPrefix(s, "❯") || containsNear("@")(s))
	}},
}

func startsWith(p string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, p) }
}

// containsNear reports whether one of the fragments occurs in the first 80 bytes.
func containsNear(frags ...string) func(string) bool {
	return func(s string) bool {
		if len(s) > 80 {
			s = s[:80]
		}
		for _, f := range frags {
			if strings.Contains(s, f) {
				return true
			}
		}
		return false
	}
}

// digitAt reports whether s starts with a digit and has sep at index i.
func digitAt(i int, sep byte) func(string) bool {
	return func(s string) bool { return len(s) > i && digitFirst(s) && s[i] == sep }
}

func digitFirst(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func letterFirst(s string) bool {
	if s == "" {
		return false
	}
	c := s[0]
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c >= 0x80
}

// newLine strips the prefixes of a raw line (invalid UTF-8 is replaced, not rejected).
func newLine(no int, raw []byte) line {
	s := string(raw)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	l := line{no: no, raw: s}
	msg := strings.TrimLeft(s, " \t")
	if strings.HasPrefix(msg, "{") {
		if m, unit, ok := jsonMessage(msg); ok {
			msg, l.source, l.unit = m, "json", unit
		}
	}
	for pass := 0; pass < 6; pass++ {
		stripped := false
		for _, p := range prefixes {
			if !p.quick(msg) {
				continue
			}
			loc := p.re.FindStringSubmatchIndex(msg)
			if loc == nil || loc[1] == 0 {
				continue
			}
			if i := p.re.SubexpIndex("unit"); i > 0 && loc[2*i] >= 0 && l.unit == "" {
				l.unit = msg[loc[2*i]:loc[2*i+1]]
			}
			if p.source != "" && l.source == "" {
				l.source = p.source
			}
			msg = strings.TrimLeft(msg[loc[1]:], " \t")
			stripped = true
			break
		}
		if !stripped {
			break
		}
	}
	l.msg = msg
	return l
}

// jsonMessage reads the message of a JSON log line: journalctl -o json (MESSAGE, _SYSTEMD_UNIT),
// docker's json-file driver (log) and structured loggers (msg, message, error).
func jsonMessage(s string) (msg, unit string, ok bool) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(s))
	if err := dec.Decode(&m); err != nil {
		return "", "", false
	}
	for _, k := range []string{"MESSAGE", "log", "msg", "message"} {
		if v, ok := m[k].(string); ok {
			msg = strings.TrimRight(v, "\n")
			break
		}
	}
	if e, ok := m["error"].(string); ok && e != "" {
		if msg == "" {
			msg = e
		} else {
			msg += ": " + e
		}
	}
	if msg == "" {
		return "", "", false
	}
	for _, k := range []string{"_SYSTEMD_UNIT", "UNIT", "SYSLOG_IDENTIFIER"} {
		if v, ok := m[k].(string); ok {
			unit = v
			break
		}
	}
	return msg, unit, true
}

// Format names the kind of log, detected from its first lines.
type Format string

const (
	FormatPlain         Format = "plain"
	FormatJournal       Format = "journalctl"
	FormatJournalJSON   Format = "journalctl-json"
	FormatSystemctl     Format = "systemctl-status"
	FormatDocker        Format = "docker-logs"
	FormatCompose       Format = "compose"
	FormatBuildKit      Format = "buildkit"
	FormatKubeDescribe  Format = "kubectl-describe"
	FormatKubeGet       Format = "kubectl-get"
	FormatKubeEvents    Format = "kubectl-events"
	FormatGoPanic       Format = "go-panic"
	FormatCI            Format = "ci"
	FormatDockerJSONLog Format = "docker-json"
)

var formatSigns = []struct {
	f  Format
	re *regexp.Regexp
}{
	{FormatJournalJSON, regexp.MustCompile(`^\{.*"__REALTIME_TIMESTAMP"`)},
	{FormatDockerJSONLog, regexp.MustCompile(`^\{"log":`)},
	{FormatSystemctl, regexp.MustCompile(`^\s+(?:Loaded: (?:loaded|not-found)|Active: (?:active|inactive|failed|activating)|Main PID: \d+)`)},
	{FormatKubeDescribe, regexp.MustCompile(`^(?:Name:\s+\S|Namespace:\s+\S|Containers:$|Events:$|\s+State:\s+(?:Waiting|Running|Terminated)|\s+Last State:)`)},
	{FormatKubeGet, regexp.MustCompile(`^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE`)},
	{FormatKubeEvents, regexp.MustCompile(`^(?:LAST SEEN\s+TYPE\s+REASON|\s*Type\s+Reason\s+Age\s+From\s+Message)`)},
	{FormatBuildKit, regexp.MustCompile(`^(?:#\d+ (?:\[|\d+\.\d+ |ERROR)| => (?:ERROR )?\[|\s*> \[[\w\s-]*\d+/\d+\])`)},
	{FormatCompose, regexp.MustCompile(`^[\w.-]+-\d+\s+\| `)},
	{FormatJournal, regexp.MustCompile(`^\p{L}{3,5}\.? +\d{1,2} \d\d:\d\d:\d\d \S+ [^\s:]+(?:\[\d+\])?: `)},
	{FormatGoPanic, regexp.MustCompile(`^(?:panic: |goroutine \d+ \[|fatal error: )`)},
	{FormatCI, regexp.MustCompile(`^(?:##\[|\[\s*\d+s\] |Run [\w./-]+@v\d|section_start:)`)},
	{FormatDocker, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6,9}Z `)},
}

// detectFormat picks the format with the most signs in the head of the input. Ties go to the
// more specific format (the order of formatSigns).
func detectFormat(head []byte) Format {
	counts := make([]int, len(formatSigns))
	for n, l := range bytes.Split(head, []byte{'\n'}) {
		if n > 400 {
			break
		}
		l = bytes.TrimRight(l, "\r")
		for i, s := range formatSigns {
			if s.re.Match(l) {
				counts[i]++
			}
		}
	}
	best, bestN := FormatPlain, 0
	for i, c := range counts {
		if c > bestN {
			best, bestN = formatSigns[i].f, c
		}
	}
	return best
}
