package dockerfile

import (
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Tri is a property that may be unknown.
type Tri int8

const (
	Unknown Tri = iota
	No
	Yes
)

func (t Tri) String() string { return [...]string{"unknown", "no", "yes"}[t] }

// Libc families.
const (
	LibcUnknown = "unknown"
	LibcGlibc   = "glibc"
	LibcMusl    = "musl"
	LibcUClibc  = "uclibc"
	LibcNone    = "none"
)

// BaseInfo is what is known about a base image before the Dockerfile changes it. A zero value
// (Known false) means the image is not in the table: every property is Unknown.
type BaseInfo struct {
	Known bool
	// Family names the table row: scratch, distroless-static, distroless-base, distroless-cc,
	// alpine, busybox, debian, ubuntu, chainguard-static, chainguard-glibc-dynamic, golang,
	// golang-alpine, ubi, amazonlinux.
	Family string
	// Distro is the release ("debian bookworm", "alpine 3.20"), "" when unknown.
	Distro string
	Libc   string
	// GlibcVersion is the glibc release ("2.36"); with GlibcAtLeast it is a lower bound (the tag
	// floats between releases).
	GlibcVersion string
	GlibcAtLeast bool
	// CABundle is /etc/ssl/certs/ca-certificates.crt (or the distro's equivalent).
	CABundle Tri
	// Zoneinfo is /usr/share/zoneinfo.
	Zoneinfo Tri
	// Shell is /bin/sh.
	Shell  Tri
	Passwd Tri
	Tmp    Tri
	// GCC is a C compiler (what cgo needs in a builder).
	GCC Tri
	// Users are the accounts in /etc/passwd, by name, with their uid.
	Users map[string]int
	// User is the default USER ("" is root).
	User string
	// Workdir is the default working directory.
	Workdir string
	// PkgManager is apk, apt-get, microdnf, dnf or yum; "" when there is none.
	PkgManager string
	// Commands are programs known to be on the PATH; Absent are programs known not to be
	// (curl on Alpine and Debian). Exhaustive says Commands is the complete list (scratch,
	// distroless): anything else is absent.
	Commands   []string
	Absent     []string
	Exhaustive bool
}

// Command lists per family. BusyBox provides Alpine's and busybox's; Debian and Ubuntu images
// carry the "required" packages (coreutils, dash, bash, grep, sed, tar, gzip, findutils, mawk,
// passwd, login) but not curl, wget, procps or iproute2; the golang images add
// buildpack-deps:scm (curl, wget, git) and gcc/make; golang:*-alpine has neither git nor gcc.
var (
	coreutils = []string{"sh", "cat", "ls", "cp", "mv", "rm", "ln", "mkdir", "chmod", "chown", "echo", "env",
		"sleep", "test", "true", "false", "id", "date", "head", "tail", "sort", "uniq", "wc", "tee", "basename",
		"dirname", "readlink", "timeout", "grep", "sed", "tar", "gzip", "find", "xargs", "kill", "hostname"}
	busyboxTools = append([]string{"ash", "wget", "nc", "ping", "ps", "awk", "vi", "netstat", "nslookup", "ip",
		"which", "su", "adduser", "addgroup", "top"}, coreutils...)
	debianTools   = append([]string{"bash", "dash", "awk", "su", "useradd", "groupadd", "which"}, coreutils...)
	debianAbsent  = []string{"curl", "wget", "ps", "ip", "ping", "nc", "netstat", "git", "gcc", "make", "vi"}
	alpineAbsent  = []string{"curl", "bash", "git", "gcc", "make", "useradd", "groupadd"}
	golangTools   = append([]string{"curl", "wget", "git", "gcc", "make", "go"}, debianTools...)
	golangAlpine  = append([]string{"go"}, busyboxTools...)
	distrolessDbg = []string{"busybox"}
)

// The table. Sources: the images' published Dockerfiles and package lists —
// distroless (github.com/GoogleContainerTools/distroless: static has ca-certificates, tzdata,
// /etc/passwd with root, nobody 65534 and nonroot 65532, /tmp, no shell; base adds glibc; cc
// adds libgcc/libstdc++; :debug adds BusyBox under /busybox), Alpine (musl, BusyBox /bin/sh,
// ca-certificates-bundle since 3.13, no tzdata), Debian (glibc per release: buster 2.28,
// bullseye 2.31, bookworm 2.36, trixie 2.41; no ca-certificates; tzdata dropped from the
// required set in bookworm), Ubuntu (18.04 2.27, 20.04 2.31, 22.04 2.35, 24.04 2.39; no
// ca-certificates, no tzdata), Chainguard static (like distroless static, USER 65532),
// golang (buildpack-deps:<release>-scm plus gcc and libc6-dev, WORKDIR /go; the Debian release
// of an untagged variant follows the Go version: ≤1.15 buster, 1.16–1.20 bullseye,
// 1.21–1.23 bookworm, ≥1.24 bookworm or trixie depending on when the tag was pulled, so glibc
// is a lower bound), golang:*-alpine (musl, ca-certificates, no gcc), Red Hat UBI
// (8: glibc 2.28, 9: 2.34, 10: 2.39) and Amazon Linux (2: 2.26, 2023: 2.34).
var (
	debianGlibc = map[string]string{"stretch": "2.24", "buster": "2.28", "bullseye": "2.31", "bookworm": "2.36", "trixie": "2.41",
		"9": "2.24", "10": "2.28", "11": "2.31", "12": "2.36", "13": "2.41"}
	debianName       = map[string]string{"9": "stretch", "10": "buster", "11": "bullseye", "12": "bookworm", "13": "trixie"}
	ubuntuGlibc      = map[string]string{"18.04": "2.27", "bionic": "2.27", "20.04": "2.31", "focal": "2.31", "22.04": "2.35", "jammy": "2.35", "24.04": "2.39", "noble": "2.39"}
	distrolessDebian = map[string]string{"": "bookworm", "debian10": "buster", "debian11": "bullseye", "debian12": "bookworm", "debian13": "trixie"}
	baseUsers        = map[string]int{"root": 0, "nobody": 65534}
	distrolessUsers  = map[string]int{"root": 0, "nobody": 65534, "nonroot": 65532}
)

// normalizeRepo drops the default registry and library/ prefix.
func normalizeRepo(repo string) string {
	repo = strings.ToLower(repo)
	for _, p := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		repo = strings.TrimPrefix(repo, p)
	}
	return strings.TrimPrefix(repo, "library/")
}

