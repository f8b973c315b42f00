#!/usr/bin/env bash
# gcsight throughput benchmark.
#
# Generates (once, cached in bench/data/, which git ignores) a synthetic trace
# with gcsight-gentrace, warms the page cache with it, then times, each RUNS
# times in this one invocation:
#   wc -l TRACE                                  the floor: reading the bytes
#   gcsight analyze --format json TRACE          the thing being measured
#   python3 bench/naive_regex.py TRACE           the baseline: one regex per line
# and prints the median wall time, MB/s (10^6 bytes), lines/s and peak RSS, and
# gcsight's wall time as a multiple of `wc -l`'s.
#
# usage: bench/run.sh [--size MIB] [--runs N] [--format F] [--seed N] [--skip-naive]
#   --size MIB    trace size (default 1024)
#   --runs N      runs per tool, the median is reported (default 3)
#   --format F    modern|go1.19|legacy|go1.5 (default modern)
#   --seed N      generator seed (default 1)
#   --skip-naive  do not time the Python baseline (about 40 s a run per GiB)
# environment:
#   GCSIGHT   gcsight binary   (default build/src/cli/gcsight, from the repo root)
#   GENTRACE  generator binary (default build/bench/gcsight-gentrace)
#   BENCH_TIME_BIN  GNU time (default /usr/bin/time; empty: use the fallback)
# Run from anywhere; relative GCSIGHT/GENTRACE are taken from the current
# directory, the defaults from the repo root. A missing gcsight is skipped.
#
# Requirements: bash >= 5 (EPOCHREALTIME), coreutils, python3, and GNU time as
# /usr/bin/time for peak RSS. Debian's `time` package provides it; installing
# it is the job of the project's setup script, not of this script, which
# installs nothing. Without /usr/bin/time the script falls back to polling
# VmHWM in /proc/PID/status every 5 ms (marked "~": it sees the process itself,
# not its children, and the wall time can be a few ms long).

set -euo pipefail

size_mib=1024
runs=3
format=modern
seed=1
skip_naive=0

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size_mib=${2:?--size needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    --format) format=${2:?--format needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --skip-naive) skip_naive=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/trace-data.sh
source "$(dirname "${BASH_SOURCE[0]}")/trace-data.sh"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# ---------------------------------------------------------------- the trace

ensure_trace
trace_bytes=$(stat -c %s "$trace")
# Into the page cache, twice, so that every tool reads from memory.
cat "$trace" >/dev/null
cat "$trace" >/dev/null

# ---------------------------------------------------------------- timing

time_bin=${BENCH_TIME_BIN-/usr/bin/time}  # BENCH_TIME_BIN= (empty) tests the fallback
if [[ -n $time_bin && -x $time_bin ]]; then rss_mark=""; else rss_mark="~"; fi

# run_once OUT ERR CMD...: runs CMD with stdout to OUT and stderr to ERR; sets
# wall (seconds), rss_kib and rc.
run_once() {
  local out=$1 err=$2; shift 2
  local t0 t1
  rc=0
  if [[ -z $rss_mark ]]; then
    t0=$EPOCHREALTIME
    "$time_bin" -f '%e %M' -o "$scratch/time" "$@" >"$out" 2>"$err" || rc=$?
    t1=$EPOCHREALTIME
    rss_kib=$(awk 'END { print $2 }' "$scratch/time")
  else
    local pid status nap
    # A FIFO nobody writes to: `read -t` on it sleeps without forking.
    [[ -p $scratch/nap ]] || mkfifo "$scratch/nap"
    exec {nap}<>"$scratch/nap"
    rss_kib=0
    t0=$EPOCHREALTIME
    "$@" >"$out" 2>"$err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      status=""
      read -r -d '' status <"/proc/$pid/status" 2>/dev/null || true
      if [[ $status =~ VmHWM:[[:space:]]+([0-9]+) ]] && (( BASH_REMATCH[1] > rss_kib )); then
        rss_kib=${BASH_REMATCH[1]}
      fi
      read -r -t 0.005 -u "$nap" _ || true
    done
    wait "$pid" || rc=$?
    t1=$EPOCHREALTIME
    exec {nap}<&-
  fi
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
}

