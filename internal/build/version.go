package build

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"sort"
	"strconv"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
)

// versionNames are the package-level variables a release conventionally stamps with -X.
var versionNames = map[string]bool{"version": true, "Version": true}

// FindVersionVar returns the -X target ("main.version", "example.com/app/internal/version.Version")
// of a string variable named version or Version declared at package level in prog's main
// package or in a package of the tree named version that prog reaches; "" when there is none.
// gocode keeps no syntax, so this parses those packages' files again (declarations only).
func FindVersionVar(p *facts.Project, prog *gocode.Program) (string, error) {
	if p.Go == nil || p.Tree == nil {
		return "", nil
	}
	cands := []*gocode.Package{prog.Main}
	var others []*gocode.Package
	for ip, pkg := range p.Go.Packages {
		if pkg != prog.Main && prog.Reaches(ip) && (pkg.Name == "version" || path.Base(ip) == "version") {
			others = append(others, pkg)
		}
	}
	sort.Slice(others, func(i, j int) bool { return others[i].Path < others[j].Path })
	cands = append(cands, others...)
	for _, pkg := range cands {
		if pkg == nil {
			continue
		}
		for _, rel := range pkg.Files {
			f := p.Tree.Get(rel)
			if f == nil {
				continue
			}
			src, err := p.Tree.Read(f)
			if err != nil {
				continue
			}
			af, err := parser.ParseFile(token.NewFileSet(), rel, src, parser.SkipObjectResolution)
			if err != nil {
				continue
			}
			if name := versionVar(af); name != "" {
				ip := pkg.Path
				if pkg.Name == "main" {
					ip = "main"
				}
				return ip + "." + name, nil
			}
		}
	}
	return "", nil
}

// versionVar finds `var version string` or `var Version = "…"` among f's declarations: -X sets
// only string variables that are not initialised by a function call.
func versionVar(f *ast.File) string {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if !versionNames[n.Name] {
					continue
				}
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "string" && (len(vs.Values) == 0 || isStringLit(vs.Values, i)) {
					return n.Name
				}
				if vs.Type == nil && isStringLit(vs.Values, i) {
					return n.Name
				}
			}
		}
	}
	return ""
}

func isStringLit(vals []ast.Expr, i int) bool {
	if i >= len(vals) {
		return false
	}
	bl, ok := vals[i].(*ast.BasicLit)
	if !ok || bl.Kind != token.STRING {
		return false
	}
	_, err := strconv.Unquote(bl.Value)
	return err == nil
}
