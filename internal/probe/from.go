package probe

import (
	"errors"
	"fmt"
	"math"
	"os"
	"os/user"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
	"github.com/shipshape-dev/shipshape/internal/k8s"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/systemd"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Target is what a deployment file says about how the service is started, as conditions for
// a probe.
type Target struct {
	// Kind is "Dockerfile", "systemd unit" or "Kubernetes".
	Kind string
	// Path is the file, a slash path relative to the checked root.
	Path       string
	Conditions Conditions
	// Port is the port the service is expected to listen on (the first EXPOSE or
	// containerPort); 0 when none is declared.
	Port int
	// Health is the URL of an HTTP readiness or startup probe on this host, "" when none.
	Health string
	// Image is the container image a Kubernetes workload runs.
	Image string
	// Workdir is a Kubernetes container's workingDir: the directory inside the image, for
	// --image runs ("" keeps the image's WORKDIR).
	Workdir string
	// EmptyDirs are the container's writable emptyDir mount paths, for --image runs (the
	// conditions keep only those that exist on this machine).
	EmptyDirs []string
	// Notes say what the file leaves unknown and what probe does instead.
	Notes []string
}

// FromFile reads the conditions of the deployment file at the slash path rel under root: a
// Dockerfile's final stage (ENV, WORKDIR, USER, EXPOSE), a systemd unit (Environment=,
// EnvironmentFile=, WorkingDirectory=, User=, UMask=, LimitNOFILE=, MemoryMax=,
// ProtectSystem=strict, PrivateTmp=) or a Kubernetes workload's container (literal env,
// workingDir, securityContext, resources.limits.memory, emptyDir mounts, ports and probes).
// container picks a Kubernetes container by name ("" is the first one).
func FromFile(root, rel, container string) (*Target, error) {
	t, err := tree.Walk(root, tree.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", root, err)
	}
	rel = path.Clean(filepath.ToSlash(rel))
	f := t.Get(rel)
	if f == nil {
		return nil, fmt.Errorf("%s: not a file of %s (or skipped by the walk)", rel, root)
	}
	switch {
	case f.Kind == tree.Dockerfile:
		return fromDockerfile(t, rel)
	case f.Kind == tree.SystemdUnit || strings.HasSuffix(rel, ".service") || strings.HasSuffix(rel, ".service.in"):
		return fromUnit(t, rel)
	case f.Kind == tree.YAML:
		data, err := t.Read(f)
		if err != nil {
			return nil, err
		}
		return fromManifest(rel, data, container)
	}
	return nil, fmt.Errorf("%s: not a Dockerfile, systemd unit or Kubernetes manifest", rel)
}

func notesText(ns []source.Note) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, n.String())
	}
	return out
}

