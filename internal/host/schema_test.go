package host

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "snapshot.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSchema validates snapshots of this machine, of a full fixture, of an empty root and with
// keyed digests against the schema, and checks that it rejects what it should.
func TestSchema(t *testing.T) {
	schema := compileSchema(t)
	validate := func(what string, b []byte) error {
		t.Helper()
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return schema.Validate(doc)
	}
	dir := writeTree(t, debianRoot(t))
	for what, s := range map[string]*Snapshot{
		"this machine": Collect(Options{Key: []byte("k")}),
		"fixture":      Collect(Options{FS: os.DirFS(dir), Root: dir, Sys: debianSys(), Env: []string{"A=b", "E=", "LANG=C"}, Key: []byte("k")}),
		"empty root":   Collect(Options{FS: fstest.MapFS{}, Sys: &fakeSys{err: os.ErrPermission}, Env: []string{}}),
	} {
		b, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(what, b); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	good, _ := Collect(Options{FS: fstest.MapFS{}, Sys: debianSys(), Env: []string{}}).Marshal()
	for what, bad := range map[string]string{
		"version 2":    strings.Replace(string(good), `"version": 1`, `"version": 2`, 1),
		"extra field":  strings.Replace(string(good), `"version": 1,`, `"version": 1, "secret": "x",`, 1),
		"bad quantity": strings.Replace(string(good), `"memory": "unknown"`, `"memory": -3`, 1),
		"bad answer":   strings.Replace(string(good), `"exists": "no"`, `"exists": "maybe"`, 1),
		"no hostname":  strings.Replace(string(good), `"hostname": "web-1",`, ``, 1),
	} {
		if bad == string(good) {
			t.Fatalf("%s: the replacement did not apply", what)
		}
		if err := validate(what, []byte(bad)); err == nil {
			t.Errorf("%s: the schema accepts it", what)
		}
	}
}
