package container

import (
	"fmt"
	"path"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// CRLFScript is a shell script with Windows line endings used as an entrypoint or command.
var CRLFScript = &rule.Rule{
	ID:       "SS2010",
	Class:    "crlf-script",
	Title:    "script has CRLF line endings",
	Severity: rule.Error,
	Doc: `**What happens.** The container exits at once, claiming that a script which is plainly in the
image does not exist:

    exec /docker-entrypoint.sh: no such file or directory

**Why.** With CRLF line endings the shebang line is #!/bin/sh followed by a carriage return,
so the kernel looks for an interpreter named "/bin/sh\r", finds none, and execve returns ENOENT,
reported against the script's path. When the script is run through a shell instead, the \r
breaks each command ("set: illegal option -", "$'\r': command not found"). Git on Windows with
core.autocrlf=true converts LF to CRLF on checkout, and COPY preserves the bytes.

**How to confirm.**

    file entrypoint.sh                 # "with CRLF line terminators"
    head -1 entrypoint.sh | od -c | head -2
    docker run --rm --entrypoint cat IMAGE /docker-entrypoint.sh | od -c | head -2

**How to fix.** Store shell scripts with LF endings whatever the checkout platform:

    # .gitattributes
    *.sh text eol=lf

and convert the existing files (dos2unix, or sed -i 's/\r$//' in the Dockerfile before chmod).`,
	Fix:     "Convert the script to LF line endings and add '*.sh text eol=lf' to .gitattributes so Windows checkouts keep them.",
	Symptom: "exec /entrypoint.sh: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("no such file or directory",
			`(?:^|\| |: )exec (?P<path>\.{0,2}/\S+): no such file or directory$`,
			"exec /usr/local/bin/entrypoint.sh: no such file or directory"),
		rule.Sig(`\r`,
			`(?:^|\s)/usr/bin/env: ['‘"]?(?P<path>[^'’"\s]+)\\r['’"]?: No such file or directory$`,
			`/usr/bin/env: 'bash\r': No such file or directory`),
		rule.Sig("illegal option -",
			`(?:^|\s)(?P<path>\S+): (?:\d+: )?set: (?:line \d+: )?[Ii]llegal option -$`,
			"/config/entrypoint.sh: set: line 2: illegal option -"),
	},
	Requires: []rule.Input{rule.Script},
	Run:      runCRLFScript,
}

// runCRLFScript reports scripts with CRLF line endings that an image runs at start-up (directly,
// through a shell, or from its entrypoint script), unless a RUN converts them; and scripts a
// unit's ExecStart names when exactly one script of the tree has that name.
func runCRLFScript(p *rule.Pass) error {
	for _, e := range entryFiles(p.Project) {
		sc := e.Script
		if sc == nil || !sc.CRLF || runsScriptText(e, "dos2unix", `\r`, "fromdos") {
			continue
		}
		what := crlfConsequence(sc, e.Path, e.Direct)
		p.Report(rule.Finding{
			Pos: e.Pos,
			Message: fmt.Sprintf("%s %s runs %s, copied from %s (%s), which has CRLF line endings (first at %s): %s",
				e.Pos.Short(), e.By, e.Path, e.Src, e.Info.Pos.Short(), sc.FirstCRLF.Short(), what),
			Related: []rule.Related{{Pos: sc.FirstCRLF, Message: "line ends in CR LF"}, {Pos: e.Info.Pos, Message: "copies " + e.Src + " to " + e.Path}},
			Symptom: crlfSymptom(sc, e.Path, e.Direct),
		})
	}
	byName := map[string][]*script.Script{}
	for _, sc := range p.Project.Scripts {
		byName[path.Base(sc.Path)] = append(byName[path.Base(sc.Path)], sc)
	}
	for _, u := range p.Project.Units {
		for _, cmd := range append(append([]*systemd.Command(nil), u.ExecStartPre...), u.ExecStart...) {
			target, direct := cmd.Path, true
			if shells[path.Base(cmd.Path)] && len(cmd.Args) > 0 {
				target, direct = cmd.Args[0], false
			}
			cands := byName[path.Base(target)]
			if len(cands) != 1 || !cands[0].CRLF || path.Ext(target) == "" && cands[0].Shebang == nil {
				continue
			}
			sc := cands[0]
			p.Report(rule.Finding{
				Pos: cmd.Pos,
				Message: fmt.Sprintf("unit %s runs %s, which is %s of the repository, with CRLF line endings (first at %s): %s",
					u.Name, target, sc.Path, sc.FirstCRLF.Short(), crlfConsequence(sc, target, direct)),
				Related: []rule.Related{{Pos: sc.FirstCRLF, Message: "line ends in CR LF"}},
				Symptom: crlfSymptom(sc, target, direct),
			})
		}
	}
	return nil
}

func crlfConsequence(sc *script.Script, p string, direct bool) string {
	if direct && sc.Shebang != nil {
		return fmt.Sprintf("the kernel looks for the interpreter %q with a trailing carriage return, finds none, and the start fails with %q", sc.Shebang.Path, crlfSymptom(sc, p, direct))
	}
	return "every command line ends in a carriage return, so the shell fails on it (\"$'\\r': command not found\", \"set: illegal option -\")"
}

func crlfSymptom(sc *script.Script, p string, direct bool) string {
	if direct && sc.Shebang != nil {
		if sc.Shebang.Path == "/usr/bin/env" {
			return fmt.Sprintf("/usr/bin/env: '%s\\r': No such file or directory", sc.Shebang.Interpreter)
		}
		return "exec " + p + ": no such file or directory"
	}
	return "set: illegal option -"
}
