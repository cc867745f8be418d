package gocode

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"net"
	"reflect"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// extraction is what one package yields before the tree-wide steps (viper keys need the
// program's viper settings, struct tags the libraries the program imports, embeds the tree).
type extraction struct {
	facts     Facts
	viper     viperState
	viperKeys []viperKey
	tagReads  []tagRead
	notes     []source.Note
	// scope is the package scope the walk used: whether it missed names tells whether the
	// files left unparsed are needed.
	scope *pkgScope
	// helpers are the package's exported env helpers; foreign the calls that may reach the
	// helpers of other packages.
	helpers map[string]envHelper
	foreign []foreignCall
	// consts are the package's exported constants (and never-reassigned variables) with a
	// constant string value; refs the facts waiting for constants of other packages; rest
	// the files left unparsed, read for constants if another package needs them.
	consts map[string]string
	refs   []refPatch
	rest   []srcFile
}

// refPatch completes a fact once the cross-package references in tmpl are known.
type refPatch struct {
	tmpl  string
	apply func(s string)
}

type viperKey struct {
	site Site
	key  string
}

type viperState struct {
	automatic bool
	prefix    string
	replacer  []string // old, new pairs
	defaults  map[string]string
	hasDef    map[string]bool
}

type tagRead struct {
	lib  string // normalised import path of the library the tag is for
	read *EnvRead
}

// srcFile is one file to extract from.
type srcFile struct {
	path string // slash path relative to the root
	src  []byte
}

// parseFile fully parses one Go file. Comments are kept only when the file has //go:embed
// directives, the one comment the extractor reads.
func parseFile(fset *token.FileSet, f srcFile) (*ast.File, error) {
	mode := parser.SkipObjectResolution
	if strings.Contains(string(f.src), "//go:embed") {
		mode |= parser.ParseComments
	}
	return parser.ParseFile(fset, f.path, f.src, mode)
}

// extractPackage parses the files of one package and walks each once.
func extractPackage(pkg, dir string, files []srcFile) *extraction {
	fset := token.NewFileSet()
	var asts []*ast.File
	var notes []source.Note
	for _, f := range files {
		af, err := safeParse(fset, f)
		if err != nil {
			notes = append(notes, syntaxNote(f.path, err))
		}
		if af != nil {
			asts = append(asts, af)
		}
	}
	x := walkPackage(pkg, dir, fset, asts)
	x.notes = append(notes, x.notes...)
	return x
}

// walkPackage walks the parsed files of one package.
func walkPackage(pkg, dir string, fset *token.FileSet, asts []*ast.File) *extraction {
	x := &extraction{viper: viperState{defaults: map[string]string{}, hasDef: map[string]bool{}}}
	scopes := make([]*fileScope, len(asts))
	for i, af := range asts {
		scopes[i] = newFileScope(af)
	}
	ps := buildPkgScope(asts, scopes)
	x.scope = ps
	x.consts = exportedConsts(ps)
	for i, af := range asts {
		func() {
			defer func() {
				if !recoverPanics {
					return
				}
				if r := recover(); r != nil {
					x.notes = append(x.notes, source.Notef(posOf(fset, af.Package), "cannot extract facts: internal error: %v", r))
				}
			}()
			w := &walker{x: x, fset: fset, pkg: pkg, dir: dir, fs: scopes[i], ps: ps, skip: map[ast.Node]bool{}, defaulted: map[*ast.CallExpr]value{}, listeners: map[*ast.CallExpr]*Listener{}, requests: map[ast.Node]bool{}, defaults: map[ast.Node]string{}}
			w.file(af)
		}()
	}
	return x
}

func safeParse(fset *token.FileSet, f srcFile) (af *ast.File, err error) {
	defer func() {
		if !recoverPanics {
			return
		}
		if r := recover(); r != nil {
			af, err = nil, &parsePanic{r}
		}
	}()
	return parseFile(fset, f)
}

// recoverPanics turns a panic while reading one file into a note: the last resort that keeps
// one odd file from stopping the check. The fuzz tests turn it off to see the panics.
var recoverPanics = true

type parsePanic struct{ v any }

func (p *parsePanic) Error() string { return "internal parser error" }

// syntaxNote turns a parser error into a note at the first error's position.
func syntaxNote(file string, err error) source.Note {
	var el scanner.ErrorList
	if errors.As(err, &el) && len(el) > 0 {
		e := el[0]
		more := ""
		if len(el) > 1 {
			more = " (and " + strconv.Itoa(len(el)-1) + " more)"
		}
		return source.Note{Pos: source.Pos{File: file, Line: e.Pos.Line, Col: e.Pos.Column}, Text: "Go syntax error: " + e.Msg + more + "; facts of this file may be incomplete"}
	}
	return source.Note{Pos: source.Pos{File: file}, Text: "Go syntax error: " + err.Error()}
}

