// Package catalog is the list of every failure mode shipshape knows, assembled explicitly from
// the rule packages so that the order and the membership are reviewable in one place.
package catalog

import (
	"sort"
	"sync"

	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rules/code"
	"github.com/shipshape-dev/shipshape/internal/rules/container"
	"github.com/shipshape-dev/shipshape/internal/rules/kube"
	"github.com/shipshape-dev/shipshape/internal/rules/network"
	"github.com/shipshape-dev/shipshape/internal/rules/runtime"
	"github.com/shipshape-dev/shipshape/internal/rules/unit"
)

var (
	once sync.Once
	all  []*rule.Rule
	byID map[string]*rule.Rule
)

func build() {
	lists := [][]*rule.Rule{
		{check.UnexplainedSuppression}, // SS0xxx: shipshape's own directives
		code.Rules,                     // SS1001-SS1009: Go code and modules alone
		container.Rules,                // SS1010-SS1012, SS2xxx: builds and images
		unit.Rules,                     // SS3xxx: systemd units
		kube.Rules,                     // SS4xxx: Kubernetes
		network.Rules,                  // SS6001-SS6003: listeners against targets
		runtime.Rules,                  // SS6004, SS7xxx: seen only at run time
	}
	byID = map[string]*rule.Rule{}
	for _, l := range lists {
		all = append(all, l...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	for _, r := range all {
		byID[r.ID] = r
	}
}

// All returns every rule in ID order. The slice is shared: do not modify it.
func All() []*rule.Rule {
	once.Do(build)
	return all
}

// Lookup returns the rule with an ID, or nil.
func Lookup(id string) *rule.Rule {
	once.Do(build)
	return byID[id]
}
