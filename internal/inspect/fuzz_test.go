package inspect_test

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/shipshape-dev/shipshape/internal/inspect"
	ti "github.com/shipshape-dev/shipshape/internal/testimage"
)

// FuzzImage inspects an image whose config and entrypoint script are arbitrary: inspect must
// give a verdict, never panic.
func FuzzImage(f *testing.F) {
	f.Add("/entry.sh", "/bin/sh\x00-c\x00exec ./app --x", "app:grp", "/srv", "CMD-SHELL\x00curl -f x", []byte("#!/usr/bin/env bash -e\r\n"))
	f.Add("", "", "", "", "", []byte{})
	f.Add("app", "", "0:0", "/etc/passwd", "CMD\x00/bin/true", []byte("#!\n"))
	f.Fuzz(func(t *testing.T, entrypoint, cmd, user, workdir, health string, script []byte) {
		split := func(s string) []string {
			if s == "" {
				return nil
			}
			return strings.Split(s, "\x00")
		}
		cfg := v1.Config{Entrypoint: split(entrypoint), Cmd: split(cmd), User: user, WorkingDir: workdir,
			Env: []string{"PATH=/bin:/usr/bin:relative"}}
		if h := split(health); len(h) > 0 {
			cfg.Healthcheck = &v1.HealthConfig{Test: h}
		}
		spec := ti.Spec{Config: cfg, Layers: [][]ti.File{{
			ti.Dir("bin"), ti.Exec("bin/sh", []byte("#!/bin/sh\n")), ti.Exec("entry.sh", script), ti.Exec("app", script),
			ti.Symlink("usr/bin/env", "/bin/env"), ti.Symlink("bin/env", "/usr/bin/env"),
			ti.Text("etc/passwd", "app:x:1:1::/:/bin/sh\n"), ti.Text("etc/group", "grp:x:1:\n"),
		}}}
		r := inspectSpec(t, spec, inspect.Options{})
		if r.Verdict == "" {
			t.Fatal("no verdict")
		}
	})
}