// buildPkgScope collects the package-level declarations the evaluator resolves names against.
func buildPkgScope(files []*ast.File, scopes []*fileScope) *pkgScope {
	ps := &pkgScope{values: map[string]ast.Expr{}, flagVars: map[string]*ast.CallExpr{}, kinds: map[string]kind{}, envHelpers: map[string]envHelper{}, declared: map[string]bool{}, valueScope: map[string]*fileScope{}, envVars: map[*ast.CallExpr]string{}, pkgChecks: map[string]envCheck{}}
	reassigned := map[string]bool{}
	// emptyIfs are the if statements testing a name for emptiness, kept to judge package
	// variables read from the environment once every file is seen.
	type emptyIf struct {
		names []string
		s     *ast.IfStmt
	}
	var emptyIfs []emptyIf
	for i, f := range files {
		fs := scopes[i]
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, s := range d.Specs {
					switch s := s.(type) {
					case *ast.TypeSpec:
						ps.declared[s.Name.Name] = true
					case *ast.ValueSpec:
						k := fs.kindOfType(s.Type)
						for j, n := range s.Names {
							ps.declared[n.Name] = true
							if len(s.Values) == len(s.Names) {
								ps.values[n.Name] = s.Values[j]
								ps.valueScope[n.Name] = fs
								if call, ok := s.Values[j].(*ast.CallExpr); ok {
									if pkg, name, _ := fs.callee(call); pkg == "os" && (name == "Getenv" || name == "LookupEnv") {
										ps.envVars[call] = n.Name
									}
								}
								if k == "" {
									ev := &evaluator{fs: fs, pkg: ps}
									k = ev.kindOf(s.Values[j])
								}
							}
							if k != "" {
								ps.kinds[n.Name] = k
							}
						}
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil {
					ps.declared[d.Name.Name] = true
				}
				if d.Type.Results != nil && len(d.Type.Results.List) > 0 {
					if k := fs.kindOfType(d.Type.Results.List[0].Type); k != "" {
						ps.kinds[d.Name.Name] = k
					}
				}
			}
		}
		// Calls os.Getenv(name) with a variable name: their functions may be env helpers.
		var envCalls []token.Pos
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.StructType:
				for _, fld := range n.Fields.List {
					if k := fs.kindOfType(fld.Type); k != "" {
						for _, nm := range fld.Names {
							ps.kinds[nm.Name] = k
						}
					}
				}
			case *ast.AssignStmt:
				if n.Tok != token.DEFINE {
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							reassigned[id.Name] = true
						}
					}
				}
			case *ast.IncDecStmt:
				if id, ok := n.X.(*ast.Ident); ok {
					reassigned[id.Name] = true
				}
			case *ast.IfStmt:
				if names, _ := emptyTested(n.Cond); len(names) > 0 {
					emptyIfs = append(emptyIfs, emptyIf{names, n})
				}
			case *ast.CallExpr:
				if len(n.Args) == 1 {
					if _, ok := n.Args[0].(*ast.Ident); ok {
						if pkg, name, _ := fs.callee(n); pkg == "os" && (name == "Getenv" || name == "LookupEnv") {
							envCalls = append(envCalls, n.Pos())
						}
					}
				}
				if len(n.Args) > 0 {
					if u, ok := n.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
						if id, ok := u.X.(*ast.Ident); ok {
							ev := &evaluator{fs: fs, pkg: ps}
							if _, ok := ev.flagValue(n, true); ok {
								ps.flagVars[id.Name] = n
							} else {
								reassigned[id.Name] = true
							}
						}
					}
				}
			}
			return true
		})
		if len(envCalls) > 0 {
			for _, d := range f.Decls {
				fd, ok := d.(*ast.FuncDecl)
				if !ok || fd.Recv != nil {
					continue
				}
				for _, p := range envCalls {
					if p >= fd.Pos() && p < fd.End() {
						if h, ok := envHelperOf(fs, fd); ok {
							ps.envHelpers[fd.Name.Name] = h
						}
						break
					}
				}
			}
		}
	}
	envNames := map[string]bool{}
	for _, name := range ps.envVars {
		envNames[name] = true
	}
	for _, ei := range emptyIfs {
		for _, name := range ei.names {
			if !envNames[name] {
				continue
			}
			c := ps.pkgChecks[name]
			c.fatal = c.fatal || terminates(ei.s.Body, false)
			if fb := fallbackIn(ei.s.Body, name); fb != nil {
				c.fallback = fb
			}
			ps.pkgChecks[name] = c
		}
	}
	for name := range reassigned {
		delete(ps.values, name)
	}
	for _, k := range ps.kinds {
		ps.viper = ps.viper || k == kindViper
	}
	return ps
}

// exportedConsts evaluates the exported package-level values that are constant strings.
func exportedConsts(ps *pkgScope) map[string]string {
	var out map[string]string
	for name, expr := range ps.values {
		if !ast.IsExported(name) {
			continue
		}
		ev := &evaluator{fs: ps.valueScope[name], pkg: ps}
		if v := ev.eval(expr); v.known {
			if out == nil {
				out = map[string]string{}
			}
			out[name] = v.s
		}
	}
	return out
}

// constsOf parses files only for their exported constants.
func constsOf(files []srcFile) map[string]string {
	fset := token.NewFileSet()
	var asts []*ast.File
	var scopes []*fileScope
	for _, f := range files {
		af, _ := safeParse(fset, f)
		if af != nil {
			asts = append(asts, af)
			scopes = append(scopes, newFileScope(af))
		}
	}
	return exportedConsts(buildPkgScope(asts, scopes))
}

// envHelperOf recognises func getEnv(key, fallback string) string { … os.Getenv(key) … }.
func envHelperOf(fs *fileScope, d *ast.FuncDecl) (envHelper, bool) {
	if d.Body == nil || d.Type.Params == nil {
		return envHelper{}, false
	}
	var params []string
	for _, f := range d.Type.Params.List {
		for _, n := range f.Names {
			params = append(params, n.Name)
		}
	}
	idx := func(name string) int {
		for i, p := range params {
			if p == name {
				return i
			}
		}
		return -1
	}
	h := envHelper{keyParam: -1, defaultParam: -1}
	// held are the names that receive the variable's value (v := os.Getenv(key), v, ok :=
	// os.LookupEnv(key)): only a check of those says what happens when it is empty.
	held := map[string]bool{}
	isEnvCall := func(x ast.Expr) bool {
		call, ok := x.(*ast.CallExpr)
		if !ok || len(call.Args) != 1 {
			return false
		}
		pkg, name, _ := fs.callee(call)
		id, ok := call.Args[0].(*ast.Ident)
		return ok && pkg == "os" && (name == "Getenv" || name == "LookupEnv") && idx(id.Name) >= 0
	}
	ast.Inspect(d.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Rhs) == 1 && isEnvCall(n.Rhs[0]) {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						held[id.Name] = true
					}
				}
			}
		case *ast.CallExpr:
			if isEnvCall(n) {
				h.keyParam = idx(n.Args[0].(*ast.Ident).Name)
			}
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if id, ok := r.(*ast.Ident); ok && idx(id.Name) >= 0 && h.defaultParam < 0 {
					h.defaultParam = idx(id.Name)
				}
			}
		}
		return true
	})
	ast.Inspect(d.Body, func(n ast.Node) bool {
		if is, ok := n.(*ast.IfStmt); ok {
			names, calls := emptyTested(is.Cond)
			tested := false
			for _, name := range names {
				tested = tested || held[name]
			}
			for _, c := range calls {
				tested = tested || isEnvCall(c)
			}
			if tested && terminates(is.Body, false) {
				h.fatal = true
			}
		}
		return true
	})
	if h.keyParam < 0 || h.defaultParam == h.keyParam {
		return envHelper{}, false
	}
	return h, true
}

