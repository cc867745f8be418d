package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// WorkingDirectory is a service that opens files by relative path while its deployment starts it
// in another directory: no WORKDIR, no systemd WorkingDirectory=, or ./binary run from /.
var WorkingDirectory = &rule.Rule{
	ID:       "SS2007",
	Class:    "working-directory",
	Title:    "relative paths resolved against the wrong working directory",
	Severity: rule.Error,
	Doc: `**What happens.** The binary works when started by hand from its directory and fails under
systemd, in a container, or from a script:

    panic: html/template: pattern matches no files: ` + "`templates/*`" + `
    open config.yml: no such file or directory

**Why.** Relative paths are resolved against the process's working directory, not the
executable's location. systemd starts system services in / unless WorkingDirectory= is set; an
image without WORKDIR starts in /; a Kubernetes workingDir or compose working_dir overrides the
image's. The files exist on the machine, just not under that directory.

**How to confirm.**

    systemctl show -p WorkingDirectory myservice
    docker image inspect IMAGE --format '{{.Config.WorkingDir}}'
    ls -l /proc/$(pidof server)/cwd

**How to fix.** Set the working directory where the files are:

    [Service]
    WorkingDirectory=/opt/myservice
    ExecStart=/opt/myservice/server

    # Dockerfile: WORKDIR /app

or make the paths absolute (a flag or an environment variable), or embed the files.`,
	Fix:     "Set WorkingDirectory= (systemd) or WORKDIR (Dockerfile) to the directory holding the files, or resolve them from a configured absolute path or //go:embed.",
	Symptom: "open <file>: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("pattern matches no files",
			"pattern matches no files: `?(?P<path>[^`\\s]+)`?\\s*$",
			"find[16740]: panic: html/template: pattern matches no files: `templates/*`"),
		rule.Sig("no such file or directory",
			`(?:^|[\s"=:])open (?P<path>[^/\s"][^\s":]*): no such file or directory"?$`,
			"The error more specifically is: open config.yml: no such file or directory"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runWorkingDirectory,
}

func runWorkingDirectory(p *rule.Pass) error {
	// Images without WORKDIR whose files the program looks for under / but which are copied
	// into another directory.
	type group struct {
		t  *deploy.Image
		ms []missing
	}
	var groups []*group
	byTarget := map[*deploy.Image]*group{}
	for _, m := range missingFiles(p.Project) {
		if m.elsewhere == "" || m.t.Image.Workdir != nil {
			continue
		}
		g := byTarget[m.t]
		if g == nil {
			g = &group{t: m.t}
			byTarget[m.t] = g
			groups = append(groups, g)
		}
		g.ms = append(g.ms, m)
	}
	for _, g := range groups {
		t, m0 := g.t, g.ms[0]
		var uses []string
		var related []rule.Related
		for _, m := range g.ms {
			uses = append(uses, fmt.Sprintf("%s %s %s", m.use.Pos.Short(), useVerb(m.use), m.use.Path))
			related = append(related, rule.Related{Pos: m.use.Pos, Message: m.use.Call + " " + m.use.Path + " is looked up at " + m.abs},
				rule.Related{Pos: m.elsewherePos, Message: "copies them to " + m.elsewhere})
		}
		sev := rule.Warning
		for _, m := range g.ms {
			if m.severity == 0 {
				sev = rule.Error
			}
		}
		p.Report(rule.Finding{
			Pos:      t.Stage.Pos,
			Severity: sev,
			Message: fmt.Sprintf("the final stage of %s sets no WORKDIR, so %s starts in %s (%s), but %s relative to the working directory and %s puts the files at %s: %s",
				t.File.Path, m0.bin.Program.Name, m0.wd, m0.wdPos.Short(), strings.Join(uses, ", "), m0.elsewherePos.Short(), m0.elsewhere, m0.consequence),
			Related: related,
			Symptom: m0.symptom,
		})
	}
	for _, u := range p.Project.Units {
		unitWorkingDirectory(p, u)
		unitScriptDirectory(p, u)
	}
	imageScriptDirectory(p)
	return nil
}

// imageScriptDirectory reports entrypoint scripts that run a program by a relative path (./app)
// without a cd before it, where the image's working directory does not hold it but another
// directory of the image does.
func imageScriptDirectory(p *rule.Pass) {
	for _, e := range entryFiles(p.Project) {
		if e.Script == nil || !strings.HasPrefix(e.By, "ENTRYPOINT") && !strings.HasPrefix(e.By, "CMD") {
			continue
		}
		wd, wdPos := e.t.Image.WorkingDir()
		if wd == "" || unexpandable(e.t.Stage) {
			continue
		}
		for _, c := range e.Script.Commands {
			if !c.Relative() || c.Dir != "" {
				continue
			}
			abs := path.Join(wd, c.Name)
			if _, ok := e.t.Image.Paths[abs]; ok || provides(e.t, abs, false) != dockerfile.No {
				continue
			}
			where, pos := fileNamed(e.t, path.Base(c.Name))
			if where == "" {
				continue
			}
			p.Report(rule.Finding{
				Pos: c.Pos,
				Message: fmt.Sprintf("%s runs %s relative to the working directory, which is %s (%s) when %s %s starts the script, but the image has no %s: the program is at %s (%s), so the script fails with \"%s: not found\"",
					c.Pos.Short(), c.Name, wd, wdPos.Short(), e.Pos.Short(), e.By, abs, where, pos.Short(), c.Name),
				Related: []rule.Related{{Pos: e.Pos, Message: e.By + " runs " + e.Path}, {Pos: pos, Message: "puts it at " + where}},
				Symptom: c.Name + ": not found",
			})
		}
	}
}

