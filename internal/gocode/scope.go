package gocode

import (
	"fmt"
	"go/ast"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// value is what the evaluator knows about a string (or integer) expression: its text when known,
// and where it comes from when it is not a constant.
type value struct {
	s     string // the text; for an env or flag value, the text with the default substituted
	known bool   // s is the whole value, independent of the environment and flags
	env   string // the environment variable the value (or part of it) comes from
	// envDefault says the text holds a default used when env is empty.
	envDefault bool
	flag       string // the command-line flag the value comes from; s holds its default
	// ref says s holds references to constants of other packages of the tree, each as
	// "\x00<import path>.<Name>\x00", filled in once every package is read (see resolveRefs).
	ref bool
}

// refMark opens and closes a cross-package reference inside value.s.
const refMark = "\x00"

// resolved says the text is usable: a constant, or a default of an env var or flag.
func (v value) resolved() bool { return v.known || v.envDefault || v.flag != "" }

// resolvable says the text is usable once cross-package references are filled in.
func (v value) resolvable() bool { return v.resolved() || v.ref }

// assign is one assignment to a local name.
type assign struct {
	rhs ast.Expr
	// idx is the position of the name among the left-hand sides of a multi-value call
	// (v, ok := os.LookupEnv(k) gives idx 1 for ok); -1 for a one-to-one assignment.
	idx int
	// emptyFallback says the assignment sits in `if name == "" { … }`.
	emptyFallback bool
	// flagVar says the name is set by flag.StringVar(&name, …), rhs being the call.
	flagVar bool
	// zero says the name is declared without a value (var x string).
	zero bool
}

// envCheck is what the code does when a variable holding an env value is empty.
type envCheck struct {
	fatal    bool
	fallback ast.Expr
	// override says the value is used only when set (if v != "" { … }): the code has its
	// own default otherwise.
	override bool
}

// kind names the types whose methods the extractor follows without type-checking.
type kind string

const (
	kindGin      kind = "gin"
	kindEcho     kind = "echo"
	kindFiber    kind = "fiber"
	kindServer   kind = "server" // net/http.Server
	kindViper    kind = "viper"
	kindTemplate kind = "template"
)

// envHelper is a function of the package that reads the environment variable named by one of
// its parameters, like getEnv(key, fallback string).
type envHelper struct {
	keyParam     int
	defaultParam int // -1 when none
	fatal        bool
}

// pkgScope is what the files of one package declare at the top level.
type pkgScope struct {
	values     map[string]ast.Expr   // constants, and variables never reassigned
	valueScope map[string]*fileScope // the file each value is declared in
	flagVars   map[string]*ast.CallExpr
	kinds      map[string]kind // package variables, struct fields and function results by name
	envHelpers map[string]envHelper
	// declared holds every package-level name of the parsed files; missed says the evaluator
	// met a name declared in none of them (so in a file left unparsed).
	declared map[string]bool
	missed   bool
	// viper says some name of the package is a *viper.Viper.
	viper bool
	// envVars are the package variables initialised from the environment, by their call;
	// pkgChecks what the package's functions do when those are empty.
	envVars   map[*ast.CallExpr]string
	pkgChecks map[string]envCheck
}

// fnScope is what one function body assigns, by name (shadowing is ignored: a name assigned
// twice is not resolved).
type fnScope struct {
	assigns map[string][]assign
	kinds   map[string]kind
	checks  map[string]envCheck
	// callLHS maps a call to the names it is assigned to.
	callLHS map[*ast.CallExpr][]string
	isMain  bool
}

// file is the per-file view: the import names in force.
type fileScope struct {
	imports map[string]string // local name → import path
	has     map[string]bool   // normalised import paths of the file
}

// normImport drops a major version suffix so that github.com/labstack/echo/v4 and
// github.com/labstack/echo compare equal.
func normImport(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 && isMajorSuffix(p[i+1:]) {
		return p[:i]
	}
	if strings.HasPrefix(p, "gopkg.in/") {
		if i := strings.LastIndex(p, ".v"); i > 0 {
			return p[:i]
		}
	}
	return p
}

// importName is the name a package is known by when imported without a name: the last element
// of its path, skipping a /vN suffix, without a .vN suffix or a go- prefix, as goimports guesses.
func importName(p string) string {
	p = normImport(p)
	name := path.Base(p)
	name = strings.TrimPrefix(name, "go-")
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	name = strings.ReplaceAll(name, "-", "")
	return name
}

func newFileScope(f *ast.File) *fileScope {
	fs := &fileScope{imports: map[string]string{}, has: map[string]bool{}}
	for _, is := range f.Imports {
		p, err := strconv.Unquote(is.Path.Value)
		if err != nil {
			continue
		}
		name := importName(p)
		if is.Name != nil {
			name = is.Name.Name
		}
		if name != "_" && name != "." {
			fs.imports[name] = p
		}
		fs.has[normImport(p)] = true
	}
	return fs
}

// rawImport returns the import path as written of the package a call's selector names
// (callee normalises it, dropping /vN).
func (fs *fileScope) rawImport(norm string, call *ast.CallExpr) string {
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); ok {
			if p, ok := fs.imports[id.Name]; ok {
				return p
			}
		}
	}
	return norm
}