// walker walks one file once, collecting every kind of fact.
type walker struct {
	x    *extraction
	fset *token.FileSet
	pkg  string
	dir  string
	fs   *fileScope
	ps   *pkgScope
	fn   *fnScope // nil until scope() scans decl
	decl *ast.FuncDecl
	// isMain says decl is func main: returning from it ends the program.
	isMain bool
	// helper is the env helper being walked: its own os.Getenv(key) is recorded at its callers.
	helper *envHelper
	// skip holds literals already accounted for (listen addresses), not endpoints.
	skip map[ast.Node]bool
	// defaulted holds env reads wrapped in cmp.Or with a constant fallback.
	defaulted map[*ast.CallExpr]value
	// listeners maps a net.Listen call to its fact, for http.Serve(ln, nil).
	listeners map[*ast.CallExpr]*Listener
	// requests holds URL literals passed straight to a request.
	requests map[ast.Node]bool
	// defaults holds literals that are the default of an option (see optionDefaults), with
	// what makes them one.
	defaults map[ast.Node]string
}

func (w *walker) ev() *evaluator { return &evaluator{fs: w.fs, pkg: w.ps, fn: w.scope()} }

// scope returns the scope of the function being walked, scanning it on first use: most
// functions hold nothing the extractor evaluates.
func (w *walker) scope() *fnScope {
	if w.fn == nil && w.decl != nil {
		w.fn = scanFunc(w.fs, w.ps, w.decl.Type, w.decl.Body, w.isMain)
	}
	return w.fn
}

func (w *walker) site(p token.Pos) Site { return Site{Pos: posOf(w.fset, p), Pkg: w.pkg} }

// stmtCtx is what the statement around a call says about its error.
type stmtCtx struct {
	// optional: the error is ignored, or a missing file is handled.
	optional bool
	// dropped: the call is a statement of its own, its results dropped.
	dropped bool
}

func (w *walker) file(f *ast.File) {
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		site := w.site(is.Pos())
		if p == "net/http/pprof" {
			w.x.facts.Pprof = append(w.x.facts.Pprof, &Pprof{Site: site, Blank: is.Name != nil && is.Name.Name == "_"})
		}
		if sdk := sdkOf(p); sdk != "" {
			w.x.facts.TLS = append(w.x.facts.TLS, &TLSUse{Site: site, Kind: "sdk", Target: p})
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			isMain := d.Recv == nil && d.Name.Name == "main" && f.Name.Name == "main"
			w.fn, w.decl, w.isMain = nil, d, isMain
			w.helper = nil
			if h, ok := w.ps.envHelpers[d.Name.Name]; ok && d.Recv == nil {
				w.helper = &h
			}
			if d.Body != nil {
				w.block(d.Body.List)
			}
			w.fn, w.decl, w.helper = nil, nil, nil
		case *ast.GenDecl:
			if d.Tok == token.VAR {
				w.embeds(d)
			}
			w.inspect(d, stmtCtx{})
		}
	}
}

func (w *walker) block(list []ast.Stmt) {
	for i, s := range list {
		w.stmt(s, w.ctxOf(list, i))
	}
}

// ctxOf judges whether the error of the calls in list[i] is ignored or tolerated.
func (w *walker) ctxOf(list []ast.Stmt, i int) stmtCtx {
	var c stmtCtx
	switch s := list[i].(type) {
	case *ast.ExprStmt:
		c.dropped = true
	case *ast.AssignStmt:
		if id, ok := s.Lhs[len(s.Lhs)-1].(*ast.Ident); ok && id.Name == "_" && len(s.Rhs) == 1 {
			c.optional = true
		}
	case *ast.IfStmt:
		if s.Init != nil && tolerant(s) {
			c.optional = true
		}
	}
	if i+1 < len(list) {
		if next, ok := list[i+1].(*ast.IfStmt); ok && next.Init == nil && tolerant(next) {
			c.optional = true
		}
	}
	return c
}

// tolerant says an if statement checks an error without giving up: os.IsNotExist,
// errors.Is(err, fs.ErrNotExist), err == nil, or err != nil with a body that carries on.
func tolerant(s *ast.IfStmt) bool {
	found := false
	ast.Inspect(s.Cond, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Ident:
			if n.Name == "ErrNotExist" || n.Name == "IsNotExist" || n.Name == "ConfigFileNotFoundError" {
				found = true
			}
		case *ast.SelectorExpr:
			if n.Sel.Name == "ErrNotExist" || n.Sel.Name == "IsNotExist" || n.Sel.Name == "ConfigFileNotFoundError" {
				found = true
			}
		}
		return !found
	})
	if found {
		return true
	}
	if b, ok := s.Cond.(*ast.BinaryExpr); ok {
		if id, ok := b.X.(*ast.Ident); ok && id.Name == "err" {
			if nl, ok := b.Y.(*ast.Ident); ok && nl.Name == "nil" {
				if b.Op == token.EQL {
					return true
				}
				if b.Op == token.NEQ {
					return !terminates(s.Body, false)
				}
			}
		}
	}
	return false
}

func (w *walker) stmt(s ast.Stmt, c stmtCtx) {
	switch s := s.(type) {
	case nil:
	case *ast.BlockStmt:
		w.block(s.List)
	case *ast.IfStmt:
		if s.Init != nil {
			ic := c
			ic.dropped = false
			if tolerant(s) {
				ic.optional = true
			}
			w.stmt(s.Init, ic)
		}
		w.inspect(s.Cond, stmtCtx{})
		w.block(s.Body.List)
		w.stmt(s.Else, stmtCtx{})
	case *ast.ForStmt:
		w.stmt(s.Init, stmtCtx{})
		if s.Cond != nil {
			w.inspect(s.Cond, stmtCtx{})
		}
		w.stmt(s.Post, stmtCtx{})
		w.block(s.Body.List)
	case *ast.RangeStmt:
		w.inspect(s.X, stmtCtx{})
		w.block(s.Body.List)
	case *ast.SwitchStmt:
		w.stmt(s.Init, stmtCtx{})
		if s.Tag != nil {
			w.inspect(s.Tag, stmtCtx{})
		}
		w.clauses(s.Body)
	case *ast.TypeSwitchStmt:
		w.stmt(s.Init, stmtCtx{})
		w.stmt(s.Assign, stmtCtx{})
		w.clauses(s.Body)
	case *ast.SelectStmt:
		w.clauses(s.Body)
	case *ast.LabeledStmt:
		w.stmt(s.Stmt, c)
	default:
		w.inspect(s, c)
	}
}

