package dockerfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRunCalls(t *testing.T) {
	df := "FROM debian:12\n" +
		"ARG BIN=/app\n" +
		"RUN apt-get update && \\\n" +
		"    sudo setcap 'cap_net_bind_service=+ep' \"$BIN\"\n" +
		"RUN [\"/usr/sbin/sysctl\", \"-w\", \"net.ipv4.ip_unprivileged_port_start=0\"]\n" +
		"RUN <<EOF\n" +
		"env A=1 nice echo $(id -u)\n" +
		"EOF\n"
	f := Parse("Dockerfile", []byte(df))
	if f.ParseError != nil || len(f.WithNotes()) > 0 {
		t.Fatalf("%v %v", f.ParseError, f.WithNotes())
	}
	var got []string
	for _, r := range f.Stages[0].Runs {
		for _, c := range r.Calls {
			got = append(got, fmt.Sprintf("%d:%d %s %s", c.Pos.Line, c.Pos.Col, c.Name, strings.Join(c.Args, " ")))
		}
	}
	want := []string{
		"3:5 apt-get update",
		// The wrapper is peeled off; the position stays the command's.
		"4:5 setcap cap_net_bind_service=+ep ${BIN}",
		// Exec form: the line is known, the column is not (the words were JSON).
		"5:0 sysctl -w net.ipv4.ip_unprivileged_port_start=0",
		"7:1 echo $(…)",
		"7:21 id -u",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
}
