package network

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rules/network/target"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// procLine is a Procfile entry as Heroku reads it (https://devcenter.heroku.com/articles/procfile):
// a process type, a colon, the command.
var procLine = regexp.MustCompile(`^([A-Za-z0-9_-]+):\s*(.+)$`)

// portPlatforms reports web processes of a Procfile (Heroku, Dokku and the buildpack platforms)
// whose program listens on a fixed port: the platform assigns $PORT and routes there only.
func portPlatforms(p *rule.Pass) {
	t, g := p.Project.Tree, p.Project.Go
	if t == nil || g == nil {
		return
	}
	for _, f := range t.Files {
		if path.Base(f.Path) != "Procfile" || f.Size > 64<<10 {
			continue
		}
		b, err := t.Read(f)
		if err != nil || bytes.IndexByte(b, 0) >= 0 {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for line := 1; sc.Scan(); line++ {
			m := procLine.FindStringSubmatch(strings.TrimRight(sc.Text(), "\r"))
			if m == nil || m[1] != "web" {
				continue
			}
			pos := source.Pos{File: f.Path, Line: line, Col: len(m[0]) - len(m[2]) + 1}
			webProcess(p, g, pos, m[2])
		}
	}
}

func webProcess(p *rule.Pass, g *gocode.Facts, pos source.Pos, cmd string) {
	words := strings.Fields(cmd)
	for len(words) > 0 && (strings.Contains(words[0], "=") || words[0] == "exec") {
		words = words[1:] // VAR=value prefixes, exec
	}
	if len(words) == 0 {
		return
	}
	prog := target.ByName(g, path.Base(words[0]))
	if prog == nil || target.LinksUnmodeled(g, prog) != "" {
		return
	}
	var fixed []*gocode.Listener
	for _, l := range g.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if l.Unresolved || l.PortFromEnv != "" || l.Port == 0 {
			return // $PORT (or something unknown) decides the port
		}
		if l.Flag != "" {
			for _, w := range words[1:] {
				if strings.Contains(w, l.Flag) || strings.Contains(w, "PORT") {
					return
				}
			}
		}
		fixed = append(fixed, l)
	}
	if len(fixed) == 0 || strings.Contains(cmd, "PORT") {
		return
	}
	var where []string
	var related []rule.Related
	for _, l := range fixed {
		where = append(where, fmt.Sprintf("%d (%s %s)", l.Port, l.Pos.Short(), l.Via))
		related = append(related, rule.Related{Pos: l.Pos, Message: fmt.Sprintf("%s listens on the fixed port %d", l.Via, l.Port)})
	}
	p.Report(rule.Finding{
		Pos: pos,
		Message: fmt.Sprintf("%s the web process runs %s, which listens on %s and never reads $PORT: the platform assigns the port in $PORT and routes only there, so the process is killed at boot (Error R10 (Boot timeout) -> Web process failed to bind to $PORT)",
			pos.Short(), prog.Name, strings.Join(where, " and ")),
		Related: related,
	})
}

// cloudRunDeploy finds `gcloud run deploy` commands with their continuation lines.
var cloudRunDeploy = regexp.MustCompile(`gcloud\s+(?:(?:alpha|beta)\s+)?run\s+deploy\b(?:[^\n\\]|\\\r?\n|\\.)*`)

// cloudRun reports programs deployed to Cloud Run that listen on a fixed port other than the
// one Cloud Run sends requests to: $PORT, 8080 unless --port says otherwise.
func cloudRun(p *rule.Pass) {
	t, g := p.Project.Tree, p.Project.Go
	if t == nil || g == nil {
		return
	}
	deployed := target.Deployed(g)
	for _, f := range t.Files {
		base := path.Base(f.Path)
		script := f.Kind == tree.YAML || f.Kind == tree.Shell || base == "Makefile" || base == "GNUmakefile" || strings.HasSuffix(base, ".mk")
		if !script || f.Size > 1<<20 || strings.HasPrefix(f.Path, "vendor/") {
			continue
		}
		b, err := t.Read(f)
		if err != nil || bytes.IndexByte(b, 0) >= 0 || !bytes.Contains(b, []byte("gcloud")) {
			continue
		}
		for _, m := range cloudRunDeploy.FindAllIndex(b, -1) {
			cmd := strings.NewReplacer("\\\r\n", " ", "\\\n", " ").Replace(string(b[m[0]:m[1]]))
			pos := source.Pos{File: f.Path, Line: 1 + bytes.Count(b[:m[0]], []byte("\n"))}
			want, image, ok := gcloudRunDeploy(cmd)
			if !ok {
				continue
			}
			var prog *gocode.Program
			if image != "" {
				prog = target.ByName(g, target.RefName(image))
			}
			if prog == nil && len(deployed) == 1 {
				prog = deployed[0] // the repository's one program, built from --source or pushed
			}
			if prog == nil {
				continue
			}
			cloudRunListeners(p, g, prog, pos, want)
		}
	}
}

func cloudRunListeners(p *rule.Pass, g *gocode.Facts, prog *gocode.Program, pos source.Pos, want int) {
	if target.LinksUnmodeled(g, prog) != "" {
		return
	}
	var fixed []*gocode.Listener
	for _, l := range g.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if l.Unresolved || l.PortFromEnv != "" || l.Flag != "" || l.Port == 0 || l.Port == want {
			return // $PORT, a flag, something unknown, or the right port
		}
		fixed = append(fixed, l)
	}
	if len(fixed) == 0 {
		return
	}
	var where []string
	var related []rule.Related
	for _, l := range fixed {
		where = append(where, fmt.Sprintf("%d (%s %s)", l.Port, l.Pos.Short(), l.Via))
		related = append(related, rule.Related{Pos: l.Pos, Message: fmt.Sprintf("%s listens on the fixed port %d", l.Via, l.Port)})
	}
	p.Report(rule.Finding{
		Pos: pos,
		Message: fmt.Sprintf("%s deploys %s to Cloud Run, which sets PORT=%d and sends requests and its startup probe there, but %s listens on %s and never reads $PORT: the revision fails to start (the container did not listen on the port defined by PORT=%d)",
			pos.Short(), prog.Name, want, prog.Name, strings.Join(where, " and "), want),
		Related: related,
	})
}

// gcloudRunDeploy reads the port Cloud Run sends requests to (--port, else 8080) and the image
// of a `gcloud run deploy` command line. ok is false when the port is not a number or when
// --args, --command or the environment flags may move the port.
func gcloudRunDeploy(cmd string) (port int, image string, ok bool) {
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
			portWord = v
		}
		if v, ok := val("--image"); ok {
			image = v
		}
		for _, moves := range []string{"--args", "--command", "--set-env-vars", "--env-vars-file", "--update-env-vars"} {
			if w == moves || strings.HasPrefix(w, moves+"=") {
				return 0, image, false
			}
		}
	}
	n, err := strconv.Atoi(portWord)
	if err != nil || n <= 0 || n > 65535 {
		return 0, image, false
	}
	return n, image, true
}