func (w *walker) clauses(b *ast.BlockStmt) {
	for _, cl := range b.List {
		switch cl := cl.(type) {
		case *ast.CaseClause:
			for _, e := range cl.List {
				w.inspect(e, stmtCtx{})
			}
			w.block(cl.Body)
		case *ast.CommClause:
			w.stmt(cl.Comm, stmtCtx{})
			w.block(cl.Body)
		}
	}
}

// inspect visits the expressions of a simple statement (or declaration).
func (w *walker) inspect(n ast.Node, c stmtCtx) {
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			w.block(n.Body.List)
			return false
		case *ast.CallExpr:
			w.optionDefaults(n)
			w.call(n, c)
		case *ast.CompositeLit:
			w.flagLiteral(n)
			w.composite(n)
		case *ast.AssignStmt:
			w.assignAddr(n)
		case *ast.StructType:
			w.defaultTags(n)
			w.tags(n)
		case *ast.BasicLit:
			if n.Kind == token.STRING && !w.skip[n] {
				w.literal(n)
			}
		}
		return true
	})
}

// fileCall describes a call that touches the disk.
type fileCall struct {
	arg      int // argument holding the path; -1 for every argument
	dir      bool
	glob     bool
	write    bool
	errorful bool // returns an error (dropping it makes a missing file harmless)
	optional bool // tolerates a missing file by itself
}

var pkgFileCalls = map[string]fileCall{
	"os.Open":                              {errorful: true},
	"os.ReadFile":                          {errorful: true},
	"os.Stat":                              {errorful: true},
	"os.Lstat":                             {errorful: true},
	"os.OpenFile":                          {errorful: true},
	"os.Create":                            {write: true, errorful: true},
	"os.WriteFile":                         {write: true, errorful: true},
	"os.MkdirAll":                          {write: true, dir: true, errorful: true},
	"os.Mkdir":                             {write: true, dir: true, errorful: true},
	"os.ReadDir":                           {dir: true, errorful: true},
	"os.DirFS":                             {dir: true},
	"io/ioutil.ReadFile":                   {errorful: true},
	"io/ioutil.WriteFile":                  {write: true, errorful: true},
	"io/ioutil.ReadDir":                    {dir: true, errorful: true},
	"html/template.ParseFiles":             {arg: -1, errorful: true},
	"text/template.ParseFiles":             {arg: -1, errorful: true},
	"html/template.ParseGlob":              {glob: true, errorful: true},
	"text/template.ParseGlob":              {glob: true, errorful: true},
	"net/http.Dir":                         {dir: true},
	"net/http.ServeFile":                   {arg: 2},
	"github.com/gin-gonic/gin.Dir":         {dir: true},
	"github.com/spf13/viper.SetConfigFile": {},
	"github.com/spf13/viper.AddConfigPath": {dir: true},
	"github.com/spf13/viper.SetConfigName": {},
}

func (w *walker) call(call *ast.CallExpr, c stmtCtx) {
	pkg, name, recv := w.fs.callee(call)
	key := pkg + "." + name
	if pkg == "" && recv != nil {
		w.method(call, name, recv, c)
		return
	}
	if fc, ok := pkgFileCalls[key]; ok {
		w.fileUse(call, shortCall(pkg, name), fc, c)
	}
	switch key {
	case "os.Getenv", "os.LookupEnv", "syscall.Getenv":
		if len(call.Args) == 1 {
			w.envRead(call, call.Args[0], "os."+name)
		}
	case "os.ExpandEnv":
		if len(call.Args) == 1 {
			if v := w.ev().eval(call.Args[0]); v.known {
				for _, n := range expandNames(v.s) {
					w.x.facts.Env = append(w.x.facts.Env, &EnvRead{Site: w.site(call.Pos()), Name: n, Via: "os.ExpandEnv"})
				}
			}
		}
	case "cmp.Or":
		if len(call.Args) >= 2 {
			if inner, ok := call.Args[0].(*ast.CallExpr); ok {
				if d := w.ev().eval(call.Args[len(call.Args)-1]); d.known {
					w.defaulted[inner] = d
				}
			}
		}
	case "github.com/joho/godotenv.Load", "github.com/joho/godotenv.Overload", "github.com/joho/godotenv.Read":
		fc := fileCall{arg: -1, errorful: true}
		if len(call.Args) == 0 {
			w.addFile(call.Pos(), "godotenv."+name, value{s: ".env", known: true}, fc, c)
		} else {
			w.fileUse(call, "godotenv."+name, fc, c)
		}
	case "net/http.Get", "net/http.Post", "net/http.Head", "net/http.PostForm", "net/url.Parse",
		"net/http.NewRequest", "net/http.NewRequestWithContext":
		i := map[string]int{"NewRequest": 1, "NewRequestWithContext": 2}[name]
		if i < len(call.Args) {
			w.request(call, call.Args[i])
		}
	case "net/http.Serve", "net/http.ServeTLS":
		// http.Serve(ln, nil) serves DefaultServeMux on the listener ln came from.
		if len(call.Args) >= 2 && isNilOrDefaultMux(call.Args[1]) {
			if id, ok := call.Args[0].(*ast.Ident); ok {
				if as := w.scope().assigns[id.Name]; len(as) == 1 {
					if c, ok := as[0].rhs.(*ast.CallExpr); ok && w.listeners[c] != nil {
						w.listeners[c].DefaultMux = true
					}
				}
			}
		}
	case "net/http.ListenAndServe", "net/http.ListenAndServeTLS":
		if len(call.Args) >= 2 {
			h := call.Args[len(call.Args)-1]
			w.listener(call, call.Args[0], "http."+name, name == "ListenAndServeTLS", isNilOrDefaultMux(h))
		}
	case "net.Listen", "crypto/tls.Listen":
		if len(call.Args) == 2 {
			w.listener(call, call.Args[1], shortCall(pkg, name), pkg == "crypto/tls", false)
		}
	case "crypto/tls.Dial", "crypto/tls.DialWithDialer", "crypto/tls.Client":
		t := &TLSUse{Site: w.site(call.Pos()), Kind: "dial"}
		for _, a := range call.Args {
			if v := w.ev().eval(a); v.known && strings.Contains(v.s, ":") {
				t.Target = v.s
			}
		}
		w.x.facts.TLS = append(w.x.facts.TLS, t)
	case "time.LoadLocation":
		if len(call.Args) == 1 {
			v := w.ev().eval(call.Args[0])
			l := &Location{Site: w.site(call.Pos())}
			if v.known {
				l.Name = v.s
			} else {
				l.Unresolved = true
				if v.ref {
					w.x.refs = append(w.x.refs, refPatch{tmpl: v.s, apply: func(s string) { l.Name, l.Unresolved = s, false }})
				}
			}
			w.x.facts.Locations = append(w.x.facts.Locations, l)
		}
	case "os/exec.Command", "os/exec.LookPath", "os/exec.CommandContext":
		i := 0
		if name == "CommandContext" {
			i = 1
		}
		if i < len(call.Args) {
			v := w.ev().eval(call.Args[i])
			e := &Exec{Site: w.site(call.Pos()), Call: "exec." + name}
			if v.known {
				e.Name = v.s
			} else {
				e.Unresolved = true
				if v.ref {
					w.x.refs = append(w.x.refs, refPatch{tmpl: v.s, apply: func(s string) { e.Name, e.Unresolved = s, false }})
				}
			}
			w.x.facts.Execs = append(w.x.facts.Execs, e)
		}
	case "os.CreateTemp", "os.MkdirTemp", "io/ioutil.TempFile", "io/ioutil.TempDir", "os.TempDir":
		t := &TempUse{Site: w.site(call.Pos()), Call: shortCall(pkg, name)}
		if len(call.Args) > 0 {
			if v := w.ev().eval(call.Args[0]); v.known {
				t.Dir = v.s
			}
		}
		w.x.facts.Temp = append(w.x.facts.Temp, t)
	case "github.com/gin-gonic/gin.Default", "github.com/gin-gonic/gin.New":
		w.x.facts.Gin = append(w.x.facts.Gin, &Gin{Site: w.site(call.Pos()), Call: "gin." + name})
	case "github.com/gin-gonic/gin.SetMode":
		g := &Gin{Site: w.site(call.Pos()), Call: "gin.SetMode"}
		if len(call.Args) == 1 {
			g.Mode = ginMode(w.fs, call.Args[0])
			if g.Mode == "" {
				if v := w.ev().eval(call.Args[0]); v.known {
					g.Mode = v.s
				}
			}
		}
		g.Unresolved = g.Mode == ""
		w.x.facts.Gin = append(w.x.facts.Gin, g)
	}
	if pkg == "github.com/spf13/viper" {
		w.viperCall(call, name)
	}
	if pkg != "" {
		w.noteForeignCall(call, w.fs.rawImport(pkg, call), name)
	}
	if pkg == "" && recv == nil && w.decl != nil {
		if h, ok := w.ps.envHelpers[name]; ok && h.keyParam < len(call.Args) {
			w.helperRead(call, h)
		}
	}
}

