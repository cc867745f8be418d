package compose

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSysctls(t *testing.T) {
	src := `services:
  web:
    image: app
    sysctls:
      net.ipv4.ip_unprivileged_port_start: 0
      net.core.somaxconn: "1024"
  worker:
    image: app
    sysctls:
      - net.ipv4.ip_unprivileged_port_start=${PORT_START:-80}
      - net.ipv4.tcp_syncookies
`
	f, notes := Parse("compose.yaml", []byte(src), nil)
	if f == nil || len(notes) != 0 {
		t.Fatalf("parse: %v %v", f, notes)
	}
	var got []string
	for _, s := range f.Services {
		for _, c := range s.Sysctls {
			got = append(got, fmt.Sprintf("%s %s@%d:%d %q@%d:%d", s.Name, c.Name, c.Pos.Line, c.Pos.Col, c.Value.Value, c.Value.Pos.Line, c.Value.Pos.Col))
		}
	}
	want := []string{
		`web net.ipv4.ip_unprivileged_port_start@5:7 "0"@5:44`,
		`web net.core.somaxconn@6:7 "1024"@6:27`,
		// The list form is interpolated like environment:, and an entry without "=" has no value.
		`worker net.ipv4.ip_unprivileged_port_start@10:9 "80"@10:9`,
		`worker net.ipv4.tcp_syncookies@11:9 ""@0:0`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sysctls (-want +got):\n%s", d)
	}
}
