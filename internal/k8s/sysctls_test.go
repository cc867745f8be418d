package k8s

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPodSysctls(t *testing.T) {
	src := `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  hostNetwork: true
  securityContext:
    runAsNonRoot: true
    sysctls:
      - name: net.ipv4.ip_unprivileged_port_start
        value: "0"
      - {name: kernel.shm_rmid_forced, value: "1"}
  containers:
    - name: web
      image: app
`
	objs, notes := Parse("pod.yaml", []byte(src))
	if len(objs) != 1 || objs[0].Workload == nil || len(notes) != 0 {
		t.Fatalf("parse: %v %v", objs, notes)
	}
	w := objs[0].Workload
	var got []string
	for _, s := range w.Sysctls {
		got = append(got, fmt.Sprintf("%s %s @%d:%d", at(s.Name), at(s.Value), s.Pos.Line, s.Pos.Col))
	}
	want := []string{
		"net.ipv4.ip_unprivileged_port_start@9:15 0@10:16 @9:9",
		"kernel.shm_rmid_forced@11:16 1@11:47 @11:9",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("sysctls (-want +got):\n%s", d)
	}
	if b, ok := w.HostNetwork.Bool(); !ok || !b || at(w.HostNetwork) != "true@5:16" {
		t.Errorf("hostNetwork %s", at(w.HostNetwork))
	}
}
