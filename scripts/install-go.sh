#!/usr/bin/env bash
# Installs the Go toolchains gcsight's end-to-end tests build their programs with:
# Debian 12's golang-go (1.19) and golang-1.21-go .. golang-1.23-go from
# bookworm-backports. The backports suite is added from the same mirror the
# machine already uses (the URI of the "bookworm" entry of
# /etc/apt/sources.list.d/debian.sources, or of /etc/apt/sources.list), so it
# works behind a local mirror or snapshot. Backports keep apt's default priority
# (100): nothing already installed is upgraded from there, only the versioned
# golang-1.xx-go packages, which exist nowhere else, come from it.
#
# Idempotent; run as root (or it uses sudo). Prints the toolchain paths
# (/usr/lib/go-1.xx/bin/go), one a line, on stdout; progress goes to stderr.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

log() { echo "install-go: $*" >&2; }

backports_file=/etc/apt/sources.list.d/gcsight-backports.sources
versioned=(golang-1.21-go golang-1.22-go golang-1.23-go)

# Prints "URI SIGNED-BY" of the first deb822 stanza whose Suites list "bookworm".
mirror_from_deb822() {
  local f=$1
  awk '
    function flush() {
      if (!found && types ~ /(^| )deb( |$)/ && suites ~ /(^| )bookworm( |$)/ && uri != "") {
        print uri, (signed == "" ? "-" : signed); found = 1
      }
      types = ""; suites = ""; uri = ""; signed = ""
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    tolower($1) == "types:"     { $1 = ""; types = $0 " " }
    tolower($1) == "uris:"      { uri = $2 }
    tolower($1) == "suites:"    { $1 = ""; suites = $0 " " }
    tolower($1) == "signed-by:" { signed = $2 }
    END { flush() }
  ' "$f"
}

# Prints the URI of the first one-line "deb URI bookworm ..." entry.
mirror_from_list() {
  local f=$1
  awk '$1 == "deb" {
         i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
         if ($(i + 1) == "bookworm") { print $i, "-"; exit }
       }' "$f"
}

find_mirror() {
  local f m
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    if [ ! -f "$f" ] || [ "$f" = "$backports_file" ]; then continue; fi
    m=$(mirror_from_deb822 "$f")
    if [ -n "$m" ]; then echo "$m"; return; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    m=$(mirror_from_list "$f")
    if [ -n "$m" ]; then echo "$m"; return; fi
  done
}

mirror=$(find_mirror)
if [ -z "$mirror" ]; then
  log "no 'bookworm' entry found in the apt sources; cannot tell which mirror to use"
  exit 1
fi
read -r uri signed_by <<<"$mirror"
if [ "$signed_by" = "-" ]; then signed_by=/usr/share/keyrings/debian-archive-keyring.gpg; fi

wanted="Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $signed_by"

need_update=0
if [ ! -f "$backports_file" ] || [ "$(cat "$backports_file")" != "$wanted" ]; then
  log "adding bookworm-backports from $uri in $backports_file"
  printf '%s\n' "$wanted" | $SUDO tee "$backports_file" >/dev/null
  need_update=1
fi

# Prints, of the packages named, those apt has a candidate version for (one
# apt-cache call: it takes a second or so each).
with_candidate() {
  apt-cache policy "$@" 2>/dev/null |
    awk '/^[^ ]/ { p = $1; sub(/:$/, "", p) } /Candidate:/ && $2 != "(none)" { print p }'
}

# The package lists may predate the new source (or never have been fetched).
all=(golang-go "${versioned[@]}")
if [ "$need_update" -eq 0 ] && [ "$(with_candidate "${all[@]}" | wc -l)" -ne "${#all[@]}" ]; then
  need_update=1
fi
if [ "$need_update" -eq 1 ]; then
  log "apt-get update"
  $SUDO apt-get update -qq
fi

mapfile -t available < <(with_candidate "${all[@]}")
installable=()
for p in "${all[@]}"; do
  if printf '%s\n' "${available[@]}" | grep -qxF "$p"; then
    installable+=("$p")
  else
    log "$p is not available from the configured mirrors; skipping it"
  fi
done
if [ "${#installable[@]}" -eq 0 ]; then
  log "no Go package available"
  exit 1
fi

missing=()
for p in "${installable[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
else
  log "already installed: ${installable[*]}"
fi

found=0
for go in /usr/lib/go-1.*/bin/go; do
  [ -x "$go" ] || continue
  echo "$go"
  log "$("$go" version)"
  found=1
done
if [ "$found" -eq 0 ]; then
  log "no toolchain found under /usr/lib/go-1.*/bin"
  exit 1
fi
