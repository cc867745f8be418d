package host

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strings"
)

// AllowedEnv are the environment variables whose values a snapshot writes: they configure
// the Go runtime, the locale, the time zone, the toolchain and the shell, and do not carry
// credentials. Every other variable is written as "set" or "empty" only (plus a keyed digest
// when the user gives a key). LC_* names are allowed as a family (see allowedName).
var AllowedEnv = []string{
	// the Go runtime and frameworks
	"GODEBUG", "GOGC", "GOMAXPROCS", "GOMEMLIMIT", "GOTRACEBACK", "GIN_MODE",
	// the Go toolchain (goEnv)
	"CGO_ENABLED", "GO111MODULE", "GOARCH", "GOFLAGS", "GOMODCACHE", "GONOPROXY", "GONOSUMDB",
	"GOOS", "GOPATH", "GOPRIVATE", "GOPROXY", "GOROOT", "GOSUMDB", "GOTOOLCHAIN",
	// locale, time zone, certificates, temporary files
	"LANG", "LANGUAGE", "TZ", "ZONEINFO", "SSL_CERT_DIR", "SSL_CERT_FILE", "TMPDIR",
	// the session
	"HOME", "LOGNAME", "PATH", "SHELL", "USER", "PWD", "TERM",
}

var allowedSet = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range AllowedEnv {
		m[k] = true
	}
	return m
}()

// allowedName says a variable's value may be written.
func allowedName(name string) bool {
	return allowedSet[name] || strings.HasPrefix(name, "LC_")
}

// envVars lists the environment sorted by name, with values only for allowed names.
func envVars(env map[string]string, key []byte) []EnvVar {
	out := make([]EnvVar, 0, len(env))
	for k, v := range env {
		if allowedName(k) {
			out = append(out, allowed(k, v))
			continue
		}
		e := EnvVar{Name: k, State: state(v)}
		if len(key) > 0 {
			e.Digest = Digest(key, k, v)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// allowed is an allow-listed variable with its value. A proxy URL with credentials in it
// (https://user:token@proxy) keeps its host but not its user information.
func allowed(k, v string) EnvVar {
	if k == "GOPROXY" || k == "GONOPROXY" || k == "GOSUMDB" {
		v = withoutUserinfo(v)
	}
	return EnvVar{Name: k, State: state(v), Value: v}
}

func state(v string) string {
	if v == "" {
		return "empty"
	}
	return "set"
}

// withoutUserinfo replaces the user information of each URL in a GOPROXY-style list
// (separated by ',' or '|', or by spaces in GOSUMDB) with "REDACTED".
func withoutUserinfo(v string) string {
	if !strings.Contains(v, "@") {
		return v
	}
	var b strings.Builder
	start := 0
	flush := func(end int) {
		part := v[start:end]
		if u, err := url.Parse(part); err == nil && u.User != nil {
			u.User = url.User("REDACTED")
			part = u.String()
		} else if strings.Contains(part, "@") && strings.Contains(part, "://") {
			part = "REDACTED"
		}
		b.WriteString(part)
	}
	for i := 0; i < len(v); i++ {
		if v[i] == ',' || v[i] == '|' || v[i] == ' ' {
			flush(i)
			b.WriteByte(v[i])
			start = i + 1
		}
	}
	flush(len(v))
	return b.String()
}

// Digest is the keyed digest of one variable's value: HMAC-SHA256 under key of the name, a
// NUL and the value, so equal values of different names do not look alike.
func Digest(key []byte, name, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(name))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return "hmac-sha256:" + hex.EncodeToString(m.Sum(nil))
}
