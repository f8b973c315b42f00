#!/usr/bin/env bash
# gcsight throughput benchmark.
#
# Generates (once, cached in bench/data/, which git ignores) a synthetic trace
# with gcsight-gentrace, warms the page cache with it, then times, in RUNS
# rounds of this one invocation (each round runs every tool once, in turn, so
# that a machine that gets busier or quieter weighs on every tool alike):
#   wc -l TRACE                                  the floor: reading the bytes
#   gcsight analyze --format json TRACE          the thing being measured
#   python3 bench/naive_regex.py TRACE           the baseline: one regex per line
# and prints the median wall time, MB/s (10^6 bytes), lines/s, the median CPU
# time (user + system, every core), and peak RSS, and gcsight's wall time as a
# multiple of `wc -l`'s. On a shared machine the CPU time is the steadier
# figure: it says how much work a tool does, the wall time how long it took.
#
# usage: bench/run.sh [--size MIB] [--runs N] [--format F] [--seed N] [--skip-naive]
#   --size MIB    trace size (default 1024)
#   --runs N      rounds, the median is reported (default 3)
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
# /usr/bin/time for peak RSS and CPU time. Debian's `time` package provides
# it; installing it is the job of the project's setup script, not of this
# script, which installs nothing. Without /usr/bin/time the script falls back
# to polling VmHWM in /proc/PID/status every 5 ms (marked "~": it sees the
# process itself, not its children, and the wall time can be a few ms long),
# and shows no CPU time.

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
# wall (seconds), cpu (user + system seconds, "-" when unknown), rss_kib and rc.
run_once() {
  local out=$1 err=$2; shift 2
  local t0 t1
  rc=0
  cpu=-
  if [[ -z $rss_mark ]]; then
    t0=$EPOCHREALTIME
    "$time_bin" -f '%e %M %U %S' -o "$scratch/time" "$@" >"$out" 2>"$err" || rc=$?
    t1=$EPOCHREALTIME
    rss_kib=$(awk 'END { print $2 }' "$scratch/time")
    cpu=$(awk 'END { printf "%.2f", $3 + $4 }' "$scratch/time")
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

# The tools, in the order of a round: tool_label[i], tool_out[i] (where its
# last run's stdout goes) and the array tool_cmd_i (its command). A tool that
# cannot run has a note instead of a command ("!..."), and one that failed
# stops being run.
tool_label=() tool_out=() tool_note=()
add_tool() {  # add_tool LABEL OUT CMD...
  local i=${#tool_label[@]}
  tool_label+=("$1") tool_out+=("$2") tool_note+=("")
  shift 2
  declare -g -a "tool_cmd_$i"
  local -n cmd="tool_cmd_$i"
  # shellcheck disable=SC2034  # cmd names tool_cmd_$i
  cmd=("$@")
}
add_skipped() {  # add_skipped LABEL NOTE
  tool_label+=("$1") tool_out+=(/dev/null) tool_note+=("!$2")
}

add_tool "wc -l" "$scratch/wc.out" wc -l "$trace"
if [[ -x $gcsight ]]; then
  add_tool "gcsight analyze --format json" /dev/null "$gcsight" analyze --format json "$trace"
else
  echo "skip: gcsight not found at $gcsight (build it, or set GCSIGHT)" >&2
  add_skipped "gcsight analyze --format json" "skipped: no binary at $gcsight"
fi
if (( skip_naive )); then
  add_skipped "naive_regex.py" "skipped (--skip-naive)"
elif ! command -v python3 >/dev/null; then
  add_skipped "naive_regex.py" "skipped: no python3"
else
  add_tool "naive_regex.py" "$scratch/naive.out" python3 bench/naive_regex.py "$trace"
fi

# Per tool, the walls and CPU times of its runs ("a b c") and its peak RSS.
tool_walls=() tool_cpus=() tool_rss=()
for (( r = 0; r < runs; r++ )); do
  for i in "${!tool_label[@]}"; do
    [[ -z ${tool_note[i]} ]] || continue
    cmd_ref="tool_cmd_${i}[@]"
    run_once "${tool_out[i]}" "$scratch/stderr" "${!cmd_ref}"
    if (( rc != 0 )); then
      echo "run.sh: ${tool_label[i]} failed (exit $rc):" >&2
      tail -n 5 "$scratch/stderr" >&2
      tool_note[i]="!FAILED (exit $rc)"
      continue
    fi
    tool_walls[i]="${tool_walls[i]:-} $wall"
    tool_cpus[i]="${tool_cpus[i]:-} $cpu"
    if (( rss_kib > ${tool_rss[i]:-0} )); then tool_rss[i]=$rss_kib; fi
  done
done

# median WORDS...: the median of the numbers (the lower middle one of an even count); "-" for "-".
median() {
  [[ $1 == - ]] && { echo -; return; }
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

lines=$(awk '{ print $1; exit }' "$scratch/wc.out")
naive_note=""
for i in "${!tool_label[@]}"; do
  if [[ ${tool_label[i]} == naive_regex.py && -z ${tool_note[i]} && -s $scratch/naive.out ]]; then
    naive_cycles=$(awk '{ print $2 }' "$scratch/naive.out")
    truth_cycles=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cycles"])' "$truth")
    naive_note="naive_regex.py found $naive_cycles of $truth_cycles cycles (it cannot re-join split gc lines)"
  fi
done

# ---------------------------------------------------------------- report

echo
echo "trace:  $trace ($(awk -v b="$trace_bytes" 'BEGIN { printf "%.1f MiB", b / 1048576 }'), $lines lines)"
echo "truth:  $(cat "$truth")"
echo "host:   $(nproc) CPUs, $(uname -sr); median of $runs rounds, page cache warm"
echo
printf '%-32s %9s %10s %12s %8s %10s\n' "tool" "wall s" "MB/s" "Mlines/s" "CPU s" "RSS MiB"
for i in "${!tool_label[@]}"; do
  label=${tool_label[i]}
  if [[ -n ${tool_note[i]} ]]; then
    printf '%-32s %s\n' "$label" "${tool_note[i]#!}"
    continue
  fi
  # shellcheck disable=SC2086  # the runs' figures are words
  wall=$(median ${tool_walls[i]})
  # shellcheck disable=SC2086
  cpu=$(median ${tool_cpus[i]})
  awk -v l="$label" -v w="$wall" -v c="$cpu" -v b="$trace_bytes" -v n="$lines" -v r="${tool_rss[i]:-0}" -v m="$rss_mark" \
    'BEGIN { if (w <= 0) w = 1e-9
             printf "%-32s %9.3f %10.1f %12.2f %8s %10s\n", l, w, b / 1e6 / w, n / 1e6 / w, c, m sprintf("%.1f", r / 1024) }'
  case $label in
    "wc -l") wc_wall=$wall ;;
    gcsight*) gcsight_wall=$wall ;;
  esac
done
if [[ -n ${wc_wall:-} && -n ${gcsight_wall:-} ]]; then
  awk -v g="$gcsight_wall" -v w="$wc_wall" 'BEGIN { if (w > 0) printf "gcsight / wc -l: %.1fx the wall time\n", g / w }'
fi
echo
echo "MB = 10^6 bytes; CPU = user + system time of every core; RSS = peak resident set (max over runs${rss_mark:+, ~ = sampled from /proc})."
[[ -n $naive_note ]] && echo "$naive_note"
exit 0
