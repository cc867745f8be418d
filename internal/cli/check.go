package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/baseline"
	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newCheckCmd(e *env) *cobra.Command {
	var (
		out           output
		only          []string
		baselinePath  string
		writeBaseline bool
	)
	cmd := &cobra.Command{
		Use:   "check [DIR]",
		Short: "Preflight a Go project together with its Dockerfiles, compose files, manifests and units",
		Long: `check reads the Go code of DIR (default: the current directory) and every deployment artifact
next to it, and reports what would keep the service from starting where it is deployed. It never
runs project code and never touches the network.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateOutput(&out); err != nil {
				return err
			}
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			for _, id := range only {
				if catalog.Lookup(id) == nil {
					return misuse("--only: no rule %s (see shipshape rules)", id)
				}
			}
			res, err := check.Dir(dir, check.Options{Rules: catalog.All(), Only: only})
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return misuse("%s: no such directory", dir)
			case errors.Is(err, tree.ErrNotDir):
				return misuse("%s: is a file; check takes a project directory (inspect takes a binary or image)", dir)
			case errors.Is(err, fs.ErrPermission):
				return misuse("%s: permission denied", dir)
			case err != nil:
				return misuse("%v", err)
			}
			findings := res.Findings
			if writeBaseline {
				path := baselinePath
				if path == "" {
					path = filepath.Join(dir, baseline.DefaultFile)
				}
				if err := baseline.From(findings).Write(path); err != nil {
					return misuse("writing the baseline: %v", err)
				}
				fmt.Fprintf(e.stderr, "shipshape: recorded %d findings in %s; from now on only new ones fail\n", len(findings), path)
				return nil
			}
			if baselinePath != "" {
				b, err := baseline.Load(baselinePath)
				if err != nil {
					return misuse("--baseline: %v", err)
				}
				var known int
				findings, known = b.New(findings)
				res.Notes = append(res.Notes, source.Note{Text: fmt.Sprintf("%d findings are in the baseline %s; %d are new", known, baselinePath, len(findings))})
			}
			return out.write(e, &report.Report{Root: dir, Findings: findings, Notes: res.Notes})
		},
	}
	addOutputFlags(cmd, &out)
	cmd.Flags().StringSliceVar(&only, "only", nil, "run only these rule IDs (to debug one rule)")
	cmd.Flags().StringVar(&baselinePath, "baseline", "", "fail only on findings not recorded in this baseline file")
	cmd.Flags().BoolVar(&writeBaseline, "write-baseline", false, "record the current findings in the baseline (--baseline, default DIR/"+baseline.DefaultFile+") and exit 0")
	return cmd
}
