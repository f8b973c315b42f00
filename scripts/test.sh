#!/usr/bin/env bash
# Sets up, builds and runs every test: the unit and corpus suite, then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, then a
# bounded fuzzing session of the parser (FUZZ_SECONDS, default 60; 0 skips).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_ARGS="-DGCSIGHT_SANITIZE=ON -DGCSIGHT_BUILD_BENCH=OFF" scripts/setup.sh
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
fi

if [ "${FUZZ_SECONDS:-120}" != 0 ] && [ -x fuzz/run.sh ]; then
  FUZZ_RUNS="${FUZZ_RUNS:-60000}" fuzz/run.sh "${FUZZ_SECONDS:-120}"
fi
