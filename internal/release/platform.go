package release

import (
	"bufio"
	"bytes"
	"regexp"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// ProcEntry is one process of a Procfile, as Heroku, Dokku and the buildpack platforms read
// it (https://devcenter.heroku.com/articles/procfile): a process type, a colon, the command.
type ProcEntry struct {
	// Type is the process type ("web" receives the platform's HTTP traffic on $PORT).
	Type string
	// Command is the command as written.
	Command string
	// Words are the command's blank-separated words after leading VAR=value words and exec:
	// the program first. Empty when the command is only assignments.
	Words []string
	// Pos is where the command starts.
	Pos source.Pos
}

// CloudRunDeploy is one `gcloud [alpha|beta] run deploy` command, in a script, a workflow, a
// Makefile or any other YAML file (Cloud Build, GitLab CI), continuation lines joined.
type CloudRunDeploy struct {
	// Command is the command text with its continuation lines joined.
	Command string
	// Port is the port Cloud Run sends requests to and sets in $PORT: --port's value, 8080
	// when --port is absent. It is 0 when unknown: --port is not a number, or MovedBy names a
	// flag that may change the port or what the container runs.
	Port int
	// PortSet is true when --port is given.
	PortSet bool
	// MovedBy is the first of --args, --command, --set-env-vars, --env-vars-file and
	// --update-env-vars that the command passes, "" when none.
	MovedBy string
	// Image is --image's value as written, "" with --source or when absent.
	Image string
	// Pos is where "gcloud" is written.
	Pos source.Pos
}

// maxProcfile is the largest Procfile read: real ones are a few lines.
const maxProcfile = 64 << 10

// procLine is one Procfile entry.
var procLine = regexp.MustCompile(`^([A-Za-z0-9_-]+):\s*(.+)$`)

// ParseProcfile reads the entries of a Procfile. A binary file gives a note and no entries.
func ParseProcfile(p string, data []byte) ([]*ProcEntry, []source.Note) {
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, []source.Note{source.Notef(source.Pos{File: p, Line: bytes.Count(data[:i], []byte{'\n'}) + 1}, "binary file (NUL byte), not read as a Procfile")}
	}
	if len(data) > maxProcfile {
		return nil, []source.Note{source.Notef(source.Pos{File: p}, "Procfile over %d KB, not read", maxProcfile>>10)}
	}
	var out []*ProcEntry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, maxProcfile+1)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		m := procLine.FindStringSubmatchIndex(text)
		if m == nil {
			continue
		}
		e := &ProcEntry{Type: text[m[2]:m[3]], Command: text[m[4]:m[5]], Pos: source.Pos{File: p, Line: line, Col: m[4] + 1}}
		words := strings.Fields(e.Command)
		for len(words) > 0 && (strings.Contains(words[0], "=") || words[0] == "exec") {
			words = words[1:] // VAR=value prefixes, exec
		}
		e.Words = words
		out = append(out, e)
	}
	return out, nil
}

// cloudRunRE finds `gcloud run deploy` commands with their continuation lines.
var cloudRunRE = regexp.MustCompile(`gcloud\s+(?:(?:alpha|beta)\s+)?run\s+deploy\b(?:[^\n\\]|\\\r?\n|\\.)*`)

// portMovers are the flags with which the port Cloud Run sends to may differ from what the
// command says, or the container may not listen where its code says.
var portMovers = []string{"--args", "--command", "--set-env-vars", "--env-vars-file", "--update-env-vars"}

// ParseCloudRun finds the `gcloud run deploy` commands of a text file of any kind (a script,
// a workflow, a Makefile, a CI config) by their words; quoting is not interpreted beyond
// trimming quotes around a flag's value.
func ParseCloudRun(p string, data []byte) []*CloudRunDeploy {
	if !bytes.Contains(data, []byte("gcloud")) || bytes.IndexByte(data, 0) >= 0 {
		return nil
	}
	var out []*CloudRunDeploy
	for _, m := range cloudRunRE.FindAllIndex(data, -1) {
		cmd := strings.NewReplacer("\\\r\n", " ", "\\\n", " ").Replace(string(data[m[0]:m[1]]))
		d := gcloudRunDeploy(cmd)
		line := bytes.LastIndexByte(data[:m[0]], '\n') + 1
		d.Pos = source.Pos{File: p, Line: 1 + bytes.Count(data[:m[0]], []byte("\n")), Col: m[0] - line + 1}
		out = append(out, d)
	}
	return out
}

// gcloudRunDeploy reads the port, the image and the flags that move the port of one command.
func gcloudRunDeploy(cmd string) *CloudRunDeploy {
	d := &CloudRunDeploy{Command: cmd}
	words := strings.Fields(cmd)
	portWord := "8080"
	for i, w := range words {
		val := func(flag string) (string, bool) {
			if strings.HasPrefix(w, flag+"=") {
				return strings.Trim(w[len(flag)+1:], `"'`), true
			}
			if w == flag && i+1 < len(words) {
				return strings.Trim(words[i+1], `"'`), true
			}
			return "", false
		}
		if v, ok := val("--port"); ok {
			portWord, d.PortSet = v, true
		}
		if v, ok := val("--image"); ok {
			d.Image = v
		}
		for _, moves := range portMovers {
			if d.MovedBy == "" && (w == moves || strings.HasPrefix(w, moves+"=")) {
				d.MovedBy = moves
			}
		}
	}
	if n, err := strconv.Atoi(portWord); err == nil && n > 0 && n <= 65535 && d.MovedBy == "" {
		d.Port = n
	}
	return d
}
