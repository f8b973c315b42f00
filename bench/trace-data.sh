# Shared by the benchmark scripts (sourced, not run): checks the trace options,
# finds the binaries, and makes or reuses the generated trace.
#
# Before sourcing, the script sets size_mib, runs, format and seed from its
# options. After sourcing it has: root (the repo, also the working directory),
# gcsight, gentrace, data_dir, and the function `ensure_trace`, which sets
# trace and truth and leaves the trace in bench/data/ (git-ignored), generated
# by gcsight-gentrace unless a current copy is there.

bench_name=${0##*/}
die() { echo "$bench_name: $*" >&2; exit 1; }

[[ $size_mib =~ ^[0-9]+$ && $size_mib -gt 0 ]] || { echo "$bench_name: --size wants a whole number of MiB" >&2; exit 2; }
[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || { echo "$bench_name: --runs wants a positive integer" >&2; exit 2; }
[[ $format =~ ^(modern|go1\.19|legacy|go1\.5)$ ]] || { echo "$bench_name: unknown --format '$format'" >&2; exit 2; }
[[ $seed =~ ^[0-9]+$ ]] || { echo "$bench_name: --seed wants a non-negative integer" >&2; exit 2; }
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (EPOCHREALTIME)"

abspath() { if [[ $1 == /* ]]; then printf '%s\n' "$1"; else printf '%s\n' "$PWD/$1"; fi; }
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -n ${GCSIGHT:-} ]]; then gcsight=$(abspath "$GCSIGHT"); else gcsight=$root/build/src/cli/gcsight; fi
if [[ -n ${GENTRACE:-} ]]; then gentrace=$(abspath "$GENTRACE"); else gentrace=$root/build/bench/gcsight-gentrace; fi
cd "$root"
data_dir=bench/data

ensure_trace() {
  trace=$data_dir/trace-$format-${size_mib}MiB-seed$seed.log
  truth=${trace%.log}.truth.json
  mkdir -p "$data_dir"
  if [[ -x $gentrace && ( ! -s $trace || ! -s $truth || $gentrace -nt $trace ) ]]; then
    local need_kib have_kib
    need_kib=$(( size_mib * 1024 * 11 / 10 ))
    have_kib=$(df -Pk "$data_dir" | awk 'NR == 2 { print $4 }')
    [[ -f $trace ]] && have_kib=$(( have_kib + $(du -k "$trace" | cut -f1) ))
    (( have_kib >= need_kib )) || die "not enough disk space in $data_dir: need ${need_kib} KiB"
    echo "generating $trace ..." >&2
    "$gentrace" "$size_mib" --format "$format" --seed "$seed" -o "$trace.tmp" --truth "$truth.tmp"
    mv "$truth.tmp" "$truth"
    mv "$trace.tmp" "$trace"
  elif [[ ! -s $trace ]]; then
    die "no cached trace $trace and no generator at $gentrace (build it: cmake --build build --target gcsight-gentrace, or set GENTRACE)"
  elif [[ ! -x $gentrace ]]; then
    echo "note: generator not found at $gentrace; using the cached $trace" >&2
  fi
}
