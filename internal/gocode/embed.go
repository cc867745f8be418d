package gocode

import (
	"path"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

// expandEmbeds fills each embed's Files as the go command matches them (see package embed):
// a pattern is a path.Match pattern relative to the package directory; a file it names is
// embedded as is; a directory it names is embedded with all its files except those whose names
// start with . or _ (kept with the all: prefix); files of nested modules are never embedded.
func expandEmbeds(t *tree.Tree, l *layout, embeds []*Embed) {
	modDirs := map[string]bool{}
	for _, m := range l.modules {
		modDirs[m.Dir] = true
	}
	for _, e := range embeds {
		if e.Err != "" {
			continue
		}
		expandEmbed(t, modDirs, e)
	}
}

func expandEmbed(t *tree.Tree, modDirs map[string]bool, e *Embed) {
	pat := e.Pattern
	if pat == "" || strings.HasPrefix(pat, "/") || strings.HasSuffix(pat, "/") || strings.Contains(pat, "\\") {
		e.Err = "pattern " + pat + ": invalid pattern syntax"
		return
	}
	for _, elem := range strings.Split(pat, "/") {
		if elem == "" || elem == "." || elem == ".." {
			e.Err = "pattern " + pat + ": invalid pattern syntax"
			return
		}
	}
	if _, err := path.Match(pat, ""); err != nil {
		e.Err = "pattern " + pat + ": invalid pattern syntax"
		return
	}
	prefix := ""
	if e.Dir != "." {
		prefix = e.Dir + "/"
	}
	n := strings.Count(pat, "/") + 1
	lo := sort.Search(len(t.Files), func(i int) bool { return t.Files[i].Path >= prefix })
	matchedAny := false
	for _, f := range t.Files[lo:] {
		if !strings.HasPrefix(f.Path, prefix) {
			break
		}
		elems := strings.Split(f.Path[len(prefix):], "/")
		if len(elems) < n {
			continue
		}
		if ok, _ := path.Match(pat, strings.Join(elems[:n], "/")); !ok {
			continue
		}
		matchedAny = true
		if nested(modDirs, prefix, elems) {
			continue
		}
		if len(elems) > n && !e.All {
			hidden := false
			for _, el := range elems[n:] {
				if strings.HasPrefix(el, ".") || strings.HasPrefix(el, "_") {
					hidden = true
				}
			}
			if hidden {
				continue
			}
		}
		e.Files = append(e.Files, f.Path)
	}
	switch {
	case !matchedAny:
		e.Err = "pattern " + pat + ": no matching files found"
	case len(e.Files) == 0:
		e.Err = "pattern " + pat + ": cannot embed directory: contains no embeddable files"
	}
}

// nested says whether a file lies in a module nested below the package directory.
func nested(modDirs map[string]bool, prefix string, elems []string) bool {
	dir := strings.TrimSuffix(prefix, "/")
	for _, el := range elems[:len(elems)-1] {
		if dir == "" {
			dir = el
		} else {
			dir += "/" + el
		}
		if modDirs[dir] {
			return true
		}
	}
	return false
}

// coverFiles sets FileUse.EmbeddedBy: a relative path read from disk that an embed of the same
// module also holds. The working directory at run time is unknown; the path is tried relative
// to the module root (where go run and most Dockerfiles run the binary) and to the package
// directory.
func coverFiles(l *layout, f *Facts) {
	if len(f.Embeds) == 0 {
		return
	}
	for _, u := range f.Files {
		if u.Unresolved || u.Absolute || u.Path == "" {
			continue
		}
		pkg := f.Packages[u.Pkg]
		if pkg == nil {
			continue
		}
		p := path.Clean(u.Path)
		if p == "." {
			continue
		}
		bases := []string{pkg.Dir}
		if pkg.Module != nil && pkg.Module.Dir != pkg.Dir {
			bases = append(bases, pkg.Module.Dir)
		}
		for _, e := range f.Embeds {
			ep := f.Packages[e.Pkg]
			if ep == nil || ep.Module != pkg.Module {
				continue
			}
			if covers(e, bases, p, u.IsGlob) {
				u.EmbeddedBy = e
				break
			}
		}
	}
}

func covers(e *Embed, bases []string, p string, glob bool) bool {
	for _, b := range bases {
		full := path.Join(b, p)
		for _, file := range e.Files {
			if glob {
				if ok, _ := path.Match(full, file); ok {
					return true
				}
				continue
			}
			if file == full || strings.HasPrefix(file, full+"/") {
				return true
			}
		}
	}
	return false
}
