// Package profile is imported by no binary: its pprof import does not ship.
package profile

import _ "net/http/pprof"
