package systemd

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/source"
)

// ErrNoAnalyzer is returned by Verify when systemd-analyze is not installed.
var ErrNoAnalyzer = errors.New("systemd-analyze is not installed")

// Verify runs "systemd-analyze verify" on the unit file at rel (a slash path under root) and
// returns what it prints as notes, at the line it names when it names one. It is optional:
// callers treat ErrNoAnalyzer as "no opinion". The output depends on the host running
// shipshape (which units and binaries it has), so it never decides a finding alone.
func Verify(ctx context.Context, root, rel string) ([]source.Note, error) {
	bin, err := exec.LookPath("systemd-analyze")
	if err != nil {
		return nil, ErrNoAnalyzer
	}
	abs := filepath.Join(root, filepath.FromSlash(rel))
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "verify", "--man=no", abs)
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return nil, err
	}
	var notes []source.Note
	for _, l := range strings.Split(out.String(), "\n") {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		pos := source.Pos{File: rel}
		if rest, ok := strings.CutPrefix(l, abs+":"); ok {
			if n, msg, ok := strings.Cut(rest, ": "); ok {
				if line, err := strconv.Atoi(n); err == nil {
					pos.Line, l = line, msg
				}
			}
		}
		notes = append(notes, source.Notef(pos, "systemd-analyze verify: %s", l))
	}
	return notes, nil
}
