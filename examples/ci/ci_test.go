// Package ci tests the CI integrations shipped at the repository root (action.yml,
// .pre-commit-hooks.yaml) and in this directory by running their scripts for real.
package ci

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

const root = "../.."

func buildShipshape(t *testing.T, dir string) {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "shipshape"), "./cmd/shipshape")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building shipshape: %v\n%s", err, out)
	}
}

type action struct {
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID  string            `yaml:"id"`
			Run string            `yaml:"run"`
			Env map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

// runCheckStep runs the action's "check" step the way the runner would: bash, with the step's
// env (inputs substituted), RUNNER_TEMP and GITHUB_OUTPUT.
func runCheckStep(t *testing.T, temp string, inputs map[string]string) (code int, stdout, output string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using is %q", a.Runs.Using)
	}
	for _, s := range a.Runs.Steps {
		if s.ID != "check" {
			continue
		}
		outFile := filepath.Join(temp, "github_output")
		os.WriteFile(outFile, nil, 0o644)
		cmd := exec.Command("bash", "-e", "-o", "pipefail", "-c", s.Run)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "RUNNER_TEMP="+temp, "GITHUB_OUTPUT="+outFile)
		for k, v := range s.Env {
			for name, value := range inputs {
				v = strings.ReplaceAll(v, "${{ inputs."+name+" }}", value)
			}
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		out, err := cmd.Output()
		code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		o, _ := os.ReadFile(outFile)
		return code, string(out), string(o)
	}
	t.Fatal("action.yml has no step with id check")
	return
}

func TestActionCheckStep(t *testing.T) {
	temp := t.TempDir()
	buildShipshape(t, temp)
	code, stdout, output := runCheckStep(t, temp, map[string]string{"path": "examples/orders-api", "fail-on": "error", "baseline": ""})
	if code != 1 {
		t.Fatalf("the broken example must fail the step: exit %d\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "::error file=examples/orders-api/") {
		t.Errorf("no pull-request annotation with a workspace path:\n%s", stdout)
	}
	sarifPath := strings.TrimPrefix(strings.TrimSpace(output), "sarif=")
	b, err := os.ReadFile(sarifPath)
	if err != nil {
		t.Fatalf("step output %q: %v", output, err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 {
		t.Errorf("SARIF for code scanning is not a 2.1.0 document with results: %v", err)
	}

	// Adopting through a baseline: the same tree passes once its findings are recorded.
	base := filepath.Join(temp, "baseline.json")
	rec := exec.Command(filepath.Join(temp, "shipshape"), "check", "examples/orders-api", "--write-baseline", "--baseline", base)
	rec.Dir = root
	if out, err := rec.CombinedOutput(); err != nil {
		t.Fatalf("--write-baseline: %v\n%s", err, out)
	}
	if code, stdout, _ := runCheckStep(t, temp, map[string]string{"path": "examples/orders-api", "fail-on": "error", "baseline": base}); code != 0 {
		t.Errorf("with every finding in the baseline the step must pass: exit %d\n%s", code, stdout)
	}
}

func TestPreCommitHook(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID, Entry, Language string
		PassFilenames       bool `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "shipshape" || hooks[0].Language != "golang" || hooks[0].PassFilenames {
		t.Fatalf("hooks: %+v", hooks)
	}
	// pre-commit's golang language installs the repository's commands and runs the entry from
	// the user's repository root: run that entry here on the clean example.
	temp := t.TempDir()
	buildShipshape(t, temp)
	args := strings.Fields(hooks[0].Entry)
	if args[0] != "shipshape" {
		t.Fatalf("entry %q does not run shipshape", hooks[0].Entry)
	}
	cmd := exec.Command(filepath.Join(temp, "shipshape"), args[1:]...)
	cmd.Dir = filepath.Join(root, "examples", "clean-api")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("the hook fails on the clean example: %v\n%s", err, out)
	}
}

func TestWorkflowExamplesUseTheAction(t *testing.T) {
	b, err := os.ReadFile("github-workflow.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "uses: shipshape-dev/shipshape@") || !strings.Contains(string(b), "security-events: write") {
		t.Error("the GitHub workflow example must use the action with code-scanning permission")
	}
	b, err = os.ReadFile("gitlab-ci.yml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "--format gitlab") || !strings.Contains(string(b), "codequality:") {
		t.Error("the GitLab example must publish a code quality report")
	}
}
