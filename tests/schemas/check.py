#!/usr/bin/env python3
"""Every command's JSON output against its JSON Schema, schemas/COMMAND.schema.json.

usage: check.py NPCHECK   (from the repository root; python3-jsonschema, draft 2020-12)
  schemas/well-formed/CMD   the schema is a valid draft 2020-12 schema
  schemas/covered/CMD       every command whose -o takes json (npcheck __complete) has a
                            schema, and every schema is a command's; a new command's
                            schema is a new file here, nothing else to change
  schemas/golden/PATH       every JSON golden output under tests/ and examples/ (a file
                            holding a JSON object whose "version" is a number) validates
                            against its command's schema: a golden case's stdout
                            (tests/SUITE/NAME/) by the command in its args
  schemas/fresh/CMD/...     fresh runs over examples/: lint, list, matrix, explain, reach
                            (every pair of list without an address range, an address to
                            one, an allowed and a denied row of matrix with its port), diff
                            (example against example), rules (all, and each rule)
  schemas/exercised/CMD     each schema validated at least one output
  schemas/closed/CMD        in the validated outputs, each kind of object (its place and
                            keys) with a key added, or its first key renamed, is invalid
  schemas/keys/CMD          every key the schema declares is in some validated output (the
                            schema describes what npcheck writes, not what it might)
Prints "ok NAME" / "not ok NAME: why" lines, as the suites do.
"""
import copy
import json
import pathlib
import re
import subprocess
import sys

import jsonschema

SCHEMAS = pathlib.Path("schemas")


def report(name, problems):
    if problems:
        print(f"not ok {name}: {'; '.join(problems)[:500]}")
    else:
        print(f"ok {name}")


def run(npcheck, args):
    r = subprocess.run([npcheck] + args, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True)
    return r.returncode, r.stdout


def json_commands(npcheck):
    _, out = run(npcheck, ["__complete", ""])
    cmds = [l.split("\t")[0] for l in out.splitlines() if l and not l.startswith(":")]
    # help prints usage; its -o completion is no format of its own.
    return {c for c in cmds if c != "help"
            and "json" in run(npcheck, ["__complete", c, "-o", ""])[1].split()}


def command_of(words, commands):
    for w in words:
        if w in commands:
            return w
    return None


def golden_files():
    for top in ("tests", "examples"):
        for p in sorted(pathlib.Path(top).rglob("*")):
            # fuzz corpora hold inputs (manifests as JSON), never an output
            if not p.is_file() or p.stat().st_size > 50_000_000 or "schemas" in p.parts \
                    or "corpus" in p.parts:
                continue
            try:
                text = p.read_text()
            except (UnicodeDecodeError, OSError):
                continue
            if not text.lstrip().startswith("{"):
                continue
            try:
                doc = json.loads(text)
            except ValueError:
                continue
            if isinstance(doc, dict) and isinstance(doc.get("version"), int) \
                    and not isinstance(doc.get("version"), bool):
                yield p, doc


class Checker:
    def __init__(self, npcheck):
        self.npcheck = npcheck
        self.validators = {}
        self.seen = {}  # command -> the documents validated
        for f in sorted(SCHEMAS.glob("*.schema.json")):
            cmd = f.name[: -len(".schema.json")]
            try:
                s = json.loads(f.read_text())
                jsonschema.Draft202012Validator.check_schema(s)
            except (ValueError, jsonschema.SchemaError) as e:
                report(f"schemas/well-formed/{cmd}", [str(e).splitlines()[0]])
                continue
            report(f"schemas/well-formed/{cmd}", [])
            self.validators[cmd] = jsonschema.Draft202012Validator(s)

    def errors(self, cmd, doc):
        errs = sorted(self.validators[cmd].iter_errors(doc), key=lambda e: list(e.absolute_path))
        return [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}" for e in errs[:3]]

    def check(self, name, cmd, doc):
        if cmd not in self.validators:
            report(name, [f"no schema for {cmd} (schemas/{cmd}.schema.json)"])
            return
        p = self.errors(cmd, doc)
        report(name, p)
        if not p:
            self.seen.setdefault(cmd, []).append(doc)

    def fresh(self, name, cmd, args):
        st, out = run(self.npcheck, [cmd, "-o", "json"] + args)
        if st > 2:
            report(name, [f"exit {st}"])
            return None
        try:
            doc = json.loads(out)
        except ValueError as e:
            report(name, [f"not JSON: {e}"])
            return None
        self.check(name, cmd, doc)
        return doc


