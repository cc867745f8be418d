package container

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
)

// FilePermission is a write the service makes at run time to a place its deployment does not let
// it write: a read-only root filesystem, ProtectSystem=strict, or a root-owned directory while
// running as a non-root user.
var FilePermission = &rule.Rule{
	ID:       "SS2008",
	Class:    "file-permission",
	Title:    "service writes where its user or filesystem does not allow",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits, or fails the first time it writes a log, cache, database
or upload:

    open /tmp/app.log: read-only file system
    mkdir /app/data: permission denied

**Why.** Three common set-ups forbid writes the code assumes: Kubernetes
readOnlyRootFilesystem: true and docker run --read-only make every path outside mounted volumes
read-only (EROFS), /tmp included; systemd ProtectSystem=strict does the same for the whole tree
except /dev, /proc, /sys and the paths in ReadWritePaths= or StateDirectory=/LogsDirectory=;
and USER nonroot (65532 in distroless :nonroot) cannot create files in directories that COPY
(without --chown), ADD or RUN mkdir created as root (EACCES).

**How to confirm.**

    kubectl get pod POD -o jsonpath='{.spec.containers[*].securityContext}'
    systemctl show -p ProtectSystem -p ReadWritePaths myservice
    docker run --rm --entrypoint ls IMAGE -ldn /app /app/data
    shipshape check .

**How to fix.** Give the process a writable place and point it there:

    COPY --from=build --chown=65532:65532 /out/data /app/data

    # Kubernetes: an emptyDir mounted at /tmp or /app/data
    # systemd:   StateDirectory=myservice   (-> /var/lib/myservice, writable)`,
	Fix:     "Write only to mounted volumes or declared writable paths (emptyDir, StateDirectory=, ReadWritePaths=), and chown directories the non-root user writes to (COPY --chown).",
	Symptom: "open <path>: read-only file system / permission denied",
	Signatures: []rule.Signature{
		rule.Sig("read-only file system",
			`(?:open|mkdir|create|remove|rename|symlink|link) (?P<path>/\S+): read-only file system"?$`,
			"log: exiting because of error: log: cannot create log: open /tmp/vsphere-cloud-controller-manager.p-golovin-vsphere-master-0.nobody.log.WARNING.20201217-085031.1: read-only file system"),
		rule.Sig("permission denied",
			`(?:^|[\s"=:])(?:open|mkdir|create|remove|rename) (?P<path>/\S+): permission denied"?$`,
			"Error saving credentials: mkdir /home/app: permission denied"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runFilePermission,
}

// write is a path the program writes at run time, resolved against a working directory.
type write struct {
	Pos  source.Pos
	Call string
	// Abs is the absolute path written (for a temporary file, the directory).
	Abs string
	// Dir says the call creates the directory Abs itself (MkdirAll).
	Dir bool
}

// writes lists what the program writes under the working directory wd: file writes whose path is
// known and whose failure is not ignored, and temporary files in the default directory (tmpdir,
// "" for /tmp).
func writes(g *gocode.Facts, prog *gocode.Program, wd, tmpdir string) []write {
	var out []write
	for _, f := range g.Files {
		if !f.Write || f.Optional || f.Unresolved || f.Path == "" || !prog.Reaches(f.Pkg) || f.Flag != "" || f.Env != "" {
			continue
		}
		abs := f.Path
		if !f.Absolute {
			if wd == "" || strings.Contains(wd, "$") {
				continue
			}
			abs = path.Join(wd, f.Path)
		}
		out = append(out, write{Pos: f.Pos, Call: f.Call, Abs: path.Clean(abs), Dir: f.IsDir})
	}
	if tmpdir == "" {
		tmpdir = "/tmp"
	}
	for _, u := range g.Temp {
		if !prog.Reaches(u.Pkg) || u.Call == "os.TempDir" || spills[u.Call] {
			continue
		}
		dir := u.Dir
		if dir == "" {
			dir = tmpdir
		}
		if !path.IsAbs(dir) || strings.Contains(dir, "$") {
			continue
		}
		out = append(out, write{Pos: u.Pos, Call: u.Call, Abs: path.Clean(dir), Dir: true})
	}
	return out
}

// alwaysWritable are kernel file systems every runtime mounts writable.
func alwaysWritable(p string) bool {
	return covers("/dev", p) || covers("/proc", p) || covers("/sys", p)
}

func runFilePermission(p *rule.Pass) error {
	g := p.Project.Go
	ts := deploy.Images(p.Project)
	for _, t := range ts {
		b := t.Main()
		if b == nil {
			continue
		}
		rs := deploy.Runners(p.Project, t)
		nonRootImage(p, t, b, rs)
		for _, r := range rs {
			if !r.Overrides() {
				readOnlyRoot(p, t, b, r)
			}
		}
	}
	for _, u := range p.Project.Units {
		protectSystem(p, g, u)
	}
	return nil
}

// readOnlyRoot reports writes outside writable mounts of a container whose root filesystem is
// read-only (compose read_only, Kubernetes readOnlyRootFilesystem).
func readOnlyRoot(p *rule.Pass, t *deploy.Image, b *deploy.Bin, r *deploy.Target) {
	var setting source.Pos
	var what string
	switch {
	case r.Service != nil:
		if v, ok := r.Service.ReadOnly.Bool(); ok && v {
			setting, what = r.Service.ReadOnly.Pos, "read_only: true"
		}
	case r.Container != nil:
		if sc := r.Container.SecurityContext; sc != nil {
			if v, ok := sc.ReadOnlyRootFilesystem.Bool(); ok && v {
				setting, what = sc.ReadOnlyRootFilesystem.Pos, "readOnlyRootFilesystem: true"
			}
		}
	}
	if what == "" {
		return
	}
	wd, _, _ := r.WorkingDir(t.Image)
	if !startsInWorkdir(p.Project, t, nil) {
		wd = "" // relative paths are resolved elsewhere: judge absolute ones only
	}
	tmpdir := ""
	if v, ok := t.Image.Env["TMPDIR"]; ok {
		tmpdir = v.Value
	}
	if r.SetsEnv("TMPDIR") {
		tmpdir = "$TMPDIR"
	}
	ms := r.Mounts()
	for _, w := range writes(p.Project.Go, b.Program, wd, tmpdir) {
		if alwaysWritable(w.Abs) {
			continue
		}
		var under *deploy.Mount
		for i, m := range ms {
			if covers(m.Target, w.Abs) && (under == nil || len(m.Target) > len(under.Target)) {
				under = &ms[i]
			}
		}
		related := []rule.Related{{Pos: w.Pos, Message: w.Call + " writes " + w.Abs}, {Pos: r.Pos, Message: r.Name}}
		why := "and nothing writable is mounted there"
		if under != nil {
			if !under.ReadOnly && !strings.HasPrefix(under.What, "configMap") && !strings.HasPrefix(under.What, "secret") && !strings.HasPrefix(under.What, "projected") {
				continue
			}
			why = fmt.Sprintf("and the %s mounted at %s (%s) is read-only", under.What, under.Target, under.Pos.Short())
			related = append(related, rule.Related{Pos: under.Pos, Message: under.What + " at " + under.Target + " is read-only"})
		}
		p.Report(rule.Finding{
			Pos: setting,
			Message: fmt.Sprintf("%s sets %s (%s), but %s (%s %s) writes %s %s: the write fails with \"%s %s: read-only file system\"",
				r.Name, what, setting.Short(), b.Program.Name, w.Pos.Short(), w.Call, w.Abs, why, opVerb(w), w.target()),
			Related: related,
			Symptom: fmt.Sprintf("%s %s: read-only file system", opVerb(w), w.target()),
		})
	}
}

// target is the path the failing system call names: the directory, or a file inside the
// temporary directory.
func (w write) target() string {
	if strings.Contains(w.Call, "Temp") {
		return w.Abs + "/…"
	}
	return w.Abs
}

func opVerb(w write) string {
	if w.Dir && !strings.Contains(w.Call, "Temp") {
		return "mkdir"
	}
	return "open"
}

// nonRootImage reports writes of an image's program, running as a non-root USER, into a
// directory the image creates as root (WORKDIR, COPY without --chown, RUN mkdir) and nothing
// hands over (chown, --chown, a mode that lets others write).
func nonRootImage(p *rule.Pass, t *deploy.Image, b *deploy.Bin, rs []*deploy.Target) {
	im := t.Image
	if im.User != nil && im.User.Unresolved || unexpandable(t.Stage) {
		return
	}
	user, userPos, known := im.RunAs()
	name, _, _ := strings.Cut(user, ":")
	if !known || name == "" || name == "root" || name == "0" {
		return
	}
	for _, r := range rs {
		if r.Service != nil && r.Service.User.Set() || r.Container != nil && runAsSet(r) {
			return // the deployment picks the user
		}
	}
	uid := -1
	if n, err := strconv.Atoi(name); err == nil {
		uid = n
	} else if im.User != nil {
		uid = im.User.UID
	}
	wd, _ := im.WorkingDir()
	if !startsInWorkdir(p.Project, t, rs) {
		wd = ""
	}
	tmpdir := ""
	if v, ok := im.Env["TMPDIR"]; ok {
		tmpdir = v.Value
	}
	for _, w := range writes(p.Project.Go, b.Program, wd, tmpdir) {
		if alwaysWritable(w.Abs) || covers("/tmp", w.Abs) || covers("/var/tmp", w.Abs) || mounted(t, rs, w.Abs) {
			continue
		}
		if pi, ok := im.Paths[w.Abs]; ok && (w.Dir && pi.Dir || owned(pi, name, uid)) {
			continue
		}
		// The directory the write creates its entry in: the nearest existing ancestor.
		var dir string
		var info dockerfile.PathInfo
		for d := path.Dir(w.Abs); ; d = path.Dir(d) {
			if pi, ok := im.Paths[d]; ok {
				dir, info = d, pi
				break
			}
			if d == "/" {
				break
			}
		}
		if dir == "" || !info.Dir || owned(info, name, uid) || othersWrite(info.Mode) || handedOver(im, dir, name) {
			continue
		}
		p.Report(rule.Finding{
			Pos: w.Pos,
			Message: fmt.Sprintf("%s %s writes %s, but the image of %s runs as user %s (%s) and %s belongs to root (created at %s, no --chown or chown): the write fails with \"%s %s: permission denied\"",
				w.Pos.Short(), w.Call, w.Abs, t.File.Path, user, userPos.Short(), dir, info.Pos.Short(), opVerb(w), w.Abs),
			Related: []rule.Related{{Pos: userPos, Message: "runs as user " + user}, {Pos: info.Pos, Message: dir + " created as root"}},
			Symptom: fmt.Sprintf("%s %s: permission denied", opVerb(w), w.Abs),
		})
	}
}

// runAsSet says whether a Kubernetes container or its pod sets runAsUser, which replaces the
// image's USER.
func runAsSet(r *deploy.Target) bool {
	if c := r.Container.SecurityContext; c != nil && c.RunAsUser.Set() {
		return true
	}
	if pod := r.Object.Workload.SecurityContext; pod != nil && pod.RunAsUser.Set() {
		return true
	}
	return false
}

// owned says whether a path's owner (COPY --chown, chown) is the user the image runs as.
func owned(pi dockerfile.PathInfo, name string, uid int) bool {
	o, _, _ := strings.Cut(pi.Owner, ":")
	if o == "" || o == "root" || o == "0" {
		return false
	}
	return o == name || uid >= 0 && o == strconv.Itoa(uid) || strings.Contains(o, "$")
}

// handedOver says whether a directory above dir has an owner other than root (a chown -R the
// model records on the top directory only), which may cover dir.
func handedOver(im *dockerfile.Image, dir, name string) bool {
	for d := path.Dir(dir); d != "/" && d != "."; d = path.Dir(d) {
		if pi, ok := im.Paths[d]; ok && pi.Owner != "" {
			o, _, _ := strings.Cut(pi.Owner, ":")
			if o != "root" && o != "0" {
				return true
			}
		}
		if pi, ok := im.Paths[d]; ok && othersWrite(pi.Mode) {
			return true
		}
	}
	return false
}

// othersWrite says whether a chmod mode lets every user write (777, 1777, a+w, o+w).
func othersWrite(mode string) bool {
	if mode == "" {
		return false
	}
	if n, err := strconv.ParseUint(mode, 8, 32); err == nil {
		return n&0o002 != 0
	}
	for _, clause := range strings.Split(mode, ",") {
		if i := strings.IndexAny(clause, "+="); i >= 0 && strings.Contains(clause[i:], "w") && (i == 0 || strings.ContainsAny(clause[:i], "ao")) {
			return true
		}
	}
	return false
}

// protectSystem reports writes of a unit's program that ProtectSystem= (or DynamicUser=, which
// implies strict) makes read-only, outside ReadWritePaths= and the unit's own directories.
func protectSystem(p *rule.Pass, g *gocode.Facts, u *systemd.Unit) {
	if u.Type != "service" || len(u.ExecStart) == 0 || u.Partial {
		return
	}
	cmd := u.ExecStart[0]
	if cmd.FullPrivileges {
		return
	}
	prog := deploy.ByName(g, path.Base(cmd.Path))
	if prog == nil {
		return
	}
	level, at := strings.ToLower(u.ProtectSystem.Text), u.ProtectSystem.Pos
	if yes(u.DynamicUser.Text) && level != "strict" {
		level, at = "strict", u.DynamicUser.Pos
	}
	var readOnly []string
	switch level {
	case "strict":
		readOnly = []string{"/"}
	case "full":
		readOnly = []string{"/usr", "/boot", "/efi", "/etc"}
	case "yes", "true", "on", "1":
		readOnly = []string{"/usr", "/boot", "/efi"}
	}
	for _, v := range u.ReadOnlyPaths {
		readOnly = append(readOnly, strings.TrimLeft(v.Text, "-+"))
	}
	if len(readOnly) == 0 {
		return
	}
	writable := map[string]source.Pos{}
	for _, v := range u.ReadWritePaths {
		for _, f := range strings.Fields(v.Text) {
			writable[strings.TrimLeft(f, "-+")] = v.Pos
		}
	}
	for base, vs := range map[string][]systemd.Value{"/var/lib": u.StateDirectory, "/var/log": u.LogsDirectory, "/var/cache": u.CacheDirectory, "/run": u.RuntimeDirectory} {
		for _, v := range vs {
			for _, f := range strings.Fields(v.Text) {
				writable[path.Join(base, strings.SplitN(f, ":", 2)[0])] = v.Pos
			}
		}
	}
	if yes(u.PrivateTmp.Text) || yes(u.DynamicUser.Text) {
		writable["/tmp"], writable["/var/tmp"] = u.PrivateTmp.Pos, u.PrivateTmp.Pos
	}
	wd := "/"
	if w := u.WorkingDirectory; w != nil {
		wd = w.Path
		if w.Home || strings.ContainsAny(wd, "%$~") {
			wd = ""
		}
	}
	tmpdir := ""
	for _, v := range u.Environment {
		if v.Name == "TMPDIR" {
			tmpdir = v.Value
		}
	}
	if len(u.EnvironmentFiles) > 0 {
		tmpdir = "$TMPDIR"
	}
	for _, w := range writes(g, prog, wd, tmpdir) {
		if alwaysWritable(w.Abs) || strings.ContainsAny(w.Abs, "%$") {
			continue
		}
		ro := ""
		for _, r := range readOnly {
			if covers(r, w.Abs) {
				ro = r
			}
		}
		if ro == "" {
			continue
		}
		ok := false
		for d := range writable {
			if covers(d, w.Abs) && len(d) >= len(ro) {
				ok = true
			}
		}
		if ok {
			continue
		}
		what := "ProtectSystem=" + u.ProtectSystem.Text
		if at == u.DynamicUser.Pos && u.DynamicUser.Set() && level == "strict" && !strings.EqualFold(u.ProtectSystem.Text, "strict") {
			what = "DynamicUser=yes (which implies ProtectSystem=strict)"
		}
		if at.File == "" {
			at = cmd.Pos
		}
		p.Report(rule.Finding{
			Pos: at,
			Message: fmt.Sprintf("unit %s sets %s (%s), which makes %s read-only, but %s (%s %s) writes %s and no ReadWritePaths=, StateDirectory=, LogsDirectory= or PrivateTmp= makes it writable: the write fails with \"%s %s: read-only file system\"",
				u.Name, what, at.Short(), ro, prog.Name, w.Pos.Short(), w.Call, w.Abs, opVerb(w), w.target()),
			Related: []rule.Related{{Pos: w.Pos, Message: w.Call + " writes " + w.Abs}, {Pos: cmd.Pos, Message: "ExecStart runs " + prog.Name}},
			Symptom: fmt.Sprintf("%s %s: read-only file system", opVerb(w), w.target()),
		})
	}
}

// yes reads a systemd boolean.
func yes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "true", "on":
		return true
	}
	return false
}

// covers says whether the directory dir is path p or one of its parents.
func covers(dir, p string) bool {
	dir, p = path.Clean(dir), path.Clean(p)
	return dir == p || dir == "/" || strings.HasPrefix(p, dir+"/")
}
