package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/build"
	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gen"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

func newGenCmd(e *env) *cobra.Command {
	var (
		out     string
		dir     string
		program string
		force   bool
		libc    string
	)
	cmd := &cobra.Command{
		Use:   "gen dockerfile|systemd|k8s|compose|github-actions",
		Short: "Write deployment files derived from what the code needs",
		Long: `gen writes a deployment file for a Go program of the project in --dir (default: the current
directory), from the same facts check reads: the Go version of go.mod, whether cgo is needed, the
port the code listens on, the environment it requires, the files it opens by relative path and
the directories it writes, CA certificates and zoneinfo, and a health route.

  dockerfile       Dockerfile (multi-stage, numeric non-root user) and .dockerignore
  systemd          deploy/NAME.service (Type=exec, DynamicUser, hardening that keeps it working)
  k8s              deploy/k8s/NAME.yaml (Deployment, Service, and a Secret for required env)
  compose          compose.yaml
  github-actions   .github/workflows/NAME.yml (test, check with SARIF upload, build, image)

An existing file with other content is not overwritten without --force: gen prints the diff
from it to what it would write and exits 1. With several main packages, --program names one.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind := args[0]
			if !slices.Contains(gen.Kinds, kind) {
				return misuse("unknown kind %q: want one of %s", kind, wordList(gen.Kinds))
			}
			t, err := tree.Walk(dir, tree.Options{})
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return misuse("%s: no such directory", dir)
			case err != nil:
				return misuse("%v", err)
			}
			p := facts.Load(t)
			plan, err := gen.NewPlan(p, program)
			var amb *build.AmbiguousError
			switch {
			case errors.As(err, &amb):
				return misuse("%d main packages: choose one with --program (%s)", len(amb.Programs), wordList(amb.Programs))
			case err != nil:
				return misuse("%v", err)
			}
			switch {
			case libc == "":
			case libc != "musl" && libc != "glibc":
				return misuse("--libc %s: want musl or glibc", libc)
			case plan.Static():
				fmt.Fprintf(e.stderr, "note: --libc %s ignored: nothing the program reaches needs cgo, so the binary is static\n", libc)
			default:
				plan.Libc = libc
			}
			if out != "" {
				// --out is taken relative to --dir; an absolute path must lie inside it, since
				// the generated files name the project's files relative to its root.
				if filepath.IsAbs(out) {
					abs, _ := filepath.Abs(dir)
					rel, err := filepath.Rel(abs, out)
					if err != nil {
						return misuse("--out %s: %v", out, err)
					}
					out = rel
				}
				if clean := filepath.ToSlash(filepath.Clean(out)); clean == ".." || strings.HasPrefix(clean, "../") {
					return misuse("--out %s is outside the project directory %s: the generated files name the project's files relative to it", out, dir)
				}
			}
			files, err := plan.Generate(kind, out)
			if err != nil {
				return misuse("%v", err)
			}
			var refused []string
			for _, f := range files {
				written, diff, err := gen.Write(dir, f, force)
				switch {
				case errors.Is(err, gen.ErrExists):
					e.stdout.Write(diff)
					refused = append(refused, f.Path)
				case err != nil:
					return misuse("%v", err)
				case written:
					fmt.Fprintf(e.stderr, "wrote %s\n", filepath.Join(dir, filepath.FromSlash(f.Path)))
				default:
					fmt.Fprintf(e.stderr, "%s is up to date\n", filepath.Join(dir, filepath.FromSlash(f.Path)))
				}
			}
			for _, n := range plan.Notes {
				fmt.Fprintf(e.stderr, "note: %s\n", n)
			}
			if len(refused) > 0 {
				return &exitError{code: ExitFindings, err: fmt.Errorf("%s already exist with other content: the diff above is what gen would change; rerun with --force to write", strings.Join(refused, ", "))}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "path of the generated file, relative to --dir (default per kind, see above)")
	cmd.Flags().StringVarP(&dir, "dir", "C", ".", "project directory")
	cmd.Flags().StringVar(&program, "program", "", "main package directory (or binary name) when the project has several")
	cmd.Flags().BoolVar(&force, "force", false, "overwrite existing files")
	cmd.Flags().StringVar(&libc, "libc", "", "C library of a cgo build: musl (Alpine, the default) or glibc (Debian builder, distroless cc of the same release)")
	return cmd
}
