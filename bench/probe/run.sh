#!/usr/bin/env bash
# Measures `shipshape probe` against its budgets (issue 7): for a service that starts, the
# verdict arrives within the service's own start time plus 100 ms (overhead-ms); a matrix of 5
# cases takes at most about 3x a single probe on 2 cores (x-single). Then times the CLI end to
# end on the same fixture. Usage: bench/probe/run.sh [N]   (as root for the matrix)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-20}
go test -run '^$' -bench 'BenchmarkProbeReady|BenchmarkMatrix5' -benchtime "${runs}x" ./internal/probe

work=$(mktemp -d)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
go build -o "$work/shipshape" ./cmd/shipshape
mkdir "$work/svc"
cat >"$work/svc/main.go" <<'GO'
package main

import "net"

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	for {
		if c, err := ln.Accept(); err == nil {
			c.Close()
		}
	}
}
GO
printf 'module example.com/svc\n\ngo 1.24\n' >"$work/svc/go.mod"
(cd "$work/svc" && CGO_ENABLED=0 go build -o server .)
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  "$work/shipshape" probe --format json -- "$work/svc/server" >/dev/null 2>&1
  times+=("$(( ($(date +%s%N) - s) / 1000000 ))")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'shipshape probe (CLI, whole process)  median %d ms over %d runs\n' "$median" "$runs"
printf 'cores: %s   load average: %s\n' "$(nproc)" "$(cut -d" " -f1-3 /proc/loadavg)"
