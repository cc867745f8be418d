package script

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/shipshape-dev/shipshape/internal/source"
	"github.com/shipshape-dev/shipshape/internal/tree/treetest"
)

// cmdText renders a command for comparison: via>name args @line:col [bg] (dir).
func cmdText(c *Command) string {
	s := strings.Join(append(c.Via, c.Name), ">")
	if len(c.Args) > 0 {
		s += " " + strings.Join(c.Args, " ")
	}
	s += fmt.Sprintf(" @%d:%d", c.Pos.Line, c.Pos.Col)
	if c.Background {
		s += " &"
	}
	if c.Dir != "" {
		s += " (in " + c.Dir + ")"
	}
	return s
}

func TestLoadProject(t *testing.T) {
	scripts, notes := Load(treetest.Walk(t, "testdata/project"))
	var paths []string
	for _, s := range scripts {
		paths = append(paths, s.Path)
	}
	// scripts/README has no shebang; docker/run has no exec bit but lives in docker/.
	if diff := cmp.Diff([]string{"bin/start", "docker/run", "scripts/entrypoint.sh"}, paths); diff != "" {
		t.Fatalf("scripts (-want +got):\n%s", diff)
	}
	start, run, entry := scripts[0], scripts[1], scripts[2]

	if entry.Shebang == nil || entry.Shebang.Interpreter != "sh" || entry.Dialect != "posix" || !entry.Executable {
		t.Errorf("entrypoint: shebang %+v dialect %q executable %v", entry.Shebang, entry.Dialect, entry.Executable)
	}
	if entry.SetE != (source.Pos{File: "scripts/entrypoint.sh", Line: 2, Col: 1}) {
		t.Errorf("entrypoint SetE = %v", entry.SetE)
	}
	var got []string
	for _, c := range entry.Commands {
		got = append(got, cmdText(c))
	}
	want := []string{
		"set -eu @2:1",
		`cd "$(dirname "$0")" @4:1`,
		`dirname "$0" @4:7`,
		`: "${DATABASE_URL:?DATABASE_URL must be set}" @5:1 (in "$(dirname "$0")")`,
		`export LOG_LEVEL="${LOG_LEVEL:-info}" @6:1 (in "$(dirname "$0")")`,
		`exec>./app --port "$PORT" --db "$DATABASE_URL" @7:1 (in "$(dirname "$0")")`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("entrypoint commands (-want +got):\n%s", diff)
	}
	last := entry.Commands[len(entry.Commands)-1]
	if !last.Exec || !last.Relative() || entry.Detached != nil {
		t.Errorf("exec ./app: exec %v relative %v detached %v", last.Exec, last.Relative(), entry.Detached)
	}
	var refs []string
	for _, r := range entry.EnvRefs {
		refs = append(refs, fmt.Sprintf("%s@%d:%d default=%v required=%v", r.Name, r.Pos.Line, r.Pos.Col, r.Default, r.Required))
	}
	wantRefs := []string{
		"DATABASE_URL@5:4 default=false required=true",
		"LOG_LEVEL@6:19 default=true required=false",
		"PORT@7:20 default=false required=false",
		"DATABASE_URL@7:33 default=false required=false",
	}
	if diff := cmp.Diff(wantRefs, refs); diff != "" {
		t.Errorf("entrypoint env refs (-want +got):\n%s", diff)
	}
	if _, ok := entry.Assigned["LOG_LEVEL"]; !ok {
		t.Errorf("LOG_LEVEL is exported by the script: %v", entry.Assigned)
	}

	if sb := start.Shebang; sb == nil || sb.Path != "/usr/bin/env" || sb.Interpreter != "bash" || len(sb.Args) != 0 {
		t.Errorf("start shebang = %+v", sb)
	}
	if d := start.Detached; d == nil || cmdText(d) != `nohup>./server --listen ":$PORT" @3:1 & (in /srv/app)` {
		t.Errorf("start Detached = %v", d)
	}
	if start.SetE.Line != 0 {
		t.Errorf("start has no set -e: %v", start.SetE)
	}

	// "#!/bin/sh -e" with a bash array: parsed as bash after a note; the script waits for its job.
	if run.Dialect != "bash" || run.SetE.Line != 1 || run.Detached != nil || run.Executable {
		t.Errorf("run: dialect %q SetE %v detached %v executable %v", run.Dialect, run.SetE, run.Detached, run.Executable)
	}
	if !treetest.HasNote(notes, "docker/run:5:6: does not parse as posix") {
		t.Errorf("notes:\n%s", treetest.NotesText(notes))
	}
	gosu := run.Commands[len(run.Commands)-2]
	if cmdText(gosu) != "gosu>/usr/local/bin/app @7:1 &" {
		t.Errorf("gosu command = %s", cmdText(gosu))
	}
}