def shapes(doc, path=()):
    """Every object in doc: (path, its key set), arrays' indexes kept in path."""
    if isinstance(doc, dict):
        yield path, frozenset(doc)
        for k, v in doc.items():
            yield from shapes(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from shapes(v, path + (i,))


def at(doc, path):
    for k in path:
        doc = doc[k]
    return doc


def mutations(docs):
    """Documents that a closed schema must reject, one per kind of object in docs (its
    place, arrays' indexes aside, and its keys): a key added, and its first key renamed."""
    done = set()
    for doc in docs:
        for path, keys in shapes(doc):
            sig = (tuple("*" if isinstance(k, int) else k for k in path), keys)
            if sig in done:
                continue
            done.add(sig)
            where = "/" + "/".join(map(str, path))
            d = copy.deepcopy(doc)
            at(d, path)["unexpected"] = 1
            yield f"a key added at {where}", d
            if keys:
                d = copy.deepcopy(doc)
                o = at(d, path)
                first = next(iter(o))
                o[first + "_renamed"] = o.pop(first)
                yield f"{where}/{first} renamed", d


def declared_keys(schema, acc):
    """Every property name a schema declares, at any depth."""
    if isinstance(schema, dict):
        acc |= set(schema.get("properties", {}))
        for v in schema.values():
            declared_keys(v, acc)
    elif isinstance(schema, list):
        for v in schema:
            declared_keys(v, acc)


def main():
    npcheck = sys.argv[1]
    commands = json_commands(npcheck)
    c = Checker(npcheck)
    for cmd in sorted(commands | set(c.validators)):
        p = []
        if cmd not in commands:
            p.append(f"schemas/{cmd}.schema.json is no command taking -o json")
        elif not (SCHEMAS / f"{cmd}.schema.json").exists():
            p.append(f"{cmd} -o json has no schema (schemas/{cmd}.schema.json)")
        report(f"schemas/covered/{cmd}", p)

    # Golden outputs.
    for path, doc in golden_files():
        parts = path.parts
        cmd = None
        if path.name == "stdout" and (path.parent / "args").is_file():
            # a golden case (tests/golden.sh): its args name the command
            cmd = command_of((path.parent / "args").read_text().split(), commands)
        elif parts[:2] == ("tests", "diff"):
            cmd = "diff"
        elif parts[:2] == ("tests", "formats"):
            cmd = "lint"
        if cmd is None:
            report(f"schemas/golden/{path}", ["cannot tell which command wrote it "
                                              "(add its place to tests/schemas/check.py)"])
            continue
        c.check(f"schemas/golden/{path}", cmd, doc)

    # Fresh runs over the examples.
    examples = sorted(p for p in pathlib.Path("examples").iterdir() if p.is_dir())
    for ex in examples:
        e = str(ex)
        c.fresh(f"schemas/fresh/lint/{ex.name}", "lint", [e])
        lst = c.fresh(f"schemas/fresh/list/{ex.name}", "list", [e])
        mx = c.fresh(f"schemas/fresh/matrix/{ex.name}", "matrix", [e])
        c.fresh(f"schemas/fresh/explain/{ex.name}", "explain", [e])
        pairs = []
        for row in (lst or {}).get("connections", []):
            if "[External]" not in row["source"] + row["destination"]:
                pairs.append([row["source"], row["destination"]])
        if pairs:
            pairs.append(["203.0.113.1", pairs[0][1]])  # an address outside the cluster
        for want in ("allow", "deny"):
            for row in (mx or {}).get("rows", []):
                if row["verdict"] == want and "[External]" not in row["source"] + row["destination"]:
                    pairs.append([row["source"], row["destination"], "-p", str(row["port"]),
                                  "--protocol", row["protocol"]])
                    break
        for i, pr in enumerate(pairs):
            c.fresh(f"schemas/fresh/reach/{ex.name}/{i + 1}", "reach", pr + [e])
    for a, b in zip(examples, examples[1:]):
        c.fresh(f"schemas/fresh/diff/{a.name}-{b.name}", "diff", [str(a), str(b)])
    allrules = c.fresh("schemas/fresh/rules/all", "rules", []) or {"rules": []}
    c.fresh("schemas/fresh/rules/each", "rules", [r["id"] for r in allrules["rules"]])

    for cmd in sorted(c.validators):
        docs = c.seen.get(cmd)
        report(f"schemas/exercised/{cmd}", [] if docs else ["no output validated against it"])
        if not docs:
            continue
        p = [what for what, bad in mutations(docs) if not c.errors(cmd, bad)]
        report(f"schemas/closed/{cmd}", [f"accepted with {w}" for w in p])
        seen, declared = set(), set()
        for d in docs:
            seen |= {k for _, keys in shapes(d) for k in keys}
        declared_keys(c.validators[cmd].schema, declared)
        report(f"schemas/keys/{cmd}",
               [f"declared, in no output: {', '.join(sorted(declared - seen))}"]
               if declared - seen else [])


if __name__ == "__main__":
    main()