func fromDockerfile(t *tree.Tree, rel string) (*Target, error) {
	f, notes := dockerfile.LoadWithContext(t, rel, path.Dir(rel))
	if f == nil {
		return nil, fmt.Errorf("%s: %s", rel, strings.Join(notesText(notes), "; "))
	}
	if f.ParseError != nil {
		return nil, f.ParseError
	}
	st := f.Final()
	if st == nil {
		return nil, fmt.Errorf("%s: no FROM", rel)
	}
	im := dockerfile.Model(f, st)
	tg := &Target{Kind: "Dockerfile", Path: rel}
	c := &tg.Conditions
	c.Why = map[string]string{}
	env := map[string]string{}
	var names []string
	for name, v := range im.Env {
		env[name] = v.Value
		names = append(names, name)
		if v.Unresolved {
			tg.Notes = append(tg.Notes, fmt.Sprintf("%s: ENV %s uses a build argument without a value; it is empty here", v.Pos.Short(), name))
		}
	}
	sort.Strings(names)
	c.Why["env"] = fmt.Sprintf("%s: ENV of the final stage (%s)", rel, strings.Join(names, ", "))
	if _, ok := env["PATH"]; !ok {
		env["PATH"] = DefaultPath
	}
	env["HOSTNAME"] = "shipshape-probe"

	name, pos, known := im.RunAs()
	switch {
	case !known:
		tg.Notes = append(tg.Notes, fmt.Sprintf("%s: the base image's default user is not known; running as nobody", im.BasePos.Short()))
	default:
		u, note := resolveName(name, im.Base.Users, im)
		c.User = u
		c.Why["user"] = fmt.Sprintf("%s: USER %s", pos.Short(), orRoot(name))
		if note != "" {
			tg.Notes = append(tg.Notes, pos.Short()+": "+note)
		}
	}
	if _, ok := env["HOME"]; !ok {
		// Docker sets HOME from the image's /etc/passwd, else "/"; root's is /root.
		env["HOME"] = "/"
		if c.User != nil && c.User.UID == 0 {
			env["HOME"] = "/root"
		}
	}
	c.Env = envList(env)

	wd, wpos := im.WorkingDir()
	if wd == "" {
		wd = "/"
	}
	var seeds []string
	for _, p := range im.Sorted() {
		pi := im.Paths[p]
		if pi.Src == "" || p == wd || !strings.HasPrefix(p, strings.TrimSuffix(wd, "/")+"/") {
			continue
		}
		if strings.Contains(strings.TrimPrefix(p, strings.TrimSuffix(wd, "/")+"/"), "/") && !pi.Dir {
			// inside a copied directory: the directory's seed brings it
			if parent := im.Paths[path.Dir(p)]; parent.Src != "" && parent.Dir {
				continue
			}
		}
		c.Seeds = append(c.Seeds, Seed{Src: filepath.Join(t.Root, filepath.FromSlash(pi.Src)), Dst: strings.TrimPrefix(p, strings.TrimSuffix(wd, "/")+"/")})
		seeds = append(seeds, pi.Src)
	}
	c.Why["cwd"] = fmt.Sprintf("%s: WORKDIR %s: an empty directory here", wpos.Short(), wd)
	if len(seeds) > 0 {
		c.Why["cwd"] = fmt.Sprintf("%s: WORKDIR %s: an empty directory here with what the image copies there (%s)", wpos.Short(), wd, strings.Join(seeds, ", "))
	}
	for _, p := range im.Expose {
		if p.Port > 0 && (p.Proto == "" || p.Proto == "tcp") {
			tg.Port = p.Port
			break
		}
	}
	tg.Notes = append(tg.Notes, notesText(notes)...)
	return tg, nil
}

func orRoot(name string) string {
	if name == "" {
		return "root (the default)"
	}
	return name
}

// resolveName turns a USER or User= value ("app", "1000", "1000:1000", "app:staff") into ids:
// numbers as they are; names from the image's known users, the users the Dockerfile creates
// with a uid, then this host's accounts; nobody with a note when none knows the name.
func resolveName(spec string, known map[string]int, im *dockerfile.Image) (*User, string) {
	name, group, _ := strings.Cut(spec, ":")
	if name == "" {
		name = "root"
	}
	u := &User{Name: name, UID: -1, GID: -1}
	if n, err := strconv.Atoi(name); err == nil {
		u.UID = n
	} else if id, ok := known[name]; ok {
		u.UID = id
	} else if id, ok := createdUID(im, name); ok {
		u.UID = id
	} else if hu, err := user.Lookup(name); err == nil {
		u.UID, _ = strconv.Atoi(hu.Uid)
		u.GID, _ = strconv.Atoi(hu.Gid)
	} else {
		return &User{UID: Nobody, GID: Nobody, Name: "nobody"}, fmt.Sprintf("user %q has no uid known here; running as nobody (%d)", name, Nobody)
	}
	switch n, err := strconv.Atoi(group); {
	case group == "":
	case err == nil:
		u.GID = n
	default:
		if g, err := user.LookupGroup(group); err == nil {
			u.GID, _ = strconv.Atoi(g.Gid)
		}
	}
	if u.GID < 0 {
		u.GID = u.UID // images and units without a group give the user's own, usually equal
	}
	return u, ""
}

// createdUID finds the uid a RUN adduser/useradd -u gave name.
func createdUID(im *dockerfile.Image, name string) (int, bool) {
	if im == nil || im.Stage == nil {
		return 0, false
	}
	for _, r := range im.Stage.Runs {
		for _, ua := range r.UsersAdded {
			if ua.Name == name && !ua.Group && ua.UID >= 0 {
				return ua.UID, true
			}
		}
	}
	return 0, false
}

// systemdPath is PATH as systemd sets it for services.
const systemdPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin"