// methodNames are the methods the walker follows; others are not looked at.
var methodNames = map[string]bool{
	"ParseFiles": true, "ParseGlob": true, "LoadHTMLGlob": true, "LoadHTMLFiles": true,
	"Static": true, "StaticFile": true, "File": true, "Run": true, "RunTLS": true, "Start": true,
	"StartTLS": true, "Listen": true, "ListenTLS": true, "ParseMultipartForm": true, "FormFile": true,
	"AutomaticEnv": true, "SetEnvPrefix": true, "SetEnvKeyReplacer": true, "SetDefault": true,
	"BindEnv": true, "SetConfigFile": true, "AddConfigPath": true, "SetConfigName": true,
}

func (w *walker) method(call *ast.CallExpr, name string, recv ast.Expr, c stmtCtx) {
	if !methodNames[name] && !strings.HasPrefix(name, "Get") {
		return
	}
	if strings.HasPrefix(name, "Get") && !w.fs.has["github.com/spf13/viper"] && !w.ps.viper {
		return
	}
	k := w.ev().kindOf(recv)
	args := call.Args
	switch name {
	case "ParseFiles", "ParseGlob":
		if k == kindTemplate || w.fs.has["html/template"] || w.fs.has["text/template"] {
			fc := fileCall{arg: -1, errorful: true}
			if name == "ParseGlob" {
				fc = fileCall{glob: true, errorful: true}
			}
			w.fileUse(call, "template."+name, fc, c)
		}
	case "LoadHTMLGlob", "LoadHTMLFiles":
		if k == kindGin || w.fs.has["github.com/gin-gonic/gin"] {
			fc := fileCall{arg: -1}
			if name == "LoadHTMLGlob" {
				fc = fileCall{glob: true}
			}
			w.fileUse(call, "gin."+name, fc, c)
		}
	case "Static":
		if len(args) == 2 {
			if lib := w.webLib(k); lib != "" {
				w.fileUse(call, lib+".Static", fileCall{arg: 1, dir: true}, c)
			}
		}
	case "StaticFile":
		if len(args) == 2 && (k == kindGin || w.fs.has["github.com/gin-gonic/gin"]) {
			w.fileUse(call, "gin.StaticFile", fileCall{arg: 1}, c)
		}
	case "File":
		if len(args) == 2 && k == kindEcho {
			w.fileUse(call, "echo.File", fileCall{arg: 1}, c)
		}
	case "Run", "RunTLS":
		if k == kindGin {
			if len(args) == 0 {
				w.ginDefaultRun(call)
			} else {
				w.listener(call, args[0], "gin."+name, name == "RunTLS", false)
			}
		}
	case "Start", "StartTLS":
		if k == kindEcho && len(args) >= 1 {
			w.listener(call, args[0], "echo."+name, name == "StartTLS", false)
		}
	case "Listen", "ListenTLS":
		if k == kindFiber && len(args) >= 1 {
			w.listener(call, args[0], "fiber."+name, name == "ListenTLS", false)
		}
	case "ParseMultipartForm", "FormFile":
		w.x.facts.Temp = append(w.x.facts.Temp, &TempUse{Site: w.site(call.Pos()), Call: "http.Request." + name})
	}
	if k == kindViper {
		w.viperCall(call, name)
	}
}

// webLib names the web framework a Static call belongs to.
func (w *walker) webLib(k kind) string {
	switch {
	case k == kindGin:
		return "gin"
	case k == kindEcho:
		return "echo"
	case k == kindFiber:
		return "fiber"
	case w.fs.has["github.com/gin-gonic/gin"]:
		return "gin"
	case w.fs.has["github.com/labstack/echo"]:
		return "echo"
	case w.fs.has["github.com/gofiber/fiber"]:
		return "fiber"
	}
	return ""
}

func shortCall(pkg, name string) string {
	return importName(pkg) + "." + name
}