// kindOfType recognises the types the extractor follows.
func (fs *fileScope) kindOfType(t ast.Expr) kind {
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	sel, ok := t.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	id, ok := sel.X.(*ast.Ident)
	if !ok {
		return ""
	}
	switch normImport(fs.imports[id.Name]) + "." + sel.Sel.Name {
	case "github.com/gin-gonic/gin.Engine", "github.com/gin-gonic/gin.RouterGroup", "github.com/gin-gonic/gin.IRouter", "github.com/gin-gonic/gin.IRoutes":
		return kindGin
	case "github.com/labstack/echo.Echo", "github.com/labstack/echo.Group":
		return kindEcho
	case "github.com/gofiber/fiber.App", "github.com/gofiber/fiber.Router":
		return kindFiber
	case "net/http.Server":
		return kindServer
	case "github.com/spf13/viper.Viper":
		return kindViper
	case "html/template.Template", "text/template.Template":
		return kindTemplate
	}
	return ""
}

// callee names the function a call invokes: the import path and name for a package-level
// function, or "" and the method name with its receiver.
func (fs *fileScope) callee(call *ast.CallExpr) (pkg, name string, recv ast.Expr) {
	switch fn := call.Fun.(type) {
	case *ast.SelectorExpr:
		if id, ok := fn.X.(*ast.Ident); ok {
			if p, ok := fs.imports[id.Name]; ok {
				return normImport(p), fn.Sel.Name, nil
			}
		}
		return "", fn.Sel.Name, fn.X
	case *ast.Ident:
		return "", fn.Name, nil
	case *ast.IndexExpr: // generic instantiation
		if sel, ok := fn.X.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if p, ok := fs.imports[id.Name]; ok {
					return normImport(p), sel.Sel.Name, nil
				}
			}
		}
	}
	return "", "", nil
}

// constructorKind is the kind of value a package function returns.
func constructorKind(pkg, name string) kind {
	switch pkg + "." + name {
	case "github.com/gin-gonic/gin.Default", "github.com/gin-gonic/gin.New":
		return kindGin
	case "github.com/labstack/echo.New":
		return kindEcho
	case "github.com/gofiber/fiber.New":
		return kindFiber
	case "github.com/spf13/viper.New", "github.com/spf13/viper.GetViper":
		return kindViper
	case "html/template.New", "text/template.New", "html/template.Must", "text/template.Must",
		"html/template.ParseFiles", "text/template.ParseFiles", "html/template.ParseGlob", "text/template.ParseGlob":
		return kindTemplate
	}
	return ""
}

// evaluator resolves expressions of one file within one function.
type evaluator struct {
	fs    *fileScope
	pkg   *pkgScope
	fn    *fnScope
	depth int
}

const maxEvalDepth = 12

