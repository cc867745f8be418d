package report

import (
	"encoding/json"
	"io"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// GitLab writes a GitLab CI code quality report: a JSON array of issues with description,
// check_name, fingerprint, severity and location.path/lines.begin, which GitLab shows in merge
// requests when a job declares it under artifacts:reports:codequality. Paths are relative to the
// repository root (the checked directory joined in front), as GitLab resolves them. GitLab's
// severities are info, minor, major, critical and blocker: an error (the service will not
// start) is critical, a warning major, an info info.
type GitLab struct{}

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

func (GitLab) Format(w io.Writer, r *Report, _ Options) error {
	issues := []gitlabIssue{}
	for _, f := range r.Findings {
		line := f.Line
		if line == 0 {
			line = 1 // GitLab requires a line; a whole-file finding points at the first
		}
		issues = append(issues, gitlabIssue{
			Description: f.ID + " " + f.Message,
			CheckName:   f.ID + " " + string(f.Class),
			Fingerprint: Fingerprint(f),
			Severity:    gitlabSeverity(f.Severity),
			Location:    gitlabLocation{Path: workspacePath(r.Root, f.File), Lines: gitlabLines{Begin: line}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(issues)
}

func gitlabSeverity(s rule.Severity) string {
	switch s {
	case rule.Error:
		return "critical"
	case rule.Warning:
		return "major"
	}
	return "info"
}
