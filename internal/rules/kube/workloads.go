package kube

import (
	"fmt"

	"github.com/shipshape-dev/shipshape/internal/k8s"
)

// podContainer is one container of a workload object.
type podContainer struct {
	o *k8s.Object
	c *k8s.Container
}

// containers lists every container (init containers first) of every workload.
func containers(objs []*k8s.Object) []podContainer {
	var out []podContainer
	for _, o := range objs {
		if o.Workload == nil {
			continue
		}
		for _, c := range o.Workload.AllContainers() {
			out = append(out, podContainer{o, c})
		}
	}
	return out
}

// name describes a container in messages: `Deployment orders-api, container "api"`.
func (pc podContainer) name() string {
	kind := "container"
	if pc.c.Init {
		kind = "init container"
	}
	return fmt.Sprintf("%s %s, %s %q", pc.o.Kind, pc.o.Name.Value, kind, pc.c.Name.Value)
}
