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

type sockets struct{}

func newSockets(pid int) *sockets               { return &sockets{} }
func (*sockets) Close()                         {}
func (*sockets) listening(leader int) []string  { return nil }
func (*sockets) connecting(leader int) []string { return nil }
func canSee(pid int) bool                       { return false }

func ready(listen []string, port int) bool { return false }

func healthy(ctx context.Context, c *http.Client, url string) bool { return false }

// socketEntry is one line of /proc/net/tcp, which other systems do not have.
type socketEntry struct{}

const (
	pollEvery = 10 * time.Millisecond
	quitWait  = 2 * time.Second
)
