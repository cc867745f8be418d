// Package release answers where a project's release tooling installs its binaries on a host and
// which platforms its binaries and images are built for: goreleaser configs, GitHub workflows,
// and the install/cp commands and GOOS/GOARCH settings of Makefiles and scripts; and which
// platforms run them: Procfile processes and Cloud Run deployments.
//
// API:
//
//	Load(t) (*Facts, []source.Note)                      everything below, for a tree
//	ParseGoreleaser(path, data) (*Goreleaser, []source.Note)
//	ParseWorkflow(path, data) (*Workflow, []source.Note)
//	ParseMakefile(path, data) (*Makefile, []source.Note)
//	ParseProcfile(path, data) ([]*ProcEntry, []source.Note)  Procfile entries (Heroku, Dokku, buildpacks)
//	ParseCloudRun(path, data) []*CloudRunDeploy              gcloud run deploy commands of any text
//	(*Facts).InstalledBinaries() []Installed            where packages and installs put binaries
package release

import (
	"bytes"
	"path"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/script"
	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree"
)

// Value is one configured value with where it was written. The zero Value means "not set".
type Value struct {
	Text string
	Pos  source.Pos
}

// Set says whether the value was written.
func (v Value) Set() bool { return v.Pos.File != "" }

// Setting is an environment-style NAME=value (GOOS, GOARCH, GOARM, CGO_ENABLED, …).
type Setting struct {
	Name  string
	Value string
	// Pos is where the name is written.
	Pos source.Pos
}

// Facts are the release configuration of a project. A nil *Facts from Load means there is none.
type Facts struct {
	Goreleaser []*Goreleaser
	Workflows  []*Workflow
	Makefiles  []*Makefile
	// ScriptInstalls are install/cp commands of shell scripts that put files in a bin directory.
	ScriptInstalls []*Install
	// Procfiles are the entries of every file named Procfile, in path and line order.
	Procfiles []*ProcEntry
	// CloudRun are the gcloud run deploy commands of scripts, Makefiles and YAML files.
	CloudRun []*CloudRunDeploy
}

// Install is an install(1) or cp(1) command that copies a file to a directory of executables.
type Install struct {
	// Tool is "install" or "cp".
	Tool string
	// Src and Dst are the words as written (make variables and $VARS left unexpanded). Dst is
	// a directory when it ends in "/" or when there were several sources.
	Src []string
	Dst string
	// Mode is install's -m argument, "" when absent.
	Mode string
	// Target is the Makefile target whose recipe holds the command ("" in scripts).
	Target string
	Pos    source.Pos
}

// Installed is one binary a release puts on a host.
type Installed struct {
	// Name is the binary's file name; Path is where it lands ("/usr/bin/app"), as written.
	Name string
	Path string
	// From says what installs it: "goreleaser nfpms", "Makefile install", "script cp".
	From string
	Pos  source.Pos
}

// InstalledBinaries lists where the project's packages and install commands put binaries.
func (f *Facts) InstalledBinaries() []Installed {
	if f == nil {
		return nil
	}
	var out []Installed
	for _, g := range f.Goreleaser {
		out = append(out, g.installed()...)
	}
	installs := f.ScriptInstalls
	for _, m := range f.Makefiles {
		installs = append(installs, m.Installs...)
	}
	for _, in := range installs {
		from := "script " + in.Tool
		if in.Target != "" || strings.HasSuffix(in.Pos.File, "akefile") || strings.HasSuffix(in.Pos.File, ".mk") {
			from = "Makefile " + in.Tool
		}
		for _, src := range in.Src {
			dst := in.Dst
			if strings.HasSuffix(dst, "/") || len(in.Src) > 1 || isBinDirName(dst) {
				dst = strings.TrimSuffix(dst, "/") + "/" + path.Base(src)
			}
			out = append(out, Installed{Name: path.Base(dst), Path: dst, From: from, Pos: in.Pos})
		}
	}
	return out
}

// maxCloudRunScan is the largest script, Makefile or YAML file searched for gcloud run deploy.
const maxCloudRunScan = 1 << 20

