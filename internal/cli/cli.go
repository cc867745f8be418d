// Package cli is shipshape's command line: cobra verbs over the check, inspect, explain and
// snapshot engines, with exit codes decided in one place.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/report"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// Exit codes.
const (
	ExitClean    = 0 // nothing at or above --fail-on
	ExitFindings = 1 // findings at or above --fail-on (or explain found no diagnosis)
	ExitMisuse   = 2 // bad flags, unreadable input
)

// Version is stamped with -ldflags "-X github.com/shipshape-dev/shipshape/internal/cli.Version=…".
var Version = "dev"

// exitError carries an exit code up to Run; its message, if any, goes to stderr.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

// misuse wraps an error as exit code 2.
func misuse(format string, args ...any) error {
	return &exitError{code: ExitMisuse, err: fmt.Errorf(format, args...)}
}

// env is what a command may touch of the outside world; tests replace it.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// tty says whether stdout is a terminal (colour) and errTTY whether stderr is (progress).
	tty, errTTY bool
}

// Run executes the command line and returns the process exit code. Only main calls os.Exit.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, tty: isTerminal(stdout), errTTY: isTerminal(stderr)}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitClean
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "shipshape: %v\n", ee.err)
		}
		return ee.code
	}
	// cobra's own errors (unknown flag, wrong argument count) are misuse.
	fmt.Fprintf(stderr, "shipshape: %v\n", err)
	return ExitMisuse
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "shipshape",
		Short: "Will your Go service start over there? And if it didn't, why?",
		Long: `shipshape predicts and explains the start-up failures of Go services on Linux servers,
container images, Kubernetes pods and systemd units, from one catalog of failure modes.

Before you ship:
  shipshape check [DIR]             preflight the Go code together with its Dockerfiles, compose
                                    files, manifests, units, scripts and .env files (static: runs
                                    nothing, no network)
  shipshape inspect FILE|IMAGE      will this binary or image start? read from the artifact itself
  shipshape probe -- ./server       start it the way production will and say what breaks it
                                    (runs your program)
  shipshape build / gen             production builds and deployment files right by construction

When it did not start:
  shipshape explain [LOG]           name the failure mode behind a start-up failure log
  shipshape snapshot / diff A B     the facts of a host, and what differs between two that matters

The catalog:
  shipshape rules [ID]              every failure mode, or the doc of one (also docs/rules/)

In CI: check --format sarif|github|gitlab, --fail-on, --baseline (see the README).
Exit codes: 0 nothing at or above --fail-on, 1 findings, 2 misuse or unreadable input.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	for _, add := range []func(*env) *cobra.Command{
		newCheckCmd,
		newInspectCmd,
		newExplainCmd,
		newProbeCmd,
		newRulesCmd,
		newSnapshotCmd,
		newDiffCmd,
		newVersionCmd,
		newGenCmd,
		newBuildCmd,
	} {
		root.AddCommand(add(e))
	}
	return root
}

// output is the flags every reporting verb shares.
type output struct {
	format string
	failOn string
	color  string
}

func addOutputFlags(cmd *cobra.Command, o *output) {
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text, json, sarif, github (workflow annotations), gitlab (code quality report) or html (one self-contained page)")
	cmd.Flags().StringVar(&o.failOn, "fail-on", "error", "lowest severity that makes the exit code 1: error, warning or info")
	cmd.Flags().StringVar(&o.color, "color", "auto", "colour in text output: auto (only on a terminal), always or never")
	// Shell completion offers the values each flag takes (shipshape completion bash|zsh|fish).
	fixed := func(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return func(_ *cobra.Command, _ []string, prefix string) ([]string, cobra.ShellCompDirective) {
			var out []string
			for _, v := range values {
				if strings.HasPrefix(v, prefix) {
					out = append(out, v)
				}
			}
			return out, cobra.ShellCompDirectiveNoFileComp
		}
	}
	formats := make([]string, 0, len(report.Formats))
	for name := range report.Formats {
		formats = append(formats, name)
	}
	sort.Strings(formats)
	_ = cmd.RegisterFlagCompletionFunc("format", fixed(formats...))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", fixed("error", "warning", "info"))
	_ = cmd.RegisterFlagCompletionFunc("color", fixed("auto", "always", "never"))
}

// write renders a report and returns the exit error its findings call for.
func (o *output) write(e *env, r *report.Report) error {
	f, err := report.Lookup(o.format)
	if err != nil {
		return misuse("%v", err)
	}
	failOn, err := rule.ParseSeverity(o.failOn)
	if err != nil {
		return misuse("--fail-on: %v", err)
	}
	color := false
	switch o.color {
	case "auto":
		color = e.tty && os.Getenv("NO_COLOR") == ""
	case "always":
		color = true
	case "never":
	default:
		return misuse("--color: want auto, always or never, not %q", o.color)
	}
	if r.Rules == nil {
		r.Rules = catalog.All()
	}
	// JSON and SARIF carry notes inside the document; the line formats leave them on stderr.
	if o.format == "text" || o.format == "github" || o.format == "gitlab" {
		for _, n := range r.Notes {
			fmt.Fprintf(e.stderr, "note: %s\n", n)
		}
	}
	if err := f.Format(e.stdout, r, report.Options{Color: color, ToolVersion: Version}); err != nil {
		return &exitError{code: ExitMisuse, err: err}
	}
	for _, fd := range r.Findings {
		if fd.Severity >= failOn {
			return &exitError{code: ExitFindings}
		}
	}
	return nil
}

func validateOutput(o *output) error {
	if _, err := report.Lookup(o.format); err != nil {
		return misuse("%v", err)
	}
	if _, err := rule.ParseSeverity(o.failOn); err != nil {
		return misuse("--fail-on: %v", err)
	}
	return nil
}

func wordList(ss []string) string { return strings.Join(ss, ", ") }
