// Package runtime holds the failure modes that only show at run time (an OOM kill, a port
// already taken, a dependency that does not answer, a configuration file that does not parse):
// they have log signatures for explain and probe, and no static detector.
package runtime

import "github.com/shipshape-dev/shipshape/internal/rule"

// Rules is this package's part of the catalog, in ID order.
var Rules = []*rule.Rule{PortInUse, OOMKilled, DependencyUnreachable, ConfigInvalid}
