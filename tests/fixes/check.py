#!/usr/bin/env python3
"""The fix examples of include/rules.def, as `npcheck rules -o json RULE...` gives them.

usage: check.py NPCHECK   (from the repository root)
For every rule:
  fixes/given/RULE    a fix sentence and a non-empty example of '\\n'-terminated lines
  fixes/parses/RULE   the example is YAML (every document parses, none is empty)
  fixes/valid/RULE    an example that is a manifest (every document has apiVersion and
                      kind) lints alone without an input or validation finding; a
                      configuration example (first line "# .npcheck.yaml") is accepted
                      by `lint -c` and silences the rule on its firing case
  fixes/applied/RULE  for the rules of APPLIED, the manifest example applied to
                      tests/lint/fires-RULE: documents of the same kind, name and
                      namespace (or without one) replaced, the others added; the rule
                      fires on the case as it is, and after the fix it fires less often
                      and never about an object of the example
  fixes/applied-set   every rule of APPLIED was applied (the check cannot go vacuous)
Prints "ok NAME" / "not ok NAME: why" lines, as the suites do.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import yaml

APPLIED = {"or-trap", "rule-split", "ignored-rules", "implicit-ingress-isolation",
           "egress-not-isolated", "allow-all", "no-default-deny", "pod-not-isolated",
           "missing-namespace", "non-canonical-cidr", "node-selector",
           "tier-priority-range"}
INPUT_RULES = {"yaml-syntax", "invalid-spec", "unknown-field", "unsupported-protocol",
               "duplicate-object"}


def report(name, problems):
    if problems:
        print(f"not ok {name}: {'; '.join(problems)[:400]}")
    else:
        print(f"ok {name}")


def lint(npcheck, args):
    r = subprocess.run([npcheck, "lint", "-o", "json", "--color", "never"] + args,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode > 2:
        raise RuntimeError(f"lint {' '.join(args)}: exit {r.returncode}: {r.stderr[:200]}")
    return json.loads(r.stdout)["findings"]


def key(doc):
    meta = doc.get("metadata") or {}
    return (doc.get("kind"), meta.get("name"))


def same(case_doc, fix_doc):
    """The fix replaces the case's object: same kind and name, and the same namespace
    unless the case's object has none (the fix may be to add it)."""
    ns = (case_doc.get("metadata") or {}).get("namespace")
    return key(case_doc) == key(fix_doc) and ns in (None, (fix_doc.get("metadata") or {}).get("namespace"))


def obj(doc, case_ns):
    meta = doc.get("metadata") or {}
    return (doc.get("kind"), meta.get("namespace", case_ns), meta.get("name"))


def apply_fix(npcheck, rid, docs, tmp):
    case = pathlib.Path("tests/lint") / f"fires-{rid}"
    if not case.is_dir():
        return None
    # a golden case (tests/golden.sh): args is "lint --color never [OPTIONS] CASE";
    # the options are what the fix is linted with too
    args = (case / "args").read_text().split()[1:-1]
    if args[:2] == ["--color", "never"]:
        args = args[2:]
    before = [f for f in lint(npcheck, args + [str(case)]) if f["rule"] == rid]
    if not before:
        return [f"does not fire on {case}"]
    out = pathlib.Path(tmp) / rid
    out.mkdir()
    replaced = set()
    for f in sorted(case.glob("*.yaml")):
        new = []
        for d in yaml.safe_load_all(f.read_text()):
            for i, fd in enumerate(docs):
                if isinstance(d, dict) and same(d, fd):
                    replaced.add(i)
                    d = fd
            new.append(d)
        (out / f.name).write_text(yaml.safe_dump_all(new, sort_keys=False))
    added = [d for i, d in enumerate(docs) if i not in replaced]
    if added:
        (out / "zz-fix.yaml").write_text(yaml.safe_dump_all(added, sort_keys=False))
    after = [f for f in lint(npcheck, args + [str(out)]) if f["rule"] == rid]
    p = []
    if len(after) >= len(before):
        p.append(f"fires {len(after)} times after the fix, {len(before)} before")
    objs = {obj(d, "default") for d in docs}
    for f in after:
        o = f.get("object")
        if o and (o["kind"], o["namespace"], o["name"]) in objs:
            p.append(f"still fires about {o['kind']} {o['namespace']}/{o['name']}: {f['message']}")
    return p


def main():
    npcheck = sys.argv[1]
    ids = [r["id"] for r in json.loads(subprocess.run(
        [npcheck, "rules", "-o", "json"], capture_output=True, text=True, check=True).stdout)["rules"]]
    rules = json.loads(subprocess.run([npcheck, "rules", "-o", "json"] + ids,
                                      capture_output=True, text=True, check=True).stdout)["rules"]
    applied = set()
    with tempfile.TemporaryDirectory() as tmp:
        for r in rules:
            rid, fix, ex = r["id"], r.get("fix", ""), r.get("example", "")
            report(f"fixes/given/{rid}",
                   [] if fix.endswith(".") and ex.strip() and ex.endswith("\n")
                   else ["no fix sentence or no example"])
            try:
                docs = list(yaml.safe_load_all(ex))
            except yaml.YAMLError as e:
                report(f"fixes/parses/{rid}", [str(e).replace("\n", " ")])
                continue
            report(f"fixes/parses/{rid}",
                   [] if docs and all(d is not None for d in docs) else ["an empty document"])
            path = pathlib.Path(tmp) / f"{rid}.yaml"
            path.write_text(ex)
            if ex.startswith("# .npcheck.yaml\n"):
                case = f"tests/lint/fires-{rid}"
                p = [f"{f['message']}" for f in lint(npcheck, ["-c", str(path), case])
                     if f["rule"] == rid]
                report(f"fixes/valid/{rid}", p)
            elif all(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs):
                p = [f"{f['rule']}: {f['message']}" for f in lint(npcheck, [str(path)])
                     if f["rule"] in INPUT_RULES]
                report(f"fixes/valid/{rid}", p)
                p = apply_fix(npcheck, rid, docs, tmp) if rid in APPLIED else None
                if p is not None:
                    applied.add(rid)
                    report(f"fixes/applied/{rid}", p)
    missing = sorted(APPLIED - applied)
    report("fixes/applied-set", [f"not applied: {', '.join(missing)}"] if missing else [])


if __name__ == "__main__":
    main()
