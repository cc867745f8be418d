#!/usr/bin/env bash
# Measures shipshape snapshot and diff against issue 6's budgets: a snapshot of this machine in at
# most 100 ms median wall time, and a fleet diff of 1,000 snapshots against a baseline in at most
# 2 s. Prints the median wall and CPU (user+sys) time of N runs of each; CPU time is what to
# compare when the machine is busy (see the load average printed last).
# Usage: bench/snapshot/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/shipshape" ./cmd/shipshape

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
measure() { # label runs budget command…
  local label=$1 n=$2 budget=$3
  shift 3
  : >"$work/wall"
  : >"$work/cpu"
  for _ in $(seq "$n"); do
    /usr/bin/time -f '%e %U %S' -o "$work/t" "$@" >/dev/null 2>&1 || true
    read -r e u s < <(tail -n 1 "$work/t") # time writes "Command exited with non-zero status" first
    echo "$e * 1000" | bc -l >>"$work/wall"
    echo "($u + $s) * 1000" | bc -l >>"$work/cpu"
  done
  printf '%-30s median %7.1f ms wall  %7.1f ms CPU  (%d runs, budget %s)\n' \
    "$label" "$(median <"$work/wall")" "$(median <"$work/cpu")" "$n" "$budget"
}

measure "snapshot" "$runs" "100 ms" "$work/shipshape" snapshot

# A fleet of 1,000 snapshots: this machine's snapshot with a different host name each, every
# 10th with an older glibc and every 7th with a memory limit, so the diff has work to do.
"$work/shipshape" snapshot --out "$work/base.json"
mkdir "$work/hosts"
for i in $(seq -w 0 999); do
  sed_args=(-e "s/\"hostname\": \"[^\"]*\"/\"hostname\": \"host-$i\"/")
  if (( 10#$i % 10 == 0 )); then sed_args+=(-e 's/"version": "2\.[0-9]*"/"version": "2.17"/'); fi
  if (( 10#$i % 7 == 0 )); then sed_args+=(-e 's/"memory": "unlimited"/"memory": 268435456/'); fi
  sed "${sed_args[@]}" "$work/base.json" >"$work/hosts/host-$i.json"
done
printf 'fleet: 1000 snapshots, %s KB\n' "$(du -sk "$work/hosts" | cut -f1)"
measure "diff --all --baseline (1000)" "$(( runs < 7 ? runs : 7 ))" "2000 ms" \
  "$work/shipshape" diff --all --baseline "$work/base.json" "$work/hosts"/*.json
printf 'cores: %s, load average: %s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