// unitScriptDirectory reports a script a unit without WorkingDirectory= runs (found by its name,
// when exactly one script of the tree has it) that starts a program by a relative path without a
// cd before it: systemd runs it in /.
func unitScriptDirectory(p *rule.Pass, u *systemd.Unit) {
	if u.Type != "service" || len(u.ExecStart) == 0 || u.WorkingDirectory != nil || u.Partial {
		return
	}
	cmd := u.ExecStart[0]
	target := cmd.Path
	if shells[path.Base(cmd.Path)] && len(cmd.Args) > 0 {
		target = cmd.Args[0]
	}
	var sc *script.Script
	for _, s := range p.Project.Scripts {
		if path.Base(s.Path) == path.Base(target) && path.Ext(target) != "" {
			if sc != nil {
				return
			}
			sc = s
		}
	}
	if sc == nil {
		return
	}
	for _, c := range sc.Commands {
		if !c.Relative() || c.Dir != "" {
			continue
		}
		p.Report(rule.Finding{
			Pos: c.Pos,
			Message: fmt.Sprintf("%s runs %s relative to the working directory, but unit %s (%s) starts the script without WorkingDirectory=, so the directory is / and the script fails with \"%s: not found\"",
				c.Pos.Short(), c.Name, u.Name, cmd.Pos.Short(), c.Name),
			Related: []rule.Related{{Pos: cmd.Pos, Message: "ExecStart runs " + target + " (" + sc.Path + ")"}},
			Symptom: c.Name + ": not found",
		})
		return
	}
}

// unitWorkingDirectory reports a service unit without WorkingDirectory= whose program reads
// files by relative path: systemd starts it in /, where they are not.
func unitWorkingDirectory(p *rule.Pass, u *systemd.Unit) {
	if u.Type != "service" || len(u.ExecStart) == 0 || u.WorkingDirectory != nil || u.Partial {
		return
	}
	cmd := u.ExecStart[0]
	prog := deploy.ByName(p.Project.Go, path.Base(cmd.Path))
	if prog == nil {
		return
	}
	var uses []*gocode.FileUse
	for _, f := range p.Project.Go.Files {
		if !prog.Reaches(f.Pkg) || f.Unresolved || f.Path == "" || f.Absolute || f.Write || f.Optional || f.EmbeddedBy != nil ||
			strings.HasPrefix(f.Call, "viper.") || strings.HasPrefix(f.Call, "godotenv.") || serving[f.Call] {
			continue
		}
		if f.Flag != "" && (mentionsFlag(cmd.Args, f.Flag) || argsUnknown(cmd)) {
			continue
		}
		if f.Env != "" && (len(u.EnvironmentFiles) > 0 || unitSets(u, f.Env)) {
			continue
		}
		if rel := path.Clean(f.Path); rel == "." || strings.HasPrefix(rel, "../") {
			continue
		}
		uses = append(uses, f)
	}
	if len(uses) == 0 {
		return
	}
	var list []string
	related := []rule.Related{{Pos: cmd.Pos, Message: "ExecStart runs " + prog.Name + ", the program of " + prog.Pos.Short()}}
	for _, f := range uses {
		list = append(list, fmt.Sprintf("%s %s %s", f.Pos.Short(), useVerb(f), describePath(f)))
		related = append(related, rule.Related{Pos: f.Pos, Message: f.Call + " " + f.Path + " is looked up at " + path.Join("/", f.Path)})
	}
	f0 := uses[0]
	consequence := fmt.Sprintf("\"open %s: no such file or directory\"", f0.Path)
	if f0.IsGlob {
		consequence = fmt.Sprintf("\"html/template: pattern matches no files: %s\"", f0.Path)
	}
	p.Report(rule.Finding{
		Pos: cmd.Pos,
		Message: fmt.Sprintf("unit %s sets no WorkingDirectory=, so systemd starts %s in /, but %s relative to the working directory: the service fails at start-up with %s",
			u.Name, prog.Name, strings.Join(list, ", "), consequence),
		Related: related,
	})
}

// argsUnknown says whether an ExecStart's arguments cannot be read literally.
func argsUnknown(cmd *systemd.Command) bool {
	for _, a := range cmd.Args {
		if strings.ContainsAny(a, "$%") {
			return true
		}
	}
	return false
}

// unitSets says whether a unit's Environment= sets the variable.
func unitSets(u *systemd.Unit, name string) bool {
	for _, v := range u.Environment {
		if v.Name == name {
			return true
		}
	}
	return false
}

// fileNamed finds a file (not a directory) of the image with the given base name; the shortest
// path wins.
func fileNamed(t *deploy.Image, base string) (string, source.Pos) {
	var best string
	var pos source.Pos
	for k, pi := range t.Image.Paths {
		if pi.Dir || path.Base(k) != base {
			continue
		}
		if best == "" || len(k) < len(best) || len(k) == len(best) && k < best {
			best, pos = k, pi.Pos
		}
	}
	return best, pos
}
