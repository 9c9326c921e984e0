#!/usr/bin/env python3
"""Compare two `list` outputs modulo how external address ranges are cut.

Both sides are split into the same atomic address ranges (the union of every range
boundary on either side), so adjacent ranges with identical connectivity compare equal
whether or not a tool merged them. Prints the normalized difference, one line each:
"- LINE" (only in EXPECTED) or "+ LINE" (only in ACTUAL), sorted; nothing when equal.
usage: compare.py EXPECTED ACTUAL
"""
import ipaddress
import re
import sys

EXT = re.compile(r"^(?P<lo>[0-9a-fA-F.:]+)(-(?P<hi>[0-9a-fA-F.:]+))?\[External\]$")


def parse(path):
    lines = []
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if not raw.strip():
                continue
            left, conn = raw.split(" : ", 1)
            src, dst = left.split(" => ", 1)
            lines.append((src, dst, conn))
    return lines


def ext_range(name):
    m = EXT.match(name)
    if not m:
        return None
    lo = ipaddress.ip_address(m.group("lo"))
    hi = ipaddress.ip_address(m.group("hi") or m.group("lo"))
    return (lo.version, int(lo), int(hi))


def main():
    exp, act = parse(sys.argv[1]), parse(sys.argv[2])
    cuts = {4: set(), 6: set()}
    for lines in (exp, act):
        for src, dst, _ in lines:
            for name in (src, dst):
                r = ext_range(name)
                if r:
                    cuts[r[0]].add(r[1])
                    cuts[r[0]].add(r[2] + 1)
    sorted_cuts = {v: sorted(c) for v, c in cuts.items()}

    def atoms(name):
        r = ext_range(name)
        if not r:
            return [name]
        v, lo, hi = r
        pts = [c for c in sorted_cuts[v] if lo < c <= hi] + [hi + 1]
        out, start = [], lo
        for p in pts:
            if p > start:
                mk = ipaddress.IPv6Address if v == 6 else ipaddress.IPv4Address
                a, b = mk(start), mk(p - 1)
                out.append(f"{a}-{b}[External]" if a != b else f"{a}[External]")
                start = p
        return out

    def norm(lines):
        s = set()
        for src, dst, conn in lines:
            for a in atoms(src):
                for b in atoms(dst):
                    s.add(f"{a} => {b} : {conn}")
        return s

    e, a = norm(exp), norm(act)
    out = [f"- {x}" for x in e - a] + [f"+ {x}" for x in a - e]
    out.sort(key=lambda x: (x[2:], x[0]))
    for x in out:
        print(x)


if __name__ == "__main__":
    main()
