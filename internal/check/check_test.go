package check_test

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/catalog"
	"github.com/shipshape-dev/shipshape/internal/check"
	"github.com/shipshape-dev/shipshape/internal/rule"
	"github.com/shipshape-dev/shipshape/internal/rule/ruletest"
)

func TestDirectiveFixtures(t *testing.T) {
	ruletest.Run(t, "testdata", []*rule.Rule{check.UnexplainedSuppression}, catalog.All())
}
