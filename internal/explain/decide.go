package explain

import (
	"path"
	"sort"
	"strconv"
	"strings"
)

// agg is what the scan kept of one fact: how often, and the first and last few lines.
type agg struct {
	n       int
	samples []obs // the first maxSamples/2 and the last maxSamples/2 occurrences, in order
}

func (a *agg) last() obs { return a.samples[len(a.samples)-1] }

// facts is the bounded summary of a whole log: for each fact its count and sample lines, and
// for each line the facts seen on it (only for sampled lines).
type facts struct {
	m      map[string]*agg
	onLine map[int]map[string]bool
	// main-goroutine tracking across the stream (goroutine dumps).
	curG string
}

func newFacts() *facts {
	return &facts{m: map[string]*agg{}, onLine: map[int]map[string]bool{}}
}

// push counts n occurrences and keeps o as a sample: the first maxSamples/2 stay, the later
// ones slide through the second half.
func (a *agg) push(o obs, n int) {
	a.n += n
	half := maxSamples / 2
	if len(a.samples) < maxSamples {
		a.samples = append(a.samples, o)
		return
	}
	copy(a.samples[half:], a.samples[half+1:])
	a.samples[maxSamples-1] = o
}

// add files one observation, in line order. Goroutine headers and dial frames are followed to
// tell when the main goroutine (1) is blocked dialing.
func (f *facts) add(o obs) {
	if o.fact == "goroutine" {
		f.curG = o.params["gid"]
		if f.curG == "1" {
			f.add(obs{fact: "main-goroutine", line: o.line, text: o.text, params: o.params})
		}
	}
	if o.fact == "dial-frame" && f.curG == "1" {
		f.add(obs{fact: "main-dialing", line: o.line, text: o.text})
	}
	a := f.m[o.fact]
	if a == nil {
		a = &agg{}
		f.m[o.fact] = a
	}
	a.push(o, 1)
}

// merge files a chunk's aggregate of one fact, chunks in input order: its samples keep the
// first-and-last shape, its count adds.
func (f *facts) merge(name string, c *agg) {
	a := f.m[name]
	if a == nil {
		a = &agg{}
		f.m[name] = a
	}
	for _, o := range c.samples {
		a.push(o, 0)
	}
	a.n += c.n
}

// index records, for every sampled line, the facts seen on it (lineHas reads it). Facts that
// co-occur on a line are sampled from the same first and last lines, so sampling keeps them
// together.
func (f *facts) index() {
	f.onLine = map[int]map[string]bool{}
	for name, a := range f.m {
		for _, o := range a.samples {
			s := f.onLine[o.line]
			if s == nil {
				s = map[string]bool{}
				f.onLine[o.line] = s
			}
			s[name] = true
		}
	}
}

func (f *facts) has(name string) bool { return f.m[name] != nil }

// fromSource says whether any sampled observation came from a line with this prefix source.
func (f *facts) fromSource(src string) bool {
	for _, a := range f.m {
		for _, o := range a.samples {
			if o.source == src {
				return true
			}
		}
	}
	return false
}

func (f *facts) get(name string) *agg { return f.m[name] }

// lineHas says whether a fact was seen on the same line.
func (f *facts) lineHas(line int, name string) bool { return f.onLine[line][name] }

// cand is one failure mode under consideration.
type cand struct {
	id       string
	score    float64
	evidence []obs
	params   map[string]string
	// why is the reasoning that picked this mode, appended to the summary.
	why []string
}

type votes struct {
	m map[string]*cand
}

