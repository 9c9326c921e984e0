#!/usr/bin/env python3
"""Run action.yml's steps as a GitHub runner would, offline: inputs from the command line
(defaults from action.yml), ${{ }} expressions evaluated (inputs, steps.ID.outputs,
always(), ==, !=, &&, ||), run steps executed with bash in working-directory, uses steps
recorded with their `with:` instead of run. Prints one line a step ("ran NAME",
"skipped NAME", "uses NAME ACTION key=value...") and then "job failed" or "job
succeeded", and the outputs of the action ("output NAME=VALUE").

usage: simulate.py ACTION_DIR WORKSPACE [NAME=VALUE...]; the environment holds what the
runner sets (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH, GITHUB_BASE_REF...); GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, GITHUB_WORKSPACE and RUNNER_TEMP (unless given)
are set here.
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml


def main():
    action_dir, workspace = sys.argv[1], sys.argv[2]
    action = yaml.safe_load(open(os.path.join(action_dir, "action.yml")))
    inputs = {k: str(v.get("default", "")) for k, v in action.get("inputs", {}).items()}
    for kv in sys.argv[3:]:
        k, _, v = kv.partition("=")
        if k not in inputs:
            sys.exit(f"simulate: the action has no input {k!r}")
        inputs[k] = v
    steps_out = {}
    temp = os.environ.get("RUNNER_TEMP") or tempfile.mkdtemp()
    os.makedirs(temp, exist_ok=True)
    summary = os.environ.get("GITHUB_STEP_SUMMARY") or os.path.join(temp, "summary.md")
    base_env = dict(os.environ, GITHUB_ACTION_PATH=action_dir, GITHUB_WORKSPACE=workspace,
                    RUNNER_TEMP=temp, GITHUB_STEP_SUMMARY=summary)

    def value(expr):
        expr = expr.strip()
        m = re.fullmatch(r"inputs\.([\w-]+)", expr)
        if m:
            return inputs[m.group(1)]
        m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        if m:
            return steps_out.get(m.group(1), {}).get(m.group(2), "")
        raise SystemExit(f"simulate: cannot evaluate {expr!r}")

    def substitute(s):
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: value(m.group(1)), str(s))

    def condition(expr):
        if expr is None:
            return not failed
        expr = str(expr).replace("${{", "").replace("}}", "")
        always = "always()" in expr
        py = re.sub(r"(inputs|steps)\.[\w.-]+", lambda m: repr(value(m.group(0))), expr)
        py = py.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
        ok = eval(py, {"__builtins__": {}}, {})
        return bool(ok) and (always or not failed)

    failed = False
    for step in action["runs"]["steps"]:
        name = step.get("name", step.get("id", "?"))
        if not condition(step.get("if")):
            print(f"skipped {name}")
            continue
        if "uses" in step:
            w = " ".join(f"{k}={substitute(v)}" for k, v in (step.get("with") or {}).items())
            print(f"uses {name} {step['uses']} {w}".rstrip())
            continue
        out_file = os.path.join(temp, "output")
        open(out_file, "w").close()
        env = dict(base_env, GITHUB_OUTPUT=out_file)
        env.update({k: substitute(v) for k, v in (step.get("env") or {}).items()})
        cwd = os.path.join(workspace, substitute(step.get("working-directory", ".")))
        r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                            substitute(step["run"])], cwd=cwd, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stderr.write(r.stdout)
        outs = dict(l.split("=", 1) for l in open(out_file).read().splitlines() if "=" in l)
        if "id" in step:
            steps_out[step["id"]] = outs
        print(f"ran {name}" + ("" if r.returncode == 0 else f" (exit {r.returncode})"))
        if r.returncode:
            failed = True
    print("job failed" if failed else "job succeeded")
    for k, v in (action.get("outputs") or {}).items():
        print(f"output {k}={substitute(v['value'])}")


main()
