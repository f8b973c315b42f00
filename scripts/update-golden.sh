#!/usr/bin/env bash
# Regenerates tests/golden/ from the current build (the cases are listed in
# tests/unit/cli_test.cpp, kGoldens). Read the diff before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${GCSIGHT:-$(pwd)/build/src/cli/gcsight}"
# One case per line as name|args; a case's args may go on over several string literals.
cases=$(python3 -c '
import re
src = open("tests/unit/cli_test.cpp").read()
body = src[src.index("constexpr Golden kGoldens[] = {"):]
body = body[:body.index("};")]
lit = r"\"((?:[^\"\\\\]|\\\\.)*)\""
for m in re.finditer(r"\{" + lit + r",((?:\s*" + lit + r")+)\}", body):
    print(m.group(1) + "|" + "".join(re.findall(lit, m.group(2))))
')
cd tests/data
while IFS='|' read -r name args; do
  [ -n "$name" ] || continue
  columns=100
  case "$name" in *-60) columns=60 ;; esac
  command=analyze
  case "$name" in compare-*) command=compare ;; esac
  # compare exits 1 when a threshold is crossed: not a failure here.
  env -u LC_ALL -u LC_CTYPE LANG=C.UTF-8 COLUMNS=$columns bash -c "'$bin' $command --color never $args" \
    > "../golden/$name.txt" || [ $? = 1 ]
  bash -c "'$bin' $command --format json $args" > "../golden/$name.json" || [ $? = 1 ]
  echo "updated $name"
done <<< "$cases"