func (w *walker) fileUse(call *ast.CallExpr, callName string, fc fileCall, c stmtCtx) {
	if fc.arg < 0 {
		for _, a := range call.Args {
			w.addFile(a.Pos(), callName, w.ev().eval(a), fc, c)
		}
		return
	}
	if fc.arg >= len(call.Args) {
		return
	}
	if callName == "os.OpenFile" && len(call.Args) >= 2 && mentions(call.Args[1], "O_CREATE") {
		fc.write = true
	}
	w.addFile(call.Pos(), callName, w.ev().eval(call.Args[fc.arg]), fc, c)
}

func mentions(x ast.Expr, name string) bool {
	found := false
	ast.Inspect(x, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name {
			found = true
		}
		return !found
	})
	return found
}

func (w *walker) addFile(p token.Pos, callName string, v value, fc fileCall, c stmtCtx) {
	u := &FileUse{Site: w.site(p), Call: callName, IsDir: fc.dir, Write: fc.write, Flag: v.flag, Env: v.env}
	set := func(s string) {
		u.Path, u.Unresolved = s, false
		u.Absolute = strings.HasPrefix(s, "/")
		u.IsGlob = fc.glob || (callName == "template.ParseGlob" && strings.ContainsAny(s, "*?["))
	}
	switch {
	case v.ref:
		u.Unresolved = true
		w.x.refs = append(w.x.refs, refPatch{tmpl: v.s, apply: set})
	case v.resolved():
		set(v.s)
	default:
		u.Unresolved = true
	}
	u.Optional = fc.optional || c.optional || (c.dropped && fc.errorful)
	if strings.HasPrefix(callName, "godotenv.") && c.dropped {
		u.Optional = true
	}
	w.x.facts.Files = append(w.x.facts.Files, u)
}

func (w *walker) envRead(call *ast.CallExpr, nameArg ast.Expr, via string) {
	fn := w.scope()
	if w.helper != nil {
		if id, ok := nameArg.(*ast.Ident); ok {
			if as, ok := fn.assigns[id.Name]; ok && len(as) == 1 && as[0].rhs == nil {
				return // the key parameter of an env helper: recorded at its callers
			}
		}
	}
	r := &EnvRead{Site: w.site(call.Pos()), Via: via}
	if v := w.ev().eval(nameArg); v.known {
		r.Name = v.s
	} else {
		r.Unresolved = true
		if v.ref {
			w.x.refs = append(w.x.refs, refPatch{tmpl: v.s, apply: func(s string) { r.Name, r.Unresolved = s, false }})
		}
	}
	if d, ok := w.defaulted[call]; ok {
		r.HasDefault, r.Default = true, d.s
	}
	if name, ok := w.ps.envVars[call]; ok && w.decl == nil {
		// var dbURL = os.Getenv("DATABASE_URL"), checked in some function of the package.
		if c, ok := w.ps.pkgChecks[name]; ok {
			r.Required = r.Required || c.fatal
			if c.fallback != nil {
				r.HasDefault = true
				if d := w.ev().eval(c.fallback); d.known {
					r.Default = d.s
				}
			}
		}
	}
	if fn != nil {
		if c, ok := fn.checks["\x00"+callKey(call)]; ok && c.fatal {
			r.Required = true
		}
		names := fn.callLHS[call]
		for i, n := range names {
			if n == "" || n == "_" {
				continue
			}
			if via == "os.Getenv" && i > 0 {
				continue
			}
			c, ok := fn.checks[n]
			if !ok || !assignedOnce(fn.assigns[n]) {
				continue
			}
			if c.fatal {
				r.Required = true
			}
			if c.override && !c.fatal {
				r.HasDefault = true
			}
			if c.fallback != nil && i == 0 {
				r.HasDefault = true
				if d := w.ev().eval(c.fallback); d.known {
					r.Default = d.s
				}
			}
		}
	}
	w.x.facts.Env = append(w.x.facts.Env, r)
}

func (w *walker) helperRead(call *ast.CallExpr, h envHelper) {
	args := make([]value, len(call.Args))
	for i, a := range call.Args {
		args[i] = w.ev().eval(a)
	}
	w.x.facts.Env = append(w.x.facts.Env, helperEnvRead(w.site(call.Pos()), h, args))
}

// helperEnvRead is the env read of a call to an env helper with evaluated arguments.
func helperEnvRead(site Site, h envHelper, args []value) *EnvRead {
	r := &EnvRead{Site: site, Via: "os.Getenv", Required: h.fatal}
	if h.keyParam < len(args) && args[h.keyParam].known {
		r.Name = args[h.keyParam].s
	} else {
		r.Unresolved = true
	}
	if h.defaultParam >= 0 && h.defaultParam < len(args) {
		r.HasDefault = true
		if d := args[h.defaultParam]; d.known {
			r.Default = d.s
		}
	}
	return r
}

// foreignCall is a call to an exported function of another package of the tree with a
// constant string argument: a call to an env helper such as config.Getenv("PORT", "8080")
// when that package turns out to define one.
type foreignCall struct {
	site Site
	pkg  string // import path
	name string
	args []value
}

// noteForeignCall keeps calls that may reach an env helper of another package.
func (w *walker) noteForeignCall(call *ast.CallExpr, pkg, name string) {
	if len(call.Args) == 0 || isStd(pkg) || name == "" || name[0] < 'A' || name[0] > 'Z' {
		return
	}
	first, ok := call.Args[0].(*ast.BasicLit)
	if !ok || first.Kind != token.STRING {
		if _, ok := call.Args[0].(*ast.Ident); !ok {
			return
		}
	}
	args := make([]value, len(call.Args))
	found := false
	for i, a := range call.Args {
		args[i] = w.ev().eval(a)
		found = found || args[i].known && isEnvName(args[i].s)
	}
	if found {
		w.x.foreign = append(w.x.foreign, foreignCall{site: w.site(call.Pos()), pkg: pkg, name: name, args: args})
	}
}

// isEnvName says whether s looks like an environment variable name.
func isEnvName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// assignedOnce says a name gets one value apart from fallbacks for emptiness: a check of a
// name reused for other values (ok, err) says nothing about this one.
func assignedOnce(as []assign) bool {
	n := 0
	for _, a := range as {
		if !a.emptyFallback && !a.zero {
			n++
		}
	}
	return n == 1
}

// request records the URL of a request: a literal is marked for literal(), which records it;
// a URL built from constants is recorded here.
func (w *walker) request(call *ast.CallExpr, arg ast.Expr) {
	if b, ok := arg.(*ast.BasicLit); ok {
		w.requests[b] = true
		return
	}
	v := w.ev().eval(arg)
	if v.known && strings.HasPrefix(strings.ToLower(v.s), "https://") {
		w.x.facts.TLS = append(w.x.facts.TLS, &TLSUse{Site: w.site(call.Pos()), Kind: "url", Target: v.s, Request: true})
	}
}

