package container

import "github.com/shipshape-dev/shipshape/internal/rule"

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
	// Requires and Run: added with the detector.
}
