package systemd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
)

func pos(file string, line, col int) source.Pos { return source.Pos{File: file, Line: line, Col: col} }

func texts(vs []Value) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Text)
	}
	return out
}

func TestLoadProject(t *testing.T) {
	units, notes := Load(treetest.Walk(t, "testdata/project"))
	var names []string
	for _, u := range units {
		names = append(names, u.Path)
	}
	if diff := cmp.Diff([]string{"debian/worker@.service.in", "deploy/app.service", "other.service"}, names); diff != "" {
		t.Fatalf("units (-want +got):\n%s", diff)
	}
	app := units[1]
	const f = "deploy/app.service"
	if app.Name != "app.service" || app.Type != "service" || app.Partial || len(app.Files) != 3 {
		t.Errorf("app: name %q type %q partial %v files %d", app.Name, app.Type, app.Partial, len(app.Files))
	}
	// 20-exec.conf resets ExecStart= and sets its own: drop-ins apply after the unit, by name.
	if len(app.ExecStart) != 1 || app.ExecStart[0].Path != "/opt/app/bin/app" ||
		app.ExecStart[0].Pos != pos("deploy/app.service.d/20-exec.conf", 3, 11) {
		t.Errorf("ExecStart = %+v", app.ExecStart)
	}
	pre := app.ExecStartPre[0]
	if !pre.IgnoreFailure || pre.Path != "/usr/bin/install" || !cmp.Equal(pre.Args, []string{"-d", "/var/lib/app/cache"}) {
		t.Errorf("ExecStartPre = %+v", pre)
	}
	if w := app.WorkingDirectory; w == nil || w.Path != "/var/lib/app" || !w.Optional || w.Pos != pos(f, 12, 18) {
		t.Errorf("WorkingDirectory = %+v", w)
	}
	var env []string
	for _, v := range app.Environment {
		env = append(env, fmt.Sprintf("%s=%s@%d", v.Name, v.Value, v.Pos.Line))
	}
	want := []string{"PORT=8080@13", "GREETING=hello world@13", "LOG=info@13", "DB_URL=postgres://localhost/app@14", "LOG=debug@2"}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("Environment (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]EnvFile{{Path: "/etc/default/app", Optional: true, Pos: pos(f, 15, 17)}, {Path: "/etc/app/env", Pos: pos(f, 16, 17)}}, app.EnvironmentFiles); diff != "" {
		t.Errorf("EnvironmentFiles (-want +got):\n%s", diff)
	}
	checks := []struct {
		name string
		got  Value
		want string
		line int
	}{
		{"Type", app.ServiceType, "simple", 9}, {"User", app.User, "app", 10}, {"Group", app.Group, "app", 11},
		{"ProtectSystem", app.ProtectSystem, "strict", 24}, {"ProtectHome", app.ProtectHome, "yes", 25},
		{"PrivateTmp", app.PrivateTmp, "true", 28}, {"Restart", app.Restart, "on-failure", 33},
		{"TimeoutStartSec", app.TimeoutStartSec, "30", 34}, {"NoNewPrivileges", app.NoNewPrivileges, "true", 35},
		{"PIDFile", app.PIDFile, "/run/app/app.pid", 36},
	}
	for _, c := range checks {
		if c.got.Text != c.want || c.got.Pos.Line != c.line || c.got.Pos.File != f {
			t.Errorf("%s = %+v, want %q at line %d", c.name, c.got, c.want, c.line)
		}
	}
	lists := []struct {
		name      string
		got, want []string
	}{
		{"After", texts(app.After), []string{"network-online.target", "postgresql.service"}},
		{"Wants", texts(app.Wants), []string{"network-online.target"}},
		{"AmbientCapabilities", texts(app.AmbientCapabilities), []string{"CAP_NET_BIND_SERVICE"}},
		{"CapabilityBoundingSet", texts(app.CapabilityBoundingSet), []string{"CAP_NET_BIND_SERVICE", "CAP_CHOWN"}},
		{"ReadWritePaths", texts(app.ReadWritePaths), []string{"/srv/app"}}, // reset by 10-env.conf
		{"ReadOnlyPaths", texts(app.ReadOnlyPaths), []string{"/etc/app"}},
		{"StateDirectory", texts(app.StateDirectory), []string{"app"}},
		{"LogsDirectory", texts(app.LogsDirectory), []string{"app"}},
		{"RuntimeDirectory", texts(app.RuntimeDirectory), []string{"app"}},
		{"CacheDirectory", texts(app.CacheDirectory), []string{"app"}},
	}
	for _, l := range lists {
		if diff := cmp.Diff(l.want, l.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", l.name, diff)
		}
	}
	// The unit file's own ExecStart, before the drop-in reset it: continuation joined, comment dropped.
	first := app.Lookup("Service", "ExecStart")[0]
	cmds, err := ParseCommands(first.Pos, first.Value)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("ParseCommands(%q) = %v, %v", first.Value, cmds, err)
	}
	if diff := cmp.Diff([]string{"--config", "/etc/app/config.yaml", "--listen", ":8080"}, cmds[0].Args); diff != "" || first.Pos != pos(f, 18, 11) {
		t.Errorf("continued ExecStart at %v (-want +got):\n%s", first.Pos, diff)
	}

	worker := units[0]
	if worker.Name != "worker@.service" || worker.ServiceType.Text != "forking" || worker.DynamicUser.Text != "yes" {
		t.Errorf("worker = %+v", worker)
	}
	if w := worker.WorkingDirectory; w == nil || !w.Home {
		t.Errorf("worker WorkingDirectory = %+v, want home", w)
	}
	if c := worker.ExecStart; len(c) != 1 || c[0].Path != "./bin/worker" || c[0].Argv0 != "worker-%i" || !c[0].Relative() || c[0].Absolute() {
		t.Errorf("worker ExecStart = %+v", c)
	}
	if other := units[2]; !other.Partial || other.User.Text != "nobody" {
		t.Errorf("other = %+v", other)
	}
	wantNotes := []string{
		"debian/worker@.service.in:8:11: ExecStart= uses specifiers",
		"debian/worker@.service.in:14:1: unknown section [Servic]",
	}
	for _, w := range wantNotes {
		if !treetest.HasNote(notes, w) {
			t.Errorf("no note %q in\n%s", w, treetest.NotesText(notes))
		}
	}
	if treetest.HasNote(notes, "Description= uses specifiers") {
		t.Errorf("specifiers noted in a setting no fact reads:\n%s", treetest.NotesText(notes))
	}
	if treetest.HasNote(notes, "[X-Vendor]") {
		t.Errorf("X- sections are extensions, not unknown:\n%s", treetest.NotesText(notes))
	}
}

