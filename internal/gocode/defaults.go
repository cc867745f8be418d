package gocode

import (
	"go/ast"
	"reflect"
	"strconv"
	"strings"
)

// flagPackages are the packages whose functions define command-line flags with a default.
var flagPackages = map[string]bool{"flag": true, "github.com/spf13/pflag": true}

// optionDefaults marks the string literals that a call gives as an option's default, before
// the walk reaches them: the arguments of flag.String and its kin (flag, pflag, and methods of
// a cobra command's Flags() or PersistentFlags()), kingpin's and kong's Default("…"), and the
// arguments of cmp.Or after the first, which are fallbacks of the first.
func (w *walker) optionDefaults(call *ast.CallExpr) {
	via, from := "", 0
	pkg, name, recv := w.fs.callee(call)
	switch {
	case flagPackages[pkg]:
		via = "flag default"
	case pkg == "cmp" && name == "Or":
		via, from = "cmp.Or fallback", 1
	case recv != nil && name == "Default":
		via = "flag default"
	case recv != nil:
		if inner, ok := recv.(*ast.CallExpr); ok {
			if sel, ok := inner.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Flags" || sel.Sel.Name == "PersistentFlags") {
				via = "flag default"
			}
		}
	}
	if via == "" {
		return
	}
	for _, a := range call.Args[min(from, len(call.Args)):] {
		if b, ok := a.(*ast.BasicLit); ok {
			w.defaults[b] = via
		}
	}
}

// flagLiteral marks the literal values of a flag declared as a composite literal, urfave/cli's
// &cli.StringFlag{Name: "db", Value: "…"}: a type whose name ends in Flag.
func (w *walker) flagLiteral(lit *ast.CompositeLit) {
	if !strings.HasSuffix(typeName(lit.Type), "Flag") {
		return
	}
	for _, e := range lit.Elts {
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			e = kv.Value
		}
		if b, ok := e.(*ast.BasicLit); ok {
			w.defaults[b] = "flag default"
		}
	}
}

// defaultTags marks struct tags that carry a configuration default (`default:"…"`, as in
// envconfig, kong and creasty/defaults, or caarlos0/env's `envDefault:"…"`).
func (w *walker) defaultTags(st *ast.StructType) {
	for _, f := range st.Fields.List {
		if f.Tag == nil {
			continue
		}
		raw, err := strconv.Unquote(f.Tag.Value)
		if err != nil {
			continue
		}
		tag := reflect.StructTag(raw)
		_, d := tag.Lookup("default")
		_, ed := tag.Lookup("envDefault")
		if d || ed {
			w.defaults[f.Tag] = "default tag"
		}
	}
}
