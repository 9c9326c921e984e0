#!/usr/bin/env python3
"""Compare two `diff` outputs (netpol-analyzer's text grammar) modulo range cutting.

On both sides, rows that differ only in an external address range are merged into the
largest ranges they cover, so two outputs that cut the address space differently but
say the same thing of every address compare equal. Prints the normalized difference, one line each:
"- LINE" (only in EXPECTED) or "+ LINE" (only in ACTUAL), sorted; then "! ..." lines for
what is wrong with ACTUAL's form on its own: a line that does not parse, rows out of
netpol-analyzer's order (changed, added, removed; each sorted), a missing or stray
"Connectivity diff:" header. Prints nothing when the two agree.
usage: compare.py EXPECTED ACTUAL
       compare.py --lists OLD_LIST NEW_LIST ACTUAL
The second form derives the expected diff from two `list` outputs (every allowed
connection of each side) and compares ACTUAL with it, workloads-diff-info left out
(a list does not show endpoints without connections).
Rows of ACTUAL from a workload to itself are left out: neither netpol-analyzer's diff
nor `list` has them.
"""
import ipaddress
import re
import sys

HEADER = "Connectivity diff:"
EXT = re.compile(r"^(?P<lo>[0-9a-fA-F.:]+)(-(?P<hi>[0-9a-fA-F.:]+))?\[External\]$")
LINE = re.compile(
    r"^diff-type: (?P<type>changed|added|removed), source: (?P<src>[^,]+), "
    r"destination: (?P<dst>[^,]+), ref1: (?P<ref1>.+?), ref2: (?P<ref2>.+?)"
    r"(, workloads-diff-info: (?P<info>.+))?$"
)
ORDER = {"changed": 0, "added": 1, "removed": 2}


def parse(path, problems):
    rows, raw_lines = [], []
    with open(path) as f:
        lines = [x.rstrip("\n") for x in f]
    body = [x for x in lines if x.strip()]
    if body and body[0] == HEADER:
        body = body[1:]
    elif body:
        problems.append(f"! missing header {HEADER!r}")
    elif lines:
        problems.append("! header or blank lines without any row")
    for x in body:
        m = LINE.match(x)
        if not m:
            problems.append(f"! unparsable: {x}")
            continue
        rows.append((m["type"], m["src"], m["dst"], m["ref1"], m["ref2"], m["info"] or ""))
        raw_lines.append(x)
    key = [(ORDER[r[0]], line) for r, line in zip(rows, raw_lines)]
    for i in range(1, len(key)):
        if key[i] < key[i - 1]:
            problems.append(f"! out of order: {raw_lines[i]}")
    return rows


def parse_list(path):
    out = {}
    with open(path) as f:
        for raw in f:
            raw = raw.rstrip("\n")
            if raw.strip():
                left, conn = raw.split(" : ", 1)
                src, dst = left.split(" => ", 1)
                out[(src, dst)] = conn
    return out


def ext_range(name):
    m = EXT.match(name)
    if not m:
        return None
    lo = ipaddress.ip_address(m.group("lo"))
    hi = ipaddress.ip_address(m.group("hi") or m.group("lo"))
    return (lo.version, int(lo), int(hi))


def rows_from_lists(old, new):
    """The diff rows two lists imply, on the common refinement of their ranges."""
    cuts = {4: set(), 6: set()}
    for lst in (old, new):
        for pair in lst:
            for name in pair:
                e = ext_range(name)
                if e:
                    cuts[e[0]].update((e[1], e[2] + 1))

    def atoms(name):
        e = ext_range(name)
        if not e:
            return [name]
        v, lo, hi = e
        pts = sorted(c for c in cuts[v] if lo < c <= hi) + [hi + 1]
        out, start = [], lo
        for q in pts:
            a, b = ipaddress.ip_address(start), ipaddress.ip_address(q - 1)
            out.append(f"{a}-{b}[External]")
            start = q
        return out

    def atomized(lst):
        return {(a, b): c for (s, d), c in lst.items() for a in atoms(s) for b in atoms(d)}

    o, n = atomized(old), atomized(new)
    rows = []
    for key in sorted(set(o) | set(n)):
        c1, c2 = o.get(key, "No Connections"), n.get(key, "No Connections")
        if c1 == c2:
            continue
        t = "added" if key not in o else "removed" if key not in n else "changed"
        rows.append((t, key[0], key[1], c1, c2, ""))
    return rows


def main():
    ignored = []
    problems = []
    if sys.argv[1] == "--lists":
        exp = rows_from_lists(parse_list(sys.argv[2]), parse_list(sys.argv[3]))
        act = [r[:5] + ("",) for r in parse(sys.argv[4], problems)]
    else:
        exp = parse(sys.argv[1], ignored)
        act = parse(sys.argv[2], problems)
    def fmt(v, lo, hi):
        a, b = ipaddress.ip_address(lo), ipaddress.ip_address(hi)
        return f"{a}-{b}[External]" if a != b else f"{a}[External]"

    def norm(rows):
        """Rows as a set of lines, each address range grown to the largest range whose
        rows agree (same type, other end, ref1, ref2, info): a canonical form."""
        s, groups = set(), {}
        for t, src, dst, r1, r2, info in rows:
            tail = f", workloads-diff-info: {info}" if info else ""
            rs, rd = ext_range(src), ext_range(dst)
            if rs and not rd:
                groups.setdefault(("src", dst, t, r1, r2, tail, rs[0]), []).append(rs[1:])
            elif rd and not rs:
                groups.setdefault(("dst", src, t, r1, r2, tail, rd[0]), []).append(rd[1:])
            else:
                s.add(f"diff-type: {t}, source: {src}, destination: {dst}, "
                      f"ref1: {r1}, ref2: {r2}{tail}")
        for (role, other, t, r1, r2, tail, v), ranges in groups.items():
            merged = []
            for lo, hi in sorted(ranges):
                if merged and lo <= merged[-1][1] + 1:
                    merged[-1][1] = max(merged[-1][1], hi)
                else:
                    merged.append([lo, hi])
            for lo, hi in merged:
                ext = fmt(v, lo, hi)
                src, dst = (ext, other) if role == "src" else (other, ext)
                s.add(f"diff-type: {t}, source: {src}, destination: {dst}, "
                      f"ref1: {r1}, ref2: {r2}{tail}")
        return s

    # npcheck's diff compares a workload with itself (traffic between two of its pods);
    # netpol-analyzer's diff and `list` leave those rows out, so they are not compared.
    act = [r for r in act if r[1] != r[2]]
    e, a = norm(exp), norm(act)
    out = [f"- {x}" for x in e - a] + [f"+ {x}" for x in a - e]
    out.sort(key=lambda x: (x[2:], x[0]))
    for x in out + problems:
        print(x)


if __name__ == "__main__":
    main()
