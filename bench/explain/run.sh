#!/usr/bin/env bash
# Side-by-side throughput of `shipshape explain` and `grep -F -f <catalog literals>` on the same
# generated log (default 1 GiB), with peak RSS from /usr/bin/time -v.
#
#   bench/explain/run.sh                 # 1 GiB, 3 runs each, best wall time kept
#   SIZE=256MiB RUNS=5 bench/explain/run.sh
#
# grep runs with LC_ALL=C (its fastest mode) and -c, so that it must scan the whole file (with
# output to /dev/null GNU grep stops at the first match). explain matches case-insensitively,
# so grep -F -i is shown too. The runs alternate so that load on the machine hits both alike.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE=${SIZE:-1GiB}
RUNS=${RUNS:-3}
LOG=${LOG:-${TMPDIR:-/tmp}/explain-bench-$SIZE.log}
BIN=${TMPDIR:-/tmp}/explain-bench-shipshape
LITS=${TMPDIR:-/tmp}/explain-bench-literals.txt
TIMES=${TMPDIR:-/tmp}/explain-bench-time

go build -o "$BIN" ./cmd/shipshape
go run ./bench/explain/literals > "$LITS"
if [ ! -s "$LOG" ]; then
	echo "generating $LOG ($SIZE)" >&2
	go run ./bench/explain/gen -size "$SIZE" > "$LOG"
fi
bytes=$(stat -c %s "$LOG")
cat "$LOG" > /dev/null # warm the page cache for every contender alike
export LC_ALL=C

declare -A best_wall best_cpu best_rss
run() { # name command...
	local name=$1
	shift
	# Not /dev/null: GNU grep notices it and stops at the first match.
	/usr/bin/time -v -o "$TIMES" "$@" > "$TIMES.out" 2>&1 || true
	local wall cpu rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$TIMES")
	cpu=$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$TIMES")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TIMES")
	if [ -z "${best_wall[$name]:-}" ] || awk "BEGIN{exit !($wall < ${best_wall[$name]})}"; then
		best_wall[$name]=$wall
		best_cpu[$name]=$cpu
	fi
	if [ -z "${best_rss[$name]:-}" ] || [ "$rss" -gt "${best_rss[$name]}" ]; then
		best_rss[$name]=$rss
	fi
}

for i in $(seq "$RUNS"); do
	run "grep -F -f" grep -F -c -f "$LITS" "$LOG"
	run "shipshape explain" "$BIN" explain "$LOG"
	run "grep -F -i -f" grep -F -i -c -f "$LITS" "$LOG"
done

echo "log: $LOG ($bytes bytes, $(wc -l < "$LITS") catalog literals, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-20s %10s %10s %12s %12s\n' tool wall_s MB/s cpu_s peak_rss_MB
for name in "grep -F -f" "shipshape explain" "grep -F -i -f"; do
	awk -v n="$name" -v w="${best_wall[$name]}" -v c="${best_cpu[$name]}" -v r="${best_rss[$name]}" -v b="$bytes" \
		'BEGIN {printf "%-20s %10.2f %10.0f %12.2f %12.1f\n", n, w, b/1048576/w, c, r/1024}'
done
awk -v e="${best_wall[shipshape explain]}" -v g="${best_wall[grep -F -f]}" -v gi="${best_wall[grep -F -i -f]}" \
	'BEGIN {printf "wall-clock ratio explain/grep -F: %.2f   explain/grep -F -i: %.2f (>= 1.0: explain is at least as fast)\n", g/e, gi/e}'
# On a loaded machine wall time says more about the neighbours than about the tools: CPU time
# per byte is the steadier comparison (explain spends it on two cores, grep on one).
awk -v e="${best_cpu[shipshape explain]}" -v g="${best_cpu[grep -F -f]}" -v gi="${best_cpu[grep -F -i -f]}" \
	'BEGIN {printf "cpu-time ratio   explain/grep -F: %.2f   explain/grep -F -i: %.2f\n", g/e, gi/e}'
