package container

import "github.com/shipshape-dev/shipshape/internal/rule"

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
	// Requires and Run: added with the detector.
}
