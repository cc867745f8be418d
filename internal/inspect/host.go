package inspect

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// Host is the target machine as --host describes it, until the snapshot issue defines the
// full format. The JSON is:
//
//	{
//	  "arch": "amd64",                      // GOARCH words or uname -m ("x86_64", "aarch64")
//	  "libc": {"family": "glibc",           // "glibc", "musl" or "none"
//	           "version": "2.31"},          // ldd --version / gnu_get_libc_version()
//	  "kernel": "5.10.0-28-amd64"           // uname -r
//	}
//
// Every field is optional; a missing one makes the questions that need it "cannot tell".
type Host struct {
	Arch string `json:"arch"`
	Libc struct {
		Family  string `json:"family"`
		Version string `json:"version"`
	} `json:"libc"`
	Kernel string `json:"kernel"`
}

// ReadHost reads a host snapshot file.
func ReadHost(path string) (*Host, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h Host
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: not a host snapshot: %w", path, err)
	}
	h.Libc.Family = strings.ToLower(h.Libc.Family)
	switch h.Libc.Family {
	case "", "glibc", "musl", "none":
	default:
		return nil, fmt.Errorf("%s: libc.family %q: want glibc, musl or none", path, h.Libc.Family)
	}
	return &h, nil
}

// unameArch maps uname -m to GOARCH.
var unameArch = map[string]string{
	"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64", "i386": "386",
	"i686": "386", "armv7l": "arm", "armv6l": "arm", "armhf": "arm", "ppc64le": "ppc64le",
	"s390x": "s390x", "riscv64": "riscv64", "loongarch64": "loong64",
}

// GoArch is the host architecture in GOARCH words ("" when unknown).
func (h *Host) GoArch() string {
	a := strings.ToLower(strings.TrimSpace(h.Arch))
	if g, ok := unameArch[a]; ok {
		return g
	}
	return a
}

var kernelRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?`)

// KernelVersion is the numeric part of the kernel release ("5.10.0" of "5.10.0-28-amd64").
func (h *Host) KernelVersion() string {
	return kernelRE.FindString(strings.TrimSpace(h.Kernel))
}
