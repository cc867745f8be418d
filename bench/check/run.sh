#!/usr/bin/env bash
# Measures `shipshape check` against the foundation's budgets (issue 2): GOROOT/src in at most
# 1.3 s wall and 300 MB peak RSS, a generated 700-file service in at most 0.35 s. Prints the
# median wall time of N runs and the largest peak RSS. Usage: bench/check/run.sh [N]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/shipshape" ./cmd/shipshape
go run ./bench/gen700 "$work/svc700"
go run ./bench/gen700 -artifacts 200 "$work/deploy200"

measure() { # name dir
  local name=$1 dir=$2 times=() cpus=() rss=0
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M %U %S' -o "$work/t" "$work/shipshape" check --format json "$dir" >/dev/null 2>&1 || true
    read -r t m u s <"$work/t"
    times+=("$t")
    cpus+=("$(echo "$u + $s" | bc)")
    (( m > rss )) && rss=$m
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-28s median %5.2f s wall  %5.2f s CPU   peak RSS %4d MB   (%d runs: %s)\n' "$name" "$median" "$cpu" $((rss / 1024)) "$runs" "${times[*]}"
}
measure "GOROOT/src" "$(go env GOROOT)/src"
measure "700-file service" "$work/svc700"
measure "700 files + 200 artifacts" "$work/deploy200"
printf 'cores: %s   load average: %s\n' "$(nproc)" "$(cut -d" " -f1-3 /proc/loadavg)"
