#!/usr/bin/env python3
"""Copy a netpol-analyzer tier case, adding the `pods` selectors its manifests leave out.

v1alpha1 requires both `namespaceSelector` and `podSelector` in a `pods` subject or peer
(TIERS.md §3.1), so the API server rejects these manifests and npcheck reports them as
invalid-spec; netpol-analyzer decodes them with Go's zero value, an empty selector. To
compare the tier semantics as well, the copy gets the `{}` that netpol-analyzer assumes.
usage: tiers_fill.py CASE_DIR OUT_DIR
"""
import os
import re
import sys

PODS = re.compile(r"^(\s*)(- )?pods:\s*(#.*)?$")


def fill(lines):
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = PODS.match(line)
        i += 1
        if not m:
            continue
        # The children: the following lines indented deeper than "pods:".
        base = len(m.group(1)) + (2 if m.group(2) else 0)
        j = i
        child = None
        keys = set()
        while j < len(lines):
            s = lines[j]
            if not s.strip() or s.lstrip().startswith("#"):
                j += 1
                continue
            ind = len(s) - len(s.lstrip())
            if ind <= base:
                break
            if child is None:
                child = ind
            if ind == child:
                keys.add(s.strip().split(":")[0])
            j += 1
        if child is None:
            continue
        for key in ("namespaceSelector", "podSelector"):
            if key not in keys:
                out.append(" " * child + key + ": {}\n")
    return out


def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        with open(os.path.join(src, name)) as f:
            lines = f.readlines()
        with open(os.path.join(dst, name), "w") as f:
            f.writelines(fill(lines))


if __name__ == "__main__":
    main()