func (e *evaluator) kindOf(x ast.Expr) kind {
	switch x := x.(type) {
	case *ast.ParenExpr:
		return e.kindOf(x.X)
	case *ast.StarExpr:
		return e.kindOf(x.X)
	case *ast.UnaryExpr:
		return e.kindOf(x.X)
	case *ast.Ident:
		if e.fn != nil {
			if k, ok := e.fn.kinds[x.Name]; ok {
				return k
			}
		}
		return e.pkg.kinds[x.Name]
	case *ast.SelectorExpr:
		return e.pkg.kinds[x.Sel.Name]
	case *ast.CompositeLit:
		return e.fs.kindOfType(x.Type)
	case *ast.CallExpr:
		pkg, name, recv := e.fs.callee(x)
		if pkg != "" {
			return constructorKind(pkg, name)
		}
		if recv != nil {
			k := e.kindOf(recv)
			if k == kindGin && name == "Group" || k == kindEcho && name == "Group" || k == kindFiber && name == "Group" {
				return k
			}
			if k == kindTemplate {
				return kindTemplate
			}
			return ""
		}
		return e.pkg.kinds[name]
	}
	return ""
}

// eval resolves a string or integer expression.
func (e *evaluator) eval(x ast.Expr) value {
	if e.depth > maxEvalDepth || x == nil {
		return value{}
	}
	e.depth++
	defer func() { e.depth-- }()
	switch x := x.(type) {
	case *ast.BasicLit:
		switch x.Kind {
		case token.STRING:
			s, err := strconv.Unquote(x.Value)
			if err != nil {
				return value{}
			}
			return value{s: s, known: true}
		case token.INT:
			return value{s: x.Value, known: true}
		}
	case *ast.ParenExpr:
		return e.eval(x.X)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return value{}
		}
		return concat(e.eval(x.X), e.eval(x.Y))
	case *ast.Ident:
		return e.evalIdent(x.Name)
	case *ast.StarExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if e.fn != nil {
				if as := e.fn.assigns[id.Name]; len(as) == 1 {
					if call, ok := as[0].rhs.(*ast.CallExpr); ok {
						if v, ok := e.flagValue(call, false); ok {
							return v
						}
					}
				}
			}
			if init, ok := e.pkg.values[id.Name]; ok {
				if call, ok := init.(*ast.CallExpr); ok {
					inner := &evaluator{fs: e.fs, pkg: e.pkg, depth: e.depth}
					if v, ok := inner.flagValue(call, false); ok {
						return v
					}
				}
			}
		}
	case *ast.CallExpr:
		return e.evalCall(x)
	case *ast.SelectorExpr:
		// config.DefaultAddr: a constant of another package of the tree, maybe.
		if id, ok := x.X.(*ast.Ident); ok {
			if p, ok := e.fs.imports[id.Name]; ok && !isStd(p) && x.Sel.IsExported() {
				return value{s: refMark + p + "." + x.Sel.Name + refMark, ref: true}
			}
		}
	}
	return value{}
}

func (e *evaluator) evalIdent(name string) value {
	if e.fn != nil {
		if as, ok := e.fn.assigns[name]; ok {
			return e.evalAssigns(name, as)
		}
	}
	if call, ok := e.pkg.flagVars[name]; ok {
		inner := &evaluator{fs: e.fs, pkg: e.pkg, depth: e.depth}
		if v, ok := inner.flagValue(call, true); ok {
			return v
		}
		return value{}
	}
	if init, ok := e.pkg.values[name]; ok {
		inner := &evaluator{fs: e.fs, pkg: e.pkg, depth: e.depth}
		return inner.eval(init)
	}
	if !e.pkg.declared[name] && name != "nil" && name != "true" && name != "false" && name != "iota" {
		e.pkg.missed = true
	}
	return value{}
}

