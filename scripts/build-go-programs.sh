#!/usr/bin/env bash
# Builds every Go program of the repository (examples/*, tests/e2e/programs/*:
# each a directory with its own go.mod) with every Go toolchain installed under
# /usr/lib/go-1.*/ (scripts/install-go.sh installs them), into
#   OUT_DIR/go1.XX/<program>
# Offline and self-contained: standard library only, no module proxy, no
# toolchain switching, the build and module caches inside OUT_DIR (so it works
# as root on a fresh machine with HOME unset), -trimpath and no VCS stamping
# (the binaries do not depend on where the checkout is or who owns it).
# A toolchain gcsight expects but that is not installed is skipped with a
# message; any build failure fails the script.
#   scripts/build-go-programs.sh build/go-programs
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: $0 OUT_DIR" >&2
  exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)

log() { echo "build-go-programs: $*" >&2; }

# The toolchains the test corpus was recorded with (see scripts/install-go.sh).
expected=(1.19 1.21 1.22 1.23)

toolchains=()
for v in "${expected[@]}"; do
  if [ -x "/usr/lib/go-$v/bin/go" ]; then
    toolchains+=("/usr/lib/go-$v/bin/go")
  else
    log "skipping go$v: /usr/lib/go-$v/bin/go is not installed (scripts/install-go.sh installs it)"
  fi
done
for go in /usr/lib/go-1.*/bin/go; do
  [ -x "$go" ] || continue
  case " ${toolchains[*]:-} " in *" $go "*) ;; *) toolchains+=("$go") ;; esac
done
if [ "${#toolchains[@]}" -eq 0 ]; then
  log "no Go toolchain under /usr/lib/go-1.*/bin"
  exit 1
fi

programs=()
for mod in "$repo"/examples/*/go.mod "$repo"/tests/e2e/programs/*/go.mod; do
  [ -f "$mod" ] && programs+=("$(dirname "$mod")")
done
if [ "${#programs[@]}" -eq 0 ]; then
  log "no Go programs found"
  exit 1
fi

mkdir -p "$out/.gocache" "$out/.gopath"
for go in "${toolchains[@]}"; do
  goroot=$(dirname "$(dirname "$go")")  # /usr/lib/go-1.21
  tag=go${goroot##*/go-}                # go1.21
  mkdir -p "$out/$tag"
  for dir in "${programs[@]}"; do
    name=$(basename "$dir")
    # GOROOT is unset so that each toolchain finds its own; GOENV=off ignores any
    # per-user go env file; GOFLAGS replaces, not extends, the caller's.
    (cd "$dir" && env -u GOROOT -u GOBIN -u GOEXPERIMENT \
        GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local GO111MODULE=on GOENV=off \
        GOWORK=off GOTELEMETRY=off \
        GOCACHE="$out/.gocache" GOPATH="$out/.gopath" GOMODCACHE="$out/.gopath/pkg/mod" \
        "$go" build -trimpath -buildvcs=false -o "$out/$tag/$name" .)
    echo "built $out/$tag/$name ($("$go" version | awk '{ print $3 }'))"
  done
done