// Load reads the goreleaser configs (.goreleaser.y*ml and goreleaser.y*ml anywhere), GitHub
// workflows (.github/workflows/*.y*ml), Makefiles (Makefile, GNUmakefile, *.mk), shell scripts
// that mention a bin directory, Procfiles, and the gcloud run deploy commands of scripts,
// Makefiles and YAML files outside vendor/. It returns nil when none of them exists.
func Load(t *tree.Tree) (*Facts, []source.Note) {
	f := &Facts{}
	var notes []source.Note
	found := false
	for _, file := range t.Files {
		base := path.Base(file.Path)
		var kind int
		const (
			none = iota
			goreleaser
			workflow
			makefile
			shell
			procfile
			yamlFile
		)
		switch {
		case file.Kind == tree.YAML && (strings.HasPrefix(base, ".goreleaser.") || strings.HasPrefix(base, "goreleaser.")):
			kind = goreleaser
		case file.Kind == tree.YAML && path.Dir(file.Path) == ".github/workflows":
			kind = workflow
		case base == "Makefile" || base == "makefile" || base == "GNUmakefile" || strings.HasSuffix(base, ".mk"):
			kind = makefile
		case file.Kind == tree.Shell:
			kind = shell
		case base == "Procfile":
			kind = procfile
		case file.Kind == tree.YAML:
			kind = yamlFile
		default:
			continue
		}
		// Other YAML files are read only for gcloud commands.
		scan := file.Size <= maxCloudRunScan && !strings.HasPrefix(file.Path, "vendor/")
		if kind == yamlFile && !scan {
			continue
		}
		data, err := t.Read(file)
		if err != nil {
			if kind != yamlFile { // the loaders of YAML kinds say so for those
				notes = append(notes, source.Notef(source.Pos{File: file.Path}, "cannot read: %v", err))
			}
			continue
		}
		if scan && kind != procfile {
			// Binary files are noted by the parsers that own their kind; here they hold no command.
			if ds := ParseCloudRun(file.Path, data); len(ds) > 0 {
				f.CloudRun = append(f.CloudRun, ds...)
				found = true
			}
		}
		var ns []source.Note
		switch kind {
		case goreleaser:
			var g *Goreleaser
			g, ns = ParseGoreleaser(file.Path, data)
			if g != nil {
				f.Goreleaser = append(f.Goreleaser, g)
				found = true
			}
		case workflow:
			var w *Workflow
			w, ns = ParseWorkflow(file.Path, data)
			if w != nil {
				f.Workflows = append(f.Workflows, w)
				found = true
			}
		case makefile:
			var m *Makefile
			m, ns = ParseMakefile(file.Path, data)
			if m != nil {
				f.Makefiles = append(f.Makefiles, m)
				found = true
			}
		case procfile:
			var es []*ProcEntry
			es, ns = ParseProcfile(file.Path, data)
			if len(es) > 0 {
				f.Procfiles = append(f.Procfiles, es...)
				found = true
			}
		case shell:
			// Only scripts that mention a bin directory can install a binary; the script
			// package reports parse problems of every script, so none are repeated here.
			if !bytes.Contains(data, []byte("bin")) {
				continue
			}
			s, _ := script.Parse(file.Path, data)
			if s == nil {
				continue
			}
			for _, c := range s.Commands {
				if in := installOf(c.Name, c.Args, c.Pos); in != nil {
					f.ScriptInstalls = append(f.ScriptInstalls, in)
					found = true
				}
			}
		}
		notes = append(notes, ns...)
	}
	if !found {
		return nil, notes
	}
	return f, notes
}

// installOf reads an install or cp command, keeping those whose destination looks like a
// directory of executables (a bin or sbin path element, or a BINDIR-like variable).
func installOf(name string, args []string, pos source.Pos) *Install {
	if name != "install" && name != "cp" {
		return nil
	}
	in := &Install{Tool: name, Pos: pos}
	var words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-m" || a == "--mode":
			if i+1 < len(args) {
				in.Mode = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "-m") && name == "install":
			in.Mode = a[2:]
		case strings.HasPrefix(a, "--mode="):
			in.Mode = strings.TrimPrefix(a, "--mode=")
		case a == "-o" || a == "-g" || a == "--owner" || a == "--group" || a == "-t" || a == "--target-directory":
			if a == "-t" || a == "--target-directory" {
				if i+1 < len(args) {
					in.Dst = strings.TrimSuffix(args[i+1], "/") + "/"
				}
			}
			i++
		case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && name == "install":
			if strings.Contains(a, "d") {
				return nil // install -d creates directories
			}
			if m := strings.IndexByte(a, 'm'); m > 0 { // a cluster such as -Dm755 or -Dm 755
				if in.Mode = a[m+1:]; in.Mode == "" && i+1 < len(args) {
					in.Mode = args[i+1]
					i++
				}
			}
		case strings.HasPrefix(a, "-"):
		default:
			words = append(words, a)
		}
	}
	if in.Dst == "" {
		if len(words) < 2 {
			return nil
		}
		in.Dst, words = words[len(words)-1], words[:len(words)-1]
	}
	if len(words) == 0 || !binDir(in.Dst) {
		return nil
	}
	in.Src = words
	return in
}

// isBinDirName says whether dst names a bin directory itself ("/usr/local/bin", "$(BINDIR)")
// rather than a file in one.
func isBinDirName(dst string) bool {
	base := strings.ToLower(path.Base(dst))
	return base == "bin" || base == "sbin" || strings.Contains(base, "bindir") || strings.Contains(base, "bin_dir")
}

// binDir says whether a destination is (or is inside) a directory of executables.
func binDir(dst string) bool {
	d := strings.ToLower(dst)
	return strings.Contains(d, "/bin") || strings.Contains(d, "/sbin") || strings.HasPrefix(d, "bin/") ||
		strings.Contains(d, "bindir") || strings.Contains(d, "bin_dir")
}