# Results, one entry per tool: "label|median wall s|peak RSS KiB" or "label|!note".
declare -a results=()

# measure LABEL OUT CMD...: RUNS runs; keeps the last run's stdout in OUT.
measure() {
  local label=$1 out=$2; shift 2
  local walls=() max_rss=0 i
  for (( i = 0; i < runs; i++ )); do
    run_once "$out" "$scratch/stderr" "$@"
    if (( rc != 0 )); then
      echo "run.sh: $label failed (exit $rc):" >&2
      tail -n 5 "$scratch/stderr" >&2
      results+=("$label|!FAILED (exit $rc)")
      return 0
    fi
    walls+=("$wall")
    if (( rss_kib > max_rss )); then max_rss=$rss_kib; fi
  done
  local median
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  results+=("$label|$median|$max_rss")
}

measure "wc -l" "$scratch/wc.out" wc -l "$trace"
lines=$(awk '{ print $1; exit }' "$scratch/wc.out")

if [[ -x $gcsight ]]; then
  measure "gcsight analyze --format json" /dev/null "$gcsight" analyze --format json "$trace"
else
  echo "skip: gcsight not found at $gcsight (build it, or set GCSIGHT)" >&2
  results+=("gcsight analyze --format json|!skipped: no binary at $gcsight")
fi

naive_note=""
if (( skip_naive )); then
  results+=("naive_regex.py|!skipped (--skip-naive)")
elif ! command -v python3 >/dev/null; then
  results+=("naive_regex.py|!skipped: no python3")
else
  measure "naive_regex.py" "$scratch/naive.out" python3 bench/naive_regex.py "$trace"
  if [[ -s $scratch/naive.out ]]; then
    naive_cycles=$(awk '{ print $2 }' "$scratch/naive.out")
    truth_cycles=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cycles"])' "$truth")
    naive_note="naive_regex.py found $naive_cycles of $truth_cycles cycles (it cannot re-join split gc lines)"
  fi
fi

# ---------------------------------------------------------------- report

echo
echo "trace:  $trace ($(awk -v b="$trace_bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }'), $lines lines)"
echo "truth:  $(cat "$truth")"
echo "host:   $(nproc) CPUs, $(uname -sr); median of $runs runs, page cache warm"
echo
printf '%-32s %9s %10s %12s %10s\n' "tool" "wall s" "MB/s" "Mlines/s" "RSS MiB"
for r in "${results[@]}"; do
  IFS='|' read -r label median rss <<<"$r"
  if [[ $median == '!'* ]]; then
    printf '%-32s %s\n' "$label" "${median#!}"
  else
    awk -v l="$label" -v w="$median" -v b="$trace_bytes" -v n="$lines" -v r="$rss" -v m="$rss_mark" \
      'BEGIN { if (w <= 0) w = 1e-9
               printf "%-32s %9.3f %10.1f %12.2f %10s\n", l, w, b / 1e6 / w, n / 1e6 / w, m sprintf("%.1f", r / 1024) }'
  fi
  case $label in
    "wc -l") wc_wall=$median ;;
    gcsight*) gcsight_wall=$median ;;
  esac
done
if [[ ${wc_wall:-} != '!'* && ${gcsight_wall:-} != '!'* && -n ${wc_wall:-} && -n ${gcsight_wall:-} ]]; then
  awk -v g="$gcsight_wall" -v w="$wc_wall" 'BEGIN { if (w > 0) printf "gcsight / wc -l: %.1fx the wall time\n", g / w }'
fi
echo
echo "MB = 10^6 bytes; RSS = peak resident set (max over runs${rss_mark:+, ~ = sampled from /proc})."
[[ -n $naive_note ]] && echo "$naive_note"
exit 0
