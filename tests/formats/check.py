#!/usr/bin/env python3
"""Structural checks of npcheck lint output, beyond the goldens.

usage: check.py FORMAT FILE [SCHEMA]
  json   the SPEC §3 shape: findings with exactly its keys, and a summary
  sarif  SARIF 2.1.0: valid against SCHEMA (when python3-jsonschema is installed and
         SCHEMA exists; else that part is reported as skipped), every rule of
         include/rules.def in the driver, results pointing at their rules, locations
         inside the repository with line and column >= 1, %SRCROOT% = this directory,
         each rule's help.markdown giving its rationale, fix and YAML example
  junit  well-formed XML: testsuites > testsuite > testcase, and counts that add up
Prints "ok NAME" / "not ok NAME: why" lines, as the suites do.
"""
import json
import os
import pathlib
import re
import sys
import xml.etree.ElementTree as ET


def report(name, problems):
    if problems:
        print(f"not ok {name}: {'; '.join(problems)[:400]}")
    else:
        print(f"ok {name}")


def registry():
    text = pathlib.Path("include/rules.def").read_text()
    return re.findall(r'^RULE\([A-Z0-9_]+, *"([^"]+)", *SEV_([A-Z]+)', text, re.M)


def check_json(path):
    p = []
    try:
        doc = json.load(open(path))
    except ValueError as e:
        report("formats/json-parses", [str(e)])
        return
    report("formats/json-parses", [])
    if set(doc) != {"version", "findings", "summary"} or doc.get("version") != 1:
        p.append(f"top-level keys {sorted(doc)}")
    keys = {"rule", "severity", "message", "file", "line", "column", "object"}
    counts = {"error": 0, "warning": 0, "info": 0}
    for f in doc.get("findings", []):
        if set(f) != keys:
            p.append(f"finding keys {sorted(f)}")
            continue
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
        if not isinstance(f["line"], int) or not isinstance(f["column"], int):
            p.append("line/column not integers")
        if f["object"] is not None and set(f["object"]) != {"kind", "namespace", "name"}:
            p.append(f"object keys {sorted(f['object'])}")
    if doc.get("summary") != counts:
        p.append(f"summary {doc.get('summary')} but findings count {counts}")
    report("formats/json-shape", p)


def check_sarif(path, schema_path):
    try:
        doc = json.load(open(path))
    except ValueError as e:
        report("formats/sarif-parses", [str(e)])
        return
    report("formats/sarif-parses", [])

    try:
        import jsonschema
    except ImportError:
        print("ok formats/sarif-schema # SKIP python3-jsonschema is not installed")
    else:
        if not schema_path or not os.path.exists(schema_path):
            print(f"ok formats/sarif-schema # SKIP no schema at {schema_path}")
        else:
            schema = json.load(open(schema_path))
            errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=str)
            report("formats/sarif-schema",
                   [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]])

    p = []
    if doc.get("version") != "2.1.0":
        p.append("version is not 2.1.0")
    runs = doc.get("runs", [])
    if len(runs) != 1:
        report("formats/sarif-github", [f"{len(runs)} runs"])
        return
    run = runs[0]
    driver = run["tool"]["driver"]
    if driver.get("name") != "npcheck" or not driver.get("version"):
        p.append("driver name or version")
    if "informationUri" not in driver:
        p.append("no informationUri")
    levels = {"ERROR": "error", "WARNING": "warning", "INFO": "note"}
    want = [(rid, levels[sev]) for rid, sev in registry()]
    rules = driver.get("rules", [])
    got = [(r.get("id"), r.get("defaultConfiguration", {}).get("level")) for r in rules]
    if got != want:
        p.append("driver.rules differ from include/rules.def")
    for r in rules:
        for k in ("name", "shortDescription", "fullDescription", "help"):
            if k != "name" and not r.get(k, {}).get("text"):
                p.append(f"rule {r.get('id')}: no {k}.text")
            if k == "name" and not r.get("name"):
                p.append(f"rule {r.get('id')}: no name")
        # help: the rationale (the full description), then the fix with a YAML example.
        md = r.get("help", {}).get("markdown", "")
        full = r.get("fullDescription", {}).get("text", "")
        if not full or full not in md or "**Fix:** " not in md or "\n```yaml\n" not in md:
            p.append(f"rule {r.get('id')}: help.markdown lacks the rationale, a fix or its example")
        if not r.get("helpUri", "").endswith("#" + str(r.get("id"))):
            p.append(f"rule {r.get('id')}: helpUri {r.get('helpUri')} is not its manual entry")
    base = run.get("originalUriBaseIds", {}).get("%SRCROOT%", {}).get("uri")
    if base != pathlib.Path.cwd().as_uri() + "/":
        p.append(f"%SRCROOT% is {base}, not this directory")
    for res in run.get("results", []):
        i = res.get("ruleIndex")
        if not isinstance(i, int) or i >= len(rules) or rules[i]["id"] != res.get("ruleId"):
            p.append(f"result {res.get('ruleId')}: ruleIndex {i} names another rule")
        if res.get("level") not in ("error", "warning", "note"):
            p.append(f"level {res.get('level')}")
        if not res.get("message", {}).get("text"):
            p.append("result without message.text")
        loc = res["locations"][0]["physicalLocation"]
        art, reg = loc["artifactLocation"], loc["region"]
        uri = art.get("uri", "")
        if art.get("uriBaseId") != "%SRCROOT%" or uri.startswith(("/", "./", "file:")):
            p.append(f"uri {uri} is not repository-relative")
        if reg.get("startLine", 0) < 1 or reg.get("startColumn", 0) < 1:
            p.append(f"region {reg}")
        for s in res.get("suppressions", []):
            if s.get("kind") != "inSource" or not s.get("justification"):
                p.append(f"suppression {s}")
    report("formats/sarif-github", p)


def check_junit(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        report("formats/junit-well-formed", [str(e)])
        return
    report("formats/junit-well-formed", [])
    p = []
    if root.tag != "testsuites":
        p.append(f"root is {root.tag}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for suite in root:
        if suite.tag != "testsuite" or not suite.get("name"):
            p.append(f"child {suite.tag} without a name")
            continue
        cases = list(suite)
        n = {"tests": len(cases),
             "failures": sum(1 for c in cases if c.find("failure") is not None),
             "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for k, v in n.items():
            if int(suite.get(k, -1)) != v:
                p.append(f"suite {suite.get('name')}: {k}={suite.get(k)}, counted {v}")
            totals[k] += v
        for c in cases:
            if c.tag != "testcase" or not c.get("classname") or not c.get("name"):
                p.append(f"bad test case in {suite.get('name')}")
    for k, v in totals.items():
        if int(root.get(k, -1)) != v:
            p.append(f"testsuites {k}={root.get(k)}, counted {v}")
    report("formats/junit-shape", p)


def main():
    fmt, path = sys.argv[1], sys.argv[2]
    if fmt == "json":
        check_json(path)
    elif fmt == "sarif":
        check_sarif(path, sys.argv[3] if len(sys.argv) > 3 else None)
    elif fmt == "junit":
        check_junit(path)
    else:
        sys.exit(f"check.py: unknown format {fmt}")


if __name__ == "__main__":
    main()
