package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// MountSourceMissing is a compose bind mount whose host source does not exist, which Docker
// creates as an empty directory.
var MountSourceMissing = &rule.Rule{
	ID:       "SS2014",
	Class:    "mount-source-missing",
	Title:    "bind-mount source does not exist and becomes a directory",
	Severity: rule.Error,
	Doc: `**What happens.** The service finds a directory where it expects its configuration file:

    Can't open configuration file: read config.yml: is a directory

or, when the image has a file at the target, the container cannot start:

    not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)?

**Why.** With the short volume syntax (./config.yml:/app/config.yml) Docker creates a missing
host source as an empty directory, for backward compatibility, and bind-mounts it. The directory
stays on the host, so creating the file later fails too. It happens on every fresh clone when the
file is generated, git-ignored, or copied from config.example.yml by a documented step that was
skipped.

**How to confirm.**

    docker compose config | grep -A3 'type: bind'
    ls -ld ./config.yml                      # a directory?
    docker compose run --rm --entrypoint ls SERVICE -ld /app/config.yml

**How to fix.** Commit the file (or a default), create it before compose up, and make compose
fail instead of inventing a directory:

    volumes:
      - type: bind
        source: ./config.yml
        target: /app/config.yml
        bind:
          create_host_path: false`,
	Fix:     "Make sure every bind-mount source exists in the repository or is created before compose up, and use the long syntax with bind.create_host_path: false so a missing file fails loudly.",
	Symptom: "read config.yml: is a directory",
	Signatures: []rule.Signature{
		rule.Sig("is a directory",
			`read (?P<path>\S+): is a directory"?$`,
			"lookout_1   | Can't open configuration file: read config.yml: is a directory"),
		rule.Sig("mount a directory onto a file",
			`Are you trying to mount a directory onto a file \(or vice-versa\)\?`,
			"not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"),
	},
	// Requires and Run: added with the detector.
}
