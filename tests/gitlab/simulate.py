#!/usr/bin/env python3
"""Run one job of a .gitlab-ci.yml as a GitLab runner's shell executor would, offline:
`extends` merged (hashes deeply, other values replaced), `rules` evaluated ($VAR,
$VAR == "s", $VAR != "s", && and ||; the first rule that matches decides, `when: never`
skips, no match skips), before_script and script run by bash with `set -eo pipefail` in
the project directory, then artifacts:reports:junit looked for (`when: always`: whatever
the job's result). The image is not pulled: the commands run on this machine, with the
PATH the caller gives (where network commands may be stubbed).

usage: simulate.py CI_YAML PROJECT_DIR JOB; the environment holds the CI variables.
Prints "skipped JOB" or "ran JOB (exit N)", then "job failed" / "job succeeded" and
"junit PATH present" / "junit PATH missing" for each report. Job output on stderr.
"""
import os
import re
import subprocess
import sys

import yaml


def merge(base, over):
    out = dict(base)
    for k, v in over.items():
        out[k] = merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def resolve(ci, name, depth=0):
    job = ci[name]
    if depth > 10:
        sys.exit(f"simulate: extends too deep at {name}")
    ext = job.get("extends", [])
    for parent in [ext] if isinstance(ext, str) else ext:
        job = merge(resolve(ci, parent, depth + 1), job)
    return {k: v for k, v in job.items() if k != "extends"}


def condition(expr):
    def atom(a):
        a = a.strip()
        m = re.fullmatch(r'\$(\w+)\s*(==|!=)\s*"([^"]*)"', a)
        if m:
            eq = os.environ.get(m.group(1), "") == m.group(3)
            return eq if m.group(2) == "==" else not eq
        m = re.fullmatch(r"\$(\w+)", a)
        if m:
            return bool(os.environ.get(m.group(1)))
        sys.exit(f"simulate: cannot evaluate {a!r}")
    return any(all(atom(a) for a in part.split("&&")) for part in expr.split("||"))


def runs(job):
    rules = job.get("rules")
    if rules is None:
        return True
    for r in rules:
        if "if" not in r or condition(r["if"]):
            return r.get("when", "on_success") != "never"
    return False


def lines(v):
    return [v] if isinstance(v, str) else list(v or [])


def main():
    ci_path, project, name = sys.argv[1:4]
    ci = {}
    for doc in yaml.safe_load_all(open(ci_path)):
        ci.update(doc or {})
    job = resolve(ci, name)
    if not runs(job):
        print(f"skipped {name}")
        return
    script = "\n".join(lines(job.get("before_script")) + lines(job.get("script")))
    r = subprocess.run(["bash", "--noprofile", "--norc", "-c", "set -eo pipefail\n" + script],
                       cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stderr.write(r.stdout)
    print(f"ran {name} (exit {r.returncode})")
    print("job failed" if r.returncode else "job succeeded")
    reports = ((job.get("artifacts") or {}).get("reports") or {}).get("junit")
    for path in lines(reports):
        state = "present" if os.path.isfile(os.path.join(project, path)) else "missing"
        print(f"junit {path} {state}")


main()
