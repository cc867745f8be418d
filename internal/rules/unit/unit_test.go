package unit_test

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/rule/ruletest"
	"github.com/shipshape-dev/shipshape/internal/rules/unit"
)

func TestRules(t *testing.T) {
	ruletest.Run(t, "testdata", unit.Rules, catalog.All())
}
