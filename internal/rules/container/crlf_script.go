package container

import "github.com/shipshape-dev/shipshape/internal/rule"

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
	// Requires and Run: added with the detector.
}
