package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

func newRulesCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the catalog of failure modes, or print the doc of one",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				r := catalog.Lookup(strings.ToUpper(args[0]))
				if r == nil {
					return misuse("no rule %s (see shipshape rules)", args[0])
				}
				printDoc(e, r)
				return nil
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSEVERITY\tCLASS\tTITLE")
			for _, r := range catalog.All() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Class, r.Title)
			}
			return tw.Flush()
		},
	}
}

func printDoc(e *env, r *rule.Rule) {
	w := e.stdout
	fmt.Fprintf(w, "%s: %s\n\nclass: %s\nseverity: %s\n", r.ID, r.Title, r.Class, r.Severity)
	if len(r.Requires) > 0 {
		var ins []string
		for _, in := range r.Requires {
			ins = append(ins, string(in))
		}
		fmt.Fprintf(w, "detected from: %s\n", wordList(ins))
	} else {
		fmt.Fprintln(w, "detected from: logs only (shipshape explain)")
	}
	if r.Symptom != "" {
		fmt.Fprintf(w, "symptom: %s\n", r.Symptom)
	}
	fmt.Fprintf(w, "\n%s\n\nFix: %s\n", strings.TrimSpace(r.Doc), r.Fix)
	if len(r.Signatures) > 0 {
		fmt.Fprintln(w, "\nLog signatures:")
		for _, s := range r.Signatures {
			fmt.Fprintf(w, "  %s\n    e.g. %s\n", s.Pattern, s.Example)
		}
	}
}
