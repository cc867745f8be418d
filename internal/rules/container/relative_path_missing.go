package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// RelativePathMissing is a file the code opens at run time that the deployed layout does not
// contain: templates, static assets or configuration left out of the final image.
var RelativePathMissing = &rule.Rule{
	ID:       "SS2006",
	Class:    "relative-path-missing",
	Title:    "files the code opens at run time are missing from the image",
	Severity: rule.Error,
	Doc: `**What happens.** The service starts and panics while loading templates, or exits reading its
configuration:

    panic: html/template: pattern matches no files: ` + "`templates/*`" + `
    open config.yml: no such file or directory

**Why.** Multi-stage builds copy only what they name into the final stage, usually the binary.
Files the code reads at run time (Gin LoadHTMLGlob/LoadHTMLFiles, template.ParseGlob,
http.Dir/Static, os.ReadFile of a config, viper config paths) are resolved on disk, relative to
the working directory, and are not part of the binary unless a //go:embed directive covers them.
COPY a/ b/ ./ also copies the contents of a and b, not the directories, so templates/ vanishes.

**How to confirm.**

    docker run --rm --entrypoint ls IMAGE -la /app /app/templates
    grep -rnE 'LoadHTML|ParseGlob|ParseFiles|ReadFile|go:embed' --include=*.go .
    shipshape check .

**How to fix.** Embed the files, or copy them next to the binary and run from that directory:

    //go:embed templates/*
    var templates embed.FS

    # or in the final stage:
    WORKDIR /app
    COPY --from=build /src/templates ./templates`,
	Fix:     "Embed run-time files with //go:embed, or COPY them into the final stage at the path the code opens them from (relative to WORKDIR).",
	Symptom: "html/template: pattern matches no files / open <file>: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("pattern matches no files",
			"pattern matches no files: `?(?P<path>[^`\\s]+)`?\\s*$",
			"panic: html/template: pattern matches no files: templates/*"),
		rule.Sig("no such file or directory",
			`(?:^|[\s"=:])open (?P<path>[^/\s"][^\s":]*): no such file or directory"?$`,
			`time="2020-07-20T10:27:55Z" level=error msg="open config.yml: no such file or directory"`),
	},
	// Requires and Run: added with the detector.
}
