package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// TmpDirMissing is a service that needs a temporary directory in an image that has no /tmp.
var TmpDirMissing = &rule.Rule{
	ID:       "SS2013",
	Class:    "tmp-dir-missing",
	Title:    "temporary files written to a /tmp the image does not have",
	Severity: rule.Warning,
	Doc: `**What happens.** The service starts and serves small requests; large uploads and anything
using temporary files fail:

    failed to obtain form file: open /tmp/multipart-146208408: no such file or directory

**Why.** os.TempDir returns $TMPDIR or /tmp, and os.CreateTemp, os.MkdirTemp and
mime/multipart (ParseMultipartForm, FormFile) spill to it: file parts beyond the in-memory
limit (32 MB by default for FormFile and Gin's MaxMultipartMemory) are written there. FROM scratch has
no /tmp at all; distroless has one. A read-only root filesystem makes /tmp unwritable instead
(see SS2008).

**How to confirm.**

    docker run --rm --entrypoint ls IMAGE -ld /tmp
    grep -rnE 'CreateTemp|MkdirTemp|TempDir|ParseMultipartForm|FormFile' --include=*.go .

**How to fix.** Give the image a /tmp with the sticky bit, or point TMPDIR at a writable volume:

    FROM scratch
    COPY --from=build --chmod=1777 /tmp /tmp

    # or ENV TMPDIR=/data/tmp with a volume there`,
	Fix:     "Create /tmp in the final image (COPY --from=build --chmod=1777 /tmp /tmp) or set TMPDIR to a writable directory.",
	Symptom: "open /tmp/multipart-123: no such file or directory",
	Signatures: []rule.Signature{
		rule.Sig("/tmp/multipart-",
			`open (?P<path>/tmp/multipart-\d+): no such file or directory$`,
			"app-1  | 2025/05/25 17:49:19 failed to obtain form file: open /tmp/multipart-146208408: no such file or directory"),
	},
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runTmpDirMissing,
}

// spills are the temporary-directory uses that only some requests reach: multipart parts beyond
// the in-memory limit.
var spills = map[string]bool{"http.Request.ParseMultipartForm": true, "http.Request.FormFile": true}

// runTmpDirMissing reports uses of the default temporary directory by the program of an image
// that has no /tmp (scratch), unless the image or a compose service or Kubernetes container that
// runs it sets TMPDIR or mounts something at /tmp, or the program creates /tmp itself.
func runTmpDirMissing(p *rule.Pass) error {
	ts := deploy.Images(p.Project)
	for _, t := range ts {
		im := t.Image
		b := t.Main()
		if b == nil || im.Tmp.State != dockerfile.No || unexpandable(t.Stage) {
			continue
		}
		if tmpProvided(p, t, b) {
			continue
		}
		for _, u := range p.Project.Go.Temp {
			if !b.Program.Reaches(u.Pkg) || u.Dir != "" || u.Call == "os.TempDir" {
				continue
			}
			f := rule.Finding{
				Pos: u.Pos,
				Message: fmt.Sprintf("%s %s creates its file in the default temporary directory ($TMPDIR, else /tmp), but the image of %s (%s, %s) has no /tmp and sets no TMPDIR: when that code runs, it fails with \"open /tmp/…: no such file or directory\"",
					u.Pos.Short(), u.Call, t.File.Path, t.Stage.Base.Ref, im.Tmp.Why),
				Related: []rule.Related{{Pos: im.Tmp.Pos, Message: im.Tmp.Why + " has no /tmp"}, {Pos: b.Program.Pos, Message: "program " + b.Program.Name + " runs in the image"}},
			}
			if spills[u.Call] {
				f.Message = fmt.Sprintf("%s %s spills file parts beyond the in-memory limit to the temporary directory ($TMPDIR, else /tmp), but the image of %s (%s, %s) has no /tmp and sets no TMPDIR: large uploads fail with \"open /tmp/multipart-…: no such file or directory\"",
					u.Pos.Short(), u.Call, t.File.Path, t.Stage.Base.Ref, im.Tmp.Why)
			}
			// A warning either way: temporary files are usually made in a handler or a
			// subcommand, so the service starts and fails when that code runs.
			p.Report(f)
		}
	}
	return nil
}

// tmpProvided says whether the image or a deployment that runs it sets TMPDIR or mounts /tmp, or
// the program creates /tmp itself.
func tmpProvided(p *rule.Pass, t *deploy.Image, b *deploy.Bin) bool {
	if _, ok := t.Image.Env["TMPDIR"]; ok {
		return true
	}
	rs := deploy.Runners(p.Project, t)
	if mounted(t, rs, "/tmp") || createsTmp(p, b) {
		return true
	}
	for _, r := range rs {
		if r.SetsEnv("TMPDIR") {
			return true
		}
	}
	return false
}

// createsTmp says whether the program creates /tmp itself (os.MkdirAll("/tmp", …)).
func createsTmp(p *rule.Pass, b *deploy.Bin) bool {
	for _, f := range p.Project.Go.Files {
		if f.Write && f.IsDir && f.Absolute && b.Program.Reaches(f.Pkg) && strings.HasPrefix(path.Clean(f.Path)+"/", "/tmp/") {
			return true
		}
	}
	return false
}
