package gocode

import (
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/module"
)

// cgoDependency is a package known to need cgo (a C compiler at build time and, unless linked
// statically, C libraries at run time) whatever its build tags.
type cgoDependency struct {
	module string // module path, as go.mod requires it (without a /vN suffix)
	pkg    string // the package (or package prefix) whose import brings cgo in
	reason string
}

// cgoDependencies is the table of well-known cgo-only dependencies, for fresh clones where the
// module cache cannot show their `import "C"`. Each entry is a library whose Go package is a
// binding to a C library with no pure-Go fallback on linux.
var cgoDependencies = []cgoDependency{
	{"github.com/mattn/go-sqlite3", "github.com/mattn/go-sqlite3", "binds the SQLite C library through cgo"},
	{"gorm.io/driver/sqlite", "gorm.io/driver/sqlite", "imports github.com/mattn/go-sqlite3, which binds SQLite through cgo"},
	{"github.com/confluentinc/confluent-kafka-go", "github.com/confluentinc/confluent-kafka-go", "binds librdkafka through cgo"},
	{"github.com/go-ole/go-ole", "github.com/go-ole/go-ole", "binds Windows COM; its cgo parts need a C toolchain"},
	{"github.com/mattn/go-oci8", "github.com/mattn/go-oci8", "binds Oracle's OCI client library through cgo"},
	{"github.com/godror/godror", "github.com/godror/godror", "binds Oracle's ODPI-C through cgo"},
	{"github.com/google/gopacket", "github.com/google/gopacket/pcap", "binds libpcap through cgo"},
	{"github.com/tecbot/gorocksdb", "github.com/tecbot/gorocksdb", "binds RocksDB through cgo"},
	{"github.com/linxGnu/grocksdb", "github.com/linxGnu/grocksdb", "binds RocksDB through cgo"},
	{"github.com/DataDog/zstd", "github.com/DataDog/zstd", "compiles the zstd C sources through cgo"},
	{"github.com/valyala/gozstd", "github.com/valyala/gozstd", "links the zstd C library through cgo"},
	{"gopkg.in/gographics/imagick", "gopkg.in/gographics/imagick", "binds ImageMagick through cgo"},
	{"github.com/h2non/bimg", "github.com/h2non/bimg", "binds libvips through cgo"},
	{"github.com/davidbyttow/govips", "github.com/davidbyttow/govips", "binds libvips through cgo"},
	{"gocv.io/x/gocv", "gocv.io/x/gocv", "binds OpenCV through cgo"},
	{"github.com/libgit2/git2go", "github.com/libgit2/git2go", "binds libgit2 through cgo"},
	{"github.com/miekg/pkcs11", "github.com/miekg/pkcs11", "loads PKCS#11 modules through cgo"},
	{"github.com/ibmdb/go_ibm_db", "github.com/ibmdb/go_ibm_db", "binds the DB2 CLI driver through cgo"},
	{"github.com/tensorflow/tensorflow", "github.com/tensorflow/tensorflow/tensorflow/go", "binds libtensorflow through cgo"},
}

