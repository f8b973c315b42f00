#!/usr/bin/env python3
"""The baseline gcsight is measured against: what one would write in ten
minutes. One `re` pattern per line, anchored at the start, no re-joining of gc
lines split by program output (so it misses those cycles), no scav lines.
It extracts every field, as a real parser must, and sums the STW pause.

usage: naive_regex.py TRACE
prints: cycles N forced F stw_pause_ns T
"""
import re
import sys

GC = re.compile(
    r"gc (\d+) @(\d+\.\d+)s (\d+)%: ([\d.+]+) ms clock, ([\d.+/]+) ms cpu, "
    r"(\d+)->(\d+)->(\d+) MB, (\d+) MB goal, (?:(\d+) MB stacks, (\d+) MB globals, )?"
    r"(\d+) P( \(forced\))?$")


def main():
    cycles = forced = pause_ns = 0
    with open(sys.argv[1], encoding="utf-8", errors="replace") as f:
        for line in f:
            m = GC.match(line.rstrip("\n"))
            if not m:
                continue
            cycles += 1
            clock = m.group(4).split("+")
            pause_ns += round((float(clock[0]) + float(clock[-1])) * 1e6)
            if m.group(13):
                forced += 1
    print("cycles %d forced %d stw_pause_ns %d" % (cycles, forced, pause_ns))


if __name__ == "__main__":
    main()