// Lookup returns the table's knowledge of an image reference ("alpine:3.20",
// "gcr.io/distroless/static-debian12:nonroot@sha256:…"). Images missing from the table, and
// tags the table cannot place, yield Known false.
func Lookup(ref string) BaseInfo {
	b := lookup(ref)
	// Callers may change their copy.
	b.Users = maps.Clone(b.Users)
	b.Commands, b.Absent = slices.Clone(b.Commands), slices.Clone(b.Absent)
	return b
}

func lookup(ref string) BaseInfo {
	if strings.EqualFold(ref, "scratch") {
		return BaseInfo{Known: true, Family: "scratch", Libc: LibcNone, CABundle: No, Zoneinfo: No,
			Shell: No, Passwd: No, Tmp: No, GCC: No, Workdir: "/", Exhaustive: true}
	}
	r, tag, _ := splitRef(ref)
	repo := normalizeRepo(r)
	if strings.Contains(ref, "$") {
		return BaseInfo{}
	}
	last := repo[strings.LastIndex(repo, "/")+1:]
	switch {
	case strings.HasPrefix(repo, "gcr.io/distroless/"):
		return distroless(last, tag)
	case repo == "alpine":
		return alpine(tag)
	case repo == "busybox":
		return busybox(tag)
	case repo == "debian":
		return debian(tag)
	case repo == "ubuntu":
		return ubuntu(tag)
	case repo == "cgr.dev/chainguard/static" || repo == "chainguard/static":
		return BaseInfo{Known: true, Family: "chainguard-static", Libc: LibcNone, CABundle: Yes, Zoneinfo: Yes,
			Shell: No, Passwd: Yes, Tmp: Yes, GCC: No, Users: distrolessUsers, User: "65532", Workdir: "/", Exhaustive: true}
	case repo == "cgr.dev/chainguard/glibc-dynamic" || repo == "chainguard/glibc-dynamic":
		// Rolling glibc (Wolfi), newer than any Debian release in the table.
		return BaseInfo{Known: true, Family: "chainguard-glibc-dynamic", Libc: LibcGlibc, GlibcVersion: "2.38", GlibcAtLeast: true,
			CABundle: Yes, Zoneinfo: Unknown, Shell: No, Passwd: Yes, Tmp: Yes, GCC: No, Users: distrolessUsers, User: "65532", Workdir: "/", Exhaustive: true}
	case repo == "golang":
		return golang(tag)
	case strings.Contains(repo, "ubi") && (strings.HasPrefix(repo, "registry.access.redhat.com/") || strings.HasPrefix(repo, "redhat/") || strings.HasPrefix(repo, "registry.redhat.io/")):
		return ubi(repo)
	case repo == "amazonlinux" || repo == "public.ecr.aws/amazonlinux/amazonlinux":
		return amazonlinux(tag)
	}
	return BaseInfo{}
}

