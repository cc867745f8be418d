package container

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shipshape-dev/shipshape/internal/deploy"
	"github.com/shipshape-dev/shipshape/internal/gocode"
	"github.com/shipshape-dev/shipshape/internal/rule"
)

// EnvMissing is an environment variable the code requires that a deployment target does not set.
var EnvMissing = &rule.Rule{
	ID:       "SS2015",
	Class:    "env-missing",
	Title:    "required environment variable not set by the deployment",
	Severity: rule.Error,
	Doc: `**What happens.** The service exits at start-up with its own message (log.Fatal on an empty
os.Getenv, envconfig's "required key DATABASE_URL missing value", caarlos0/env's "required
environment variable "DATABASE_URL" is not set"), or compose refuses to start it:

    required variable SERVER_UID is missing a value: cannot be empty

Variables the code reads with a silent default fail later and more confusingly (a connection to
localhost, an empty secret).

**Why.** Each target supplies the environment differently: Dockerfile ENV, compose environment
and env_file (with ${VAR:?} interpolation from the shell and .env), Kubernetes env and envFrom,
systemd Environment= and EnvironmentFile=. A variable added to the code and to the developer's
.env is easily missed in one of them, and near-misses (DB_URL against DATABASE_URL) look set.

**How to confirm.**

    docker compose config | grep -A20 environment
    kubectl exec POD -- env | sort
    systemctl show -p Environment myservice
    shipshape check .

**How to fix.** Set the variable in every target that runs the service, with the exact name the
code reads:

    services:
      api:
        environment:
          DATABASE_URL: ${DATABASE_URL:?set DATABASE_URL}`,
	Fix:     "Set the variable, with the exact name the code reads, in every deployment target (compose environment/env_file, Kubernetes env/envFrom, systemd Environment=).",
	Symptom: "required environment variable DATABASE_URL is not set",
	Signatures: []rule.Signature{
		rule.Sig("is missing a value",
			`required variable (?P<var>[A-Za-z_][A-Za-z0-9_]*) is missing a value`,
			`invalid interpolation format for services.sia.environment.[]: "required variable SERVER_UID is missing a value: cannot be empty". You may need to escape any $ with another $.`),
		rule.Sig("Missing mandatory value for",
			`Missing mandatory value for "environment" option interpolating`,
			`ERROR: Missing mandatory value for "environment" option interpolating {'MYSQL_ROOT_PASSWORD': '${OTOBO_DB_ROOT_PASSWORD:?err}'} in service "db": err`),
		rule.Sig("missing value",
			`required key (?P<var>[A-Za-z_][A-Za-z0-9_]*) missing value"?$`,
			"panic: required key SAMPLIST_BIND missing value"),
	},
	Requires: []rule.Input{rule.GoCode},
	Run:      runEnvMissing,
}

func runEnvMissing(p *rule.Pass) error {
	links := serviceLinks(p)
	for _, et := range envTargets(p.Project) {
		if et.open != "" {
			continue // some source sets names we cannot see
		}
		seen := map[string]bool{}
		for _, e := range p.Project.Go.Env {
			if !e.Required || e.HasDefault || e.Name == "" || e.Unresolved || seen[e.Name] || !et.Program.Reaches(e.Pkg) {
				continue
			}
			seen[e.Name] = true
			if _, ok := et.vars[e.Name]; ok || provided(et, e.Name) || links[e.Name] && et.t.Kind == deploy.KindKubernetes {
				continue
			}
			reportEnvMissing(p, et, e)
		}
	}
	return nil
}

func reportEnvMissing(p *rule.Pass, et *envTarget, e *gocode.EnvRead) {
	need := fmt.Sprintf("requires %s (%s %s, and stops without it)", e.Name, e.Pos.Short(), e.Via)
	related := []rule.Related{{Pos: e.Pos, Message: e.Via + " " + e.Name + " is required"}, {Pos: et.t.Pos, Message: et.t.Name + " runs " + et.Program.Name}}
	if near, ok := nearMiss(e.Name, et.vars); ok {
		s := et.vars[near]
		related = append(related, rule.Related{Pos: s.Pos, Message: "sets " + near + " (" + s.Where + ")"})
		p.Report(rule.Finding{
			Pos: s.Pos,
			Message: fmt.Sprintf("%s sets %s (%s, %s), not %s, which %s reads (%s %s) and requires: it stops at start-up without %s",
				et.t.Name, near, s.Where, s.Pos.Short(), e.Name, et.Program.Name, e.Pos.Short(), e.Via, e.Name),
			Related: related,
			Symptom: e.Name + " is not set",
		})
		return
	}
	p.Report(rule.Finding{
		Pos:     et.t.Pos,
		Message: fmt.Sprintf("%s (%s) runs %s, which %s, but sets no %s in %s: the service exits at start-up", et.t.Name, et.t.Pos.Short(), et.Program.Name, need, e.Name, sources(et)),
		Related: related,
		Symptom: e.Name + " is not set",
	})
}

