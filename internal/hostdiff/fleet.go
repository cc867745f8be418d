package hostdiff

import (
	"fmt"
	"os"
	"runtime"
	"sort"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// Named is a snapshot and the file it came from.
type Named struct {
	File     string
	Snapshot *host.Snapshot
}

// maxSnapshotFile bounds one snapshot file: a real one is 10 to 100 KB (users, groups and
// environment names dominate); 64 MiB is far beyond any host and keeps a wrong argument (a
// disk image, a log) from being read whole.
const maxSnapshotFile = 64 << 20

// Read reads and decodes one snapshot file; the error names the file.
func Read(file string) (*host.Snapshot, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a snapshot", file)
	}
	if st.Size() > maxSnapshotFile {
		return nil, fmt.Errorf("%s: %d bytes is too large for a snapshot (at most %d MiB)", file, st.Size(), maxSnapshotFile>>20)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	s, err := host.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return s, nil
}

// ReadAll reads snapshot files concurrently, in the order given. It stops at the first file
// that cannot be read (by its position in files, so the error is deterministic).
func ReadAll(files []string) ([]Named, error) {
	out := make([]Named, len(files))
	errs := make([]error, len(files))
	parallel(len(files), func(i int) {
		out[i].File = files[i]
		out[i].Snapshot, errs[i] = Read(files[i])
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// parallel runs f(0…n-1) on GOMAXPROCS workers.
func parallel(n int, f func(int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// Drift is how a fleet differs from a baseline.
type Drift struct {
	Baseline string `json:"baseline"`
	// Hosts are the compared hosts in the order given.
	Hosts []HostDrift `json:"hosts"`
	// Groups gather each difference across hosts: those that matter first (ranked), then
	// the others by how many hosts have them.
	Groups []Group `json:"differences"`
}

// HostDrift is one host's comparison with the baseline.
type HostDrift struct {
	File string `json:"file"`
	Host string `json:"host"`
	// Matters counts the differences that matter, Others the rest.
	Matters int  `json:"matters"`
	Others  int  `json:"others"`
	Same    bool `json:"identical"`
	// Differences are this host's: in JSON those that matter, or all with --all (text and
	// Markdown list Groups instead).
	Differences []Difference `json:"differences"`
}

// Group is one difference (a failure mode and a field) and the hosts that have it.
type Group struct {
	ID      string `json:"id,omitempty"`
	Class   string `json:"class,omitempty"`
	Field   string `json:"field"`
	Matters bool   `json:"matters"`
	// Message is the first host's message, as an example.
	Message string `json:"message"`
	// Hosts are the files (with B's value) that have it, in the order given.
	Hosts []GroupHost `json:"hosts"`
	rank  int
}

// GroupHost is one host of a Group.
type GroupHost struct {
	File  string `json:"file"`
	Host  string `json:"host"`
	Value string `json:"value"`
}

// Fleet compares every host with the baseline.
func Fleet(baseline Named, hosts []Named, need *Needs) *Drift {
	fa := flatten(baseline.Snapshot)
	results := make([]*Result, len(hosts))
	parallel(len(hosts), func(i int) {
		results[i] = compare(baseline.Snapshot, hosts[i].Snapshot, fa, need)
	})
	d := &Drift{Baseline: baseline.File, Hosts: make([]HostDrift, len(hosts))}
	groups := map[string]*Group{}
	for i, r := range results {
		h := HostDrift{File: hosts[i].File, Host: r.B, Same: r.Identical, Differences: r.Differences}
		for _, df := range r.Differences {
			if df.Matters {
				h.Matters++
			} else {
				h.Others++
			}
			key := df.ID + "\x00" + df.Field
			g := groups[key]
			if g == nil {
				g = &Group{ID: df.ID, Class: df.Class, Field: df.Field, Matters: df.Matters, Message: df.Message, rank: df.rank}
				groups[key] = g
			}
			g.Hosts = append(g.Hosts, GroupHost{File: h.File, Host: h.Host, Value: df.B})
		}
		d.Hosts[i] = h
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, *g)
	}
	sort.Slice(d.Groups, func(i, j int) bool {
		x, y := d.Groups[i], d.Groups[j]
		if x.Matters != y.Matters {
			return x.Matters
		}
		if x.Matters && x.rank != y.rank {
			return x.rank < y.rank
		}
		if len(x.Hosts) != len(y.Hosts) {
			return len(x.Hosts) > len(y.Hosts)
		}
		return x.Field < y.Field
	})
	return d
}

// Matters says some host differs from the baseline in a way that matters.
func (d *Drift) Matters() bool {
	for _, h := range d.Hosts {
		if h.Matters > 0 {
			return true
		}
	}
	return false
}