func distroless(name, tag string) BaseInfo {
	kind, deb, _ := strings.Cut(name, "-")
	release, ok := distrolessDebian[deb]
	if !ok {
		return BaseInfo{}
	}
	b := BaseInfo{Known: true, Distro: "debian " + release, CABundle: Yes, Zoneinfo: Yes, Shell: No,
		Passwd: Yes, Tmp: Yes, GCC: No, Users: distrolessUsers, Workdir: "/"}
	switch kind {
	case "static":
		b.Family, b.Libc = "distroless-static", LibcNone
	case "base", "base-nossl":
		b.Family, b.Libc, b.GlibcVersion = "distroless-base", LibcGlibc, debianGlibc[release]
		if kind == "base-nossl" {
			b.CABundle = No
		}
	case "cc":
		b.Family, b.Libc, b.GlibcVersion = "distroless-cc", LibcGlibc, debianGlibc[release]
	default:
		return BaseInfo{}
	}
	if strings.Contains(tag, "nonroot") {
		b.User = "65532" // the image config says 65532 since distroless PR #375, not the name
		b.Workdir = "/home/nonroot"
	}
	b.Exhaustive = true
	if strings.Contains(tag, "debug") {
		b.Shell = Unknown // BusyBox at /busybox/sh, not /bin/sh
		b.Exhaustive, b.Commands = false, distrolessDbg
	}
	return b
}

// alpineVersion parses "3.20", "3.20.1", returning minor (3.x → x) or -1.
func alpineVersion(tag string) int {
	major, rest, ok := strings.Cut(tag, ".")
	if !ok || major != "3" {
		return -1
	}
	minor, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(minor)
	if err != nil {
		return -1
	}
	return n
}

