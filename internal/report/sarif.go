package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// SARIF writes SARIF 2.1.0 with rule metadata from the catalog: one run whose driver lists every
// rule of Report.Rules, one result per finding, and the notes as tool execution notifications.
// Paths are relative to the working directory (the checked directory joined in front when it is
// a relative path), named by the uriBaseId %SRCROOT%, so that code scanning run at the root of
// a checkout places them in the repository.
type SARIF struct{}

const (
	sarifSchema = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
	// InformationURI is where SARIF consumers send people to learn about the tool.
	InformationURI = "https://github.com/shipshape-dev/shipshape"
	// srcRoot is the uriBaseId that stands for the checked directory.
	srcRoot = "%SRCROOT%"
	// fingerprintKey names shipshape's partial fingerprint; the version suffix changes if the
	// way it is computed ever changes, so that consumers do not match old against new.
	fingerprintKey = "shipshapeFindingHash/v1"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifText       `json:"help"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags []string `json:"tags"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	RuleIndex           *int              `json:"ruleIndex,omitempty"`
	Level               string            `json:"level"`
	Message             sarifText         `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	RelatedLocations    []sarifLocation   `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	Properties          sarifResultProps  `json:"properties"`
}

type sarifResultProps struct {
	Class   string `json:"class"`
	Symptom string `json:"symptom,omitempty"`
	Fix     string `json:"fix,omitempty"`
}

type sarifLocation struct {
	ID               *int                  `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevel maps a severity to SARIF's level vocabulary.
func sarifLevel(s rule.Severity) string {
	switch s {
	case rule.Error:
		return "error"
	case rule.Warning:
		return "warning"
	}
	return "note"
}

func (SARIF) Format(w io.Writer, r *Report, opt Options) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "shipshape",
			Version:        opt.ToolVersion,
			InformationURI: InformationURI,
			Rules:          []sarifRule{},
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
		Results:     []sarifResult{},
	}
	index := map[string]int{}
	for _, ru := range r.Rules {
		if _, dup := index[ru.ID]; dup {
			continue
		}
		index[ru.ID] = len(run.Tool.Driver.Rules)
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(ru))
	}
	for _, n := range r.Notes {
		sn := sarifNotification{Level: "note", Message: sarifText{Text: n.Text}}
		if n.Pos.File != "" {
			sn.Locations = []sarifLocation{{PhysicalLocation: physical(r.Root, n.Pos)}}
		}
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sn)
	}
	seen := map[string]int{}
	for _, f := range r.Findings {
		res := sarifResult{
			RuleID:    f.ID,
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{Text: f.Message},
			Locations: []sarifLocation{},
			Properties: sarifResultProps{
				Class:   string(f.Class),
				Symptom: f.Symptom,
				Fix:     f.Fix,
			},
		}
		if i, ok := index[f.ID]; ok {
			res.RuleIndex = &i
		}
		if f.File != "" {
			res.Locations = append(res.Locations, sarifLocation{PhysicalLocation: physical(r.Root, f.Pos)})
		}
		for i, rel := range f.Related {
			if rel.File == "" {
				continue
			}
			id := i + 1
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: physical(r.Root, rel.Pos),
				Message:          &sarifText{Text: rel.Message},
			})
		}
		fp := Fingerprint(f)
		// Two findings with the same rule, file and message (say, two listeners on the same
		// port in one file) would share a fingerprint; the ordinal keeps them apart and,
		// since findings are sorted by position, stays stable while their order does.
		seen[fp]++
		if n := seen[fp]; n > 1 {
			fp = fmt.Sprintf("%s:%d", fp, n)
		}
		res.PartialFingerprints = map[string]string{fingerprintKey: fp}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

func sarifRuleOf(ru *rule.Rule) sarifRule {
	doc := strings.TrimSpace(ru.Doc)
	help := doc
	if ru.Fix != "" {
		help += "\n\n**Fix:** " + ru.Fix
	}
	return sarifRule{
		ID:                   ru.ID,
		Name:                 string(ru.Class),
		ShortDescription:     sarifText{Text: ru.Title},
		FullDescription:      sarifText{Text: doc, Markdown: doc},
		Help:                 sarifText{Text: help, Markdown: help},
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(ru.Severity)},
		Properties:           sarifRuleProps{Tags: []string{string(ru.Class)}},
	}
}

func physical(root string, p source.Pos) sarifPhysicalLocation {
	pl := sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: relativeURI(workspacePath(root, p.File)), URIBaseID: srcRoot}}
	if p.Line > 0 {
		pl.Region = &sarifRegion{StartLine: p.Line}
		if p.Col > 0 {
			pl.Region.StartColumn = p.Col
		}
	}
	return pl
}

// relativeURI turns a slash path relative to the root into a relative URI reference: spaces,
// percent signs and other reserved characters are escaped, and a first segment holding a colon
// is prefixed with ./ so that it cannot be read as a scheme.
func relativeURI(file string) string {
	return (&url.URL{Path: file}).String()
}

// quotedPos matches a position quoted in a message ("Dockerfile:9", "main.go:12:3") so that
// the line and column can be dropped: line numbers shift with every edit above them.
var quotedPos = regexp.MustCompile(`([\w.@/-]+):[0-9]+(?::[0-9]+)?\b`)

// Fingerprint is a stable identity of a finding for SARIF's partialFingerprints: a hash of the
// rule ID, the file and the message. The positions the message quotes ("main.go:12",
// "Dockerfile:9:3") are reduced to their file names first, so that a finding keeps its identity
// when lines are inserted above it. The baseline gate matches findings by it.
func Fingerprint(f rule.Finding) string {
	msg := quotedPos.ReplaceAllString(f.Message, "$1")
	h := sha256.New()
	for _, s := range []string{f.ID, f.File, msg} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
