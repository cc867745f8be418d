package cli

import (
	"errors"
	"io/fs"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newCheckCmd(e *env) *cobra.Command {
	var (
		out  output
		only []string
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
			return out.write(e, &report.Report{Root: dir, Findings: res.Findings, Notes: res.Notes})
		},
	}
	addOutputFlags(cmd, &out)
	cmd.Flags().StringSliceVar(&only, "only", nil, "run only these rule IDs (to debug one rule)")
	return cmd
}
