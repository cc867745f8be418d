package runtime

import "github.com/shipshape-dev/shipshape/internal/rule"

// OOMKilled is a process killed by the kernel for exceeding its memory limit.
var OOMKilled = &rule.Rule{
	ID:       "SS7001",
	Class:    "oom-killed",
	Title:    "process killed for exceeding its memory limit",
	Severity: rule.Error,
	Doc: `**What happens.** The process disappears without a Go panic or a log line of its own; the
container exits with code 137 (128 + SIGKILL) and Kubernetes shows

    Last State:     Terminated
      Reason:       OOMKilled
      Exit Code:    137

while the kernel log says "Memory cgroup out of memory: Killed process …".

**Why.** The container's or unit's memory limit (resources.limits.memory, docker --memory,
MemoryMax=) is lower than what the process uses at start-up or under load. The Go runtime
does not know the cgroup limit unless GOMEMLIMIT is set, so the heap grows past it. Exit code
137 alone is not proof: any SIGKILL gives it (docker stop after its timeout, a platform's boot
timeout), so look for the OOMKilled reason or the kernel's message.

**How to confirm.**

    kubectl describe pod POD | grep -A3 'Last State'
    docker inspect -f '{{.State.OOMKilled}}' CONTAINER
    journalctl -k | grep -i 'out of memory'

**How to fix.** Raise the memory limit to what the service needs, and set GOMEMLIMIT a little
below the limit so the garbage collector works harder before the kernel kills the process.`,
	Fix:     "Raise the memory limit to the service's real need and set GOMEMLIMIT to about 90% of it.",
	Symptom: "OOMKilled (exit code 137)",
	Signatures: []rule.Signature{
		rule.Sig("OOMKilled", `Reason:\s+OOMKilled`, "  Reason:       OOMKilled"),
		rule.Sig("OOM Killed", `"reason": "OOM Killed"`, `                    "reason": "OOM Killed",`),
	},
}
