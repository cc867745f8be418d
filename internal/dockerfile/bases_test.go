package dockerfile

import "testing"

func TestLookup(t *testing.T) {
	type row struct {
		ref        string
		family     string
		libc       string
		glibc      string
		atLeast    bool
		ca, tz, sh Tri
		user       string
	}
	rows := []row{
		{"scratch", "scratch", LibcNone, "", false, No, No, No, ""},
		{"gcr.io/distroless/static", "distroless-static", LibcNone, "", false, Yes, Yes, No, ""},
		{"gcr.io/distroless/static-debian12:nonroot", "distroless-static", LibcNone, "", false, Yes, Yes, No, "65532"},
		{"gcr.io/distroless/static-debian11:debug", "distroless-static", LibcNone, "", false, Yes, Yes, Unknown, ""},
		{"gcr.io/distroless/base-debian11", "distroless-base", LibcGlibc, "2.31", false, Yes, Yes, No, ""},
		{"gcr.io/distroless/cc-debian12:latest@sha256:abc", "distroless-cc", LibcGlibc, "2.36", false, Yes, Yes, No, ""},
		{"alpine:3.19", "alpine", LibcMusl, "", false, Yes, No, Yes, ""},
		{"docker.io/library/alpine", "alpine", LibcMusl, "", false, Yes, No, Yes, ""},
		{"alpine:3.8", "alpine", LibcMusl, "", false, Unknown, No, Yes, ""},
		{"busybox:musl", "busybox", LibcMusl, "", false, No, No, Yes, ""},
		{"busybox:1.36-glibc", "busybox", LibcGlibc, "", false, No, No, Yes, ""},
		{"busybox", "busybox", LibcUnknown, "", false, No, No, Yes, ""},
		{"debian:buster-slim", "debian", LibcGlibc, "2.28", false, No, Yes, Yes, ""},
		{"debian:bullseye", "debian", LibcGlibc, "2.31", false, No, Yes, Yes, ""},
		{"debian:12-slim", "debian", LibcGlibc, "2.36", false, No, No, Yes, ""},
		{"debian:trixie-20250101", "debian", LibcGlibc, "2.41", false, No, No, Yes, ""},
		{"ubuntu:18.04", "ubuntu", LibcGlibc, "2.27", false, No, No, Yes, ""},
		{"ubuntu:20.04", "ubuntu", LibcGlibc, "2.31", false, No, No, Yes, ""},
		{"ubuntu:jammy", "ubuntu", LibcGlibc, "2.35", false, No, No, Yes, ""},
		{"ubuntu:24.04", "ubuntu", LibcGlibc, "2.39", false, No, No, Yes, ""},
		{"cgr.dev/chainguard/static:latest", "chainguard-static", LibcNone, "", false, Yes, Yes, No, "65532"},
		{"cgr.dev/chainguard/glibc-dynamic", "chainguard-glibc-dynamic", LibcGlibc, "2.38", true, Yes, Unknown, No, "65532"},
		{"golang:1.22", "golang", LibcGlibc, "2.36", false, Yes, Unknown, Yes, ""},
		{"golang:1.19", "golang", LibcGlibc, "2.31", false, Yes, Unknown, Yes, ""},
		{"golang:1.15.5", "golang", LibcGlibc, "2.28", false, Yes, Unknown, Yes, ""},
		{"golang:1.25", "golang", LibcGlibc, "2.36", true, Yes, Unknown, Yes, ""},
		{"golang", "golang", LibcGlibc, "2.36", true, Yes, Unknown, Yes, ""},
		{"golang:1.21-bullseye", "golang", LibcGlibc, "2.31", false, Yes, Unknown, Yes, ""},
		{"golang:1.23-alpine3.20", "golang-alpine", LibcMusl, "", false, Yes, No, Yes, ""},
		{"golang:alpine", "golang-alpine", LibcMusl, "", false, Yes, No, Yes, ""},
		{"golang:alpine3.21", "golang-alpine", LibcMusl, "", false, Yes, No, Yes, ""},
		{"gcr.io/distroless/base-debian10", "distroless-base", LibcGlibc, "2.28", false, Yes, Yes, No, ""},
		{"registry.access.redhat.com/ubi8/ubi-minimal", "ubi", LibcGlibc, "2.28", false, Yes, Unknown, Yes, ""},
		{"registry.access.redhat.com/ubi9/ubi-micro:9.4", "ubi", LibcGlibc, "2.34", false, Unknown, Unknown, Unknown, ""},
		{"amazonlinux:2", "amazonlinux", LibcGlibc, "2.26", false, Yes, Unknown, Yes, ""},
		{"amazonlinux:2023", "amazonlinux", LibcGlibc, "2.34", false, Yes, Unknown, Yes, ""},
	}
	for _, r := range rows {
		b := Lookup(r.ref)
		if !b.Known || b.Family != r.family || b.Libc != r.libc || b.GlibcVersion != r.glibc || b.GlibcAtLeast != r.atLeast ||
			b.CABundle != r.ca || b.Zoneinfo != r.tz || b.Shell != r.sh || b.User != r.user {
			t.Errorf("Lookup(%q) = %+v, want %+v", r.ref, b, r)
		}
	}
	if g := Lookup("golang:1.22"); g.GCC != Yes || g.Workdir != "/go" {
		t.Errorf("golang builder: gcc %v workdir %q", g.GCC, g.Workdir)
	}
	if g := Lookup("golang:1.22-alpine"); g.GCC != No {
		t.Errorf("golang alpine gcc %v", g.GCC)
	}
	if u := Lookup("gcr.io/distroless/static:nonroot").Users["nonroot"]; u != 65532 {
		t.Errorf("distroless nonroot uid %d", u)
	}
	for _, unknown := range []string{"node:20", "myorg/base:1", "debian:sid", "ubuntu:16.10", "golang:1.22-windowsservercore", "gcr.io/distroless/java17", "$BASE", ""} {
		if b := Lookup(unknown); b.Known || b.CABundle != Unknown || b.Libc != "" {
			t.Errorf("Lookup(%q) = %+v, want unknown", unknown, b)
		}
	}
}