func TestParseBadInput(t *testing.T) {
	long := strings.Repeat("a", 5000)
	tests := []struct {
		name     string
		data     string
		settings []string // Section/Key=Value@line:col
		notes    []string
	}{
		{name: "empty"},
		{name: "only comments", data: "# nothing\n; here\n"},
		{name: "crlf everywhere", data: "[Service]\r\nExecStart=/bin/app\r\nUser=app\r\n",
			settings: []string{"Service/ExecStart=/bin/app@2:11", "Service/User=app@3:6"}},
		{name: "line over 2048 bytes", data: "[Service]\nExecStart=/bin/app " + long + "\n",
			settings: []string{"Service/ExecStart=/bin/app " + long + "@2:11"}},
		{name: "unknown section", data: "[Nonsense]\nA=1\n", settings: []string{"Nonsense/A=1@2:3"}},
		{name: "outside section", data: "A=1\n[Unit]\n", notes: []string{"x.service:1:1: assignment outside of any section"}},
		{name: "no equals", data: "[Unit]\nDescription\n", notes: []string{"x.service:2:1: line \"Description\" has no '='"}},
		{name: "bad header", data: "[Unit\nA=1\n", notes: []string{"x.service:1:1: invalid section header"}},
		{name: "bad header after a section", data: "[Unit]\nA=1\n[Service] # x\nExecStart=/bin/a\n", settings: []string{"Unit/A=1@2:3"}, notes: []string{"x.service:3:1: invalid section header"}},
		{name: "continuation at EOF", data: "[Service]\nExecStart=/bin/a \\", settings: []string{"Service/ExecStart=/bin/a@2:11"}},
		{name: "empty value", data: "[Service]\nExecStart=\n", settings: []string{"Service/ExecStart=@2:11"}},
		{name: "bom", data: "\xef\xbb\xbf[Unit]\nA=1\n", settings: []string{"Unit/A=1@2:3"}},
		{name: "invalid utf-8", data: "[Unit]\nA=\xff\nB=2\n", settings: []string{"Unit/B=2@3:3"}, notes: []string{"x.service:2: line is not valid UTF-8"}},
		{name: "binary", data: "\x7fELF\x02\x01\x01\x00\x00[Unit]\n", notes: []string{"x.service:1: binary file"}},
		{name: "include", data: "[Unit]\n.include /etc/x\n", notes: []string{"x.service:2:1: .include is no longer supported"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, notes := Parse("x.service", []byte(tt.data))
			var got []string
			for _, s := range f.Sections {
				for _, st := range s.Settings {
					got = append(got, fmt.Sprintf("%s/%s=%s@%d:%d", st.Section, st.Key, st.Value, st.Pos.Line, st.Pos.Col))
				}
			}
			if diff := cmp.Diff(tt.settings, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
			if len(notes) != len(tt.notes) {
				t.Errorf("notes:\n%s\nwant %q", treetest.NotesText(notes), tt.notes)
			}
			for _, w := range tt.notes {
				if !treetest.HasNote(notes, w) {
					t.Errorf("no note %q in\n%s", w, treetest.NotesText(notes))
				}
			}
		})
	}
}

func TestBuildBadValues(t *testing.T) {
	f, _ := Parse("x.service", []byte("[Service]\nExecStart=/bin/app 'unterminated\nEnvironment=\"A=1\" B C=\nExecStart=-\n"))
	u, notes := Build("x.service", f)
	if len(u.ExecStart) != 0 {
		t.Errorf("ExecStart = %+v, want none", u.ExecStart)
	}
	if diff := cmp.Diff([]Var{{Name: "A", Value: "1", Pos: pos("x.service", 3, 13)}, {Name: "C", Pos: pos("x.service", 3, 13)}}, u.Environment); diff != "" {
		t.Errorf("Environment (-want +got):\n%s", diff)
	}
	for _, w := range []string{"x.service:2:11: ExecStart=: unterminated ' quote", `x.service:3:13: Environment=: "B" is not`, "x.service:4:11: ExecStart=: command line has prefixes but no executable"} {
		if !treetest.HasNote(notes, w) {
			t.Errorf("no note %q in\n%s", w, treetest.NotesText(notes))
		}
	}
}

func TestLoadBinaryAndEmptyUnits(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bin.service", []byte("\x00\x01\x02garbage"))
	write("empty.service", nil)
	units, notes := Load(treetest.Walk(t, dir))
	if len(units) != 2 || len(units[1].Settings()) != 0 || units[1].ExecStart != nil {
		t.Errorf("units = %+v", units)
	}
	if !treetest.HasNote(notes, "bin.service:1: binary file") {
		t.Errorf("notes:\n%s", treetest.NotesText(notes))
	}
}

func TestParseCommands(t *testing.T) {
	tests := []struct {
		in   string
		want []*Command
		err  string
	}{
		{in: "/bin/app", want: []*Command{{Path: "/bin/app"}}},
		{in: `-@:+/bin/app app0 "a b" c\x41`, want: []*Command{{IgnoreFailure: true, Argv0: "app0", NoEnvExpand: true, FullPrivileges: true, Path: "/bin/app", Args: []string{"a b", "cA"}}}},
		{in: "!!app --x", want: []*Command{{NoSetuid: true, Path: "app", Args: []string{"--x"}}}},
		{in: `/bin/a ; /bin/b x \; y`, want: []*Command{{Path: "/bin/a"}, {Path: "/bin/b", Args: []string{"x", ";", "y"}}}},
		{in: `/bin/sh -c 'echo "$X"'`, want: []*Command{{Path: "/bin/sh", Args: []string{"-c", `echo "$X"`}}}},
		{in: `/bin/a "x`, err: "unterminated"},
		{in: `/bin/a \`, err: "trailing backslash"},
		{in: `@/bin/a`, err: "argv[0]"},
		{in: `/bin/a \xZZ`, err: "invalid"},
	}
	for _, tt := range tests {
		got, err := ParseCommands(source.Pos{}, tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseCommands(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseCommands(%q): %v", tt.in, err)
			continue
		}
		for _, c := range tt.want {
			c.Raw = tt.in
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseCommands(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	abs, rel, bare := &Command{Path: "/x"}, &Command{Path: "./x"}, &Command{Path: "x"}
	if !abs.Absolute() || abs.Relative() || !rel.Relative() || rel.Absolute() || bare.Relative() || bare.Absolute() {
		t.Error("Absolute/Relative disagree with systemd's rules")
	}
}

func TestParseEnvironmentFile(t *testing.T) {
	data, err := os.ReadFile("testdata/project/env")
	if err != nil {
		t.Fatal(err)
	}
	vars, notes := ParseEnvironmentFile("env", data)
	var got []string
	for _, v := range vars {
		got = append(got, fmt.Sprintf("%s=%q@%d:%d", v.Name, v.Value, v.Pos.Line, v.Pos.Col))
	}
	want := []string{`A="1"@3:1`, `B="two words"@4:1`, `C="single $X \\n"@5:1`, `D="double \"q\" $HOME \\n"@6:1`, `E="linecontinued"@7:1`, `H=""@11:1`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vars (-want +got):\n%s", diff)
	}
	for _, w := range []string{`env:9:1: invalid variable name "export F"`, `env:10:1: line "G" has no '='`} {
		if !treetest.HasNote(notes, w) {
			t.Errorf("no note %q in\n%s", w, treetest.NotesText(notes))
		}
	}
	data, _ = os.ReadFile("testdata/project/env.crlf")
	vars, notes = ParseEnvironmentFile("env.crlf", data)
	if diff := cmp.Diff([]Var{{Name: "I", Value: "bom", Pos: pos("env.crlf", 1, 1)}, {Name: "J", Value: "crlf", Pos: pos("env.crlf", 2, 1)}}, vars); diff != "" || len(notes) != 0 {
		t.Errorf("crlf (-want +got):\n%s\nnotes:\n%s", diff, treetest.NotesText(notes))
	}
	if _, notes := ParseEnvironmentFile("e", []byte("A=\"open\n")); !treetest.HasNote(notes, "e:1:1: unterminated quote") {
		t.Errorf("unterminated quote: %s", treetest.NotesText(notes))
	}
	if _, notes := ParseEnvironmentFile("e", []byte("A=1\nB=\x00")); !treetest.HasNote(notes, "e:2: binary file") {
		t.Errorf("NUL: %s", treetest.NotesText(notes))
	}
}

func TestVerify(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "broken.service"), []byte("[Service]\nExecStart=relative/app\nNoSuchSetting=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	notes, err := Verify(context.Background(), dir, "broken.service")
	if errors.Is(err, ErrNoAnalyzer) {
		t.Skip("systemd-analyze is not installed")
	}
	if err != nil {
		t.Fatal(err)
	}
	// reproduced: TestVerify (systemd 252): "broken.service:2: Neither a valid executable name nor an absolute path: relative/app"
	if !treetest.HasNote(notes, "broken.service:2: systemd-analyze verify: Neither a valid executable name nor an absolute path: relative/app") {
		t.Errorf("systemd-analyze verify said:\n%s", treetest.NotesText(notes))
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/project/deploy/app.service", "testdata/project/debian/worker@.service.in", "testdata/diff/continued.service", "testdata/diff/crlf.service"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("[S]\nA=\\\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, notes := Parse("f.service", data)
		u, more := Build("f.service", file)
		for _, n := range append(notes, more...) {
			if n.Pos.File != "f.service" {
				t.Fatalf("note without position: %v", n)
			}
		}
		for _, s := range u.Settings() {
			if s.Pos.Line < 1 || s.Pos.Col < 1 {
				t.Fatalf("setting without position: %+v", s)
			}
		}
	})
}

func FuzzParseEnvironmentFile(f *testing.F) {
	data, err := os.ReadFile("testdata/project/env")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte("A=\"x\\\ny\"\r\nB='z'"))
	f.Fuzz(func(t *testing.T, data []byte) {
		vars, _ := ParseEnvironmentFile("e", data)
		for _, v := range vars {
			if !validEnvName(v.Name) || v.Pos.Line < 1 {
				t.Fatalf("bad var %+v", v)
			}
		}
	})
}

func FuzzParseCommands(f *testing.F) {
	for _, s := range []string{`-@/bin/a b "c d" \x41 ; /bin/e`, `'x`, `\`, `!!a`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmds, err := ParseCommands(source.Pos{}, s)
		if err != nil {
			return
		}
		for _, c := range cmds {
			if c.Path == "" {
				t.Fatalf("command without a path from %q", s)
			}
		}
	})
}

// BenchmarkLoad measures Load on a tree of 200 units, each with a drop-in.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	data, err := os.ReadFile("testdata/project/deploy/app.service")
	if err != nil {
		b.Fatal(err)
	}
	for i := range 200 {
		sub := filepath.Join(dir, fmt.Sprintf("svc%d", i))
		if err := os.MkdirAll(filepath.Join(sub, "app.service.d"), 0o755); err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(sub, "app.service"), data, 0o644)
		os.WriteFile(filepath.Join(sub, "app.service.d", "x.conf"), []byte("[Service]\nExecStart=\nExecStart=/bin/x\n"), 0o644)
	}
	tr := treetest.Walk(b, dir)
	b.ResetTimer()
	for b.Loop() {
		units, _ := Load(tr)
		if len(units) != 200 {
			b.Fatalf("%d units", len(units))
		}
	}
}
