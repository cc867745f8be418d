package testimage

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Required says SHIPSHAPE_REQUIRE_DOCKER=1: tests that need the engine (or the Debian roots)
// fail instead of skipping.
func Required() bool { return os.Getenv("SHIPSHAPE_REQUIRE_DOCKER") == "1" }

var (
	engineOnce sync.Once
	engineErr  error
)

// Engine skips the test when no Docker engine answers (docker version), with the reason, or
// fails it when SHIPSHAPE_REQUIRE_DOCKER=1.
func Engine(t testing.TB) {
	t.Helper()
	engineOnce.Do(func() {
		if _, err := exec.LookPath("docker"); err != nil {
			engineErr = errors.New("the docker command is not installed")
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput()
		if err != nil {
			engineErr = errors.New("no Docker engine answers: " + strings.TrimSpace(string(out)))
		}
	})
	if engineErr != nil {
		if Required() {
			t.Fatalf("%v (SHIPSHAPE_REQUIRE_DOCKER=1)", engineErr)
		}
		t.Skipf("skipping: %v (set SHIPSHAPE_REQUIRE_DOCKER=1 to make this a failure)", engineErr)
	}
}

// Tag returns a unique local image reference for a test image.
func Tag(what string) string {
	var b [6]byte
	rand.Read(b[:])
	return "shipshape-test/" + strings.ToLower(what) + ":" + hex.EncodeToString(b[:])
}

// Load writes spec as a docker save archive, loads it into the engine as ref with docker load,
// and removes the image when the test ends. It returns the archive's path.
func Load(t testing.TB, ref string, spec Spec) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "image.tar")
	if err := WriteTarball(file, ref, spec); err != nil {
		t.Fatalf("writing %s: %v", ref, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "load", "-i", file).CombinedOutput(); err != nil {
		t.Fatalf("docker load %s: %v\n%s", ref, err, out)
	}
	t.Cleanup(func() { exec.Command("docker", "rmi", "-f", ref).Run() })
	return file
}

// Result is what docker run printed and how it ended.
type Result struct {
	// Output is stdout and stderr of docker run together: the container's output and the
	// engine's error, which docker prints to stderr.
	Output string
	// Code is docker run's exit code (125-127 for engine and exec errors, else the
	// container's).
	Code int
}

// Run runs `docker run --rm <args...>` with a time limit and returns what it printed.
func Run(t testing.TB, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "docker", append([]string{"run", "--rm"}, args...)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("docker run %s: %v", strings.Join(args, " "), err)
	}
	if ctx.Err() != nil {
		t.Fatalf("docker run %s: timed out\n%s", strings.Join(args, " "), buf.String())
	}
	return Result{Output: buf.String(), Code: code}
}
