#!/usr/bin/env bash
# Size and cost of the HTML report on a large trace.
#
# Generates (once, cached in bench/data/, which git ignores) a synthetic trace
# with gcsight-gentrace, as bench/run.sh does, then times
#   gcsight analyze --format json TRACE                     without the page
#   gcsight analyze --format json --html PAGE TRACE         with it
# and prints the page's size, the two wall times and their difference (the
# cost of the page), and checks the page against the 5 MB goal. The page is
# kept in bench/data/ to be opened in a browser:
#   node tests/browser/html_report_test.mjs --page bench/data/PAGE \
#        --modules build/tests/browser/node_modules --artifacts /tmp/big-page
#
# usage: bench/html-size.sh [--size MIB] [--format F] [--seed N] [--runs N]
#   --size MIB    trace size (default 1024, about 4.8 million cycles)
#   --format F    modern|go1.19|legacy|go1.5 (default modern)
#   --seed N      generator seed (default 1)
#   --runs N      runs of each command, the median is reported (default 1)
# environment:
#   GCSIGHT   gcsight binary   (default build/src/cli/gcsight, from the repo root)
#   GENTRACE  generator binary (default build/bench/gcsight-gentrace)
# Requirements: bash >= 5 (EPOCHREALTIME), coreutils. Installs nothing.

set -euo pipefail

size_mib=1024
format=modern
seed=1
runs=1
limit_bytes=5000000

usage() { sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --size) size_mib=${2:?--size needs a value}; shift 2 ;;
    --format) format=${2:?--format needs a value}; shift 2 ;;
    --seed) seed=${2:?--seed needs a value}; shift 2 ;;
    --runs) runs=${2:?--runs needs a value}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "html-size.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
# shellcheck source=bench/trace-data.sh
source "$(dirname "${BASH_SOURCE[0]}")/trace-data.sh"
[[ -x $gcsight ]] || die "no gcsight at $gcsight (build it, or set GCSIGHT)"

ensure_trace
page=$data_dir/report-$format-${size_mib}MiB-seed$seed.html
cat "$trace" >/dev/null  # into the page cache

# median_wall CMD...: runs CMD `runs` times (stdout discarded), prints the median wall seconds.
median_wall() {
  local walls=() t0 t1 i
  for (( i = 0; i < runs; i++ )); do
    t0=$EPOCHREALTIME
    "$@" >/dev/null
    t1=$EPOCHREALTIME
    walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')")
  done
  printf '%s\n' "${walls[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

without=$(median_wall "$gcsight" analyze --format json "$trace")
with=$(median_wall "$gcsight" analyze --format json --html "$page" "$trace")
page_bytes=$(stat -c %s "$page")
cycles=$(grep -o '"cycles": *[0-9]*' "$truth" | head -1 | grep -o '[0-9]*$' || echo "?")

echo
echo "trace:  $trace ($(awk -v b="$(stat -c %s "$trace")" 'BEGIN { printf "%.1f MiB", b / 1048576 }'), $cycles cycles)"
echo "page:   $page"
printf '%-34s %10s\n' "" "wall s"
printf '%-34s %10s\n' "analyze --format json" "$without"
printf '%-34s %10s\n' "analyze --format json --html" "$with"
awk -v a="$without" -v b="$with" 'BEGIN { printf "%-34s %10.3f\n", "the page alone (difference)", b - a }'
awk -v s="$page_bytes" -v l="$limit_bytes" 'BEGIN {
  printf "page size: %d bytes (%.2f MB); goal <= %.0f MB: %s\n", s, s / 1e6, l / 1e6, s <= l ? "met" : "NOT MET" }'
(( page_bytes <= limit_bytes ))
