#!/usr/bin/env bash
# Regenerates tests/golden/ from the current build (the cases are listed in
# tests/unit/cli_test.cpp). Read the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${GCSIGHT:-$(pwd)/build/src/cli/gcsight}"
cases=$(sed -n 's/^    {"\([^"]*\)", "\(.*\)"},$/\1|\2/p' tests/unit/cli_test.cpp)
cd tests/data
while IFS='|' read -r name args; do
  [ -n "$name" ] || continue
  columns=100
  case "$name" in *-60) columns=60 ;; esac
  env -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 COLUMNS=$columns bash -c "'$bin' analyze --color never $args" > "../golden/$name.txt"
  bash -c "'$bin' analyze --format json $args" > "../golden/$name.json"
  echo "updated $name"
done <<< "$cases"
