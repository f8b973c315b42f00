#!/usr/bin/env bash
# Sets up, builds, and analyses the bundled seed traces: the classic
# "top says 830 MB but the heap is empty" investigation, done by gcsight.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh >&2
exec build/src/cli/gcsight analyze tests/data/seed/trace-1.log tests/data/seed/trace-2.log "$@"
