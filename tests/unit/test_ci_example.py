"""The example CI workflow (examples/ci/release.yml) calls examples/ci/run_release.py with options it accepts."""

import os
import re
import shlex
import subprocess
import sys

import yaml

from scripts import core_matrix

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKFLOW = os.path.join(REPO, "examples", "ci", "release.yml")
SCRIPT = os.path.join(REPO, "examples", "ci", "run_release.py")


def _steps():
    with open(WORKFLOW, encoding="utf-8") as handle:
        workflow = yaml.safe_load(handle)
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_the_workflow_bootstraps_then_runs_the_release_script():
    runs = [step.get("run", "") for step in _steps()]
    assert any("scripts/bootstrap.sh" in run for run in runs)
    assert any("examples/ci/run_release.py" in run for run in runs)


def test_every_option_the_workflow_passes_is_one_the_script_accepts():
    help_text = subprocess.run([sys.executable, SCRIPT, "--help"], capture_output=True, text=True, check=True).stdout
    accepted = set(re.findall(r"(--[a-z][a-z-]*)", help_text))
    run = next(step["run"] for step in _steps() if "examples/ci/run_release.py" in step.get("run", ""))
    command = run[run.index("examples/ci/run_release.py"):].replace("\\\n", " ")
    command = re.sub(r"\$\{\{.*?\}\}", "X", command)
    passed = {word for word in shlex.split(command) if word.startswith("--")}
    assert passed and passed <= accepted, sorted(passed - accepted)


def test_the_workflow_python_runs_every_supported_core():
    # the `core` input picks any claimed ansible-core, so setup-python's version must be one they all run on
    every = set.intersection(*(set(pythons) for pythons in core_matrix.CONTROLLER_PYTHONS.values()))
    assert set(core_matrix.CONTROLLER_PYTHONS) == {core for core, _python in core_matrix.CORES}
    with_python = [str(step["with"]["python-version"]) for step in _steps() if "setup-python" in step.get("uses", "")]
    assert with_python and set(with_python) <= every, (with_python, every)
    tools = next(step for step in _steps() if "scripts/bootstrap.sh" in step.get("run", ""))
    assert "FACTURINO_PYTHON=python%s" % with_python[0] in tools["run"] and "FACTURINO_CORE" in tools.get("env", {})


def test_each_core_runs_on_a_python_it_supports_and_the_claim_matches_the_matrix():
    for core, python in core_matrix.CORES:
        assert python in core_matrix.CONTROLLER_PYTHONS[core], (core, python)
    with open(os.path.join(REPO, "meta", "runtime.yml"), encoding="utf-8") as handle:
        claim = yaml.safe_load(handle)["requires_ansible"]
    oldest, newest = core_matrix.CORES[0][0], core_matrix.CORES[-1][0]
    next_minor = "2.%d" % (int(newest.split(".")[1]) + 1)
    assert claim == ">=%s.0,<%s.0" % (oldest, next_minor), claim
    with open(os.path.join(REPO, "requirements.txt"), encoding="utf-8") as handle:
        assert "ansible-core>=%s,<%s" % (oldest, next_minor) in handle.read()
