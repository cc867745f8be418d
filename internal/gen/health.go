package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/facts"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/source"
)

// healthPaths are the routes probes conventionally use, best first.
var healthPaths = []string{"/healthz", "/readyz", "/livez", "/health", "/ready"}

// registerMethods are the route registration calls of net/http and the common routers (Gin,
// Echo, chi, gorilla/mux, Fiber) whose first argument is the route.
var registerMethods = map[string]bool{
	"Handle": true, "HandleFunc": true, "GET": true, "Get": true, "HEAD": true, "Head": true,
	"Any": true, "Path": true, "Match": true, "Route": true,
}

// healthRoute finds a health route registered by a package prog reaches. gocode keeps no syntax
// and has no fact for routes, so this parses the tree's packages of the program again; only
// string literal routes count ("GET /healthz" too, Go 1.22's method patterns).
func healthRoute(pr *facts.Project, prog *gocode.Program) (string, source.Pos) {
	var pkgs []*gocode.Package
	for ip, pkg := range pr.Go.Packages {
		if prog.Reaches(ip) {
			pkgs = append(pkgs, pkg)
		}
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].Path < pkgs[j].Path })
	found := map[string]source.Pos{}
	for _, pkg := range pkgs {
		for _, rel := range pkg.Files {
			f := pr.Tree.Get(rel)
			if f == nil {
				continue
			}
			src, err := pr.Tree.Read(f)
			if err != nil || !containsAny(src, healthPaths) {
				continue
			}
			fset := token.NewFileSet()
			af, err := parser.ParseFile(fset, rel, src, parser.SkipObjectResolution)
			if err != nil {
				continue
			}
			ast.Inspect(af, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) < 2 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || !registerMethods[sel.Sel.Name] {
					return true
				}
				lit, ok := call.Args[0].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				route, err := strconv.Unquote(lit.Value)
				if err != nil {
					return true
				}
				if m, r, ok := strings.Cut(route, " "); ok && (m == "GET" || m == "HEAD") {
					route = strings.TrimSpace(r)
				}
				for _, h := range healthPaths {
					if route == h || route == h+"/" {
						if _, dup := found[h]; !dup {
							p := fset.Position(lit.Pos())
							found[h] = source.Pos{File: rel, Line: p.Line, Col: p.Column}
						}
					}
				}
				return true
			})
		}
	}
	for _, h := range healthPaths {
		if pos, ok := found[h]; ok {
			return h, pos
		}
	}
	return "", source.Pos{}
}

func containsAny(b []byte, subs []string) bool {
	s := string(b)
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