// evalAssigns resolves a local assigned once, or assigned from the environment and then given
// a fallback when empty.
func (e *evaluator) evalAssigns(name string, as []assign) value {
	if len(as) > 1 {
		// var x string followed by assignments: the declaration's zero value is not used.
		var set []assign
		for _, a := range as {
			if !a.zero {
				set = append(set, a)
			}
		}
		if len(set) > 0 {
			as = set
		}
	}
	first := as[0]
	if first.flagVar {
		if call, ok := first.rhs.(*ast.CallExpr); ok && len(as) == 1 {
			v, _ := e.flagValue(call, true)
			return v
		}
		return value{}
	}
	if first.idx > 0 {
		return value{}
	}
	v := e.eval(first.rhs)
	if len(as) == 1 {
		return v
	}
	if v.env == "" {
		// addr := ":8080"; if p := os.Getenv("PORT"); p != "" { addr = ":" + p }: a constant
		// default that the environment overrides.
		if !v.known {
			return value{}
		}
		env := ""
		for _, a := range as[1:] {
			if a.idx > 0 || a.rhs == nil {
				return value{}
			}
			o := e.eval(a.rhs)
			if o.env == "" || (env != "" && o.env != env) {
				return value{}
			}
			env = o.env
		}
		return value{s: v.s, env: env, envDefault: true}
	}
	for _, a := range as[1:] {
		if !a.emptyFallback {
			return value{env: v.env}
		}
	}
	if e.fn != nil {
		if c, ok := e.fn.checks[name]; ok && c.fallback != nil {
			d := e.eval(c.fallback)
			if d.known {
				return value{s: d.s, env: v.env, envDefault: true}
			}
		}
	}
	return value{env: v.env}
}

func concat(a, b value) value {
	v := value{s: a.s + b.s, known: a.known && b.known}
	v.env, v.envDefault = a.env, a.envDefault
	if v.env == "" {
		v.env, v.envDefault = b.env, b.envDefault
	}
	v.flag = a.flag
	if v.flag == "" {
		v.flag = b.flag
	}
	v.ref = a.ref || b.ref
	if !v.known && !v.resolved() && (v.env == "" || !v.envDefault) {
		// keep the partial text: ":" + os.Getenv("PORT") still says "all interfaces"
		v.s = a.s + b.s
	}
	return v
}

func (e *evaluator) evalCall(call *ast.CallExpr) value {
	pkg, name, recv := e.fs.callee(call)
	args := call.Args
	switch pkg + "." + name {
	case "os.Getenv":
		if len(args) == 1 {
			if k := e.eval(args[0]); k.known {
				return value{env: k.s}
			}
		}
		return value{}
	case "cmp.Or":
		var out value
		for i, a := range args {
			v := e.eval(a)
			if i == 0 {
				out = v
				if v.known {
					return v
				}
				continue
			}
			if v.known && out.env != "" {
				return value{s: v.s, env: out.env, envDefault: true}
			}
		}
		return out
	case "path/filepath.Join", "path.Join":
		var parts []string
		ref := false
		for _, a := range args {
			v := e.eval(a)
			if !v.resolvable() {
				return value{}
			}
			ref = ref || v.ref
			parts = append(parts, v.s)
		}
		return value{s: path.Join(parts...), known: !ref, ref: ref}
	case "strconv.Itoa", "fmt.Sprint":
		if len(args) == 1 {
			return e.eval(args[0])
		}
	case "net.JoinHostPort":
		if len(args) == 2 {
			h, p := e.eval(args[0]), e.eval(args[1])
			v := concat(concat(h, value{s: ":", known: true}), p)
			if strings.Contains(h.s, ":") {
				v.s = "[" + h.s + "]:" + p.s
			}
			return v
		}
	case "fmt.Sprintf":
		if len(args) >= 1 {
			return e.sprintf(args[0], args[1:])
		}
	}
	if pkg == "" && recv == nil {
		if h, ok := e.pkg.envHelpers[name]; ok && h.keyParam < len(args) {
			k := e.eval(args[h.keyParam])
			if !k.known {
				return value{}
			}
			v := value{env: k.s}
			if h.defaultParam >= 0 && h.defaultParam < len(args) {
				if d := e.eval(args[h.defaultParam]); d.known {
					v.s, v.envDefault = d.s, true
				}
			}
			return v
		}
	}
	return value{}
}

