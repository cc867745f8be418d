package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/host"
	"github.com/shipshape-dev/shipshape/internal/inspect"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newBuildCmd(e *env) *cobra.Command {
	var (
		targets  []string
		hostFile string
		dir      string
		dist     string
		version  string
		upx      bool
	)
	cmd := &cobra.Command{
		Use:   "build [PACKAGE]",
		Short: "Build production binaries with settings chosen from what the code needs, and verify them",
		Long: `build compiles a main package of the project in --dir (default: the current directory) for each
target, with flags chosen from the same facts check reads: CGO_ENABLED=0 unless something the
program reaches needs cgo (then it says what that costs, and links statically when a static C
library is installed, else against libc with the glibc floor checked against --host),
-trimpath, -ldflags "-s -w", the version stamped with -X when the code has a version variable,
and VCS information kept in a git checkout.

This is the one command of shipshape that runs the Go toolchain: it runs go build (and go tool
dist list) through os/exec, in the module's directory.

Targets come from --target, else the architecture of the --host snapshot, else the platforms
the repository builds images for (workflows, goreleaser, FROM --platform), else linux on this
machine's architecture. It writes dist/NAME_OS_ARCH[.exe] and dist/SHA256SUMS and prints a size
table. Every artifact is read back (format, architecture, static linking, recorded build
settings, glibc floor against the host) and the build fails when one does not match.

--upx compresses the artifacts with upx when it is installed: smaller files, but every start
decompresses the whole binary into memory first (tens of milliseconds for a 10 MB binary) and
the pages are no longer shared between processes.

--host FILE is a snapshot from shipshape snapshot, or the minimal JSON inspect accepts:
  {"arch": "amd64", "libc": {"family": "glibc", "version": "2.31"}}`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var opt build.RunOptions
			if len(args) == 1 {
				opt.Program = args[0]
			}
			for _, list := range targets {
				for _, s := range strings.Split(list, ",") {
					if strings.TrimSpace(s) == "" {
						continue
					}
					t, err := build.ParseTarget(s)
					if err != nil {
						return misuse("--target: %v", err)
					}
					opt.Targets = append(opt.Targets, t)
				}
			}
			if hostFile != "" {
				h, err := readHostSnapshot(hostFile)
				if err != nil {
					return misuse("--host: %v", err)
				}
				opt.Host = h
			}
			opt.Dist, opt.Version, opt.UPX = dist, version, upx
			t, err := tree.Walk(dir, tree.Options{})
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return misuse("%s: no such directory", dir)
			case err != nil:
				return misuse("%v", err)
			}
			p := facts.Load(t)
			if e.errTTY {
				opt.Progress = e.stderr
			}
			res, err := build.Run(cmd.Context(), p, opt)
			if res != nil && res.Settings != nil {
				fmt.Fprintf(e.stderr, "targets: %s\n", res.TargetsFrom)
				for _, why := range res.Settings.Why {
					fmt.Fprintf(e.stderr, "  %s\n", why)
				}
			}
			var amb *build.AmbiguousError
			var verr *build.VerifyError
			switch {
			case errors.As(err, &amb):
				return misuse("%d main packages: name one (%s)", len(amb.Programs), wordList(amb.Programs))
			case errors.As(err, &verr):
				res.SizeTable(e.stdout, dir)
				return &exitError{code: ExitFindings, err: err}
			case err != nil:
				return misuse("%v", err)
			}
			res.SizeTable(e.stdout, dir)
			if upx {
				fmt.Fprintln(e.stderr, "upx: each start now decompresses the binary into memory first; measure the start-up before shipping it")
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&targets, "target", nil, "platforms, like linux/amd64,linux/arm64 (default: see above)")
	cmd.Flags().StringVar(&hostFile, "host", "", "target host snapshot (JSON) whose architecture and libc the binaries must suit")
	cmd.Flags().StringVarP(&dir, "dir", "C", ".", "project directory")
	cmd.Flags().StringVar(&dist, "dist", "", "output directory (default DIR/dist)")
	cmd.Flags().StringVar(&version, "version", "", "version stamped into the code's version variable (default: git describe, else dev)")
	cmd.Flags().BoolVar(&upx, "upx", false, "compress the binaries with upx (must be installed)")
	return cmd
}

// readHostSnapshot reads a shipshape snapshot, or the minimal host JSON inspect accepts.
func readHostSnapshot(path string) (*host.Snapshot, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if s, err := host.Decode(b); err == nil {
		return s, nil
	}
	h, err := inspect.ReadHost(path)
	if err != nil {
		return nil, err
	}
	s := &host.Snapshot{Arch: h.GoArch()}
	s.Libc.Family, s.Libc.Version = h.Libc.Family, h.Libc.Version
	if s.Libc.Version == "" {
		s.Libc.Version = host.Unknown
	}
	return s, nil
}
