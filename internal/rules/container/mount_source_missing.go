package container

import (
	"fmt"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// MountSourceMissing is a compose bind mount whose host source does not exist, which Docker
// creates as an empty directory.
var MountSourceMissing = &rule.Rule{
	ID:       "SS2014",
	Class:    "mount-source-missing",
	Title:    "bind-mount source does not exist and becomes a directory",
	Severity: rule.Error,
	Doc: `**What happens.** The service finds a directory where it expects its configuration file:

    Can't open configuration file: read config.yml: is a directory

or, when the image has a file at the target, the container cannot start:

    not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)?

**Why.** With the short volume syntax (./config.yml:/app/config.yml) Docker creates a missing
host source as an empty directory, for backward compatibility, and bind-mounts it. The directory
stays on the host, so creating the file later fails too. It happens on every fresh clone when the
file is generated, git-ignored, or copied from config.example.yml by a documented step that was
skipped.

**How to confirm.**

    docker compose config | grep -A3 'type: bind'
    ls -ld ./config.yml                      # a directory?
    docker compose run --rm --entrypoint ls SERVICE -ld /app/config.yml

**How to fix.** Commit the file (or a default), create it before compose up, and make compose
fail instead of inventing a directory:

    volumes:
      - type: bind
        source: ./config.yml
        target: /app/config.yml
        bind:
          create_host_path: false`,
	Fix:     "Make sure every bind-mount source exists in the repository or is created before compose up, and use the long syntax with bind.create_host_path: false so a missing file fails loudly.",
	Symptom: "read config.yml: is a directory",
	Signatures: []rule.Signature{
		rule.Sig("is a directory",
			`read (?P<path>\S+): is a directory"?$`,
			"lookout_1   | Can't open configuration file: read config.yml: is a directory"),
		rule.Sig("mount a directory onto a file",
			`Are you trying to mount a directory onto a file \(or vice-versa\)\?`,
			"not a directory: unknown: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"),
	},
	Requires: []rule.Input{rule.Compose},
	Run:      runMountSourceMissing,
}

// runMountSourceMissing reports bind sources of the tree's compose files that name a file (by
// the source's or the target's name) and do not exist. A missing directory is left alone:
// Docker creates it, which is what data directories rely on. Absolute sources, sources outside
// the tree or under directories the walk skips are unknown.
func runMountSourceMissing(p *rule.Pass) error {
	t := p.Project.Tree
	for _, cf := range p.Project.Compose {
		for _, s := range cf.Services {
			for _, v := range s.Volumes {
				rel := v.Resolved
				if v.Type != "bind" || rel == "" || rel == "." || strings.HasPrefix(rel, "../") || strings.Contains(v.Source.Raw, "$") {
					continue
				}
				if t.Exists(rel) || underSkipped(rel) || !(fileLike(rel) || fileLike(v.Target.Value)) {
					continue
				}
				f := rule.Finding{
					Pos: v.Source.Pos,
					Message: fmt.Sprintf("%s: compose service %q bind-mounts %s onto %s, but %s does not exist in the repository: Docker creates it as an empty directory, "+
						"so the service finds a directory where it expects the file (\"read %s: is a directory\"), or the container fails to start when the image has a file at %s",
						v.Source.Pos.Short(), s.Name, v.Source.Value, v.Target.Value, rel, path.Base(v.Target.Value), v.Target.Value),
					Related: []rule.Related{{Pos: s.Pos, Message: "service " + s.Name}},
				}
				if ex := exampleOf(t, rel); ex != "" {
					f.Severity = rule.Warning
					f.Message += fmt.Sprintf("; %s exists: the file is to be created from it before compose up", ex)
					f.Related = append(f.Related, rule.Related{Pos: source.Pos{File: ex}, Message: "template of " + rel})
				}
				p.Report(f)
			}
		}
	}
	return nil
}

// fileLike says whether a path names a file by its name: an extension (not the ".d" of
// configuration directories) or a dotfile such as .env.
func fileLike(p string) bool {
	b := path.Base(path.Clean(p))
	if b == "" || b == "." || b == "/" || b == ".." {
		return false
	}
	if strings.HasPrefix(b, ".") {
		return dotfiles[b]
	}
	ext := path.Ext(b)
	if ext == "" || ext == ".d" || len(ext) > 6 {
		return false
	}
	for _, r := range ext[1:] {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return strings.IndexFunc(ext[1:], func(r rune) bool { return r < '0' || r > '9' }) >= 0
}

// dotfiles are file names without an extension that are files.
var dotfiles = map[string]bool{".env": true, ".htpasswd": true, ".netrc": true, ".npmrc": true, ".pgpass": true, ".my.cnf": true}

// underSkipped says whether the walk leaves the path's directories out (their files are unknown).
func underSkipped(rel string) bool {
	for _, seg := range strings.Split(rel, "/") {
		switch seg {
		case ".git", ".hg", ".svn", ".idea", ".vscode", ".cache", "node_modules", "testdata", ".terraform":
			return true
		}
	}
	return false
}

// exampleOf finds the template a missing file is meant to be created from: config.example.yml,
// config.yml.example, .env.sample, config.dist.yml and the like, next to it.
func exampleOf(t *tree.Tree, rel string) string {
	dir, base := path.Split(rel)
	ext := path.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for _, w := range []string{"example", "sample", "dist", "template", "default", "tmpl", "tpl", "orig"} {
		for _, c := range []string{base + "." + w, stem + "." + w + ext, stem + "-" + w + ext, stem + "_" + w + ext, w + "." + base} {
			if t.Get(dir+c) != nil {
				return dir + c
			}
		}
	}
	return ""
}
