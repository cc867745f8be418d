package failures

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	c, err := Parse("a.log", []byte("id: SS2001\r\nsource: https://example.org/x\r\ncause: glibc binary on alpine\r\n---\r\nline one\r\nexec /app: no such file or directory\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "SS2001" || c.Source != "https://example.org/x" || len(c.Lines) != 2 || c.Lines[1] != "exec /app: no such file or directory" || c.Reproduced() {
		t.Fatalf("%+v", c)
	}
	for _, bad := range []string{"id: SS1\n", "source: x\ncause: y\n---\nlog\n"} {
		if _, err := Parse("b.log", []byte(bad)); err == nil {
			t.Errorf("%q must be an error", bad)
		}
	}
}

func TestCorpusLoads(t *testing.T) {
	cases, err := Load("../catalog/testdata/failures")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 80 {
		t.Fatalf("the corpus holds %d cases; the catalog keeps at least 80", len(cases))
	}
	for _, c := range cases {
		if !c.Reproduced() && !strings.HasPrefix(c.Source, "http") {
			t.Errorf("%s: source %q is neither a public URL nor 'reproduced: <test>'", c.Name, c.Source)
		}
	}
}