func (e *evaluator) sprintf(format ast.Expr, args []ast.Expr) value {
	f := e.eval(format)
	if !f.known {
		return value{}
	}
	out := value{known: true}
	var sb strings.Builder
	ai := 0
	s := f.s
	for i := 0; i < len(s); i++ {
		if s[i] != '%' || i+1 >= len(s) {
			sb.WriteByte(s[i])
			continue
		}
		i++
		if s[i] == '%' {
			sb.WriteByte('%')
			continue
		}
		switch s[i] {
		case 's', 'd', 'v':
		default:
			return value{}
		}
		if ai >= len(args) {
			return value{}
		}
		v := e.eval(args[ai])
		ai++
		if !v.resolved() {
			out.known = false
		}
		out.ref = out.ref || v.ref
		if v.env != "" && out.env == "" {
			out.env, out.envDefault = v.env, v.envDefault
		}
		if v.flag != "" && out.flag == "" {
			out.flag = v.flag
		}
		sb.WriteString(v.s)
		if !v.known {
			out.known = false
		}
	}
	out.s = sb.String()
	return out
}

// flagValue reads a flag definition: flag.String(name, default, usage) and its kin, pflag's P
// variants, and cobra's cmd.Flags().StringVar(&v, name, default, usage). byVar says the call is
// the XxxVar form.
func (e *evaluator) flagValue(call *ast.CallExpr, byVar bool) (value, bool) {
	pkg, name, recv := e.fs.callee(call)
	if pkg != "flag" && pkg != "github.com/spf13/pflag" && !(recv != nil && isFlagSet(recv)) {
		return value{}, false
	}
	base := strings.TrimSuffix(name, "P")
	isVar := strings.HasSuffix(base, "Var")
	base = strings.TrimSuffix(base, "Var")
	switch base {
	case "String", "Int", "Int64", "Uint", "Uint64", "Int32", "Uint16":
	default:
		return value{}, false
	}
	if isVar != byVar {
		return value{}, false
	}
	args := call.Args
	if isVar {
		if len(args) == 0 {
			return value{}, false
		}
		args = args[1:]
	}
	if len(args) < 2 {
		return value{}, false
	}
	fname := e.eval(args[0])
	defIdx := 1
	if strings.HasSuffix(name, "P") {
		defIdx = 2
	}
	if defIdx >= len(args) || !fname.known {
		return value{}, false
	}
	d := e.eval(args[defIdx])
	v := value{flag: fname.s}
	if d.known {
		v.s = d.s
	} else if d.env != "" {
		v.env, v.s, v.envDefault = d.env, d.s, d.envDefault
	}
	return v, true
}

// isFlagSet recognises cmd.Flags(), cmd.PersistentFlags() and a *flag.FlagSet named fs or flags.
func isFlagSet(x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.CallExpr:
		if sel, ok := x.Fun.(*ast.SelectorExpr); ok {
			switch sel.Sel.Name {
			case "Flags", "PersistentFlags", "LocalFlags", "NewFlagSet":
				return true
			}
		}
	case *ast.Ident:
		switch x.Name {
		case "fs", "flags", "flagSet", "flagset":
			return true
		}
	}
	return false
}

