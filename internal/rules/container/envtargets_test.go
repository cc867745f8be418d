package container

import (
	"testing"

	"github.com/shipshape-dev/shipshape/internal/dockerfile"
)

func TestNearMiss(t *testing.T) {
	for _, c := range []struct {
		want string
		set  []string
		near string
	}{
		{"DATABASE_URL", []string{"DB_URL", "PORT"}, "DB_URL"},
		{"DB_PASSWORD", []string{"DB_PASS"}, "DB_PASS"},
		{"POSTGRES_DSN", []string{"PG_URL"}, "PG_URL"},
		{"REDIS_ADDR", []string{"APP_REDIS_ADDR"}, "APP_REDIS_ADDR"},
		{"SECRET_KEY", []string{"SECERT_KEY"}, "SECERT_KEY"},
		{"NODE_1_ADDR", []string{"NODE_2_ADDR"}, ""},
		{"API_TOKEN", []string{"PORT", "LOG_LEVEL"}, ""},
		{"PORT", []string{"HOST"}, ""},
		{"JWT_SECRET", []string{"SECRET"}, ""},
	} {
		vars := map[string]envSet{}
		for _, n := range c.set {
			vars[n] = envSet{}
		}
		got, ok := nearMiss(c.want, vars)
		if got != c.near || ok != (c.near != "") {
			t.Errorf("nearMiss(%s, %v) = %q, %v; want %q", c.want, c.set, got, ok, c.near)
		}
	}
}

func TestFileLike(t *testing.T) {
	for p, want := range map[string]bool{
		"config.yml": true, "./certs/server.crt": true, ".env": true, "nginx.conf": true, "/app/config.toml": true,
		"data": false, "conf.d": false, "./logs/": false, ".cache": false, "db.v1": true, "release-1.2": false, "/var/lib/app": false,
	} {
		if got := fileLike(p); got != want {
			t.Errorf("fileLike(%q) = %v, want %v", p, got, want)
		}
	}
}

func TestModes(t *testing.T) {
	for m, want := range map[string]dockerfile.Tri{
		"": dockerfile.Unknown, "755": dockerfile.Yes, "0644": dockerfile.No, "+x": dockerfile.Yes, "u+x,g+x": dockerfile.Yes,
		"a=rw": dockerfile.Unknown, "$MODE": dockerfile.Unknown, "0700": dockerfile.Yes,
	} {
		if got := execMode(m); got != want {
			t.Errorf("execMode(%q) = %v, want %v", m, got, want)
		}
	}
	for m, want := range map[string]bool{"777": true, "1777": true, "0755": false, "o+w": true, "a+rwX": true, "u+w": false, "g+w": false, "": false} {
		if got := othersWrite(m); got != want {
			t.Errorf("othersWrite(%q) = %v, want %v", m, got, want)
		}
	}
}

func TestCovers(t *testing.T) {
	for _, c := range []struct {
		dir, p string
		want   bool
	}{
		{"/tmp", "/tmp", true}, {"/tmp", "/tmp/x", true}, {"/tmp", "/tmpx", false}, {"/", "/a", true},
		{"/app/data/", "/app/data/x.db", true}, {"/app/data", "/app", false},
	} {
		if got := covers(c.dir, c.p); got != c.want {
			t.Errorf("covers(%q, %q) = %v, want %v", c.dir, c.p, got, c.want)
		}
	}
}
