#!/usr/bin/env python3
"""Compare two `list --exposure` outputs modulo how external address ranges are cut.

Each output is read as netpol-analyzer writes it: the connection list, a blank line,
"Exposure Analysis Result:", then "Egress Exposure:" lines (WORKLOAD \\t=> \\tPEER : CONNS),
"Ingress Exposure:" lines (WORKLOAD \\t<= \\tPEER : CONNS) and "Workloads not protected by
network policies:" lines. The layout is checked too (section order and blank lines, the
workload column padded with spaces to the longest workload shown, then " \\t=> \\t"); a
line that breaks it is reported as "! LINE: why". External ranges, in the list and as
exposure peers, are split on both sides into the same atomic ranges (every range
boundary of either side), so adjacent ranges with identical connectivity compare equal
whether or not a tool merged them.

Prints the normalized difference, one line each, sorted: "- SECTION: LINE" (only in
EXPECTED) or "+ SECTION: LINE" (only in ACTUAL); nothing when they agree.
usage: compare_exposure.py EXPECTED ACTUAL
"""
import ipaddress
import re
import sys

EXT = re.compile(r"^(?P<lo>[0-9a-fA-F.:]+)(-(?P<hi>[0-9a-fA-F.:]+))?\[External\]$")
EXPO = re.compile(r"^(?P<w>\S+)(?P<pad> *) \t(?P<arrow>=>|<=) \t(?P<peer>.*) : (?P<conn>[^:]*)$")
UNPROT = re.compile(r"^(?P<w>\S+) is not protected on (Egress|Ingress)$")
HEADER = "Exposure Analysis Result:"
TITLES = {"Egress Exposure:": "egress", "Ingress Exposure:": "ingress",
          "Workloads not protected by network policies:": "unprotected"}


def parse(path):
    """(list lines, egress, ingress, unprotected, layout problems)."""
    with open(path) as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = {"list": [], "egress": [], "ingress": [], "unprotected": []}
    bad = []
    if HEADER not in lines:
        bad.append(f"! {HEADER} missing")
        return out, bad
    h = lines.index(HEADER)
    head, tail = lines[:h], lines[h + 1:]
    if head:
        if head[-1] != "":
            bad.append("! no blank line before the exposure section")
        else:
            head = head[:-1]
    for raw in head:
        left, conn = raw.split(" : ", 1)
        src, dst = left.split(" => ", 1)
        out["list"].append((src, dst, conn))
    section, order, expo = None, [], []
    for i, raw in enumerate(tail):
        if raw in TITLES:
            section = TITLES[raw]
            # Egress comes first, right after the header; Ingress after a blank line when
            # Egress came before it, else right after the header; the unprotected
            # workloads always after a blank line.
            if section == "egress":
                ok = i == 0
            elif section == "ingress":
                ok = tail[i - 1] == "" if "egress" in order else i == 0
            else:
                ok = i > 0 and tail[i - 1] == ""
            if not ok:
                bad.append(f"! {raw} misplaced")
            order.append(section)
            continue
        if raw == "":
            if i + 1 >= len(tail) or tail[i + 1] not in TITLES:
                bad.append("! blank line not before a section title")
            continue
        if section in ("egress", "ingress"):
            m = EXPO.match(raw)
            if not m or m.group("arrow") != ("=>" if section == "egress" else "<="):
                bad.append(f"! {raw}: not an exposure line of {section}")
                continue
            expo.append((m.group("w"), len(m.group("w")) + len(m.group("pad")), raw))
            out[section].append((m.group("w"), m.group("peer"), m.group("conn")))
        elif section == "unprotected":
            if not UNPROT.match(raw):
                bad.append(f"! {raw}: not an unprotected-workload line")
                continue
            out["unprotected"].append(raw)
        else:
            bad.append(f"! {raw}: outside any section")
    if order != sorted(order, key=["egress", "ingress", "unprotected"].index) or \
            len(set(order)) != len(order):
        bad.append(f"! sections in the order {order}")
    widths = {w for _, w, _ in expo}
    longest = max((len(w) for w, _, _ in expo), default=0)
    if expo and widths != {longest}:
        bad.append(f"! workload column widths {sorted(widths)}, want {longest}")
    for section in ("list", "egress", "ingress", "unprotected"):
        if out[section] != sorted(out[section], key=sort_key(section)):
            bad.append(f"! {section} lines not sorted")
    return out, bad


def sort_key(section):
    if section == "list":
        return lambda t: (t[0], t[1])
    if section in ("egress", "ingress"):
        return lambda t: (t[0], t[1])
    return lambda t: t


def ext_range(name):
    m = EXT.match(name)
    if not m:
        return None
    lo = ipaddress.ip_address(m.group("lo"))
    hi = ipaddress.ip_address(m.group("hi") or m.group("lo"))
    return (lo.version, int(lo), int(hi))


def main():
    (exp, bad_e), (act, bad_a) = parse(sys.argv[1]), parse(sys.argv[2])
    cuts = {4: set(), 6: set()}
    for side in (exp, act):
        names = [n for s, d, _ in side["list"] for n in (s, d)]
        names += [p for sec in ("egress", "ingress") for _, p, _ in side[sec]]
        for name in names:
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
        mk = ipaddress.IPv6Address if v == 6 else ipaddress.IPv4Address
        for p in pts:
            if p > start:
                a, b = mk(start), mk(p - 1)
                out.append(f"{a}-{b}[External]" if a != b else f"{a}[External]")
                start = p
        return out

    def norm(side):
        s = set()
        for src, dst, conn in side["list"]:
            for a in atoms(src):
                for b in atoms(dst):
                    s.add(f"list: {a} => {b} : {conn}")
        for sec, arrow in (("egress", "=>"), ("ingress", "<=")):
            for w, peer, conn in side[sec]:
                for p in atoms(peer):
                    s.add(f"{sec}: {w} {arrow} {p} : {conn}")
        for raw in side["unprotected"]:
            s.add(f"unprotected: {raw}")
        return s

    e, a = norm(exp), norm(act)
    out = [f"- {x}" for x in e - a] + [f"+ {x}" for x in a - e]
    out.sort(key=lambda x: (x[2:], x[0]))
    for x in bad_e:
        print(f"{x} (expected)")
    for x in bad_a:
        print(x)
    for x in out:
        print(x)


if __name__ == "__main__":
    main()
