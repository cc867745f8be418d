package kube_test

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/rule/ruletest"
	"github.com/shipshape-dev/shipshape/internal/rules/kube"
)

func TestRules(t *testing.T) {
	ruletest.Run(t, "testdata", kube.Rules, catalog.All())
}