// scanFunc collects a function body's assignments, kinds and empty-value checks.
func scanFunc(fs *fileScope, pkg *pkgScope, fd *ast.FuncType, body *ast.BlockStmt, isMain bool) *fnScope {
	sc := &fnScope{
		assigns: map[string][]assign{},
		kinds:   map[string]kind{},
		checks:  map[string]envCheck{},
		callLHS: map[*ast.CallExpr][]string{},
		isMain:  isMain,
	}
	if fd != nil && fd.Params != nil {
		for _, f := range fd.Params.List {
			k := fs.kindOfType(f.Type)
			for _, n := range f.Names {
				// A parameter is assigned by the caller: never a constant here.
				sc.assigns[n.Name] = append(sc.assigns[n.Name], assign{idx: 1})
				if k != "" {
					sc.kinds[n.Name] = k
				}
			}
		}
	}
	if body == nil {
		return sc
	}
	e := &evaluator{fs: fs, pkg: pkg, fn: sc}
	var fallbackStack []string
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok != token.DEFINE && n.Tok != token.ASSIGN {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						sc.assigns[id.Name] = append(sc.assigns[id.Name], assign{idx: 1})
					}
				}
				return true
			}
			for i, l := range n.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name == "_" {
					continue
				}
				a := assign{idx: -1}
				if len(n.Rhs) == len(n.Lhs) {
					a.rhs = n.Rhs[i]
				} else if len(n.Rhs) == 1 {
					a.rhs, a.idx = n.Rhs[0], i
				}
				for _, f := range fallbackStack {
					if f == id.Name {
						a.emptyFallback = true
					}
				}
				sc.assigns[id.Name] = append(sc.assigns[id.Name], a)
				if a.rhs != nil {
					if k := e.kindOf(a.rhs); k != "" {
						sc.kinds[id.Name] = k
					}
				}
			}
			if len(n.Rhs) == 1 {
				if call, ok := n.Rhs[0].(*ast.CallExpr); ok {
					var names []string
					for _, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok {
							names = append(names, id.Name)
						} else {
							names = append(names, "")
						}
					}
					sc.callLHS[call] = names
				}
			}
		case *ast.ValueSpec:
			k := fs.kindOfType(n.Type)
			for i, id := range n.Names {
				a := assign{idx: -1}
				if len(n.Values) == len(n.Names) {
					a.rhs = n.Values[i]
				} else if len(n.Values) == 1 {
					a.rhs, a.idx = n.Values[0], i
				} else {
					a.rhs, a.zero = &ast.BasicLit{Kind: token.STRING, Value: `""`}, true
				}
				sc.assigns[id.Name] = append(sc.assigns[id.Name], a)
				if k != "" {
					sc.kinds[id.Name] = k
				} else if a.rhs != nil {
					if k := e.kindOf(a.rhs); k != "" {
						sc.kinds[id.Name] = k
					}
				}
			}
			if len(n.Values) == 1 {
				if call, ok := n.Values[0].(*ast.CallExpr); ok {
					var names []string
					for _, id := range n.Names {
						names = append(names, id.Name)
					}
					sc.callLHS[call] = names
				}
			}
		case *ast.RangeStmt:
			for _, x := range []ast.Expr{n.Key, n.Value} {
				if id, ok := x.(*ast.Ident); ok {
					sc.assigns[id.Name] = append(sc.assigns[id.Name], assign{idx: 1})
				}
			}
		case *ast.CallExpr:
			// flag.StringVar(&v, …) sets v from the command line.
			if _, name, _ := fs.callee(n); strings.Contains(name, "Var") && len(n.Args) > 0 {
				if u, ok := n.Args[0].(*ast.UnaryExpr); ok && u.Op == token.AND {
					if id, ok := u.X.(*ast.Ident); ok {
						if _, ok := e.flagValue(n, true); ok {
							sc.assigns[id.Name] = append([]assign{{rhs: n, flagVar: true, idx: -1}}, sc.assigns[id.Name]...)
						}
					}
				}
			}
		case *ast.IfStmt:
			if n.Init != nil {
				ast.Inspect(n.Init, visit)
			}
			ast.Inspect(n.Cond, visit)
			names, direct := emptyTested(n.Cond)
			for _, name := range names {
				c := sc.checks[name]
				if terminates(n.Body, isMain) {
					c.fatal = true
				}
				if fb := fallbackIn(n.Body, name); fb != nil {
					c.fallback = fb
				}
				sc.checks[name] = c
			}
			for _, call := range direct {
				if terminates(n.Body, isMain) {
					sc.checks["\x00"+callKey(call)] = envCheck{fatal: true}
				}
			}
			for _, name := range setTested(n.Cond) {
				c := sc.checks[name]
				c.override = true
				sc.checks[name] = c
			}
			fallbackStack = append(fallbackStack, names...)
			ast.Inspect(n.Body, visit)
			fallbackStack = fallbackStack[:len(fallbackStack)-len(names)]
			if n.Else != nil {
				ast.Inspect(n.Else, visit)
			}
			return false
		}
		return true
	}
	ast.Inspect(body, visit)
	return sc
}

// callKey identifies a call by position, to find it again.
func callKey(c *ast.CallExpr) string { return fmt.Sprint(c.Pos()) }