func alpine(tag string) BaseInfo {
	b := BaseInfo{Known: true, Family: "alpine", Libc: LibcMusl, Zoneinfo: No, Shell: Yes, Passwd: Yes,
		Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/", PkgManager: "apk", Commands: busyboxTools, Absent: alpineAbsent}
	switch v := alpineVersion(tag); {
	case tag == "" || tag == "latest" || tag == "edge" || v >= 13:
		b.CABundle = Yes
		if v >= 0 {
			b.Distro = "alpine " + tag
		}
	default:
		b.CABundle = Unknown
	}
	return b
}

func busybox(tag string) BaseInfo {
	b := BaseInfo{Known: true, Family: "busybox", Libc: LibcUnknown, CABundle: No, Zoneinfo: No, Shell: Yes,
		Passwd: Yes, Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/", Commands: busyboxTools, Absent: alpineAbsent}
	switch {
	case strings.Contains(tag, "musl"):
		b.Libc = LibcMusl
	case strings.Contains(tag, "glibc"):
		b.Libc = LibcGlibc
	case strings.Contains(tag, "uclibc"):
		b.Libc = LibcUClibc
	}
	return b
}

func debian(tag string) BaseInfo {
	release := strings.TrimSuffix(tag, "-slim")
	if i := strings.IndexAny(release, ".-"); i >= 0 {
		release = release[:i] // 12.5, bookworm-20240101
	}
	if n, ok := debianName[release]; ok {
		release = n
	}
	g, ok := debianGlibc[release]
	if !ok {
		return BaseInfo{}
	}
	b := BaseInfo{Known: true, Family: "debian", Distro: "debian " + release, Libc: LibcGlibc, GlibcVersion: g,
		CABundle: No, Zoneinfo: Yes, Shell: Yes, Passwd: Yes, Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/", PkgManager: "apt-get",
		Commands: debianTools, Absent: debianAbsent}
	if release == "bookworm" || release == "trixie" {
		b.Zoneinfo = No
	}
	return b
}

func ubuntu(tag string) BaseInfo {
	v := tag
	if i := strings.IndexAny(v, "-"); i >= 0 {
		v = v[:i]
	}
	if strings.Count(v, ".") == 2 { // 22.04.1 → 22.04
		v = v[:strings.LastIndex(v, ".")]
	}
	g, ok := ubuntuGlibc[v]
	if !ok {
		return BaseInfo{}
	}
	b := BaseInfo{Known: true, Family: "ubuntu", Distro: "ubuntu " + v, Libc: LibcGlibc, GlibcVersion: g,
		CABundle: No, Zoneinfo: No, Shell: Yes, Passwd: Yes, Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/", PkgManager: "apt-get",
		Commands: debianTools, Absent: debianAbsent}
	if g == "2.39" {
		b.Users = map[string]int{"root": 0, "nobody": 65534, "ubuntu": 1000}
	}
	return b
}

// golang models the official golang builder images.
func golang(tag string) BaseInfo {
	version, variant, _ := strings.Cut(tag, "-")
	b := BaseInfo{Known: true, Family: "golang", Libc: LibcGlibc, CABundle: Yes, Zoneinfo: Unknown, Shell: Yes,
		Passwd: Yes, Tmp: Yes, GCC: Yes, Users: baseUsers, Workdir: "/go", PkgManager: "apt-get", Commands: golangTools}
	if strings.HasPrefix(version, "alpine") || version == "latest" || version == "" { // golang:alpine3.21
		variant, version = version, ""
		if variant == "latest" {
			variant = ""
		}
	}
	switch {
	case strings.HasPrefix(variant, "alpine"):
		b.Family, b.Libc, b.GCC, b.PkgManager, b.Zoneinfo = "golang-alpine", LibcMusl, No, "apk", No
		b.Commands, b.Absent = golangAlpine, alpineAbsent
		if v := strings.TrimPrefix(variant, "alpine"); v != "" {
			b.Distro = "alpine " + v
		}
		return b
	case variant != "":
		g, ok := debianGlibc[variant]
		if !ok {
			return BaseInfo{} // windowsservercore, nanoserver, …
		}
		b.Distro, b.GlibcVersion = "debian "+variant, g
		return b
	}
	minor := goMinor(version)
	switch {
	case minor < 0:
		b.GlibcVersion, b.GlibcAtLeast = "2.36", true // latest or an unparsable tag: bookworm or newer
	case minor <= 15:
		b.Distro, b.GlibcVersion = "debian buster", "2.28"
	case minor <= 20:
		b.Distro, b.GlibcVersion = "debian bullseye", "2.31"
	case minor <= 23:
		b.Distro, b.GlibcVersion = "debian bookworm", "2.36"
	default:
		b.GlibcVersion, b.GlibcAtLeast = "2.36", true
	}
	return b
}

// goMinor parses "1.22", "1.22.3", "1.22rc1" into 22; -1 when not a Go version.
func goMinor(v string) int {
	rest, ok := strings.CutPrefix(v, "1.")
	if !ok {
		return -1
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	n, err := strconv.Atoi(rest[:end])
	if err != nil {
		return -1
	}
	return n
}

func ubi(repo string) BaseInfo {
	b := BaseInfo{Known: true, Family: "ubi", Libc: LibcGlibc, CABundle: Yes, Zoneinfo: Unknown, Shell: Yes,
		Passwd: Yes, Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/", PkgManager: "dnf"}
	switch {
	case strings.Contains(repo, "ubi8"):
		b.Distro, b.GlibcVersion, b.PkgManager = "rhel 8", "2.28", "yum"
	case strings.Contains(repo, "ubi9"):
		b.Distro, b.GlibcVersion = "rhel 9", "2.34"
	case strings.Contains(repo, "ubi10"):
		b.Distro, b.GlibcVersion = "rhel 10", "2.39"
	default:
		return BaseInfo{}
	}
	switch {
	case strings.HasSuffix(repo, "-micro"):
		b.PkgManager, b.CABundle, b.Shell = "", Unknown, Unknown
	case strings.HasSuffix(repo, "-minimal"):
		b.PkgManager = "microdnf"
	}
	return b
}

func amazonlinux(tag string) BaseInfo {
	b := BaseInfo{Known: true, Family: "amazonlinux", Libc: LibcGlibc, CABundle: Yes, Zoneinfo: Unknown, Shell: Yes,
		Passwd: Yes, Tmp: Yes, GCC: No, Users: baseUsers, Workdir: "/"}
	switch {
	case tag == "2" || strings.HasPrefix(tag, "2."):
		b.Distro, b.GlibcVersion, b.PkgManager = "amazonlinux 2", "2.26", "yum"
	case tag == "2023" || strings.HasPrefix(tag, "2023") || tag == "" || tag == "latest":
		b.Distro, b.GlibcVersion, b.PkgManager = "amazonlinux 2023", "2.34", "dnf"
	default:
		return BaseInfo{}
	}
	return b
}

// baseWorkdir is the working directory a stage starts in: the base's own, or Docker's default.
func baseWorkdir(b Base) string {
	if info := Lookup(b.Ref); info.Known && info.Workdir != "" {
		return info.Workdir
	}
	return "/"
}

// MarshalText renders the state as "unknown", "no" or "yes" in JSON.
func (t Tri) MarshalText() ([]byte, error) { return []byte(t.String()), nil }
