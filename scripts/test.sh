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
  GCSIGHT_SKIP_LONG_E2E=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
fi

# A fixed seed and a fixed number of inputs: the same verdict on every run of
# the same code (the time cap is only a safety net).
if [ "${FUZZ_SECONDS:-600}" != 0 ] && [ -x fuzz/run.sh ]; then
  FUZZ_RUNS="${FUZZ_RUNS:-5000}" fuzz/run.sh "${FUZZ_SECONDS:-600}"
fi