// expandNames lists the $X and ${X} references of a string, as os.ExpandEnv reads them.
func expandNames(s string) []string {
	var out []string
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		j := i + 1
		if s[j] == '{' {
			end := strings.IndexByte(s[j:], '}')
			if end < 0 {
				break
			}
			if n := s[j+1 : j+end]; n != "" {
				out = append(out, n)
			}
			i = j + end
			continue
		}
		k := j
		for k < len(s) && (s[k] == '_' || s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		if k > j {
			out = append(out, s[j:k])
		}
		i = k - 1
	}
	return out
}

func isNilOrDefaultMux(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return x.Name == "nil"
	case *ast.SelectorExpr:
		return x.Sel.Name == "DefaultServeMux"
	}
	return false
}

func (w *walker) listener(call *ast.CallExpr, addr ast.Expr, via string, tls, defaultMux bool) {
	if b, ok := addr.(*ast.BasicLit); ok {
		w.skip[b] = true
	}
	v := w.ev().eval(addr)
	w.listeners[call] = w.addListener(w.site(call.Pos()), via, v, tls, defaultMux)
}

func (w *walker) addListener(site Site, via string, v value, tls, defaultMux bool) *Listener {
	l := &Listener{Site: site, Via: via, TLS: tls, DefaultMux: defaultMux}
	if v.ref {
		l.Unresolved = true
		w.x.refs = append(w.x.refs, refPatch{tmpl: v.s, apply: func(s string) {
			r := v
			r.s, r.ref, r.known = s, false, v.env == "" && v.flag == ""
			l.Unresolved = false
			fillListener(l, r)
		}})
	} else {
		fillListener(l, v)
	}
	w.x.facts.Listeners = append(w.x.facts.Listeners, l)
	return l
}

// fillListener sets the address fields of l from an evaluated address.
func fillListener(l *Listener, v value) {
	l.PortFromEnv, l.Flag = v.env, v.flag
	switch {
	case v.resolved():
		l.Addr = v.s
	case v.env != "" && strings.HasSuffix(v.s, ":"):
		// ":" + os.Getenv("PORT"): the host is known, the port is not.
		l.Addr = v.s
	case v.env == "":
		l.Unresolved = true
	}
	if l.Addr != "" || (v.env != "" && v.s == "") {
		l.Host, l.Port = splitAddr(l.Addr)
		if l.Addr != "" {
			l.Loopback = isLoopback(l.Host)
			l.AllInterfaces = l.Host == "" || l.Host == "0.0.0.0" || l.Host == "::"
		}
	}
}

// splitAddr splits host:port; a named port (http, https) is given its number.
func splitAddr(addr string) (string, int) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr, 0
	}
	switch port {
	case "http":
		return host, 80
	case "https":
		return host, 443
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return host, 0
	}
	return host, n
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") || host == "ip6-localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ginDefaultRun records r.Run() without an address: Gin listens on ":" + $PORT when PORT is
// set, else on ":8080" (gin's resolveAddress).
func (w *walker) ginDefaultRun(call *ast.CallExpr) {
	site := w.site(call.Pos())
	w.x.facts.Listeners = append(w.x.facts.Listeners, &Listener{Site: site, Via: "gin.Run", Addr: ":8080", Port: 8080, PortFromEnv: "PORT", AllInterfaces: true})
	w.x.facts.Env = append(w.x.facts.Env, &EnvRead{Site: site, Name: "PORT", Via: "gin", HasDefault: true, Default: "8080"})
}

func ginMode(fs *fileScope, x ast.Expr) string {
	if sel, ok := x.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok && normImport(fs.imports[id.Name]) == "github.com/gin-gonic/gin" {
			switch sel.Sel.Name {
			case "ReleaseMode":
				return "release"
			case "DebugMode":
				return "debug"
			case "TestMode":
				return "test"
			}
		}
	}
	return ""
}

// composite records http.Server{Addr: …} literals, and client options carrying a TLS
// configuration (redis.Options{TLSConfig: …}, mongo, kafka dialers).
func (w *walker) composite(lit *ast.CompositeLit) {
	if w.fs.kindOfType(lit.Type) != kindServer {
		for _, e := range lit.Elts {
			if kv, ok := e.(*ast.KeyValueExpr); ok {
				if k, ok := kv.Key.(*ast.Ident); ok && (k.Name == "TLSConfig" || k.Name == "TLS") && !isNilOrDefaultMux(kv.Value) {
					if _, isBool := kv.Value.(*ast.Ident); isBool {
						continue // TLS: false, TLS: enabled
					}
					w.x.facts.TLS = append(w.x.facts.TLS, &TLSUse{Site: w.site(kv.Pos()), Kind: "dial", Target: typeName(lit.Type)})
				}
			}
		}
		return
	}
	var addr ast.Expr
	defaultMux := true
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		switch k, _ := kv.Key.(*ast.Ident); {
		case k == nil:
		case k.Name == "Addr":
			addr = kv.Value
		case k.Name == "Handler":
			defaultMux = isNilOrDefaultMux(kv.Value)
		}
	}
	if addr == nil {
		return
	}
	if b, ok := addr.(*ast.BasicLit); ok {
		w.skip[b] = true
	}
	w.addListener(w.site(addr.Pos()), "http.Server", w.ev().eval(addr), false, defaultMux)
}

// assignAddr records srv.Addr = … on an http.Server.
func (w *walker) assignAddr(as *ast.AssignStmt) {
	if len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return
	}
	sel, ok := as.Lhs[0].(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Addr" || w.ev().kindOf(sel.X) != kindServer {
		return
	}
	if b, ok := as.Rhs[0].(*ast.BasicLit); ok {
		w.skip[b] = true
	}
	w.addListener(w.site(as.Rhs[0].Pos()), "http.Server", w.ev().eval(as.Rhs[0]), false, false)
}