// vote adds weight to a failure mode with the evidence lines that support it.
func (v *votes) vote(id string, weight float64, why string, ev ...obs) {
	c := v.m[id]
	if c == nil {
		c = &cand{id: id, params: map[string]string{}}
		v.m[id] = c
	}
	c.score += weight
	if why != "" && !contains(c.why, why) {
		c.why = append(c.why, why)
	}
	for _, o := range ev {
		dup := false
		for _, e := range c.evidence {
			if e.line == o.line {
				dup = true
				break
			}
		}
		if !dup {
			c.evidence = append(c.evidence, o)
		}
		for k, val := range o.params {
			if _, ok := c.params[k]; !ok && val != "" {
				c.params[k] = val
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// each calls fn for every sampled occurrence of a fact, with a weight that grows a little with
// how often the fact occurred (repeated errors outweigh a single one).
func (f *facts) each(name string, fn func(o obs, w float64)) {
	a := f.get(name)
	if a == nil {
		return
	}
	bonus := 1 + 0.1*float64(min(a.n-1, 5))
	for _, o := range a.samples {
		fn(o, bonus/float64(len(a.samples)))
	}
}

var shells = map[string]bool{"/bin/sh": true, "/bin/bash": true, "sh": true, "bash": true, "/bin/ash": true,
	"/usr/bin/bash": true, "/usr/bin/env": true, "/bin/zsh": true}

// tools are commands a service commonly shells out to: "not found" for them means the image
// lacks the tool, not that a loader is missing.
var tools = map[string]bool{"curl": true, "wget": true, "git": true, "bash": true, "python": true, "python3": true,
	"node": true, "make": true, "ffmpeg": true, "ssh": true, "tar": true, "unzip": true, "jq": true, "openssl": true,
	"sudo": true, "gosu": true, "su-exec": true, "tini": true, "dumb-init": true, "envsubst": true, "nc": true,
	"psql": true, "mysql": true, "ps": true, "kubectl": true, "docker": true, "java": true, "ruby": true, "perl": true}

var compilers = map[string]bool{"gcc": true, "cc": true, "clang": true, "g++": true, "musl-gcc": true,
	"x86_64-linux-gnu-gcc": true, "aarch64-linux-gnu-gcc": true}

// newStd are standard library packages added in recent Go releases: "package slices is not in
// GOROOT" means the toolchain is older than the code, not that a module is missing.
var newStd = map[string]bool{"slices": true, "maps": true, "cmp": true, "log/slog": true, "iter": true,
	"unique": true, "math/rand/v2": true, "structs": true, "weak": true, "crypto/mlkem": true, "crypto/hkdf": true,
	"crypto/pbkdf2": true, "crypto/sha3": true, "testing/synctest": true, "encoding/json/v2": true, "os/root": true,
	"crypto/rand/v2": true, "go/version": true, "hash/maphash": true, "embed": true, "io/fs": true, "net/netip": true}

func isScript(p string) bool {
	b := strings.ToLower(path.Base(p))
	return strings.HasSuffix(b, ".sh") || strings.Contains(b, "entrypoint") || strings.HasSuffix(b, ".py") ||
		strings.HasSuffix(b, ".bash") || strings.HasSuffix(b, ".pl") || b == "start" || b == "run.sh"
}

func isLoopback(host string) bool {
	h := strings.Trim(host, "[]")
	if i := strings.LastIndex(h, ":"); i > 0 && !strings.Contains(h[:i], ":") {
		h = h[:i]
	}
	h = strings.Trim(h, "[]")
	return h == "127.0.0.1" || h == "localhost" || h == "::1" || strings.HasPrefix(h, "127.")
}

func hostOf(o obs) string {
	if h := o.params["host"]; h != "" {
		return h
	}
	a := o.params["addr"]
	if i := strings.LastIndex(a, ":"); i >= 0 {
		return strings.Trim(a[:i], "[]")
	}
	return a
}

// decide weighs the facts of a log into ranked failure modes. Weights: 10 for a message that
// names its failure mode alone, 7–9 when context had to choose between modes sharing a message,
// 3–6 for weak or indirect signs, 4 for a catalog signature (the catalog's own evidence, which
// a built-in clue overrides when the two disagree).
func decide(f *facts, validZone func(string) bool) []*cand {
	f.index()
	v := &votes{m: map[string]*cand{}}
	crlf := f.has("crlf")
	k8s := f.has("ctx-k8s") || f.has("k8s-mounts") || f.has("k8s-missing-obj")
	container := f.has("ctx-docker") || k8s || f.has("ctx-alpine") || f.has("ctx-scratch")
	systemd := f.has("ctx-systemd") || f.has("systemd-status") || f.has("systemd-step")
	loaderCtx := f.has("ctx-alpine") || f.has("ctx-scratch") || f.has("elf-interp") || f.has("ctx-cgo")

	// Mount points that could hide an executable (kubectl describe pod Mounts:).
	var mounts []string
	for _, name := range []string{"k8s-mounts", "compose-mounts"} {
		if a := f.get(name); a != nil {
			for _, o := range a.samples {
				if m := o.params["mount"]; m != "" && m != "/" && !strings.HasPrefix(m, "/var/run/secrets") {
					mounts = append(mounts, strings.TrimSuffix(m, "/"))
				}
			}
		}
	}
	underMount := func(p string) bool {
		for _, m := range mounts {
			if strings.HasPrefix(p, m+"/") {
				return true
			}
		}
		return false
	}

	// exec: no such file or directory — loader, CRLF, wrong interpreter, mount, or ExecStart.
	f.each("exec-enoent", func(o obs, w float64) {
		p := o.params["path"]
		switch {
		case crlf:
			v.vote("SS2010", 10*w, "the script's lines end in CR (a CRLF file), so the kernel looks for an interpreter named with a trailing \\r", o)
		case f.has("bad-interpreter"):
			// decided below from the interpreter named
		case p != "" && isScript(p):
			if f.has("ctx-bash-shebang") && f.has("ctx-alpine") {
				v.vote("SS2011", 8*w, "the script's #!/bin/bash names a shell the alpine image does not have", o)
			} else {
				v.vote("SS2010", 8*w, "a script that exists but cannot be started with ENOENT almost always has a CRLF shebang (the file itself was found)", o)
			}
		case p != "" && underMount(p):
			v.vote("SS4001", 10*w, "a volume is mounted over the directory that holds the executable", o)
		case f.lineHas(o.line, "systemd-step") || strings.Contains(o.text, "Failed to locate executable"):
			if loaderCtx {
				v.vote("SS2001", 8*w, "the ELF interpreter named in the binary is missing", o)
			} else {
				v.vote("SS3002", 10*w, "systemd cannot find the program named by ExecStart=", o)
			}
		default:
			wt := 7.0
			if loaderCtx {
				wt = 10
			}
			v.vote("SS2001", wt*w, "the executable is there but its ELF interpreter (the dynamic loader of a cgo build) is not: the kernel reports the loader's absence as ENOENT", o)
		}
	})
	f.each("exec-stat-missing", func(o obs, w float64) {
		p := o.params["path"]
		switch {
		case shells[p]:
			v.vote("SS2011", 10*w, "the image has no shell, and a shell-form command needs one", o)
		case underMount(p):
			v.vote("SS4001", 10*w, "a volume is mounted over the directory that holds the executable, hiding it", o)
		case !strings.HasPrefix(p, "/"):
			v.vote("SS2007", 9*w, "the command "+p+" is relative to a working directory where the executable is not", o)
		case k8s:
			v.vote("SS4001", 9*w, "the executable named by the image is gone in the pod: a volume mounted over its directory hides it", o)
		default:
			v.vote("SS2011", 6*w, "the program to run is not in the image", o)
		}
	})
	f.each("exec-noloader", func(o obs, w float64) {
		p := o.params["path"]
		switch {
		case crlf || (p != "" && isScript(p) && !(f.has("ctx-bash-shebang") && f.has("ctx-alpine"))):
			// bash 5.2 says "cannot execute: required file not found" for a script whose
			// interpreter (with its CR) is missing, exactly as for a binary whose loader is.
			v.vote("SS2010", 9*w, `the script exists but its interpreter cannot be found: a CRLF shebang names "/bin/sh\r"`, o)
		case p != "" && isScript(p):
			v.vote("SS2011", 8*w, "the script's #!/bin/bash names a shell the alpine image does not have", o)
		default:
			v.vote("SS2001", 10*w, "the binary needs a dynamic loader or C library the system does not have", o)
		}
	})
	f.each("sh-not-found", func(o obs, w float64) {
		p := o.params["path"]
		base := path.Base(p)
		switch {
		case o.params["script"] != "" && k8s:
			v.vote("SS4001", 9*w, "the entrypoint script cannot find the binary in the pod: a volume mounted over the directory hides it", o)
		case !strings.Contains(p, "/") && tools[base]:
			v.vote("SS2011", 8*w, "the image does not contain "+base, o)
		case crlf:
			v.vote("SS2010", 9*w, "the script has CRLF line endings", o)
		default:
			v.vote("SS2001", 9*w, "busybox sh says \"not found\" for a file that exists when its ELF interpreter is missing (a glibc binary on musl or scratch)", o)
		}
	})
	f.each("bad-interpreter", func(o obs, w float64) {
		in := o.params["interp"]
		if crlf || strings.Contains(in, "^M") || strings.Contains(in, "\r") {
			v.vote("SS2010", 10*w, "the shebang line ends in CR", o)
		} else {
			v.vote("SS2011", 8*w, "the interpreter named by the shebang ("+in+") is not installed", o)
		}
	})
	if crlf && !f.has("exec-enoent") && !f.has("bad-interpreter") {
		f.each("crlf", func(o obs, w float64) {
			v.vote("SS2010", 8*w, "the script has CRLF line endings", o)
		})
	}

	// exec format error — architecture, or a script without a shebang, or a non-main archive.
	f.each("exec-format", func(o obs, w float64) {
		p := o.params["path"]
		switch {
		case f.has("non-main"):
			v.vote("SS1008", 10*w, "go build of a non-main package wrote an archive, not an executable", o)
		case crlf:
			v.vote("SS2010", 9*w, "the script's first line ends in CR, which some runtimes report as an unknown executable format", o)
		case (p == "" || isScript(p)) && f.has("ctx-noshebang"):
			v.vote("SS2010", 9*w, "a script run directly needs a first line #!/bin/sh; without it (or with a broken one) execve reports exec format error", o)
		default:
			wt := 10.0
			if f.has("ctx-arch") || f.has("platform-mismatch") {
				wt = 12
			} else {
				// The same words come from a script whose first line is not a shebang.
				v.vote("SS2010", 3*w, "or the file is a script without a #! first line, which execve reports the same way", o)
			}
			v.vote("SS2003", wt*w, "the binary was built for another CPU architecture than the host's", o)
		}
	})
	f.each("platform-mismatch", func(o obs, w float64) {
		v.vote("SS2003", 10*w, "the image was built for another platform", o)
	})

	// permission denied — low port, exec bit, file, or a non-main package.
	f.each("bind-perm", func(o obs, w float64) {
		v.vote("SS6003", 10*w, "binding a port below 1024 needs root or CAP_NET_BIND_SERVICE", o)
	})
	f.each("exec-perm", func(o obs, w float64) {
		if f.has("non-main") {
			v.vote("SS1008", 10*w, "the file built is a package archive, not a program", o)
		} else {
			v.vote("SS2009", 10*w, "the file to execute lacks the exec bit (or sits on a noexec mount)", o)
		}
	})
	f.each("file-perm", func(o obs, w float64) {
		if f.lineHas(o.line, "exec-perm") || f.lineHas(o.line, "bind-perm") || f.lineHas(o.line, "systemd-step") {
			return
		}
		v.vote("SS2008", 9*w, "the service's user cannot write or read this path", o)
	})
	f.each("non-main", func(o obs, w float64) {
		v.vote("SS1008", 10*w, "the package built is not package main", o)
	})

	// exit codes and kills.
	bootTimeout := f.has("boot-timeout")
	f.each("exit-code", func(o obs, w float64) {
		switch o.params["code"] {
		case "126":
			if f.has("non-main") {
				v.vote("SS1008", 4*w, "exit code 126: found but not executable", o)
			} else {
				v.vote("SS2009", 4*w, "exit code 126: the command was found but could not be executed", o)
			}
		case "127":
			v.vote("SS2011", 4*w, "exit code 127: command not found", o)
		case "137":
			if !bootTimeout {
				wt := 4.0
				if f.has("ctx-stop") {
					wt = 1
				}
				v.vote("SS7001", wt*w, "exit code 137 is SIGKILL, most often the kernel's OOM killer", o)
			}
		}
	})
	f.each("sigkill", func(o obs, w float64) {
		if !bootTimeout && !f.has("ctx-stop") {
			v.vote("SS7001", 2*w, "the process was killed with SIGKILL", o)
		}
	})
	f.each("oom", func(o obs, w float64) {
		if f.lineHas(o.line, "sqlite-cantopen") {
			return
		}
		v.vote("SS7001", 10*w, "the container or process was killed for exceeding its memory limit", o)
	})
	f.each("sqlite-cantopen", func(o obs, w float64) {
		db := ""
		if a := f.get("sqlite-path"); a != nil {
			db = a.last().params["dbpath"]
		}
		switch {
		case db != "" && !strings.HasPrefix(db, "/"):
			o.params = map[string]string{"path": db}
			v.vote("SS2006", 9*w, "SQLite error 14 (\"out of memory (14)\") is SQLITE_CANTOPEN: the relative database path "+db+" cannot be created from the working directory", o)
		default:
			v.vote("SS2008", 8*w, "SQLite error 14 (\"out of memory (14)\") is SQLITE_CANTOPEN, not memory: the database file or its directory cannot be created or written by the service's user", o)
		}
	})

	// ports.
	f.each("port-in-use", func(o obs, w float64) {
		v.vote("SS6004", 10*w, "another process already listens on this port", o)
	})
	f.each("boot-timeout", func(o obs, w float64) {
		if f.has("listen-loopback") {
			v.vote("SS6002", 10*w, "the platform found nothing listening on the port because the service listens on 127.0.0.1 only", o)
			return
		}
		v.vote("SS6001", 10*w, "the platform killed the process because nothing listened on the port it was given ($PORT) in time; the exit code 137 that follows is that kill, not memory", o)
	})
	f.each("probe-failed", func(o obs, w float64) {
		if strings.Contains(strings.ToLower(o.text), "deadline exceeded") || strings.Contains(o.text, "Client.Timeout") {
			v.vote("SS6001", 4*w, "the probe timed out: a port nobody answers on, or a service too busy to answer", o)
			return
		}
		if f.has("listen-loopback") {
			v.vote("SS6002", 9*w, "the service listens on 127.0.0.1, which the kubelet cannot reach from outside the container", o)
		} else {
			v.vote("SS6001", 8*w, "the probe's port is not the port the service listens on", o)
		}
	})
	f.each("probe-named-port", func(o obs, w float64) {
		v.vote("SS4003", 10*w, "the probe names a port that no containerPort defines", o)
	})
	if container || f.has("conn-reset") || f.has("probe-failed") {
		f.each("listen-loopback", func(o obs, w float64) {
			wt := 4.0
			if f.has("conn-reset") || f.has("empty-reply") || f.has("probe-failed") {
				wt = 9
			}
			v.vote("SS6002", wt*w, "the service listens on a loopback address inside its container", o)
		})
	}
	f.each("empty-reply", func(o obs, w float64) {
		v.vote("SS6001", 6*w, "the published port reaches the container, but nothing listens there on that port", o)
	})
	f.each("conn-reset", func(o obs, w float64) {
		v.vote("SS6002", 5*w, "connections forwarded into the container are reset: the service listens on loopback only", o)
	})

	// dependencies.
	f.each("dial-refused", func(o obs, w float64) {
		if f.lineHas(o.line, "probe-failed") {
			return
		}
		h := hostOf(o)
		switch {
		case h != "" && isLoopback(h) && !systemd:
			wt := 8.0
			if container {
				wt = 10
			}
			v.vote("SS1003", wt*w, "the dependency's address is hard-coded to the loopback; inside a container 127.0.0.1 is the container itself, and the dependency runs elsewhere (a compose service name or a Kubernetes Service)", o)
		case h != "" && (strings.Contains(h, "proxy.golang.org") || strings.Contains(h, "github.com")):
			v.vote("SS1011", 7*w, "the build cannot reach the module proxy", o)
		default:
			v.vote("SS7002", 8*w, "the dependency did not accept the connection (not started yet, wrong address, or down)", o)
		}
	})
	f.each("dial-nohost", func(o obs, w float64) {
		h := o.params["host"]
		if strings.Contains(h, "golang.org") || strings.Contains(h, "github.com") || strings.Contains(h, "gopkg.in") {
			v.vote("SS1011", 8*w, "the build cannot resolve the module proxy or VCS host", o)
		} else {
			v.vote("SS7002", 8*w, "the dependency's host name does not resolve from here", o)
		}
	})
	f.each("dial-timeout", func(o obs, w float64) {
		v.vote("SS7002", 8*w, "the dependency cannot be reached (timeout or no route)", o)
	})
	f.each("dep-down", func(o obs, w float64) {
		v.vote("SS7002", 6*w, "the service could not connect to a dependency", o)
	})
	if f.has("main-dialing") {
		ev := []obs{f.get("main-goroutine").last(), f.get("main-dialing").last()}
		if a := f.get("addr-mention"); a != nil {
			ev = append(ev, a.last())
		}
		v.vote("SS7002", 9, "the goroutine dump shows main blocked dialing a dependency that does not answer", ev...)
	}

	// TLS, time zones, libc.
	f.each("x509", func(o obs, w float64) {
		v.vote("SS2004", 10*w, "the system has no CA bundle that trusts the server's certificate", o)
	})
	badZone := false
	f.each("unknown-tz", func(o obs, w float64) {
		z := o.params["zone"]
		if validZone == nil || validZone(z) {
			v.vote("SS2005", 10*w, z+" is a valid IANA zone: the system has no zoneinfo database", o)
			return
		}
		badZone = true
		why := z + " is not an IANA zone name"
		if s := suggestZone(z); s != "" {
			o.params["suggestion"] = s
			why += " (did you mean " + s + "?)"
		}
		v.vote("SS1007", 10*w, why, o)
	})
	if !badZone {
		f.each("tz-missing", func(o obs, w float64) {
			v.vote("SS2005", 8*w, "time.LoadLocation failed for lack of zoneinfo and the nil Location was used", o)
		})
	}
	f.each("glibc", func(o obs, w float64) {
		v.vote("SS2002", 10*w, "the binary was linked against a newer glibc than the one on this system", o)
	})

	// Go toolchain.
	f.each("go-version", func(o obs, w float64) {
		v.vote("SS1010", 10*w, "the go directive of go.mod asks for a newer Go than the toolchain in use, and GOTOOLCHAIN=local forbids fetching it", o)
	})
	f.each("gosum", func(o obs, w float64) {
		v.vote("SS1005", 10*w, "go.sum lacks the checksum of a module the build needs", o)
	})
	// Inside a Docker build, a replace directory that exists in the checkout but was not
	// copied into the build context is the build's module resolution failing.
	dockerBuild := f.has("ctx-dockerbuild") || f.fromSource("buildkit")
	f.each("vendoring", func(o obs, w float64) {
		v.vote("SS1004", 10*w, "vendor/modules.txt does not match go.mod: go.mod changed after the last go mod vendor", o)
	})
	f.each("replace-missing", func(o obs, w float64) {
		if dockerBuild {
			v.vote("SS1011", 10*w, "inside the Docker build, a replace directive points at a directory not copied into the build context", o)
		} else {
			v.vote("SS1006", 10*w, "a replace directive points at a directory that is not there", o)
		}
	})
	f.each("gomod-parse", func(o obs, w float64) {
		e := strings.ToLower(o.params["err"])
		if strings.Contains(e, "toolchain") || strings.Contains(e, "go version") || strings.Contains(e, "invalid go") {
			v.vote("SS1010", 9*w, "go.mod uses syntax newer than the toolchain reading it", o)
		} else if e != "" {
			v.vote("SS1009", 9*w, "go.mod does not parse", o)
		}
	})
	f.each("not-in-goroot", func(o obs, w float64) {
		if newStd[o.params["package"]] {
			v.vote("SS1010", 9*w, o.params["package"]+" is a standard package of a newer Go release than the toolchain", o)
		} else {
			v.vote("SS1011", 7*w, "the import cannot be resolved to a module in this build", o)
		}
	})
	f.each("modresolve", func(o obs, w float64) {
		v.vote("SS1011", 8*w, "modules cannot be resolved or downloaded in this build", o)
	})
	f.each("cgo-cc", func(o obs, w float64) {
		v.vote("SS1012", 10*w, "cgo is needed (or was disabled while a package needs it) and the C toolchain does not match", o)
	})
	f.each("missing-cmd", func(o obs, w float64) {
		c := o.params["cmd"]
		if compilers[c] {
			return
		}
		v.vote("SS2011", 9*w, "the program shells out to "+c+", which is not installed here", o)
	})

	// users, directories, mounts.
	f.each("user-missing", func(o obs, w float64) {
		v.vote("SS2012", 10*w, "the user to run as does not exist in this system's or image's passwd", o)
	})
	f.each("chdir", func(o obs, w float64) {
		v.vote("SS2007", 10*w, "the working directory does not exist", o)
	})
	f.each("tmp-missing", func(o obs, w float64) {
		v.vote("SS2013", 10*w, "there is no /tmp (scratch and distroless images have none unless created)", o)
	})
	f.each("mount", func(o obs, w float64) {
		if k8s {
			v.vote("SS4002", 9*w, "a subPath or items key names a file the ConfigMap or Secret does not have, so the kubelet mounts a directory in its place", o)
		} else {
			v.vote("SS2014", 9*w, "the bind-mount source does not exist on the host (Docker creates a directory in its place)", o)
		}
	})
	f.each("k8s-missing-obj", func(o obs, w float64) {
		wt := 10.0
		if o.params["name"] == "" && o.params["key"] == "" {
			wt = 5
		}
		v.vote("SS4004", wt*w, "the pod refers to a Secret, ConfigMap or key that does not exist", o)
	})
	f.each("k8s-config-key", func(o obs, w float64) {
		if strings.Contains(strings.ToLower(o.text), "non-existent") {
			v.vote("SS4002", 10*w, "a volume's items name a key the ConfigMap does not contain", o)
		}
	})

	// systemd.
	f.each("systemd-status", func(o obs, w float64) {
		code, _ := strconv.Atoi(o.params["code"])
		st, ok := systemdExit[code]
		if !ok || st.id == "" {
			return
		}
		o.params["status"] = strconv.Itoa(code) + "/" + st.name
		if code == 203 {
			if f.has("exec-perm") || f.has("exec-format") || f.has("exec-enoent") {
				return // the EXEC step's own error says why
			}
		}
		v.vote(st.id, st.weight*w, "systemd exit status "+o.params["status"]+": "+st.meaning, o)
	})
	f.each("systemd-exec-path", func(o obs, w float64) {
		v.vote("SS3002", 10*w, "ExecStart= does not name an absolute path to an existing executable", o)
	})
	f.each("systemd-timeout", func(o obs, w float64) {
		wt := 8.0
		if f.has("type-forking") {
			wt = 11
		}
		v.vote("SS3001", wt*w, "with Type=forking systemd waits for the started process to exit; a Go server stays in the foreground, so the start times out", o)
	})

	// environment and configuration.
	f.each("env-missing", func(o obs, w float64) {
		v.vote("SS2015", 9*w, "a required environment variable is not set where the service runs", o)
	})
	f.each("config-invalid", func(o obs, w float64) {
		rest := strings.ToLower(o.params["rest"] + o.text)
		if strings.Contains(rest, "no such file") || strings.Contains(rest, "permission denied") || strings.Contains(rest, "is a directory") {
			return
		}
		v.vote("SS7003", 7*w, "the service's own configuration file does not parse or validate", o)
	})
	f.each("relative-missing", func(o obs, w float64) {
		p := o.params["path"]
		if strings.HasSuffix(p, "go.mod") || strings.HasSuffix(p, "go.sum") || f.lineHas(o.line, "exec-enoent") || f.lineHas(o.line, "exec-stat-missing") {
			return
		}
		if systemd || o.source == "journal" {
			v.vote("SS2007", 9*w, "the relative path "+p+" resolves against the unit's working directory, which is / without WorkingDirectory=", o)
		} else {
			v.vote("SS2006", 9*w, "the relative path "+p+" does not exist in the working directory where the service runs", o)
		}
	})
	f.each("abs-missing", func(o obs, w float64) {
		p := o.params["path"]
		if f.lineHas(o.line, "exec-enoent") || f.lineHas(o.line, "exec-stat-missing") || f.lineHas(o.line, "tz-missing") || strings.HasSuffix(p, "go.mod") {
			return
		}
		switch {
		case strings.HasPrefix(p, "/tmp"):
			v.vote("SS2013", 8*w, "there is no /tmp", o)
		case strings.HasPrefix(p, "/etc/ssl") || strings.HasPrefix(p, "/etc/pki"):
			v.vote("SS2004", 8*w, "the CA bundle is not installed", o)
		case strings.Contains(p, "zoneinfo"):
			v.vote("SS2005", 8*w, "the zoneinfo database is not installed", o)
		case k8s || f.has("ctx-docker"):
			v.vote("SS2014", 4*w, "a file the service expects (often from a volume) is not at "+p, o)
		default:
			v.vote("SS2006", 4*w, "a file the service expects is not at "+p, o)
		}
	})

	// exposure: never the cause of a failed start, so they only rank when nothing else does.
	f.each("gin-debug", func(o obs, w float64) {
		v.vote("SS1002", 1*w, "gin runs in debug mode", o)
	})
	f.each("pprof", func(o obs, w float64) {
		v.vote("SS1001", 1*w, "pprof handlers are served", o)
	})

	// The catalog's own signatures.
	var sigs []string
	for name := range f.m {
		if strings.HasPrefix(name, "sig:") {
			sigs = append(sigs, name)
		}
	}
	sort.Strings(sigs) // a fixed order of float additions: equal scores stay equal
	for _, name := range sigs {
		id := strings.TrimPrefix(name, "sig:")
		f.each(name, func(o obs, w float64) {
			v.vote(id, 4*w, "", o)
		})
	}

	// Systemd failure modes name the unit when the log does: in the message, or in the
	// journal's own field (_SYSTEMD_UNIT of -o json).
	for _, c := range v.m {
		if c.params["unit"] != "" {
			continue
		}
		for _, o := range c.evidence {
			if strings.HasSuffix(o.unit, ".service") {
				c.params["unit"] = o.unit
				break
			}
		}
	}
	if a := f.get("unit-name"); a != nil {
		for _, id := range []string{"SS3001", "SS3002", "SS2007", "SS2012", "SS2009", "SS2008", "SS2014"} {
			if c := v.m[id]; c != nil && c.params["unit"] == "" {
				c.params["unit"] = a.last().params["unit"]
			}
		}
	}

	out := make([]*cand, 0, len(v.m))
	for _, c := range v.m {
		sort.Slice(c.evidence, func(i, j int) bool { return c.evidence[i].line < c.evidence[j].line })
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		if li, lj := lastLine(out[i]), lastLine(out[j]); li != lj {
			return li > lj
		}
		return out[i].id < out[j].id // deterministic, whatever the map order
	})
	return out
}

func lastLine(c *cand) int {
	if len(c.evidence) == 0 {
		return 0
	}
	return c.evidence[len(c.evidence)-1].line
}
