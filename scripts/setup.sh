#!/usr/bin/env bash
# Installs everything gcsight needs to build and test on Debian 12, then
# configures and builds it in ./build. Chromium is only for the browser test
# of the HTML report (ctest -L browser); it never downloads a browser. prometheus (its
# binaries, prometheus and promtool) is for the tests of the metrics endpoint, which start
# their own server on loopback (ctest -L prometheus); its system service is not used.
# Idempotent; run as root (or with sudo).
#   scripts/setup.sh            # release build with tests
#   BUILD_DIR=build-asan CMAKE_ARGS="-DGCSIGHT_SANITIZE=ON" scripts/setup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(
  build-essential cmake ninja-build pkg-config
  libfmt-dev libcli11-dev nlohmann-json3-dev libfast-float-dev
  zlib1g-dev libzstd-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  python3 time zstd
  prometheus
  golang-go
  chromium
  tmux
)
# Node.js and npm fetch uPlot for the HTML report and puppeteer-core for its
# browser test at build time (npm ci). Debian's only when there is no npm yet.
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Go toolchains for the end-to-end tests: 1.19 from bookworm, 1.21-1.23 from backports.
scripts/install-go.sh >&2

BUILD_DIR="${BUILD_DIR:-build}"
# The release build (no CMAKE_ARGS) is optimised with a profile of gcsight at
# work, made by scripts/pgo.sh when the sources change; GCSIGHT_PGO=0 skips it.
pgo="-DGCSIGHT_PGO_USE="
if [ "${GCSIGHT_PGO:-1}" != 0 ] && [ -z "${CMAKE_ARGS:-}" ] && [ "${BUILD_TYPE:-RelWithDebInfo}" = RelWithDebInfo ] &&
  "${CXX:-c++}" -v 2>&1 | grep -q '^gcc version'; then
  pgo="-DGCSIGHT_PGO_USE=$(scripts/pgo.sh "$BUILD_DIR")"
fi
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$pgo" ${CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)"