func fromUnit(t *tree.Tree, rel string) (*Target, error) {
	units, notes := systemd.Load(t)
	var u *systemd.Unit
	for _, x := range units {
		if x.Path == rel {
			u = x
		}
	}
	if u == nil {
		return nil, fmt.Errorf("%s: not read as a systemd unit: %s", rel, strings.Join(notesText(notes), "; "))
	}
	tg := &Target{Kind: "systemd unit", Path: rel}
	c := &tg.Conditions
	c.Why = map[string]string{}
	env := map[string]string{"PATH": systemdPath}
	for _, v := range u.Environment {
		env[v.Name] = v.Value
	}
	// Variables from EnvironmentFile= override Environment= (systemd.exec(5)).
	for _, ef := range u.EnvironmentFiles {
		data, err := os.ReadFile(ef.Path)
		if err != nil {
			if !ef.Optional {
				tg.Notes = append(tg.Notes, fmt.Sprintf("%s: EnvironmentFile=%s is not on this machine: its variables are missing here (systemd would refuse to start)", ef.Pos.Short(), ef.Path))
			}
			continue
		}
		vars, _ := systemd.ParseEnvironmentFile(ef.Path, data)
		for _, v := range vars {
			env[v.Name] = v.Value
		}
	}
	c.Why["env"] = rel + ": Environment= and EnvironmentFile="
	switch {
	case u.DynamicUser.Set() && strings.EqualFold(u.DynamicUser.Text, "yes"):
		c.User = &User{UID: Nobody, GID: Nobody, Name: "nobody"}
		c.Why["user"] = u.DynamicUser.Pos.Short() + ": DynamicUser=yes (a transient uid; nobody here)"
	case u.User.Set():
		usr, note := resolveName(u.User.Text, nil, nil)
		if u.Group.Set() {
			if g, err := user.LookupGroup(u.Group.Text); err == nil {
				usr.GID, _ = strconv.Atoi(g.Gid)
			} else if n, err := strconv.Atoi(u.Group.Text); err == nil {
				usr.GID = n
			}
		}
		c.User = usr
		c.Why["user"] = u.User.Pos.Short() + ": User=" + u.User.Text
		if note != "" {
			tg.Notes = append(tg.Notes, u.User.Pos.Short()+": "+note)
		}
		// systemd sets these for services with User= (systemd.exec(5), "Environment variables
		// set or propagated by the service manager").
		if hu, err := user.Lookup(u.User.Text); err == nil {
			env["HOME"], env["USER"], env["LOGNAME"] = hu.HomeDir, hu.Username, hu.Username
		}
	default:
		c.User = &User{UID: 0, GID: 0, Name: "root"}
		c.Why["user"] = rel + ": no User= (root)"
	}
	c.Env = envList(env)

	switch wd := u.WorkingDirectory; {
	case wd == nil:
		c.Dir = "/"
		c.Why["cwd"] = rel + ": no WorkingDirectory= (/)"
	case wd.Home:
		c.Dir = env["HOME"]
		c.Why["cwd"] = wd.Pos.Short() + ": WorkingDirectory=~"
	default:
		c.Why["cwd"] = wd.Pos.Short() + ": WorkingDirectory=" + wd.Path
		if st, err := os.Stat(wd.Path); err == nil && st.IsDir() {
			c.Dir = wd.Path
		} else {
			c.Why["cwd"] += " (not on this machine: an empty directory here)"
		}
	}
	if s := lastSetting(u, "UMask"); s != nil {
		if n, err := strconv.ParseInt(s.Value, 8, 32); err == nil {
			m := int(n)
			c.Umask = &m
			c.Why["umask"] = s.Pos.Short() + ": UMask=" + s.Value
		}
	}
	if s := lastSetting(u, "LimitNOFILE"); s != nil {
		// "soft:hard" or one number; the hard limit is what a Go program raises its soft one to.
		v := s.Value
		if _, hard, ok := strings.Cut(v, ":"); ok {
			v = hard
		}
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			c.NoFile = n
			c.Why["nofile"] = s.Pos.Short() + ": LimitNOFILE=" + s.Value
		}
	}
	if s := lastSetting(u, "MemoryMax"); s != nil {
		if n, ok := parseSize(s.Value, true); ok {
			c.Memory = n
			c.Why["memory"] = s.Pos.Short() + ": MemoryMax=" + s.Value
		}
	}
	if v := u.ProtectSystem; v.Set() {
		switch strings.ToLower(v.Text) {
		case "strict":
			c.ReadOnlyRoot = true
			c.Why["read-only root"] = v.Pos.Short() + ": ProtectSystem=strict"
			for _, p := range u.ReadWritePaths {
				p := strings.TrimLeft(p.Text, "-+")
				if _, err := os.Stat(p); err == nil {
					c.ReadWrite = append(c.ReadWrite, p)
				}
			}
		case "yes", "true", "full":
			tg.Notes = append(tg.Notes, v.Pos.Short()+": ProtectSystem="+v.Text+" makes /usr and /boot (and /etc for full) read-only: not simulated")
		}
	}
	if v := u.PrivateTmp; v.Set() && isYes(v.Text) {
		c.Writable = append(c.Writable, "/tmp")
		if !c.ReadOnlyRoot {
			tg.Notes = append(tg.Notes, v.Pos.Short()+": PrivateTmp=yes: the service's /tmp is empty; not simulated without a read-only root")
		}
	}
	return tg, nil
}