func TestParseBadInput(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		nilOK   bool // nil Script expected (binary)
		dialect string
		notes   []string
		check   func(t *testing.T, s *Script)
	}{
		{name: "empty", data: "", dialect: "bash"},
		{name: "NUL bytes", data: "#!/bin/sh\necho hi\x00\x01", nilOK: true, notes: []string{"x.sh:2: binary file"}},
		{name: "ELF named .sh", data: "\x7fELF\x02\x01\x01\x00", nilOK: true, notes: []string{"x.sh:1: binary file"}},
		{name: "unterminated quote", data: "#!/bin/bash\necho 'oops\n", notes: []string{"x.sh:2:6: does not parse as bash: reached EOF without closing quote `'`"}},
		{name: "unterminated heredoc", data: "#!/bin/sh\ncat <<EOF\nbody\n", notes: []string{"x.sh:2:5: does not parse as posix", "does not parse as bash"}},
		{name: "crlf everywhere", data: "#!/bin/sh\r\nset -e\r\n./app &\r\n", dialect: "posix", check: func(t *testing.T, s *Script) {
			if !s.CRLF || s.FirstCRLF.Line != 1 || s.Shebang.Interpreter != "sh" || s.SetE.Line != 2 || s.Detached == nil {
				t.Errorf("CRLF %v at %v, shebang %+v, set -e %v, detached %v", s.CRLF, s.FirstCRLF, s.Shebang, s.SetE, s.Detached)
			}
		}},
		{name: "crlf from line 3", data: "#!/bin/sh\necho\necho\r\n", dialect: "posix", check: func(t *testing.T, s *Script) {
			if s.FirstCRLF.Line != 3 {
				t.Errorf("FirstCRLF = %v", s.FirstCRLF)
			}
		}},
		{name: "bom", data: "\xef\xbb\xbf#!/bin/bash\necho\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if !s.BOM || s.Shebang == nil {
				t.Errorf("BOM %v shebang %v", s.BOM, s.Shebang)
			}
		}},
		{name: "wait after job", data: "./a &\n./b &\necho x\nwait\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if s.Detached != nil {
				t.Errorf("Detached = %v", cmdText(s.Detached))
			}
		}},
		{name: "job then its pid", data: "./a &\nPID=$!\necho $PID\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if s.Detached == nil || s.Detached.Name != "./a" {
				t.Errorf("Detached = %v", s.Detached)
			}
		}},
		{name: "dynamic program", data: "exec \"$@\"\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if c := s.Commands[0]; c.Name != "" || c.Word != `"$@"` || !c.Exec {
				t.Errorf("command = %+v", c)
			}
		}},
		{name: "subshell job", data: "cd /app\n( ./server --port 80 ) &\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if s.Detached == nil || s.Detached.Name != "./server" || s.Detached.Dir != "/app" {
				t.Errorf("Detached = %+v", s.Detached)
			}
		}},
		{name: "job then foreground", data: "./a &\nexec ./b\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if s.Detached != nil {
				t.Errorf("Detached = %v", cmdText(s.Detached))
			}
		}},
		{name: "env shebang with -S and set -o errexit", data: "#!/usr/bin/env -S bash -x\nset -o errexit\nenv A=1 B=2 ./run\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if s.Shebang.Interpreter != "bash" || !cmp.Equal(s.Shebang.Args, []string{"-x"}) || s.SetE.Line != 2 || cmdText(s.Commands[1]) != "env>./run @3:1" {
				t.Errorf("shebang %+v set -e %v cmd %v", s.Shebang, s.SetE, cmdText(s.Commands[1]))
			}
		}},
		{name: "python", data: "#!/usr/bin/env python3\nimport os\nprint(os.environ['X'])\n", check: func(t *testing.T, s *Script) {
			if s.Shebang.Interpreter != "python3" || s.Dialect != "" || len(s.Commands) != 0 {
				t.Errorf("python script: %+v", s)
			}
		}},
		{name: "exec redirect only", data: "exec 3>&1\n", dialect: "bash", check: func(t *testing.T, s *Script) {
			if c := s.Commands[0]; c.Name != "exec" || c.Exec {
				t.Errorf("command = %+v", c)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, notes := Parse("x.sh", []byte(tt.data))
			if (s == nil) != tt.nilOK {
				t.Fatalf("script = %v", s)
			}
			if s != nil && tt.dialect != "" && s.Dialect != tt.dialect {
				t.Errorf("dialect = %q, want %q", s.Dialect, tt.dialect)
			}
			for _, w := range tt.notes {
				if !treetest.HasNote(notes, w) {
					t.Errorf("no note %q in\n%s", w, treetest.NotesText(notes))
				}
			}
			if len(tt.notes) == 0 && len(notes) > 0 {
				t.Errorf("unexpected notes:\n%s", treetest.NotesText(notes))
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestParseFileOutsideLoad(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "run"), []byte("./app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr := treetest.Walk(t, dir)
	if scripts, _ := Load(tr); len(scripts) != 0 {
		t.Errorf("Load found %d scripts in a file without shebang or exec bit", len(scripts))
	}
	s, notes := ParseFile(tr, "run")
	if s == nil || len(s.Commands) != 1 || !s.Commands[0].Relative() || s.Executable || len(notes) != 0 {
		t.Errorf("ParseFile = %+v, %v", s, notes)
	}
	os.WriteFile(filepath.Join(dir, "run.sh"), []byte("#!/bin/sh\n"), 0o755)
	if scripts, notes := Load(treetest.Walk(t, dir)); len(scripts) != 1 || !treetest.HasNote(notes, "run.sh: no git work tree") {
		t.Errorf("Load outside git: %d scripts, notes:\n%s", len(scripts), treetest.NotesText(notes))
	}
	if s, _ := ParseFile(tr, "missing"); s != nil {
		t.Errorf("ParseFile(missing) = %+v", s)
	}
}

// TestGitIndexModes builds real repositories with git (index versions 2, 3 and 4) and checks
// that the modes read agree with "git ls-files -s".
func TestGitIndexModes(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := t.TempDir()
			git := func(args ...string) string {
				t.Helper()
				cmd := exec.Command("git", append([]string{"-c", "core.fileMode=true", "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
				cmd.Dir = dir
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
				return string(out)
			}
			git("init", "-q")
			files := map[string]os.FileMode{"run.sh": 0o755, "deploy/start.sh": 0o644, "deploy/a/very/long/directory/name/entry.sh": 0o755, "deploy/a/very/long/directory/name/other.sh": 0o644}
			for name, mode := range files {
				p := filepath.Join(dir, name)
				os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, []byte("#!/bin/sh\n./app\n"), mode); err != nil {
					t.Fatal(err)
				}
			}
			git("add", ".")
			// The exec bit in git differs from the disk: a chmod that was never committed.
			git("update-index", "--chmod=+x", "deploy/start.sh")
			if version == "3" {
				os.WriteFile(filepath.Join(dir, "new.sh"), []byte("x"), 0o644)
				git("add", "-N", "new.sh") // intent-to-add sets the extended flags of v3
			}
			git("update-index", "--index-version", version)
			data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadIndex(data)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]uint32{}
			for _, line := range strings.Split(strings.TrimSpace(git("ls-files", "-s")), "\n") {
				var mode uint32
				var hash, stage, name string
				fmt.Sscanf(line, "%o %s %s\t%s", &mode, &hash, &stage, &name)
				_, name, _ = strings.Cut(line, "\t")
				want[name] = mode
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("modes (-git +ReadIndex):\n%s", diff)
			}
			s, _ := ParseFile(treetest.Walk(t, filepath.Join(dir, "deploy")), "start.sh")
			if s == nil || s.IndexMode != ModeExecutable || s.Executable {
				t.Errorf("deploy/start.sh from a subdirectory root: %+v", s)
			}
		})
	}
}

func TestReadIndexBadInput(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("DIRC"), []byte("XXXX\x00\x00\x00\x02\x00\x00\x00\x01"),
		[]byte("DIRC\x00\x00\x00\x09\x00\x00\x00\x01"), []byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x05short")} {
		if _, err := ReadIndex(data); err == nil {
			t.Errorf("ReadIndex(%q) accepted bad input", data)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range []string{"testdata/project/scripts/entrypoint.sh", "testdata/project/bin/start", "testdata/project/docker/run"} {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("#!/bin/sh\r\ncat <<EOF\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, notes := Parse("f.sh", data)
		for _, n := range notes {
			if n.Pos.File != "f.sh" {
				t.Fatalf("note without a file: %v", n)
			}
		}
		if s == nil {
			return
		}
		for _, c := range s.Commands {
			if c.Pos.Line < 1 {
				t.Fatalf("command without a position: %+v", c)
			}
		}
	})
}

func FuzzReadIndex(f *testing.F) {
	f.Add([]byte("DIRC\x00\x00\x00\x04\x00\x00\x00\x01" + strings.Repeat("\x00", 62) + "\x00a\x00"))
	f.Add([]byte("DIRC\x00\x00\x00\x02\x00\x00\x00\x01" + strings.Repeat("\x00", 62) + "a\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ReadIndex(data)
	})
}

// BenchmarkLoad measures Load on a tree of 200 scripts plus 200 unclassified files in scripts/.
func BenchmarkLoad(b *testing.B) {
	dir := b.TempDir()
	data, err := os.ReadFile("testdata/project/scripts/entrypoint.sh")
	if err != nil {
		b.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "scripts"), 0o755)
	for i := range 200 {
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("s%d.sh", i)), data, 0o755)
		os.WriteFile(filepath.Join(dir, "scripts", fmt.Sprintf("notes%d.txt", i)), []byte("plain text\n"), 0o644)
	}
	tr := treetest.Walk(b, dir)
	b.ResetTimer()
	for b.Loop() {
		scripts, _ := Load(tr)
		if len(scripts) != 200 {
			b.Fatalf("%d scripts", len(scripts))
		}
	}
}