// cgoUses lists `import "C"` in shipped packages, the known cgo dependencies the programs
// import (and their modules require), and `import "C"` the module cache shows in the external
// packages the programs import.
func cgoUses(l *layout) []*Cgo {
	var out []*Cgo
	seen := map[string]bool{}
	add := func(c *Cgo) {
		key := c.Pos.String() + c.Import
		if !seen[key] {
			seen[key] = true
			out = append(out, c)
		}
	}
	cache := newModCache()
	for _, d := range l.dirs {
		if !d.reached {
			continue
		}
		for _, h := range d.files {
			if h.cgo != nil {
				c := &Cgo{Site: Site{Pos: *h.cgo, Pkg: d.path}}
				if d.vendor {
					c.Module, c.Import, c.Reason = d.path, d.path, `import "C" in `+h.file.Path
				}
				add(c)
			}
		}
	}
	// The main module's go.mod decides what an import loads; a shipped package's own module
	// (or, for a vendored one, the module owning the vendor directory) is that main module in
	// all but multi-module trees.
	for _, d := range l.dirs {
		if !d.reached || d.module == nil {
			continue
		}
		m := d.module
		for _, h := range d.files {
			for _, imp := range h.imports {
				if imp.Path == "C" || isStd(imp.Path) || l.resolve(m, imp.Path) != nil {
					continue
				}
				req, ok := requiring(m, imp.Path)
				if !ok {
					continue
				}
				site := Site{Pos: imp.Pos, Pkg: d.path}
				if dep, ok := knownCgo(imp.Path); ok {
					add(&Cgo{Site: site, Module: req.Path, Import: imp.Path, Reason: dep.reason})
					continue
				}
				if file := cache.cgoFile(m, req, imp.Path); file != "" {
					add(&Cgo{Site: site, Module: req.Path, Import: imp.Path, Reason: `import "C" in ` + file + " (module cache)"})
				}
			}
		}
	}
	return out
}

func knownCgo(imp string) (cgoDependency, bool) {
	n := normImport(imp)
	for _, d := range cgoDependencies {
		if n == d.pkg || strings.HasPrefix(n, d.pkg+"/") || normImport(n) == d.pkg {
			return d, true
		}
	}
	return cgoDependency{}, false
}

// requiring finds the require of m whose module path is the longest prefix of an import.
func requiring(m *Module, imp string) (Require, bool) {
	var best Require
	found := false
	for _, r := range m.Requires {
		if (imp == r.Path || strings.HasPrefix(imp, r.Path+"/")) && len(r.Path) > len(best.Path) {
			best, found = r, true
		}
	}
	return best, found
}

// modCache reads the module cache, only where it already holds a module: never a download.
type modCache struct {
	root string
	seen map[string]string
}

func newModCache() *modCache {
	root := os.Getenv("GOMODCACHE")
	if root == "" {
		gopath := os.Getenv("GOPATH")
		if gopath == "" {
			if home, err := os.UserHomeDir(); err == nil {
				gopath = filepath.Join(home, "go")
			}
		} else {
			gopath = filepath.SplitList(gopath)[0]
		}
		if gopath != "" {
			root = filepath.Join(gopath, "pkg", "mod")
		}
	}
	return &modCache{root: root, seen: map[string]string{}}
}

// cgoFile returns the cache path (module@version/file) of a file of package imp that imports
// "C" and builds for linux/amd64, or "".
func (c *modCache) cgoFile(m *Module, req Require, imp string) string {
	if c.root == "" {
		return ""
	}
	modPath, version := req.Path, req.Version
	if r, ok := replacementOf(m, req.Path, req.Version); ok {
		if r.Local {
			return ""
		}
		modPath, version = r.New, r.NewVersion
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(imp, req.Path), "/")
	key := modPath + "@" + version + "/" + rel
	if v, ok := c.seen[key]; ok {
		return v
	}
	c.seen[key] = ""
	ep, err1 := module.EscapePath(modPath)
	ev, err2 := module.EscapeVersion(version)
	if err1 != nil || err2 != nil {
		return ""
	}
	dir := filepath.Join(c.root, filepath.FromSlash(ep)+"@"+ev, filepath.FromSlash(rel))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".go") && shipsByName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || len(src) > 10<<20 || !strings.Contains(string(src), `"C"`) {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, name, src, parser.ImportsOnly|parser.ParseComments|parser.SkipObjectResolution)
		if af == nil || err != nil || !shipsByConstraint(af) {
			continue
		}
		for _, is := range af.Imports {
			if p, _ := strconv.Unquote(is.Path.Value); p == "C" {
				v := path.Join(modPath+"@"+version, rel, name)
				c.seen[key] = v
				return v
			}
		}
	}
	return ""
}
