// Package config answers how a project tunes shipshape: the rules it disables, the severities
// it changes and the paths it skips, read from .shipshape.yaml at the checked root.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"go.yaml.in/yaml/v4"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// FileName is the config file looked up at the root of a checked directory.
const FileName = ".shipshape.yaml"

// Config is the content of .shipshape.yaml.
type Config struct {
	// Disable lists rule IDs that never run.
	Disable []string `yaml:"disable"`
	// Severity maps a rule ID to the severity its findings get instead of the catalog's.
	Severity map[string]rule.Severity `yaml:"severity"`
	// Skip lists slash-path patterns, relative to the root, that are not checked.
	Skip []string `yaml:"skip"`
}

var idRE = regexp.MustCompile(`^SS[0-9]{4}$`)

// Load reads dir/.shipshape.yaml; a missing file is an empty config.
func Load(dir string) (*Config, error) {
	name := filepath.Join(dir, FileName)
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	return Parse(name, b)
}

// Parse reads config text; name is used in errors.
func Parse(name string, b []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	for _, id := range c.Disable {
		if !idRE.MatchString(id) {
			return nil, fmt.Errorf("%s: disable: %q is not a rule ID (SS plus four digits)", name, id)
		}
	}
	for id := range c.Severity {
		if !idRE.MatchString(id) {
			return nil, fmt.Errorf("%s: severity: %q is not a rule ID (SS plus four digits)", name, id)
		}
	}
	return c, nil
}

// Disabled says whether a rule is switched off.
func (c *Config) Disabled(id string) bool {
	for _, d := range c.Disable {
		if d == id {
			return true
		}
	}
	return false
}
