#!/usr/bin/env python3
"""Independent check of gcsight-gentrace: re-reads a generated trace with plain
regexes, re-joins gc lines that application output split, recomputes every
field of the --truth JSON and compares. Also checks the model's invariants
(H0 <= H1, H2 <= H1, gc numbers 1..N without gaps, `@` never going back,
`GC forced` followed by an unsuffixed gc line).

usage: check_gentrace.py TRACE TRUTH_JSON [--format modern|go1.19|legacy|go1.5]

Exit status 0 when everything matches. Slow (pure Python): use it on traces of
a few tens of MiB.
"""
import argparse
import json
import re
import sys

# Where an application line starts: the styles gcsight-gentrace writes.
APP_START = re.compile(
    rb'\d{4}/\d\d/\d\d \d\d:\d\d:\d\d |\{"level":"|time=\d{4}-\d\d-\d\dT|processed \d+ records in ')

DUR = rb"(\d+(?:\.\d+)?)"
GC_3 = re.compile(
    rb"gc (\d+) @(\d+)\.(\d{3})s (\d+)%: " + DUR + rb"\+" + DUR + rb"\+" + DUR + rb" ms clock, "
    + DUR + rb"\+" + DUR + rb"/" + DUR + rb"/" + DUR + rb"\+" + DUR + rb" ms cpu, "
    rb"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?(\d+) P( \(forced\))?")
GC_5 = re.compile(
    rb"gc (\d+) @(\d+)\.(\d{3})s (\d+)%: " + DUR + (rb"\+" + DUR) * 4 + rb" ms clock, "
    + DUR + (rb"\+" + DUR) * 3 + rb"/" + DUR + rb"/" + DUR + rb"\+" + DUR + rb" ms cpu, "
    rb"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (\d+) P( \(forced\))?")
SCAV = {
    "modern": re.compile(rb"scav \d+ KiB work \(bg\), \d+ KiB work \(eager\), \d+ KiB now, \d+% util"
                         rb"(?: \(forced\)| \[controller reset\])?"),
    "go1.19": re.compile(rb"scav \d+ KiB work, \d+ KiB total, \d+% util(?: \(forced\)| \[controller reset\])?"),
}
SCVG = re.compile(rb"scvg-?\d+: (?:\d+ MB released|inuse: \d+, idle: \d+, sys: \d+, released: \d+, consumed: \d+ \(MB\))")


def ms_to_ns(text):
    if b"." not in text:
        return int(text) * 1_000_000
    ip, frac = text.split(b".")
    return int(ip) * 1_000_000 + int(frac) * 10 ** (6 - len(frac))


def runtime_lines(data, counts):
    """Yields the runtime lines with application output removed."""
    pending = b""
    split = False
    for raw in data.split(b"\n")[:-1]:
        m = APP_START.search(raw)
        if m:
            counts["app_lines"] += 1
            if m.start() > 0:
                pending += raw[: m.start()]
                split = True
            continue
        yield pending + raw, split
        pending = b""
        split = False
    assert pending == b"", "trace ends inside a runtime line"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("truth")
    ap.add_argument("--format", default="modern", choices=["modern", "go1.19", "legacy", "go1.5"])
    a = ap.parse_args()
    data = open(a.trace, "rb").read()
    truth = json.load(open(a.truth))
    assert data.endswith(b"\n"), "trace does not end with a newline"

    gc_re = GC_5 if a.format == "go1.5" else GC_3
    nclock = 5 if a.format == "go1.5" else 3
    scav_re = SCAV.get(a.format, SCVG)
    c = dict(cycles=0, user_forced_cycles=0, periodic_gc_forced_lines=0, scav_lines=0,
             app_lines=0, split_gc_lines=0, stw_pause_ns_total=0)
    live = []
    last_n, last_ms, after_gc_forced, first = 0, -1, False, None
    errors = []
    for line, split in runtime_lines(data, c):
        if line == b"GC forced":
            c["periodic_gc_forced_lines"] += 1
            after_gc_forced = True
            continue
        if scav_re.fullmatch(line):
            c["scav_lines"] += 1
            continue
        m = gc_re.fullmatch(line)
        if not m:
            errors.append("not a runtime line: %r" % line[:200])
            continue
        g = m.groups()
        n = int(g[0])
        first = n if first is None else first
        if n != last_n + 1:
            errors.append("gc %d after gc %d" % (n, last_n))
        ms = int(g[1]) * 1000 + int(g[2])
        if ms < last_ms:
            errors.append("gc %d: @ goes back" % n)
        last_n, last_ms = n, ms
        clocks = g[4:4 + nclock]
        c["stw_pause_ns_total"] += ms_to_ns(clocks[0]) + ms_to_ns(clocks[-1])
        base = 4 + nclock + nclock + 2
        h0, h1, h2 = int(g[base]), int(g[base + 1]), int(g[base + 2])
        if not (h0 <= h1 and h2 <= h1):
            errors.append("gc %d: heap %d->%d->%d" % (n, h0, h1, h2))
        forced = g[-1] is not None
        if after_gc_forced and forced:
            errors.append("gc %d: periodic cycle marked (forced)" % n)
        after_gc_forced = False
        c["cycles"] += 1
        c["user_forced_cycles"] += forced
        c["split_gc_lines"] += split
        live.append(h2 << 20)

    got = dict(c, first_gc=first, last_gc=last_n, bytes=len(data),
               live_heap_bytes=dict(min=min(live), max=max(live), last=live[-1]))
    for k in sorted(set(truth) | set(got)):
        if truth.get(k) != got.get(k):
            errors.append("%s: truth %r, trace %r" % (k, truth.get(k), got.get(k)))
    for e in errors[:20]:
        print("check_gentrace:", e, file=sys.stderr)
    if errors:
        print("check_gentrace: %d problems" % len(errors), file=sys.stderr)
        return 1
    print("check_gentrace: ok: %d cycles, %d split, %d app lines, %d scav lines"
          % (c["cycles"], c["split_gc_lines"], c["app_lines"], c["scav_lines"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
