package explain

import (
	_ "embed"
	"strings"
	"sync"
)

//go:generate go run zones_gen.go

// zonesTxt is the list of IANA zone names of the Go toolchain's lib/time/zoneinfo.zip, embedded so
// that explain can tell a misspelt zone from a missing database on a machine without Go.
//
//go:embed zones.txt
var zonesTxt string

var (
	zonesOnce sync.Once
	zoneSet   map[string]bool
	zoneFold  map[string]string
)

func loadZones() {
	zoneSet = map[string]bool{}
	zoneFold = map[string]string{}
	for _, z := range strings.Fields(zonesTxt) {
		zoneSet[z] = true
		zoneFold[strings.ToLower(z)] = z
	}
}

// ValidZone reports whether name is an IANA zone name LoadLocation accepts with a zoneinfo
// database present ("UTC" and "Local" are built in).
func ValidZone(name string) bool {
	if name == "UTC" || name == "Local" || name == "" {
		return true
	}
	zonesOnce.Do(loadZones)
	return zoneSet[name]
}

// suggestZone returns the zone name that differs from name only in case, if any.
func suggestZone(name string) string {
	zonesOnce.Do(loadZones)
	return zoneFold[strings.ToLower(name)]
}
