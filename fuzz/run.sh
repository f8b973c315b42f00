#!/usr/bin/env bash
# Fuzzes the trace parser for a bounded time (CI runs it from scripts/test.sh).
#   fuzz/run.sh [SECONDS]     default 60
# Configures a clang build in build-fuzz/ (libFuzzer + ASan + UBSan), builds
# gcsight_fuzz_parser, replays fuzz/regressions/ (an input kept there that still
# fails stops here), then fuzzes a scratch copy of fuzz/corpus/ + fuzz/regressions/
# with -max_total_time=SECONDS -max_len=4096. Any crash/leak/timeout/oom input
# found is copied into fuzz/regressions/, where tests/unit/fuzz_regressions_test.cpp
# replays it, and the script exits 1.
set -euo pipefail
cd "$(dirname "$0")/.."

run_seconds="${1:-60}"
build_dir=build-fuzz
fuzzer="$build_dir/fuzz/gcsight_fuzz_parser"

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -G Ninja -DGCSIGHT_BUILD_FUZZ=ON \
  -DGCSIGHT_BUILD_TESTS=OFF -DGCSIGHT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target gcsight_fuzz_parser

mapfile -t kept < <(find fuzz/regressions -type f ! -name .gitkeep | sort)
if [ "${#kept[@]}" -gt 0 ]; then
  if ! "$fuzzer" "${kept[@]}" >"$build_dir/regressions.log" 2>&1; then
    grep -A8 -E "check failed|ERROR:|runtime error" "$build_dir/regressions.log" >&2 || true
    echo "fuzz: an input in fuzz/regressions/ still fails (log: $build_dir/regressions.log)" >&2
    exit 1
  fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/corpus" "$work/artifacts"
cp fuzz/corpus/* "$work/corpus/"
if [ "${#kept[@]}" -gt 0 ]; then cp "${kept[@]}" "$work/corpus/"; fi

status=0
started=$SECONDS
# CI runs a fixed seed and a fixed number of inputs (FUZZ_SEED, FUZZ_RUNS), so
# its verdict does not depend on the machine's speed; SECONDS caps the time.
"$fuzzer" -seed="${FUZZ_SEED:-1}" -runs="${FUZZ_RUNS:--1}" -max_total_time="$run_seconds" -max_len=4096 \
  -timeout=30 -rss_limit_mb=4096 \
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
if [ "${FUZZ_RUNS:--1}" = -1 ]; then inputs="inputs until the cap"; else inputs="$FUZZ_RUNS inputs"; fi
echo "fuzz: no failure: $inputs (seed ${FUZZ_SEED:-1}) in $((SECONDS - started)) s, cap ${run_seconds} s" >&2
