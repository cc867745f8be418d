// Package inspect is the driver of `shipshape inspect`: it turns what a built binary or image
// holds (packages binary and image) into catalog findings and a verdict: "will start",
// "will not start: <IDs>" or "cannot tell: <what is unknown>".
//
// The findings carry the IDs, classes, fixes and symptoms of the catalog's failure modes (the
// rules are data here: inspect is their detector for artifacts), so that check, inspect and
// explain speak about the same failures. What is checked, and under which ID:
//
//	image platform or binary arch vs host, ELF arch vs image   SS2003 wrong-arch
//	Mach-O, PE, object file, text without #!                   SS2003 (exec format error)
//	loader (PT_INTERP) or NEEDED library absent, libc family   SS2001 dynamic-loader-missing
//	GLIBC_x.y floor vs the image's libc.so.6 or the host       SS2002 glibc-too-old
//	entrypoint, shell of shell-form, #! interpreter, env NAME,
//	HEALTHCHECK tool, exec.Command names (--project) absent    SS2011 missing-runtime-binary
//	no exec bit, a directory                                   SS2009 exec-permission
//	#! line ending in CR                                       SS2010 crlf-script
//	USER name (or group) not in /etc/passwd (/etc/group)       SS2012 user-missing
//	WorkingDir is not a directory; relative files found only
//	next to the binary (--project)                             SS2007 working-directory
//	files the code opens absent (--project)                    SS2006 relative-path-missing
//	HTTP client or TLS dial linked, no CA bundle               SS2004 ca-certificates-missing
//	time.LoadLocation linked, no zoneinfo, no time/tzdata      SS2005 tzdata-missing
//	temp dir used (--project), no /tmp                         SS2013 tmp-dir-missing
//	listen port not in ExposedPorts (--project)                SS6001 port-mismatch
//	kernel older than the Go runtime needs (--host)            a blocker without ID
package inspect

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/binary"
	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/image"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// Options say what to compare the artifact with.
type Options struct {
	// Host is the machine the binary will run on (--host); nil when unknown.
	Host *Host
	// Project is what check knows of the source tree the artifact was built from (--project):
	// the files the code opens and the ports it listens on. Nil when not given.
	Project *facts.Project
}

// Result is what inspect found.
type Result struct {
	// Verdict is the first line of the report.
	Verdict  string
	Findings []rule.Finding
	Notes    []source.Note
	// Binary is the inspected binary, or the image's resolved entrypoint (nil when it could
	// not be read).
	Binary *binary.Facts
	// Unknown are the questions that could not be answered; they make the verdict "cannot
	// tell" when nothing fails for sure.
	Unknown []string
	// Blockers are certain failures that have no catalog ID (a kernel older than the Go
	// runtime needs, an image without a command); they count like error findings.
	Blockers []string
}

// run collects findings and unknowns.
type run struct {
	res *Result
}

// report emits a finding of catalog rule id. A zero severity takes the rule's.
func (r *run) report(id string, sev rule.Severity, pos source.Pos, symptom, format string, args ...any) {
	rl := catalog.Lookup(id)
	if rl == nil {
		// The catalog is the contract: a finding without its rule cannot be explained or
		// suppressed, so it is turned into a note rather than invented.
		r.res.Notes = append(r.res.Notes, source.Notef(pos, "%s (rule %s is not in the catalog)", fmt.Sprintf(format, args...), id))
		r.res.Unknown = append(r.res.Unknown, "rule "+id+" missing from the catalog")
		return
	}
	rule.NewPass(rl, nil, func(f rule.Finding) { r.res.Findings = append(r.res.Findings, f) }).
		Report(rule.Finding{Pos: pos, Severity: sev, Symptom: symptom, Message: fmt.Sprintf(format, args...)})
}

func (r *run) unknown(format string, args ...any) {
	r.res.Unknown = append(r.res.Unknown, fmt.Sprintf(format, args...))
}

func (r *run) block(format string, args ...any) {
	r.res.Blockers = append(r.res.Blockers, fmt.Sprintf(format, args...))
}

// finish sorts, de-duplicates and writes the verdict.
func (r *run) finish() *Result {
	res := r.res
	seen := map[string]bool{}
	out := res.Findings[:0]
	for _, f := range res.Findings {
		if !seen[f.Key()] {
			seen[f.Key()] = true
			out = append(out, f)
		}
	}
	res.Findings = out
	sort.SliceStable(res.Findings, func(i, j int) bool { return rule.Less(res.Findings[i], res.Findings[j]) })
	res.Verdict = Verdict(res.Findings, res.Blockers, res.Unknown)
	return res
}