func (w *walker) viperCall(call *ast.CallExpr, name string) {
	args := call.Args
	st := &w.x.viper
	arg := func(i int) value {
		if i < len(args) {
			return w.ev().eval(args[i])
		}
		return value{}
	}
	switch name {
	case "AutomaticEnv":
		st.automatic = true
	case "SetEnvPrefix":
		if v := arg(0); v.known {
			st.prefix = v.s
		}
	case "SetEnvKeyReplacer":
		if len(args) == 1 {
			if nr, ok := args[0].(*ast.CallExpr); ok {
				for _, a := range nr.Args {
					v := w.ev().eval(a)
					if !v.known {
						st.replacer = nil
						break
					}
					st.replacer = append(st.replacer, v.s)
				}
			}
		}
	case "SetDefault":
		if k := arg(0); k.known {
			st.hasDef[strings.ToLower(k.s)] = true
			if d := arg(1); d.known {
				st.defaults[strings.ToLower(k.s)] = d.s
			}
		}
	case "BindEnv":
		if len(args) >= 2 {
			for i := 1; i < len(args); i++ {
				r := &EnvRead{Site: w.site(call.Pos()), Via: "viper"}
				if v := arg(i); v.known {
					r.Name = v.s
				} else {
					r.Unresolved = true
				}
				w.x.facts.Env = append(w.x.facts.Env, r)
			}
		} else if k := arg(0); k.known {
			w.x.viperKeys = append(w.x.viperKeys, viperKey{site: w.site(call.Pos()), key: k.s})
			// BindEnv works without AutomaticEnv: record it as bound.
			w.x.viperKeys[len(w.x.viperKeys)-1].key = "\x00" + k.s
		}
	case "SetConfigFile", "AddConfigPath", "SetConfigName":
		// viper.SetConfigFile(…) is a file use already; v.SetConfigFile(…) on a *viper.Viper
		// is recorded here.
		if p, _, recv := w.fs.callee(call); p == "" && recv != nil {
			w.fileUse(call, "viper."+name, pkgFileCalls["github.com/spf13/viper."+name], stmtCtx{})
		}
	default:
		if strings.HasPrefix(name, "Get") && name != "GetViper" {
			if k := arg(0); k.known {
				w.x.viperKeys = append(w.x.viperKeys, viperKey{site: w.site(call.Pos()), key: k.s})
			}
		}
	}
}

// tags records envconfig and caarlos0/env struct tags.
func (w *walker) tags(st *ast.StructType) {
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		tag := reflect.StructTag(raw)
		site := w.site(f.Tag.Pos())
		if name, ok := tag.Lookup("envconfig"); ok && name != "" && name != "-" {
			r := &EnvRead{Site: site, Name: name, Via: "envconfig", Required: tag.Get("required") == "true"}
			if d, ok := tag.Lookup("default"); ok {
				r.HasDefault, r.Default = true, d
			}
			w.x.tagReads = append(w.x.tagReads, tagRead{lib: "github.com/kelseyhightower/envconfig", read: r})
		}
		if spec, ok := tag.Lookup("env"); ok && spec != "" && spec != "-" {
			parts := strings.Split(spec, ",")
			name := strings.TrimSpace(parts[0])
			if name == "" {
				continue
			}
			r := &EnvRead{Site: site, Name: name, Via: "env"}
			for _, o := range parts[1:] {
				o = strings.TrimSpace(o)
				switch {
				case o == "required" || o == "notEmpty":
					r.Required = true
				case strings.HasPrefix(o, "default="):
					r.HasDefault, r.Default = true, strings.TrimPrefix(o, "default=")
				}
			}
			if d, ok := tag.Lookup("envDefault"); ok {
				r.HasDefault, r.Default = true, d
			}
			w.x.tagReads = append(w.x.tagReads, tagRead{lib: "env", read: r})
		}
	}
}

// embeds records the //go:embed directives of a var declaration.
func (w *walker) embeds(d *ast.GenDecl) {
	var docs []*ast.CommentGroup
	if d.Doc != nil {
		docs = append(docs, d.Doc)
	}
	for _, s := range d.Specs {
		if vs, ok := s.(*ast.ValueSpec); ok && vs.Doc != nil {
			docs = append(docs, vs.Doc)
		}
	}
	varName := ""
	if len(d.Specs) == 0 {
		return
	}
	if vs, ok := d.Specs[0].(*ast.ValueSpec); ok && len(vs.Names) > 0 {
		varName = vs.Names[0].Name
	}
	for _, cg := range docs {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:embed")
			if !ok || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
				continue
			}
			pats, err := embedPatterns(rest)
			site := w.site(c.Pos())
			if err != "" {
				w.x.facts.Embeds = append(w.x.facts.Embeds, &Embed{Site: site, Var: varName, Dir: w.dir, Err: err})
				continue
			}
			for _, p := range pats {
				e := &Embed{Site: site, Pattern: p, Var: varName, Dir: w.dir}
				if q, ok := strings.CutPrefix(p, "all:"); ok {
					e.Pattern, e.All = q, true
				}
				w.x.facts.Embeds = append(w.x.facts.Embeds, e)
			}
		}
	}
}

// embedPatterns splits a //go:embed line into patterns: space-separated words, or Go string
// literals ("…" or `…`) for names with spaces.
func embedPatterns(s string) ([]string, string) {
	var out []string
	s = strings.TrimSpace(s)
	for s != "" {
		switch s[0] {
		case '"', '`':
			end := 1
			for end < len(s) && s[end] != s[0] {
				if s[0] == '"' && s[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(s) {
				return nil, "invalid quoted string in //go:embed"
			}
			p, err := strconv.Unquote(s[:end+1])
			if err != nil {
				return nil, "invalid quoted string in //go:embed"
			}
			out = append(out, p)
			s = strings.TrimSpace(s[end+1:])
		default:
			i := strings.IndexAny(s, " \t")
			if i < 0 {
				i = len(s)
			}
			out = append(out, s[:i])
			s = strings.TrimSpace(s[i:])
		}
	}
	if len(out) == 0 {
		return nil, "usage: //go:embed pattern..."
	}
	return out, ""
}

// typeName renders a composite literal's type: redis.Options.
func typeName(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			return id.Name + "." + x.Sel.Name
		}
	case *ast.Ident:
		return x.Name
	case *ast.StarExpr:
		return typeName(x.X)
	}
	return ""
}

// sdkOf says whether an import is a cloud SDK that talks HTTPS.
func sdkOf(p string) string {
	for _, pre := range []string{"github.com/aws/aws-sdk-go", "cloud.google.com/go/", "google.golang.org/api/", "github.com/Azure/azure-sdk-for-go/", "github.com/stripe/stripe-go"} {
		if strings.HasPrefix(p, pre) {
			return pre
		}
	}
	return ""
}