func isYes(s string) bool {
	switch strings.ToLower(s) {
	case "yes", "true", "on", "1":
		return true
	}
	return false
}

// setting is a unit setting the facts package keeps only as raw text.
type setting struct {
	Value string
	Pos   source.Pos
}

func lastSetting(u *systemd.Unit, key string) *setting {
	ss := u.Lookup("Service", key)
	if len(ss) == 0 {
		return nil
	}
	s := ss[len(ss)-1]
	if strings.TrimSpace(s.Value) == "" {
		return nil
	}
	return &setting{Value: strings.TrimSpace(s.Value), Pos: s.Pos}
}

// parseSize reads a Kubernetes quantity ("512Mi", "1G", "0.5Gi", "128974848") or, with
// systemd set, a systemd size ("512M" meaning MiB, "1G", "infinity" → not ok).
func parseSize(s string, systemdUnits bool) (int64, bool) {
	s = strings.TrimSpace(s)
	i := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	num, suf := s, ""
	if i >= 0 {
		num, suf = s[:i], s[i:]
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f < 0 {
		return 0, false
	}
	mult := map[string]float64{"": 1,
		"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40,
		"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
	if systemdUnits {
		mult = map[string]float64{"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
	}
	m, ok := mult[suf]
	if !ok || f*m > math.MaxInt64/2 {
		return 0, false
	}
	return int64(f * m), true
}

// errNoWorkload is returned for a manifest without a pod.
var errNoWorkload = errors.New("no workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) in the manifest")

func fromManifest(rel string, data []byte, container string) (*Target, error) {
	objs, notes := k8s.Parse(rel, data)
	var w *k8s.Object
	var ctr *k8s.Container
	for _, o := range objs {
		if o.Workload == nil {
			continue
		}
		for _, c := range o.Workload.Containers {
			if container == "" || c.Name.Value == container {
				w, ctr = o, c
				break
			}
		}
		if ctr != nil {
			break
		}
	}
	if ctr == nil {
		if container != "" {
			return nil, fmt.Errorf("%s: no container named %q", rel, container)
		}
		return nil, fmt.Errorf("%s: %w", rel, errNoWorkload)
	}
	tg := &Target{Kind: "Kubernetes", Path: rel, Image: ctr.Image.Value, Workdir: ctr.WorkingDir.Value}
	c := &tg.Conditions
	c.Why = map[string]string{}
	where := fmt.Sprintf("%s %s, container %s", w.Kind, w.Name.Value, ctr.Name.Value)
	env := map[string]string{"PATH": DefaultPath, "HOSTNAME": w.Name.Value}
	for _, e := range ctr.Env {
		switch {
		case e.From != nil:
			env[e.Name.Value] = "shipshape-probe-placeholder"
			tg.Notes = append(tg.Notes, fmt.Sprintf("%s: %s comes from %s %s: a placeholder value here", e.Pos.Short(), e.Name.Value, e.From.Kind, e.From.Name.Value))
		case e.FieldPath.Set() || e.ResourceField.Set():
			env[e.Name.Value] = "shipshape-probe-placeholder"
			tg.Notes = append(tg.Notes, fmt.Sprintf("%s: %s comes from the downward API: a placeholder value here", e.Pos.Short(), e.Name.Value))
		default:
			env[e.Name.Value] = e.Value.Value
		}
	}
	for _, ef := range ctr.EnvFrom {
		tg.Notes = append(tg.Notes, fmt.Sprintf("%s: envFrom %s %s: its keys are not known here, so they are missing", ef.Pos.Short(), ef.Kind, ef.Name.Value))
	}
	c.Why["env"] = fmt.Sprintf("%s: env of %s (and the image's ENV, not known here)", ctr.Pos.Short(), where)
	if ctr.WorkingDir.Value != "" {
		c.Why["cwd"] = fmt.Sprintf("%s: workingDir %s: an empty directory here", ctr.WorkingDir.Pos.Short(), ctr.WorkingDir.Value)
	} else {
		c.Why["cwd"] = fmt.Sprintf("%s: no workingDir: the image's WORKDIR, an empty directory here", ctr.Pos.Short())
	}
	sc, psc := ctr.SecurityContext, w.Workload.SecurityContext
	pick := func(get func(*k8s.SecurityContext) k8s.Scalar) k8s.Scalar {
		if sc != nil && get(sc).Set() {
			return get(sc)
		}
		if psc != nil && get(psc).Set() {
			return get(psc)
		}
		return k8s.Scalar{}
	}
	if uid := pick(func(s *k8s.SecurityContext) k8s.Scalar { return s.RunAsUser }); uid.Set() {
		if n, ok := uid.Int(); ok {
			c.User = &User{UID: n, GID: n}
			if g, ok := pick(func(s *k8s.SecurityContext) k8s.Scalar { return s.RunAsGroup }).Int(); ok {
				c.User.GID = g
			}
			c.Why["user"] = fmt.Sprintf("%s: runAsUser %d", uid.Pos.Short(), n)
		}
	} else {
		tg.Notes = append(tg.Notes, fmt.Sprintf("%s: no runAsUser: the image's USER decides, not known here; running as nobody", ctr.Pos.Short()))
	}
	env["HOME"] = "/"
	if c.User != nil && c.User.UID == 0 {
		env["HOME"] = "/root"
	}
	c.Env = envList(env)
	if sc != nil {
		if ro, ok := sc.ReadOnlyRootFilesystem.Bool(); ok && ro {
			c.ReadOnlyRoot = true
			c.Why["read-only root"] = sc.ReadOnlyRootFilesystem.Pos.Short() + ": readOnlyRootFilesystem: true"
		}
	}
	for _, vm := range ctr.VolumeMounts {
		v := w.Workload.Volume(vm.Name.Value)
		mp := vm.MountPath.Value
		switch {
		case v != nil && v.Source == "emptyDir" && !vm.ReadOnly:
			tg.EmptyDirs = append(tg.EmptyDirs, mp)
			if st, err := os.Stat(mp); err == nil && st.IsDir() {
				c.Writable = append(c.Writable, mp)
			} else {
				tg.Notes = append(tg.Notes, fmt.Sprintf("%s: emptyDir at %s: no such directory on this machine to mount it on", vm.Pos.Short(), mp))
			}
		case v != nil:
			tg.Notes = append(tg.Notes, fmt.Sprintf("%s: %s volume at %s: not mounted here", vm.Pos.Short(), v.Source, mp))
		}
	}
	if ctr.MemoryLimit.Set() {
		if n, ok := parseSize(ctr.MemoryLimit.Value, false); ok && n > 0 {
			c.Memory = n
			c.Why["memory"] = ctr.MemoryLimit.Pos.Short() + ": limits.memory " + ctr.MemoryLimit.Value
		}
	}
	for _, p := range ctr.Ports {
		if n, ok := p.ContainerPort.Int(); ok && (p.Protocol.Value == "" || strings.EqualFold(p.Protocol.Value, "TCP")) {
			tg.Port = n
			break
		}
	}
	for _, pr := range []*k8s.Probe{ctr.StartupProbe, ctr.ReadinessProbe} {
		if pr == nil || pr.Handler != "httpGet" {
			continue
		}
		port, ok := pr.Port.Int()
		if !ok {
			if cp := ctr.Port(pr.Port.Value); cp != nil {
				port, ok = cp.ContainerPort.Int()
			}
		}
		if ok {
			p := pr.Path.Value
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			tg.Health = fmt.Sprintf("http://127.0.0.1:%d%s", port, p)
			break
		}
	}
	tg.Notes = append(tg.Notes, notesText(notes)...)
	return tg, nil
}

// ParseQuantity reads a memory size as Kubernetes writes it ("64Mi", "1G", "512000000").
func ParseQuantity(s string) (int64, error) {
	n, ok := parseSize(s, false)
	if !ok || n <= 0 {
		return 0, fmt.Errorf("%q: want a size such as 64Mi, 1Gi or 500M", s)
	}
	return n, nil
}

// LookupUser resolves a uid or a user name of this machine.
func LookupUser(name string) (*User, error) {
	if n, err := strconv.Atoi(name); err == nil && n >= 0 {
		return &User{UID: n, GID: n}, nil
	}
	u, err := user.Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("no user %q on this machine: give a uid", name)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &User{UID: uid, GID: gid, Name: name}, nil
}
