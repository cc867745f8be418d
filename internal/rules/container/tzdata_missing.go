package container

import "github.com/shipshape-dev/shipshape/internal/rule"

// TzdataMissing is a service that loads IANA time zones by name in an image without zoneinfo and
// without time/tzdata embedded.
var TzdataMissing = &rule.Rule{
	ID:       "SS2005",
	Class:    "tzdata-missing",
	Title:    "time zones loaded by name in an image without zoneinfo",
	Severity: rule.Warning,
	Doc: `**What happens.** time.LoadLocation returns an error, and code that ignores it panics later
with a nil *time.Location:

    could not load time location: unknown time zone Asia/Shanghai
    panic: time: missing Location in call to Time.In

TZ=Europe/Berlin in the environment fails the same way, silently: time.Local stays UTC.

**Why.** LoadLocation looks in ZONEINFO, then /usr/share/zoneinfo and friends, then
$GOROOT/lib/time/zoneinfo.zip, then the copy embedded by time/tzdata. In a final image there is
no GOROOT, scratch and distroless static have no /usr/share/zoneinfo, and alpine and ubuntu
images need the tzdata package. It works on the developer machine and in the golang builder, which has
all of them.

**How to confirm.**

    docker run --rm --entrypoint ls IMAGE /usr/share/zoneinfo/Europe
    grep -rn 'LoadLocation\|time/tzdata' --include=*.go .
    go version -m ./server | grep -i tzdata

**How to fix.** Embed the database (about 450 kB), or install it in the image:

    import _ "time/tzdata"       // in package main
    # or: go build -tags timetzdata
    # or: COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo`,
	Fix:     "Import time/tzdata in package main (or build with -tags timetzdata), or copy /usr/share/zoneinfo into the final image (apk add tzdata on alpine).",
	Symptom: "unknown time zone Europe/Berlin",
	Signatures: []rule.Signature{
		rule.Sig("unknown time zone",
			`unknown time zone (?P<zone>[A-Za-z][A-Za-z0-9_+\-/]*)"?\s*$`,
			"could not load time location: unknown time zone Asia/Shanghai"),
		rule.Sig("missing Location in call to",
			`(?:^|\s)(?:panic: )?(?:time: )?missing Location in call to (?:Time\.In|Date)$`,
			"panic: time: missing Location in call to Time.In"),
	},
	// Requires and Run: added with the detector.
}
