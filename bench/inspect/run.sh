#!/bin/sh
# Benchmark of `shipshape inspect` on a 1 GB image archive: wall time and peak RSS.
# Targets (issue 4): ≤ 3 s and ≤ 150 MB peak RSS for 1 GB; the 100 MB binary target is a Go
# benchmark: go test -run XXX -bench ReadFile100MB ./internal/binary
#
# Wall time on a loaded machine is mostly waiting for a CPU: user+sys is the cost of inspect.
#
# Usage: bench/inspect/run.sh [size-in-bytes]   (default 1 GiB; needs /usr/bin/time)
set -eu
cd "$(dirname "$0")/../.."
size=${1:-1073741824}
work=${TMPDIR:-/tmp}/shipshape-bench-inspect
mkdir -p "$work"
CGO_ENABLED=0 go build -o "$work/shipshape" ./cmd/shipshape
for kind in save gzip; do
	flag=""
	[ "$kind" = gzip ] && flag="-gzip"
	if [ ! -f "$work/$kind.tar" ]; then
		go run ./bench/inspect/genimage -o "$work/$kind.tar" -size "$size" -entry "$work/shipshape" $flag
	fi
	cat "$work/$kind.tar" > /dev/null # warm the page cache: measure inspect, not the disk
	echo "== $kind layers: $(du -h "$work/$kind.tar" | cut -f1)"
	for run in 1 2 3; do
		/usr/bin/time -f "run $run: %e s wall (%U s user, %S s sys), %M KB peak RSS" "$work/shipshape" inspect "$work/$kind.tar" > "$work/out.txt" || true
	done
	head -3 "$work/out.txt"
done
