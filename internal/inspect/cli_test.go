package inspect_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shipshape-dev/shipshape/internal/cli"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestCLI checks the verdict line, the formats and the exit codes of shipshape inspect.
func TestCLI(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tar")
	bad := filepath.Join(dir, "bad.tar")
	bin := static(t)
	if err := ti.WriteSaveFile(good, "good:latest", ti.Spec{Layers: scratch(ti.Exec("/app", bin)), Config: entry("/app")}); err != nil {
		t.Fatal(err)
	}
	if err := ti.WriteSaveFile(bad, "bad:latest", ti.Spec{Layers: scratch(ti.File{Path: "/app", Mode: 0o600, Body: bin}), Config: entry("/app")}); err != nil {
		t.Fatal(err)
	}
	app := filepath.Join(dir, "app")
	os.WriteFile(app, bin, 0o755)
	host := filepath.Join(dir, "host.json")
	os.WriteFile(host, []byte(`{"arch":"aarch64","libc":{"family":"musl"},"kernel":"6.6.0"}`), 0o644)
	plainTar := filepath.Join(dir, "plain.tar")
	if err := ti.WriteTarball(plainTar, "x:latest", ti.Spec{}); err != nil {
		t.Fatal(err)
	}
	layer, _ := ti.LayerTar([]ti.File{ti.Text("hello.txt", "hi")})
	os.WriteFile(plainTar, layer, 0o644) // a tar, but not an image
	gz := filepath.Join(dir, "good.tar.gz")
	zipped, _ := os.ReadFile(good)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(zipped)
	zw.Close()
	os.WriteFile(gz, zb.Bytes(), 0o644)
	notImage := filepath.Join(dir, "notes.txt")
	os.WriteFile(notImage, []byte("hello"), 0o644)

	for _, c := range []struct {
		args  []string
		code  int
		first string // first line of stdout
		err   string // in stderr
	}{
		{[]string{"inspect", good}, 0, "will start", ""},
		{[]string{"inspect", bad}, 1, "will not start: SS2009", ""},
		{[]string{"inspect", app}, 0, "cannot tell: no target", ""},
		{[]string{"inspect", "--host", host, app}, 1, "will not start: SS2003", ""},
		{[]string{"inspect", notImage}, 1, "will not start: SS2003", ""},
		{[]string{"inspect", filepath.Join(dir, "nope")}, 2, "", "no such file"},
		{[]string{"inspect", "--host", notImage, app}, 2, "", "--host"},
		{[]string{"inspect", "--format", "yaml", good}, 2, "", "unknown format"},
		{[]string{"inspect", dir}, 2, "", "not an image"},
		{[]string{"inspect", gz}, 2, "", "decompress it first"},
		{[]string{"inspect", plainTar}, 2, "", "neither manifest.json (docker save) nor index.json (OCI)"},
	} {
		code, out, errs := runCLI(c.args...)
		first, _, _ := strings.Cut(out, "\n")
		if code != c.code || !strings.HasPrefix(first, c.first) || !strings.Contains(errs, c.err) {
			t.Errorf("%v: exit %d, first line %q, stderr %q; want %d, %q, %q", c.args[1:], code, first, errs, c.code, c.first, c.err)
		}
	}

	code, out, _ := runCLI("inspect", "--format", "json", bad)
	var doc struct {
		Verdict  string
		Findings []struct{ ID, Class, Severity, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if doc.Verdict != "will not start: SS2009" || len(doc.Findings) != 1 || doc.Findings[0].Class != "exec-permission" || doc.Findings[0].Fix == "" {
		t.Errorf("json document: %+v", doc)
	}

	code, out, _ = runCLI("inspect", "--facts", app)
	if code != 0 || !strings.Contains(out, `"format": "elf"`) {
		t.Errorf("--facts: exit %d\n%s", code, out)
	}
}
