package probe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shipshape-dev/shipshape/internal/catalog"
)

func TestMatrixAttributesEachFailure(t *testing.T) {
	requireRoot(t)
	if b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_unprivileged_port_start"); strings.TrimSpace(string(b)) != "1024" {
		t.Skipf("ip_unprivileged_port_start is %s here, not 1024", b)
	}
	dev := worldDir(t)
	if err := os.WriteFile(filepath.Join(dev, "config.yaml"), []byte("a: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	yours := Conditions{
		Env:  append(os.Environ(), "DATABASE_URL=postgres://developer@localhost/dev"),
		Dir:  dev,
		User: &User{UID: 0, GID: 0, Name: "root"},
	}
	umask := 0o022
	yours.Umask = &umask
	// Production: its own (empty) environment and working directory, nobody, a read-only root.
	target := Conditions{ReadOnlyRoot: true, Memory: 64 << 20}
	for _, tc := range []struct {
		fixture string
		want    string // the one breaking difference; "" for none
		cause   string // in the conclusion
	}{
		{"works", "", "starts with every difference"},
		{"cwd", "cwd", "config.yaml"},
		{"env", "env", "DATABASE_URL"},
		{"user", "user", "port"},
		{"readonly", "read-only root", "/app-"},
		{"hog", "limits", "memory limit of 64Mi"},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			mark := marker(t)
			m, err := RunMatrix(context.Background(), []string{fixture(t, tc.fixture), mark}, yours, target,
				Options{AllowRoot: true, Timeout: 10 * time.Second, Rules: catalog.All()})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range append(append([]*Case{m.Yours}, m.Differences...), m.Production) {
				t.Logf("%-15s %s", c.Name, c.Result.Summary())
			}
			concl := strings.Join(m.Conclusion(), "\n")
			t.Logf("conclusion: %s", concl)
			if !m.Parallel {
				t.Error("as root the cases should run at once, each in its own network namespace")
			}
			if left := processesWith(mark); len(left) > 0 {
				t.Errorf("processes left after the matrix: %v", left)
			}
			var got []string
			for _, c := range m.Breaking() {
				got = append(got, c.Name)
			}
			if strings.Join(got, ",") != tc.want {
				t.Errorf("breaking differences %v, want [%s]", got, tc.want)
			}
			if !strings.Contains(concl, tc.cause) {
				t.Errorf("conclusion does not mention %q", tc.cause)
			}
			if tc.want != "" && m.Production.Result.Verdict == Ready {
				t.Errorf("production run ready, want it to fail as the %s case does", tc.want)
			}
		})
	}
}

func TestMatrixFailsWithYourConditionsToo(t *testing.T) {
	// The env fixture fails with the developer's environment when it lacks the variable: no
	// difference is to blame.
	yours := Yours()
	yours.Env = []string{"PATH=" + DefaultPath}
	m, err := RunMatrix(context.Background(), []string{fixture(t, "env")}, yours, Conditions{},
		Options{AllowRoot: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Breaking()) != 0 {
		t.Errorf("breaking %v, want none when yours fails", m.Breaking())
	}
	if c := m.Conclusion(); len(c) != 1 || !strings.Contains(c[0], "your own conditions either") {
		t.Errorf("conclusion %q", c)
	}
}
