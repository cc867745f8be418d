package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/host"
)

// snapshotKeyEnv names the environment variable that may carry the digest key, so that it
// need not appear on a command line (and in ps).
const snapshotKeyEnv = "SHIPSHAPE_SNAPSHOT_KEY"

func newSnapshotCmd(e *env) *cobra.Command {
	var out, key, root string
	cmd := &cobra.Command{
		Use:   "snapshot [--out FILE]",
		Short: "Print the facts of this host that decide whether a Go service starts here, as JSON",
		Long: `snapshot prints a versioned JSON document of this host or container: OS, kernel, arch,
libc, dynamic loaders, CA bundle, zoneinfo, users and groups, limits, cgroup limits, container,
ports, read-only mounts, /tmp, DNS, environment variable names, systemd and the Go toolchain.
Compare two with shipshape diff. It runs nothing and writes nothing but its output.

The user, limits, cgroup and environment are this process's: take the snapshot the way the
service runs (inside its container, as its user, under its unit) to see what the service sees.

Environment values are never written, except for these harmless names:
` + wrapWords(append(append([]string{}, host.AllowedEnv...), "LC_*"), 96) + `
Every other variable appears as "set" or "empty"; with a key (--key, or better
$` + snapshotKeyEnv + `, which ps does not show) it also gets an HMAC-SHA256 digest of its value
under that key, so that snapshots taken with the same key show which values differ without
showing them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if key == "" {
				key = os.Getenv(snapshotKeyEnv)
			}
			o := host.Options{Key: []byte(key), Tool: Version, Env: []string{}}
			for _, kv := range os.Environ() {
				if !strings.HasPrefix(kv, snapshotKeyEnv+"=") { // the key is not a fact of the host
					o.Env = append(o.Env, kv)
				}
			}
			if root != "" {
				st, err := os.Stat(root)
				if err != nil || !st.IsDir() {
					return misuse("--root %s: not a directory", root)
				}
				// Root stays empty: access(2) on a directory of this machine says nothing of
				// whether /tmp is writable where that root file system runs.
				o.FS = os.DirFS(root)
			}
			if len(o.Key) == 0 {
				o.Key = nil
			}
			s := host.Collect(o)
			b, err := s.Marshal()
			if err != nil {
				return &exitError{code: ExitMisuse, err: fmt.Errorf("writing snapshot: %w", err)}
			}
			if out == "" || out == "-" {
				_, err = e.stdout.Write(b)
				return err
			}
			if err := os.WriteFile(out, b, 0o644); err != nil {
				return misuse("--out: %v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "write the snapshot to FILE instead of stdout")
	cmd.Flags().StringVar(&key, "key", "", "key for HMAC-SHA256 digests of environment values (default $"+snapshotKeyEnv+")")
	cmd.Flags().StringVar(&root, "root", "", "read files from this directory as the root (a flattened image rootfs, or the node's / mounted in a pod); uname, ids, limits and /proc/self stay this process's, and /tmp's writability is unknown")
	return cmd
}

// wrapWords joins words with ", " into lines of at most width columns.
func wrapWords(words []string, width int) string {
	var b strings.Builder
	line := 0
	for i, w := range words {
		if i < len(words)-1 {
			w += ","
		}
		if line > 0 && line+1+len(w) > width {
			b.WriteString("\n")
			line = 0
		} else if line > 0 {
			b.WriteString(" ")
			line++
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