// sources names where the target could have set the variable.
func sources(et *envTarget) string {
	switch {
	case et.t.Kind == deploy.KindCompose:
		return "environment, env_file or the image's ENV"
	case et.t.Kind == deploy.KindSystemd:
		return "Environment= or EnvironmentFile="
	}
	return "env, envFrom or the image's ENV"
}

// provided says whether the runtime sets the variable itself: the process environment every
// container or unit gets, Kubernetes service discovery, systemd's own variables.
func provided(et *envTarget, name string) bool {
	switch name {
	case "HOME", "PATH", "HOSTNAME", "USER", "LOGNAME", "SHELL", "PWD", "TERM":
		return true
	}
	if et.t.Kind == deploy.KindSystemd {
		switch name {
		case "INVOCATION_ID", "NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES", "WATCHDOG_USEC", "WATCHDOG_PID",
			"RUNTIME_DIRECTORY", "STATE_DIRECTORY", "CACHE_DIRECTORY", "LOGS_DIRECTORY", "CONFIGURATION_DIRECTORY", "CREDENTIALS_DIRECTORY", "JOURNAL_STREAM":
			return true
		}
	}
	if et.t.Kind == deploy.KindKubernetes {
		return strings.HasPrefix(name, "KUBERNETES_")
	}
	return false
}

// serviceLinks are the variables Kubernetes sets in every container for the Services of the
// repository (enableServiceLinks): <NAME>_SERVICE_HOST, <NAME>_SERVICE_PORT, <NAME>_PORT.
func serviceLinks(p *rule.Pass) map[string]bool {
	out := map[string]bool{}
	for _, o := range p.Project.Kubernetes {
		if o.Service == nil {
			continue
		}
		prefix := strings.ToUpper(strings.ReplaceAll(o.Name.Value, "-", "_"))
		for _, suffix := range []string{"_SERVICE_HOST", "_SERVICE_PORT", "_PORT"} {
			out[prefix+suffix] = true
		}
	}
	return out
}

// synonyms are the words of variable names that mean the same thing (DB_URL for DATABASE_URL).
var synonyms = map[string]string{
	"DB": "DATABASE", "PG": "POSTGRES", "POSTGRESQL": "POSTGRES", "PGSQL": "POSTGRES", "MONGODB": "MONGO",
	"PASS": "PASSWORD", "PASSWD": "PASSWORD", "PWD": "PASSWORD", "PW": "PASSWORD",
	"ADDR": "ADDRESS", "URI": "URL", "DSN": "URL", "CONN": "URL", "CONNECTION": "URL", "HOSTNAME": "HOST",
	"USERNAME": "USER", "CONF": "CONFIG", "CFG": "CONFIG", "DIRECTORY": "DIR", "SECRETKEY": "SECRET_KEY",
	"APIKEY": "API_KEY", "TOKEN": "TOKEN", "ENVIRONMENT": "ENV", "LVL": "LEVEL", "AUTH": "AUTH",
}

// nearMiss finds a set name that is probably meant as want: the same words up to synonyms, one
// word more or less (a prefix such as APP_), or a small spelling difference.
func nearMiss(want string, vars map[string]envSet) (string, bool) {
	var names []string
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	wc := canonical(want)
	for _, n := range names {
		if n != want && canonical(n) == wc {
			return n, true
		}
	}
	for _, n := range names {
		nc := canonical(n)
		if n != want && (strings.HasSuffix(wc, "_"+nc) || strings.HasSuffix(nc, "_"+wc)) && strings.Contains(nc, "_") && strings.Contains(wc, "_") {
			return n, true
		}
	}
	if len(want) >= 6 {
		for _, n := range names {
			if n != want && len(n) >= 6 && editDistance(n, want) <= 2 && !digitsOnlyDiffer(n, want) {
				return n, true
			}
		}
	}
	return "", false
}

func canonical(name string) string {
	ws := strings.Split(strings.ToUpper(name), "_")
	for i, w := range ws {
		if s, ok := synonyms[w]; ok {
			ws[i] = s
		}
	}
	return strings.Join(ws, "_")
}

// digitsOnlyDiffer says whether two names differ only in digits (NODE_1 and NODE_2 are distinct).
func digitsOnlyDiffer(a, b string) bool {
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, s)
	}
	return strip(a) == strip(b)
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
