package cli

import (
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/report"
)

// TestCompletionScripts checks that cobra's completion command is listed in the help and writes
// a script for each shell that names shipshape's verbs.
func TestCompletionScripts(t *testing.T) {
	if r := run(t, "--help"); r.code != ExitClean || !strings.Contains(r.stdout, "completion") {
		t.Errorf("--help (exit %d) does not list the completion command:\n%s", r.code, r.stdout)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		r := run(t, "completion", shell)
		if r.code != ExitClean {
			t.Errorf("completion %s: exit %d, stderr %q", shell, r.code, r.stderr)
			continue
		}
		if !strings.Contains(r.stdout, "shipshape") || !strings.Contains(r.stdout, "__complete") {
			t.Errorf("completion %s: the script does not call back into shipshape:\n%.400s", shell, r.stdout)
		}
	}
	// The bash script asks the program for candidates; the verbs come from __complete.
	if r := run(t, "__complete", ""); !strings.Contains(r.stdout, "check\t") {
		t.Errorf("__complete '' does not offer check:\n%s", r.stdout)
	}
	if r := run(t, "completion", "bash"); !strings.Contains(r.stdout, "# bash completion V2 for shipshape") {
		t.Errorf("completion bash is not cobra's V2 bash script:\n%.200s", r.stdout)
	}
}

// completions runs cobra's hidden __complete command and returns the candidates (without
// descriptions) and the directive line.
func completions(t *testing.T, args ...string) ([]string, string) {
	t.Helper()
	r := run(t, append([]string{"__complete"}, args...)...)
	if r.code != ExitClean {
		t.Fatalf("__complete %q: exit %d, stderr %q", args, r.code, r.stderr)
	}
	var got []string
	directive := ""
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.HasPrefix(l, ":") {
			directive = l
			continue
		}
		name, _, _ := strings.Cut(l, "\t")
		got = append(got, name)
	}
	return got, directive
}

// TestCompletionFlagValues checks that the values of --format (every registered format),
// --fail-on and --color are offered, on every verb that has them, and that no file names are.
func TestCompletionFlagValues(t *testing.T) {
	var formats []string
	for name := range report.Formats {
		formats = append(formats, name)
	}
	sort.Strings(formats)
	if !slices.Contains(formats, "html") {
		t.Fatalf("report.Formats has no html: %v", formats)
	}
	for _, verb := range []string{"check", "inspect"} {
		cases := []struct {
			args []string
			want []string
		}{
			{[]string{verb, "--format", ""}, formats},
			{[]string{verb, "--format", "h"}, []string{"html"}},
			{[]string{verb, "--fail-on", ""}, []string{"error", "warning", "info"}},
			{[]string{verb, "--color", ""}, []string{"auto", "always", "never"}},
		}
		for _, c := range cases {
			got, directive := completions(t, c.args...)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("__complete %q (-want +got):\n%s", c.args, diff)
			}
			// 4 is ShellCompDirectiveNoFileComp: the shell must not fall back to file names.
			if directive != ":4" {
				t.Errorf("__complete %q: directive %q, want :4 (no file completion)", c.args, directive)
			}
		}
	}
}
