package probe

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// group is the cgroups one probe's service runs in: a cgroup v2 group to find and kill every
// process of the tree (cgroup.kill), and the group that carries the memory limit (v2 memory.max
// when the memory controller is available there, else the v1 memory controller's
// memory.limit_in_bytes).
type group struct {
	dirs   []string // created, removed at the end
	procs  []string // cgroup.procs files the helper joins
	v2     string   // the v2 group, "" when none
	memory string   // the group with the memory limit, "" when none
	v1mem  bool
}

// selfCgroup returns this process's cgroup path in the hierarchy whose controller list
// contains ctrl ("" for the v2 hierarchy).
func selfCgroup(ctrl string) (string, bool) {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if ctrl == "" && parts[0] == "0" && parts[1] == "" {
			return parts[2], true
		}
		for _, c := range strings.Split(parts[1], ",") {
			if ctrl != "" && c == ctrl {
				return parts[2], true
			}
		}
	}
	return "", false
}

// v2Mount is where the cgroup v2 hierarchy is mounted: /sys/fs/cgroup on unified hosts,
// /sys/fs/cgroup/unified on hybrid ones.
func v2Mount() string {
	for _, d := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		if _, err := os.Stat(filepath.Join(d, "cgroup.procs")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "cgroup.kill")); err == nil || d == "/sys/fs/cgroup/unified" {
				return d
			}
			if _, err := os.Stat(filepath.Join(d, "cgroup.controllers")); err == nil {
				return d
			}
		}
	}
	return ""
}

func randomName() string {
	var b [6]byte
	rand.Read(b[:])
	return "shipshape-probe-" + hex.EncodeToString(b[:])
}

// newGroup creates the groups; a memory limit it cannot apply is returned as a note.
func newGroup(memory int64) (*group, string) {
	g := &group{}
	name := randomName()
	if m := v2Mount(); m != "" {
		if self, ok := selfCgroup(""); ok {
			dir := filepath.Join(m, self, name)
			if os.Mkdir(dir, 0o755) == nil {
				g.dirs = append(g.dirs, dir)
				g.procs = append(g.procs, filepath.Join(dir, "cgroup.procs"))
				g.v2 = dir
				if memory > 0 && os.WriteFile(filepath.Join(dir, "memory.max"), []byte(strconv.FormatInt(memory, 10)), 0) == nil {
					g.memory = dir
				}
			}
		}
	}
	if memory <= 0 || g.memory != "" {
		return g, ""
	}
	if self, ok := selfCgroup("memory"); ok {
		dir := filepath.Join("/sys/fs/cgroup/memory", self, name)
		if err := os.Mkdir(dir, 0o755); err == nil {
			g.dirs = append(g.dirs, dir)
			if err := os.WriteFile(filepath.Join(dir, "memory.limit_in_bytes"), []byte(strconv.FormatInt(memory, 10)), 0); err == nil {
				g.procs = append(g.procs, filepath.Join(dir, "cgroup.procs"))
				g.memory, g.v1mem = dir, true
				return g, ""
			}
		}
	}
	return g, fmt.Sprintf("memory limit %s not simulated: no writable cgroup with a memory controller here (RLIMIT_AS would be a poor stand-in for a container's limit)", formatBytes(memory))
}

// pids are the processes in the groups.
func (g *group) pids() []int {
	var out []int
	for _, p := range g.procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// oomKilled says whether the memory limit killed a process of the group.
func (g *group) oomKilled() bool {
	if g.memory == "" {
		return false
	}
	file := "memory.events"
	if g.v1mem {
		file = "memory.oom_control"
	}
	b, err := os.ReadFile(filepath.Join(g.memory, file))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 2 && f[0] == "oom_kill" && f[1] != "0" {
			return true
		}
	}
	return false
}

// kill kills every process left in the groups.
func (g *group) kill() {
	if g.v2 != "" {
		os.WriteFile(filepath.Join(g.v2, "cgroup.kill"), []byte("1"), 0)
	}
	for _, p := range g.pids() {
		killPid(p)
	}
}

// remove deletes the groups once they are empty (a killed process leaves its group when it has
// been reaped, so this retries briefly).
func (g *group) remove() error {
	var errs []error
	for i := len(g.dirs) - 1; i >= 0; i-- {
		var err error
		for try := 0; try < 50; try++ {
			if err = os.Remove(g.dirs[i]); err == nil || os.IsNotExist(err) {
				err = nil
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
