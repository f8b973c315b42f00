#!/usr/bin/env bash
# Sets up, builds and runs every test: the unit and corpus suite, then the
# same suite under AddressSanitizer + UndefinedBehaviorSanitizer, then the
# tests of the threaded reader under ThreadSanitizer, then a bounded fuzzing
# session of the parser (FUZZ_SECONDS, default 600; 0 skips).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"

if [ "${SKIP_SANITIZERS:-0}" != 1 ]; then
  BUILD_DIR=build-asan BUILD_TYPE=Debug CMAKE_ARGS="-DGCSIGHT_SANITIZE=ON -DGCSIGHT_BUILD_BENCH=OFF" scripts/setup.sh
  GCSIGHT_SKIP_LONG_E2E=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$(nproc)"
  # The chunk workers and the consumer that parses with them, on files,
  # streams and rotated sets: any data race fails the test.
  BUILD_DIR=build-tsan CMAKE_ARGS="-DGCSIGHT_TSAN=ON" scripts/setup.sh
  TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j"$(nproc)" \
    -R '^(ChunkedReader\.|Cli\.APipe|RotatedLogs\.)'
fi

# A fixed seed and a fixed number of inputs, so that the verdict does not hang
# on the machine's speed (the time cap is only a safety net). It is not quite
# repeatable: two runs of the same code have met different inputs.
if [ "${FUZZ_SECONDS:-600}" != 0 ] && [ -x fuzz/run.sh ]; then
  FUZZ_RUNS="${FUZZ_RUNS:-5000}" fuzz/run.sh "${FUZZ_SECONDS:-600}"
fi
