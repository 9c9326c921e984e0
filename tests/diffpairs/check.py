#!/usr/bin/env python3
"""diff visits only candidate pairs: check it misses none. For an input A, `diff A EMPTY`
must report as removed exactly the endpoint pairs `list A` prints, with the same
connections, and `diff EMPTY A` the same pairs as added. Usage: check.py NPCHECK EMPTY DIR...
Prints "ok diffpairs/DIR" or "not ok diffpairs/DIR: why" per input."""
import csv
import io
import subprocess
import sys

EXT = "[External]"


def run(npcheck, *args):
    p = subprocess.run([npcheck, *args], capture_output=True, text=True,
                       env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"})
    return p.returncode, p.stdout


def list_pairs(npcheck, d):
    rc, out = run(npcheck, "list", "-o", "csv", d)
    rows = list(csv.reader(io.StringIO(out)))[1:]
    return rc, {(r[0], r[1]): r[2] for r in rows if EXT not in r[0] and EXT not in r[1]}


def diff_pairs(npcheck, old, new, col):
    rc, out = run(npcheck, "diff", "-o", "csv", old, new)
    rows = list(csv.reader(io.StringIO(out)))[1:]
    got = {}
    for r in rows:
        if EXT in r[1] or EXT in r[2] or r[1] == r[2]:
            continue
        got[(r[1], r[2])] = (r[0], r[col])
    return rc, got


def check(npcheck, empty, d):
    rc, want = list_pairs(npcheck, d)
    if rc not in (0, 1):
        return "ok diffpairs/%s # skip list exits %d" % (d, rc)
    for old, new, typ, col in ((d, empty, "removed", 3), (empty, d, "added", 4)):
        rc, got = diff_pairs(npcheck, old, new, col)
        if rc not in (0, 1):
            return "not ok diffpairs/%s: diff %s %s exits %d" % (d, old, new, rc)
        missing = sorted(set(want) - set(got))
        extra = sorted(set(got) - set(want))
        if missing or extra:
            return "not ok diffpairs/%s: %s: missing %s, extra %s" % (
                d, typ, missing[:3], extra[:3])
        for k, v in want.items():
            if got[k] != (typ, v):
                return "not ok diffpairs/%s: %s %s: %s, list says %s" % (d, typ, k, got[k], v)
    return "ok diffpairs/%s (%d pairs)" % (d, len(want))


def main():
    npcheck, empty = sys.argv[1], sys.argv[2]
    for d in sys.argv[3:]:
        print(check(npcheck, empty, d), flush=True)


main()
