package facts

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/tree"
)

func TestScriptOnDemand(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"run.sh":                   "#!/bin/sh\nexec /app \"$@\"\n",
		"docker/docker-entrypoint": "#!/bin/bash\ncd /srv\nexec ./server\n",
		"bin/app":                  "\x7fELF\x00\x00binary",
		"docker/bad":               "#!/bin/sh\nif then fi (\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	tr, err := tree.Walk(dir, tree.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := Load(tr)
	if s := p.Script("run.sh"); s == nil || s != p.Script("run.sh") {
		t.Fatal("a script Load found must be returned as is")
	}
	var wg sync.WaitGroup
	for range 8 { // concurrent rules ask for the same entrypoint
		wg.Add(1)
		go func() { defer wg.Done(); p.Script("docker/docker-entrypoint") }()
	}
	wg.Wait()
	s := p.Script("docker/docker-entrypoint")
	if s == nil || s.Shebang == nil || s.Shebang.Interpreter != "bash" || len(s.Commands) == 0 {
		t.Fatalf("an entrypoint without a script name must be parsed on demand: %+v", s)
	}
	if p.Script("bin/app") != nil || p.Script("missing") != nil {
		t.Error("binaries and missing files are not scripts")
	}
	p.Script("docker/bad")
	if len(p.LateNotes()) == 0 {
		t.Error("the parse note of an on-demand script must reach LateNotes")
	}
}