// emptyTested finds the names a condition tests for emptiness (v == "", len(v) == 0, !ok) and
// the calls it tests directly (os.Getenv("X") == "").
func emptyTested(cond ast.Expr) (names []string, calls []*ast.CallExpr) {
	switch c := cond.(type) {
	case *ast.ParenExpr:
		return emptyTested(c.X)
	case *ast.BinaryExpr:
		switch c.Op {
		case token.LOR:
			n1, c1 := emptyTested(c.X)
			n2, c2 := emptyTested(c.Y)
			return append(n1, n2...), append(c1, c2...)
		case token.EQL:
			x, y := c.X, c.Y
			if isEmptyLit(x) || isZero(x) {
				x, y = y, x
			}
			if !isEmptyLit(y) && !isZero(y) {
				return nil, nil
			}
			if call, ok := x.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "len" && len(call.Args) == 1 {
					x = call.Args[0]
				} else {
					return nil, []*ast.CallExpr{call}
				}
			}
			if id, ok := x.(*ast.Ident); ok {
				return []string{id.Name}, nil
			}
		}
	case *ast.UnaryExpr:
		if c.Op == token.NOT {
			if id, ok := c.X.(*ast.Ident); ok {
				return []string{id.Name}, nil
			}
		}
	}
	return nil, nil
}

// setTested finds the names a condition tests for being set: v != "", len(v) > 0, ok.
func setTested(cond ast.Expr) []string {
	switch c := cond.(type) {
	case *ast.ParenExpr:
		return setTested(c.X)
	case *ast.Ident:
		return []string{c.Name}
	case *ast.BinaryExpr:
		switch c.Op {
		case token.LAND:
			return append(setTested(c.X), setTested(c.Y)...)
		case token.NEQ, token.GTR:
			x, y := c.X, c.Y
			if isEmptyLit(x) {
				x, y = y, x
			}
			if !isEmptyLit(y) && !isZero(y) {
				return nil
			}
			if call, ok := x.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "len" && len(call.Args) == 1 {
					x = call.Args[0]
				}
			}
			if id, ok := x.(*ast.Ident); ok {
				return []string{id.Name}
			}
		}
	}
	return nil
}

func isEmptyLit(x ast.Expr) bool {
	b, ok := x.(*ast.BasicLit)
	return ok && b.Kind == token.STRING && (b.Value == `""` || b.Value == "``")
}

func isZero(x ast.Expr) bool {
	b, ok := x.(*ast.BasicLit)
	return ok && b.Kind == token.INT && b.Value == "0"
}

// fallbackIn finds `name = expr` directly in a block.
func fallbackIn(b *ast.BlockStmt, name string) ast.Expr {
	for _, s := range b.List {
		if as, ok := s.(*ast.AssignStmt); ok && len(as.Lhs) == 1 && len(as.Rhs) == 1 {
			if id, ok := as.Lhs[0].(*ast.Ident); ok && id.Name == name {
				return as.Rhs[0]
			}
		}
	}
	return nil
}

// terminates says whether a block stops the program or gives up: log.Fatal, a logger's
// Fatal/Panic, panic, os.Exit, a return of an error, or any return from main.
func terminates(b *ast.BlockStmt, isMain bool) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		if found {
			return false
		}
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			switch fn := n.Fun.(type) {
			case *ast.Ident:
				if fn.Name == "panic" {
					found = true
				}
			case *ast.SelectorExpr:
				name := fn.Sel.Name
				if strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic") {
					found = true
				}
				if id, ok := fn.X.(*ast.Ident); ok && id.Name == "os" && name == "Exit" {
					found = true
				}
			}
		case *ast.ReturnStmt:
			if isMain {
				found = true
			} else if len(n.Results) > 0 {
				last := n.Results[len(n.Results)-1]
				if id, ok := last.(*ast.Ident); !ok || (id.Name != "nil" && id.Name != "true" && id.Name != "false") {
					if _, lit := last.(*ast.BasicLit); !lit {
						found = true
					}
				}
			}
		}
		return true
	})
	return found
}
