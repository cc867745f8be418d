package container

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

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
	Requires: []rule.Input{rule.Dockerfile, rule.GoCode},
	Run:      runTzdataMissing,
}

func runTzdataMissing(p *rule.Pass) error {
	g := p.Project.Go
	for _, t := range deploy.Images(p.Project) {
		im := t.Image
		if im.Zoneinfo.State != dockerfile.No || im.Env["ZONEINFO"] != nil || hasGo(im) {
			continue
		}
		tz := im.Env["TZ"]
		if tz != nil && (tz.Unresolved || !namedZone(strings.TrimPrefix(tz.Value, ":"))) {
			tz = nil
		}
		done := map[*gocode.Program]bool{}
		for _, b := range t.Binaries {
			prog := b.Program
			if prog == nil || done[prog] || prog.Reaches("time/tzdata") || slices.Contains(b.Build.Tags, "timetzdata") {
				continue
			}
			done[prog] = true
			var locs []*gocode.Location
			for _, l := range g.Locations {
				if prog.Reaches(l.Pkg) && !l.Unresolved && namedZone(l.Name) {
					locs = append(locs, l)
				}
			}
			related := []rule.Related{{Pos: binaryPos(b), Message: prog.Name + " lands at " + b.Path}}
			var needs []string
			for i, l := range locs {
				related = append(related, rule.Related{Pos: l.Pos, Message: "time.LoadLocation(\"" + l.Name + "\")"})
				if i < 2 {
					needs = append(needs, fmt.Sprintf("%s loads %q", l.Pos.Short(), l.Name))
				}
			}
			if len(locs) > 2 {
				needs = append(needs, fmt.Sprintf("%d more", len(locs)-2))
			}
			if len(locs) == 0 && tz == nil {
				continue
			}
			effect := "time.LoadLocation fails with \"unknown time zone " + firstZone(locs, tz) + "\""
			if tz != nil {
				related = append(related, rule.Related{Pos: tz.Pos, Message: "TZ=" + tz.Value})
				needs = append(needs, fmt.Sprintf("%s sets TZ=%s", tz.Pos.Short(), tz.Value))
				if len(locs) == 0 {
					effect = "time.Local silently stays UTC instead of " + tz.Value
				}
			}
			p.Report(rule.Finding{
				Pos: im.Zoneinfo.Pos,
				Message: fmt.Sprintf("%s: the image of %s has no zoneinfo (%s), and %s does not embed it (no import of time/tzdata, no -tags timetzdata), but %s: %s",
					im.Zoneinfo.Pos.Short(), t.File.Path, im.Zoneinfo.Why, prog.Name, strings.Join(needs, "; "), effect),
				Related: related,
			})
		}
	}
	return nil
}

// hasGo says whether the image holds a Go installation, whose $GOROOT/lib/time/zoneinfo.zip
// the time package reads when the system has no zoneinfo (a single-stage golang:*-alpine
// image works).
func hasGo(im *dockerfile.Image) bool {
	if im.Base.Family == "golang" || im.Base.Family == "golang-alpine" {
		return true
	}
	for _, p := range goPackages {
		if _, ok := im.Packages[p]; ok {
			return true
		}
	}
	return false
}

// namedZone says whether a zone name needs the time zone database: every name but UTC and
// Local (which the time package knows without it) and the empty string (UTC).
func namedZone(name string) bool {
	return name != "" && name != "UTC" && name != "Local"
}

func firstZone(locs []*gocode.Location, tz *dockerfile.Var) string {
	if len(locs) > 0 {
		return locs[0].Name
	}
	return strings.TrimPrefix(tz.Value, ":")
}
