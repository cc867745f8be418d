package systemd

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
)

// ErrNoAnalyzer is returned by Verify when systemd-analyze is not installed.
var ErrNoAnalyzer = errors.New("systemd-analyze is not installed")

// Verify runs "systemd-analyze verify" on a unit file on disk and returns the lines it prints
// (its diagnostics, such as missing executables or unknown settings). It is optional: callers
// treat ErrNoAnalyzer as "no opinion". The result depends on the host running shipshape (which
// units and binaries it has), so it never decides a finding alone.
func Verify(ctx context.Context, path string) ([]string, error) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		return nil, ErrNoAnalyzer
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "verify", "--man=no", path)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(out.String(), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}