// Verdict is "will not start: <error IDs and blockers>" when something fails for sure, else
// "cannot tell: <unknowns>" when a question stayed open, else "will start". Warnings do not
// change it: the service starts, and the warning says what fails later.
func Verdict(findings []rule.Finding, blockers, unknown []string) string {
	var ids []string
	seen := map[string]bool{}
	for _, f := range findings {
		if f.Severity >= rule.Error && !seen[f.ID] {
			seen[f.ID] = true
			ids = append(ids, f.ID)
		}
	}
	sort.Strings(ids)
	if len(ids)+len(blockers) > 0 {
		return "will not start: " + strings.Join(append(ids, blockers...), ", ")
	}
	if len(unknown) > 0 {
		return "cannot tell: " + strings.Join(dedupe(unknown), "; ")
	}
	return "will start"
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// Binary inspects an executable on disk, against opt.Host when given.
func Binary(path string, opt Options) (*Result, error) {
	b, err := binary.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return BinaryFacts(b, opt), nil
}

// BinaryFacts inspects the facts of an executable against opt.Host.
func BinaryFacts(b *binary.Facts, opt Options) *Result {
	r := &run{res: &Result{Binary: b}}
	pos := source.Pos{File: b.Path}
	if !r.linuxExecutable(b, pos) {
		return r.finish()
	}
	h := opt.Host
	if h == nil {
		r.unknown("no target to compare the binary with (give --host snapshot.json, or inspect the image it ships in)")
		return r.finish()
	}
	if b.Format == binary.Script {
		r.unknown("%s is a script; inspect its interpreter on the host", b.Path)
		return r.finish()
	}
	if arch := h.GoArch(); arch != "" && b.Arch != arch {
		r.report("SS2003", 0, pos, "exec "+b.Path+": exec format error",
			"%s is %s but the host is %s: the kernel refuses it with exec format error", b.Path, b.Describe(), arch)
	}
	if !b.Static {
		switch {
		case h.Libc.Family == "":
			r.unknown("the host's C library (the snapshot has no libc.family)")
		case b.Libc != "" && b.Libc != h.Libc.Family:
			r.report("SS2001", 0, pos, "exec "+b.Path+": no such file or directory",
				"%s is linked against %s (interpreter %s) but the host has %s: the loader is missing and exec fails with no such file or directory",
				b.Path, b.Libc, b.Interp, h.Libc.Family)
		case b.Libc == "glibc" && b.GlibcFloor != "":
			if h.Libc.Version == "" {
				r.unknown("the host's glibc version")
			} else if binary.CompareVersions(b.GlibcFloor, h.Libc.Version) > 0 {
				r.report("SS2002", 0, pos, fmt.Sprintf("version `GLIBC_%s' not found", b.GlibcFloor),
					"%s needs glibc %s (%s) but the host has glibc %s", b.Path, b.GlibcFloor, floorSymbol(b), h.Libc.Version)
			}
		}
	}
	if b.Go != nil && b.Go.MinKernel != "" {
		switch k := h.KernelVersion(); {
		case k == "":
			r.unknown("the host's kernel version")
		case binary.CompareVersions(k, b.Go.MinKernel) < 0:
			r.block("kernel %s is older than the %s that %s requires", h.Kernel, b.Go.MinKernel, b.Go.Version)
		}
	}
	return r.finish()
}

func floorSymbol(b *binary.Facts) string {
	if b.GlibcFloorSymbol != "" {
		return "for " + b.GlibcFloorSymbol + "@GLIBC_" + b.GlibcFloor
	}
	return "GLIBC_" + b.GlibcFloor
}

// linuxExecutable reports a binary Linux cannot execute at all; it returns false then.
func (r *run) linuxExecutable(b *binary.Facts, pos source.Pos) bool {
	switch b.Format {
	case binary.MachO, binary.PE:
		r.report("SS2003", 0, pos, "exec "+b.Path+": exec format error",
			"%s is a %s executable (built for %s/%s): Linux refuses it with exec format error; build with GOOS=linux",
			b.Path, b.Format, b.OS, b.Arch)
		return false
	case binary.Unknown:
		r.report("SS2003", 0, pos, "exec "+b.Path+": exec format error",
			"%s is neither an ELF executable nor a script starting with #!: Linux refuses it with exec format error", b.Path)
		return false
	}
	return true
}

// Image inspects a read image.
func Image(img *image.Facts, opt Options) *Result {
	r := &run{res: &Result{Notes: append([]source.Note(nil), img.Notes...)}}
	c := &imageCheck{run: r, img: img, fs: img.FS, opt: opt}
	c.check()
	return r.finish()
}
