package cli

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/explain"
)

func newExplainCmd(e *env) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "explain [FILE|-]",
		Short: "Name the failure mode behind a start-up failure log",
		Long: `explain reads a log of a failed start (FILE, or standard input when FILE is - or absent):
application output, Go panics and goroutine dumps, journalctl (text or -o json), systemctl
status, docker logs and compose output, BuildKit build output, kubectl logs, describe pod, get
events and get pods, CI logs. It detects the format, and answers with the catalog's failure
modes that explain the log, best first: the evidence lines, the parameters read from them, what
happened, the fix, and the command that would confirm it.

Exit codes: 0 a diagnosis, 1 no diagnosis (the lines that look most like an error are shown),
2 misuse or unreadable input.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "text", "json", "github":
			default:
				return misuse("--format: want text, json or github, not %q", format)
			}
			var r io.Reader = e.stdin
			name := "-"
			if f, ok := e.stdin.(*os.File); ok && len(args) == 0 && term.IsTerminal(int(f.Fd())) {
				fmt.Fprintln(e.stderr, "shipshape explain: reading the log from standard input (paste it, then Ctrl-D)")
			}
			if len(args) == 1 && args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return misuse("%v", err)
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil && st.IsDir() {
					return misuse("%s: is a directory; explain takes a log file (check takes a project directory)", args[0])
				}
				r, name = f, args[0]
			}
			// explain streams: its live heap is the automaton and a few chunk buffers, whatever
			// the log's size. A soft limit keeps the garbage collector from letting the heap
			// double past that (the catalog's promise is at most 64 MB resident).
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(40 << 20))
			res, err := explain.Explain(r, explain.Options{Rules: catalog.All()})
			if err != nil {
				return misuse("%s: %v", name, err)
			}
			if err := res.Write(e.stdout, format, name); err != nil {
				return &exitError{code: ExitMisuse, err: fmt.Errorf("writing the report: %w", err)}
			}
			if len(res.Diagnoses) == 0 {
				return &exitError{code: ExitFindings}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or github")
	return cmd
}
