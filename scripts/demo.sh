#!/usr/bin/env bash
# Sets up, builds the bundled example (examples/memtest: fills ~800 MiB in a
# function, returns, runtime.GC(), idles) with an installed Go toolchain, and
# runs it under `gcsight run`: the seed's "top says 1 GB but the heap is empty"
# investigation, done live.
#
#   scripts/demo.sh          short: idles 15 s (Go 1.19 usually returns the memory
#                            in that time; later Go keeps it: gcsight says which)
#   scripts/demo.sh --full   idles 150 s, past the runtime's periodic GC at ~2 min,
#                            with Go 1.22: RSS held ~2 minutes, then returned
#   scripts/demo.sh --seed   analyses the two seed trace excerpts (old Go, scvg lines)
#
# GO_VERSION=1.21 (1.19, 1.21, 1.22, 1.23) picks the toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2

idle=15
go_version=${GO_VERSION:-1.19}
case "${1:-}" in
  --full) idle=150; go_version=${GO_VERSION:-1.22} ;;
  --seed) exec build/src/cli/gcsight analyze tests/data/seed/trace-1.log tests/data/seed/trace-2.log ;;
  "") ;;
  *) echo "usage: $0 [--full|--seed]" >&2; exit 2 ;;
esac
prog=build/go-programs/go$go_version/memtest
if [ ! -x "$prog" ]; then
  echo "demo: $prog was not built (is Go $go_version installed? scripts/install-go.sh)" >&2
  exit 1
fi
echo "demo: gcsight run -- $prog   (MEMTEST_MB=800 IDLE_SECONDS=$idle)" >&2
MEMTEST_MB=800 IDLE_SECONDS=$idle exec build/src/cli/gcsight run -- "$prog"
