package container

import "github.com/shipshape-dev/shipshape/internal/rule"

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
	// Requires and Run: added with the detector.
}
