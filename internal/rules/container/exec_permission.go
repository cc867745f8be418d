package container

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/script"
)

// ExecPermission is an entrypoint, command or script that is not executable in the image.
var ExecPermission = &rule.Rule{
	ID:       "SS2009",
	Class:    "exec-permission",
	Title:    "entrypoint or script is not executable",
	Severity: rule.Error,
	Doc: `**What happens.** The container does not start:

    exec: "/entrypoint.sh": permission denied: unknown
    standard_init_linux.go:190: exec user process caused "permission denied"

**Why.** execve needs the execute bit for the user the process runs as. COPY and ADD keep the
mode from the build context, and the build context gets it from the checkout: a script committed
without +x (git mode 100644 rather than 100755), or created on Windows or extracted from a zip,
arrives as 0644. A binary copied with COPY --chmod=644, or a volume mounted noexec over the
binary's directory, fails the same way.

**How to confirm.**

    git ls-files -s entrypoint.sh           # 100644 means not executable
    docker run --rm --entrypoint ls IMAGE -l /entrypoint.sh
    shipshape check .

**How to fix.** Record the bit in git, or set it when copying:

    git update-index --chmod=+x entrypoint.sh

    COPY --chmod=755 entrypoint.sh /entrypoint.sh`,
	Fix:     "Commit the script with the executable bit (git update-index --chmod=+x) or copy it with COPY --chmod=755.",
	Symptom: `exec: "/entrypoint.sh": permission denied`,
	Signatures: []rule.Signature{
		rule.Sig("permission denied",
			`exec: \\*"(?P<path>[^"\\]+)\\*": permission denied`,
			`docker: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "/entrypoint.sh": permission denied: unknown.`),
		rule.Sig("exec user process caused",
			`standard_init_linux\.go:\d+: exec user process caused:? "?permission denied"?$`,
			`standard_init_linux.go:190: exec user process caused "permission denied"`),
	},
	Requires: []rule.Input{rule.Dockerfile},
	Run:      runExecPermission,
}

// runExecPermission reports files of the tree that an image executes directly at start-up (its
// ENTRYPOINT or CMD, through tini or sh -c, and the scripts they run by path) and that arrive
// without an execute bit: git's mode decides for every clone and CI build, the disk's for an
// untracked file. COPY --chmod and RUN chmod after the copy fix it.
func runExecPermission(p *rule.Pass) error {
	for _, e := range entryFiles(p.Project) {
		if !e.Direct {
			continue
		}
		if ok, _ := modeFixed(e); ok || runsScriptText(e, "chmod") {
			continue
		}
		f := p.Project.Tree.Get(e.Src)
		index, disk := uint32(0), f.Mode&0o111 != 0
		if e.Script != nil {
			index, disk = e.Script.IndexMode, e.Script.Executable
		}
		var why string
		sev := rule.Error
		switch {
		case index == script.ModeRegular:
			why = fmt.Sprintf("git records %s as mode 100644 (no execute bit), so every clone and CI build copies it without one", e.Src)
		case index == 0 && !disk:
			why = fmt.Sprintf("%s has no execute bit (mode %04o)", e.Src, f.Mode.Perm())
		case index == script.ModeExecutable && !disk:
			sev = rule.Warning
			why = fmt.Sprintf("%s lost its execute bit in this checkout (git records 100755), so images built from it fail", e.Src)
		default:
			continue
		}
		related := []rule.Related{{Pos: e.Info.Pos, Message: "copies " + e.Src + " to " + e.Path + " without --chmod"}}
		p.Report(rule.Finding{
			Pos:      e.Pos,
			Severity: sev,
			Message: fmt.Sprintf("%s %s runs %s, copied from %s at %s; %s and no COPY --chmod or RUN chmod sets it: the container does not start (exec: \"%s\": permission denied)",
				e.Pos.Short(), e.By, e.Path, e.Src, e.Info.Pos.Short(), why, e.Path),
			Related: related,
			Symptom: fmt.Sprintf("exec: %q: permission denied", e.Path),
		})
	}
	return nil
}
