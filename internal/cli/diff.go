package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/hostdiff"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newDiffCmd(e *env) *cobra.Command {
	var (
		format, baseline, binaryFile, projectDir string
		all                                      bool
	)
	cmd := &cobra.Command{
		Use:   "diff A.json B.json | diff --baseline BASE.json HOST.json…",
		Short: "Compare host snapshots: what differs between where the service starts (A) and where it may not (B)",
		Long: `diff compares two snapshots written by shipshape snapshot. It lists the differences that can
stop a Go service that starts on A from starting on B, most serious first, each with its failure
mode and consequence; --all adds every other difference.

--binary FILE narrows to what that executable needs (its architecture, loader and glibc floor);
--project DIR to what the project's code needs (its ports, environment variables, time zones, TLS,
temporary and written files).

With --baseline, every HOST snapshot is compared with BASE: which hosts differ in what.

Exit codes: 0 no difference that matters, 1 differences that matter, 2 misuse or unreadable
snapshot.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(hostdiff.Formats, format) {
				return misuse("--format: want text, json or markdown, not %q", format)
			}
			switch {
			case baseline == "" && len(args) != 2:
				return misuse("diff takes two snapshots (A.json B.json), or --baseline BASE.json and host snapshots")
			case baseline != "" && len(args) == 0:
				return misuse("--baseline takes host snapshots to compare with it")
			}
			need, err := needsOf(binaryFile, projectDir)
			if err != nil {
				return err
			}
			if baseline != "" {
				base, err := hostdiff.Read(baseline)
				if err != nil {
					return misuse("%v", err)
				}
				hosts, err := hostdiff.ReadAll(args)
				if err != nil {
					return misuse("%v", err)
				}
				d := hostdiff.Fleet(hostdiff.Named{File: baseline, Snapshot: base}, hosts, need)
				if err := hostdiff.WriteFleet(e.stdout, format, d, all); err != nil {
					return err
				}
				if d.Matters() {
					return &exitError{code: ExitFindings}
				}
				return nil
			}
			snaps, err := hostdiff.ReadAll(args)
			if err != nil {
				return misuse("%v", err)
			}
			if format == "text" {
				// A fact a snapshot could not read is unknown, and a difference in it goes
				// unseen: say so.
				for i, s := range snaps {
					if n := len(s.Snapshot.Notes); n > 0 {
						fmt.Fprintf(e.stderr, "note: %s (%s): %d %s could not be read; see its \"notes\"\n",
							"AB"[i:i+1], s.File, n, map[bool]string{true: "fact", false: "facts"}[n == 1])
					}
				}
			}
			a, b := snaps[0].Snapshot, snaps[1].Snapshot
			r := hostdiff.Compare(a, b, need)
			if err := hostdiff.Write(e.stdout, format, a, b, r, all); err != nil {
				return err
			}
			if len(r.Matters()) > 0 {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "text", "output format: text, json or markdown")
	f.BoolVar(&all, "all", false, "list every difference, not only those that matter")
	f.StringVar(&baseline, "baseline", "", "compare every snapshot given with this one (fleet drift)")
	f.StringVar(&binaryFile, "binary", "", "narrow to what this executable needs")
	f.StringVar(&projectDir, "project", "", "narrow to what the Go project in this directory needs")
	return cmd
}

// needsOf reads what --binary and --project say the service needs (nil when neither is given).
func needsOf(binaryFile, projectDir string) (*hostdiff.Needs, error) {
	var bin, proj *hostdiff.Needs
	if binaryFile != "" {
		n, err := hostdiff.FromBinary(binaryFile)
		if err != nil {
			return nil, misuse("--binary: %v", err)
		}
		bin = n
	}
	if projectDir != "" {
		t, err := tree.Walk(projectDir, tree.Options{})
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, misuse("--project %s: no such directory", projectDir)
		case errors.Is(err, tree.ErrNotDir):
			return nil, misuse("--project %s: is a file, not a project directory", projectDir)
		case err != nil:
			return nil, misuse("--project: %v", err)
		}
		n, err := hostdiff.FromProject(facts.Load(t))
		if err != nil {
			return nil, misuse("--project %s: %v", projectDir, err)
		}
		n.What = fmt.Sprintf("the project in %s", projectDir)
		proj = n
	}
	return hostdiff.Merge(bin, proj), nil
}
