//go:build !linux

package probe

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// errLinuxOnly is what probe answers elsewhere: it reads /proc and uses Linux namespaces,
// cgroups and rlimits, as the servers it simulates do.
var errLinuxOnly = errors.New("probe runs services on Linux only (it reads /proc and uses namespaces and cgroups)")

// Run is Linux-only.
func Run(ctx context.Context, argv []string, c Conditions, opt Options) (*Result, error) {
	return nil, errLinuxOnly
}

func readSockets(pid int) []socketEntry { return nil }

func listening(pid int) (listen, connecting []string) { return nil, nil }

func ready(listen []string, port int) bool { return false }

func healthy(ctx context.Context, c *http.Client, url string) bool { return false }

// socketEntry is one line of /proc/net/tcp, which other systems do not have.
type socketEntry struct{}

const (
	pollEvery = 10 * time.Millisecond
	quitWait  = 2 * time.Second
)
