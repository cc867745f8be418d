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

// platformDeploy is a program that a platform setting $PORT runs.
type platformDeploy struct {
	Pos source.Pos
	// Platform names it in messages: "the Procfile's web process", "Cloud Run".
	Platform string
	Prog     *gocode.Program
	// Args are the words after the program (Procfile); Port is the port the platform sends
	// requests to when it is fixed (Cloud Run's --port, 8080 by default), 0 when assigned.
	Args []string
	Cmd  string
	Port int
}

// platformDeploys finds the web processes of Procfiles (Heroku, Dokku and the buildpack
// platforms) and the gcloud run deploy commands whose program is known.
func platformDeploys(p *rule.Pass) []platformDeploy {
	t, g := p.Project.Tree, p.Project.Go
	if t == nil || g == nil {
		return nil
	}
	var out []platformDeploy
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
			words := strings.Fields(m[2])
			for len(words) > 0 && (strings.Contains(words[0], "=") || words[0] == "exec") {
				words = words[1:] // VAR=value prefixes, exec
			}
			if len(words) == 0 {
				continue
			}
			if prog := target.ByName(g, path.Base(words[0])); prog != nil {
				pos := source.Pos{File: f.Path, Line: line, Col: len(m[0]) - len(m[2]) + 1}
				out = append(out, platformDeploy{Pos: pos, Platform: "the Procfile's web process", Prog: prog, Args: words[1:], Cmd: m[2]})
			}
		}
	}
	return append(out, cloudRunDeploys(p)...)
}

// portPlatforms reports platform deployments whose program listens on a fixed port other than
// the one the platform sends requests to.
func portPlatforms(p *rule.Pass) {
	g := p.Project.Go
	for _, d := range platformDeploys(p) {
		if target.LinksUnmodeled(g, d.Prog) != "" {
			continue
		}
		if d.Port > 0 {
			cloudRunListeners(p, g, d.Prog, d.Pos, d.Port)
		} else {
			webProcess(p, g, d)
		}
	}
}

func webProcess(p *rule.Pass, g *gocode.Facts, d platformDeploy) {
	prog, pos, cmd := d.Prog, d.Pos, d.Cmd
	var fixed []*gocode.Listener
	for _, l := range g.Listeners {
		if !prog.Reaches(l.Pkg) {
			continue
		}
		if l.Unresolved || l.PortFromEnv != "" || l.Port == 0 {
			return // $PORT (or something unknown) decides the port
		}
		if l.Flag != "" {
			for _, w := range d.Args {
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

// cloudRunDeploys finds gcloud run deploy commands whose program is known: Cloud Run sends
// requests to $PORT, 8080 unless --port says otherwise.
func cloudRunDeploys(p *rule.Pass) []platformDeploy {
	t, g := p.Project.Tree, p.Project.Go
	if t == nil || g == nil {
		return nil
	}
	var out []platformDeploy
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
			out = append(out, platformDeploy{Pos: pos, Platform: "Cloud Run", Prog: prog, Cmd: cmd, Port: want})
		}
	}
	return out
}

func cloudRunListeners(p *rule.Pass, g *gocode.Facts, prog *gocode.Program, pos source.Pos, want int) {
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

// loopbackPlatforms reports the listeners of platform deployments that are bound to loopback
// while the platform's router connects to the instance's address: the one that takes $PORT, or
// every one when all are on loopback.
func loopbackPlatforms(p *rule.Pass) {
	g := p.Project.Go
	for _, d := range platformDeploys(p) {
		var ls []*gocode.Listener
		allLoop := true
		for _, l := range g.Listeners {
			if d.Prog.Reaches(l.Pkg) {
				ls = append(ls, l)
				allLoop = allLoop && l.Loopback
			}
		}
		for _, l := range ls {
			if !l.Loopback || (l.PortFromEnv != "PORT" && !allLoop) {
				continue
			}
			p.Report(rule.Finding{
				Pos: l.Pos,
				Message: fmt.Sprintf("%s %s listens on %s only, but %s runs %s (%s) and its router connects to the instance's own address on $PORT: every request is refused and the deployment fails its start-up check",
					l.Pos.Short(), l.Via, l.Host, d.Platform, d.Prog.Name, d.Pos.Short()),
				Related: []rule.Related{{Pos: d.Pos, Message: d.Platform + " runs " + d.Prog.Name}},
			})
		}
	}
}
