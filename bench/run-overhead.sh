#!/usr/bin/env bash
# Overhead of `gcsight run` on an allocation-heavy Go program.
#
# The program is tests/e2e/programs/gcprog (built by the project's build into
# build/go-programs/go1.XX/) keeping RETAIN MiB live (a service's working set,
# which sets the GC's pace) and allocating ALLOC MiB/s of short-lived garbage
# for SECONDS, with the trace on, writing STDERR_MB of its own lines to stderr
# (which gcsight passes through). For each of RUNS runs, in this order:
#   alone:   GODEBUG=gctrace=1,scavtrace=1 prog 2>/dev/null  (the trace printed, nobody reading it)
#   wrapped: gcsight run -q --json R -- prog 2>/dev/null
# and prints the median wall time of each, their ratio, and from the wrapped
# runs' reports the median of gcsight's own CPU time as a share of the
# program's CPU time (the goal is <= 1 %), and gcsight's peak RSS.
#
# usage: bench/run-overhead.sh [--runs N] [--seconds S] [--alloc MIBPS] [--retain MIB] [--workers N]
#                              [--stderr-mb M] [--go 1.22]
#   defaults: 5 runs, 5 s, 3000 MiB/s (as fast as it can), 64 MiB live, 1 allocating goroutine,
#   no stderr, go1.22
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
runs=5 seconds=5 alloc=3000 stderr_mb=0 go=1.22 retain=64 workers=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --alloc) alloc=$2; shift 2 ;;
    --retain) retain=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --stderr-mb) stderr_mb=$2; shift 2 ;;
    --go) go=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--seconds S] [--alloc MIBPS] [--stderr-mb M] [--go 1.22]" >&2; exit 2 ;;
  esac
done
gcsight=${GCSIGHT:-$repo/build/src/cli/gcsight}
prog=${PROG:-$repo/build/go-programs/go$go/gcprog}
for f in "$gcsight" "$prog"; do
  [ -x "$f" ] || { echo "run-overhead: $f is missing (build the project first: scripts/setup.sh)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ALLOC_MB_PER_S=$alloc DURATION_MS=$((seconds * 1000)) STDERR_MB=$stderr_mb WHOLE_LINES=1 RETAIN_MB=$retain CHURN_WORKERS=$workers

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { echo "$EPOCHREALTIME"; }

: > "$tmp/alone" ; : > "$tmp/wrapped" ; : > "$tmp/share" ; : > "$tmp/rss"
for i in $(seq 1 "$runs"); do
  t0=$(now); GODEBUG=gctrace=1,scavtrace=1 "$prog" >/dev/null 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$tmp/alone"
  t0=$(now); "$gcsight" run -q --json "$tmp/r.json" -- "$prog" >/dev/null 2>&1; t1=$(now)
  echo "$t1 - $t0" | bc -l >> "$tmp/wrapped"
  python3 - "$tmp/r.json" >> "$tmp/share" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["process"]
print(p["gcsight_cpu_ns"] / max(1, p["program_cpu_ns"]) * 100, p["gcsight_rss_bytes"], p["program_cpu_ns"] / 1e9)
PY
  echo "run $i: alone $(tail -1 "$tmp/alone") s, wrapped $(tail -1 "$tmp/wrapped") s, gcsight CPU $(tail -1 "$tmp/share" | awk '{printf "%.2f%% of the program'"'"'s %.2f s", $1, $3}')" >&2
done
a=$(median < "$tmp/alone"); w=$(median < "$tmp/wrapped")
share=$(awk '{print $1}' "$tmp/share" | median)
rss=$(awk '{print $2}' "$tmp/share" | sort -g | tail -1)
printf 'program: %s/gcprog, %s MiB live, up to %s MiB/s of garbage from %s goroutine(s) for %s s, %s MiB of its own stderr; %s runs\n' \
  "$(basename "$(dirname "$prog")")" "$retain" "$alloc" "$workers" "$seconds" "$stderr_mb" "$runs"
printf 'wall time (median): alone %.3f s, under gcsight run %.3f s, ratio %.3f\n' "$a" "$w" "$(echo "$w / $a" | bc -l)"
printf 'gcsight CPU as a share of the program CPU (median): %.2f %%\n' "$share"
printf 'gcsight peak RSS: %.1f MiB\n' "$(echo "$rss / 1048576" | bc -l)"
