package gocode

import (
	"fmt"
	"sort"
	"strings"
)

// render prints facts one per line, "kind pos field=value …", leaving out zero values, so that
// tests can compare what Load found, positions included.
func render(f *Facts) []string {
	if f == nil {
		return nil
	}
	var out []string
	add := func(kind string, pos fmt.Stringer, kv ...any) {
		var b strings.Builder
		b.WriteString(kind + " " + pos.String())
		for i := 0; i+1 < len(kv); i += 2 {
			v := kv[i+1]
			switch x := v.(type) {
			case string:
				if x == "" {
					continue
				}
				v = fmt.Sprintf("%q", x)
			case bool:
				if !x {
					continue
				}
			case int:
				if x == 0 {
					continue
				}
			case []string:
				if len(x) == 0 {
					continue
				}
				v = strings.Join(x, ",")
			}
			fmt.Fprintf(&b, " %s=%v", kv[i], v)
		}
		out = append(out, b.String())
	}
	for _, m := range f.Modules {
		add("module", m.PathPos, "path", m.Path, "go", m.Go, "toolchain", m.Toolchain, "gosum", m.HasGoSum)
		if m.ParseError != nil {
			add("modparse", m.ParseError.Pos, "err", m.ParseError.Text)
		}
		for _, r := range m.Requires {
			add("require", r.Pos, "path", r.Path, "version", r.Version, "indirect", r.Indirect)
		}
		for _, r := range m.Replaces {
			add("replace", r.Pos, "old", r.Old, "new", r.New, "local", r.Local, "target", r.Target, "exists", r.TargetExists)
		}
		for _, r := range m.Retracts {
			add("retract", r.Pos, "low", r.Low, "high", r.High)
		}
		for _, r := range m.MissingSums {
			add("missingsum", r.Pos, "path", r.Path)
		}
		if m.Vendor != nil {
			if m.Vendor.Missing {
				add("vendormissing", m.PathPos, "file", m.Vendor.File)
			}
			for _, p := range m.Vendor.Problems {
				add("vendor", p.Pos, "module", p.Module, "text", p.Text)
			}
		}
	}
	for _, p := range f.Programs {
		var reach []string
		for k := range p.Reach {
			if f.Packages[k] != nil && k != p.Main.Path {
				reach = append(reach, k)
			}
		}
		sort.Strings(reach)
		add("program", p.Pos, "name", p.Name, "dir", p.Dir, "reach", reach)
	}
	for _, x := range f.NotMain {
		add("notmain", x.Pos, "dir", x.Dir, "name", x.Name, "mainfunc", x.HasMainFunc)
	}
	for _, x := range f.Cgo {
		add("cgo", x.Pos, "module", x.Module, "import", x.Import)
	}
	for _, x := range f.Files {
		emb := ""
		if x.EmbeddedBy != nil {
			emb = x.EmbeddedBy.Pos.String()
		}
		add("file", x.Pos, "call", x.Call, "path", x.Path, "flag", x.Flag, "env", x.Env, "unresolved", x.Unresolved, "glob", x.IsGlob, "dir", x.IsDir, "abs", x.Absolute, "write", x.Write, "optional", x.Optional, "embedded", emb)
	}
	for _, x := range f.Embeds {
		add("embed", x.Pos, "pattern", x.Pattern, "all", x.All, "var", x.Var, "files", x.Files, "err", x.Err)
	}
	for _, x := range f.Env {
		add("env", x.Pos, "name", x.Name, "via", x.Via, "unresolved", x.Unresolved, "required", x.Required, "hasdefault", x.HasDefault, "default", x.Default)
	}
	for _, x := range f.Listeners {
		add("listen", x.Pos, "via", x.Via, "addr", x.Addr, "host", x.Host, "port", x.Port, "env", x.PortFromEnv, "flag", x.Flag, "loopback", x.Loopback, "all", x.AllInterfaces, "unresolved", x.Unresolved, "tls", x.TLS, "defaultmux", x.DefaultMux)
	}
	for _, x := range f.TLS {
		add("tls", x.Pos, "kind", x.Kind, "target", x.Target, "request", x.Request)
	}
	for _, x := range f.Locations {
		add("location", x.Pos, "name", x.Name, "unresolved", x.Unresolved)
	}
	for _, x := range f.Execs {
		add("exec", x.Pos, "call", x.Call, "name", x.Name, "unresolved", x.Unresolved)
	}
	for _, x := range f.Pprof {
		add("pprof", x.Pos, "blank", x.Blank)
	}
	for _, x := range f.Gin {
		add("gin", x.Pos, "call", x.Call, "mode", x.Mode, "unresolved", x.Unresolved)
	}
	for _, x := range f.Endpoints {
		add("endpoint", x.Pos, "scheme", x.Scheme, "host", x.Host, "port", x.Port, "value", x.Value, "default", x.Via)
	}
	for _, x := range f.Temp {
		add("temp", x.Pos, "call", x.Call, "dir", x.Dir)
	}
	return out
}
