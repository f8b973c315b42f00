#!/usr/bin/env bash
# Fuzzes the trace parser for a bounded time (CI runs it from scripts/test.sh).
#   fuzz/run.sh [SECONDS]     default 60
# Configures a clang build in build-fuzz/ (libFuzzer + ASan + UBSan), builds
# gcsight_fuzz_parser, and runs it on a scratch copy of fuzz/corpus/ (plus
# fuzz/regressions/, so an input that still fails stops the run at once). Any
# crash/leak/timeout/oom input it finds is copied into fuzz/regressions/, where
# tests/unit/fuzz_regressions_test.cpp replays it, and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

run_seconds="${1:-60}"
build_dir=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DGCSIGHT_BUILD_FUZZ=ON \
  -DGCSIGHT_BUILD_TESTS=OFF -DGCSIGHT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target gcsight_fuzz_parser

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp fuzz/corpus/* "$work/corpus/"
find fuzz/regressions -type f ! -name .gitkeep -exec cp {} "$work/corpus/" \;

status=0
"$build_dir/fuzz/gcsight_fuzz_parser" \
  -max_total_time="$run_seconds" -max_len=4096 -timeout=30 -rss_limit_mb=4096 \
  -dict=fuzz/trace.dict -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" || status=$?

found=0
for f in "$work"/artifacts/crash-* "$work"/artifacts/leak-* "$work"/artifacts/timeout-* \
         "$work"/artifacts/oom-*; do
  [ -e "$f" ] || continue
  cp "$f" fuzz/regressions/
  echo "fuzz: kept $(basename "$f") in fuzz/regressions/" >&2
  found=1
done
if [ "$found" = 1 ] || [ "$status" != 0 ]; then
  echo "fuzz: the parser checks failed (libFuzzer exit status $status)" >&2
  exit 1
fi
echo "fuzz: no failure in ${run_seconds}s" >&2
