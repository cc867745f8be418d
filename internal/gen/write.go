package gen

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Kinds are the files gen writes, in the order the help lists them.
var Kinds = []string{"dockerfile", "systemd", "k8s", "compose", "github-actions"}

// File is one generated file: Path is a slash path relative to the project root.
type File struct {
	Path string
	Data []byte
}

// Generate renders the files of one kind. out, when not "", replaces the default path of the
// main file (a Dockerfile's .dockerignore goes next to it).
func (p *Plan) Generate(kind, out string) ([]File, error) {
	def := map[string]string{
		"dockerfile":     "Dockerfile",
		"systemd":        p.unitPath(),
		"k8s":            path.Join("deploy", "k8s", p.Name+".yaml"),
		"compose":        "compose.yaml",
		"github-actions": path.Join(".github", "workflows", p.Name+".yml"),
	}[kind]
	if def == "" {
		return nil, fmt.Errorf("unknown kind %q: want one of %s", kind, strings.Join(Kinds, ", "))
	}
	if out == "" {
		out = def
	}
	out = path.Clean(filepath.ToSlash(out))
	switch kind {
	case "dockerfile":
		return []File{{out, p.Dockerfile()}, {path.Join(path.Dir(out), ".dockerignore"), p.DockerIgnore()}}, nil
	case "systemd":
		return []File{{out, p.Unit()}}, nil
	case "k8s":
		return []File{{out, p.Kubernetes()}}, nil
	case "compose":
		return []File{{out, p.Compose(out)}}, nil
	}
	return []File{{out, p.Workflow()}}, nil
}

// ErrExists is wrapped by Write for a file that exists with other content and no force.
var ErrExists = errors.New("exists with other content (use --force to overwrite)")

// Write writes f under root. An existing file with the same content is left alone (written
// false); one with other content is overwritten only with force, else Write returns the
// unified diff from the old content to the new one and an error wrapping ErrExists.
func Write(root string, f File, force bool) (written bool, diff []byte, err error) {
	full := filepath.Join(root, filepath.FromSlash(f.Path))
	old, err := os.ReadFile(full)
	switch {
	case err == nil:
		if bytes.Equal(old, f.Data) {
			return false, nil, nil
		}
		if !force {
			return false, Diff(f.Path, old, f.Data), fmt.Errorf("%s %w", f.Path, ErrExists)
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		return false, nil, fmt.Errorf("reading %s: %w", f.Path, err)
	}
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return false, nil, fmt.Errorf("creating the directory of %s: %w", f.Path, err)
	}
	if err := os.WriteFile(full, f.Data, 0o644); err != nil {
		return false, nil, fmt.Errorf("writing %s: %w", f.Path, err)
	}
	return true, nil, nil
}
