"""examples/ci/run_release.py, the release step of the example CI workflow, run as the workflow runs it.

The version matrix runs this file on the oldest and the newest supported ansible-core.
"""

import os
import subprocess
import sys

import pytest

from tests.integration import release_helpers as rh
from tests.support.modules import REPO_ROOT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]


def test_the_example_ci_release_step_releases_and_leaves_uploadable_artifacts(sandbox, tmp_path):
    rh.reset_sandbox()
    pdd = tmp_path / "runner"
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(
        [sys.executable, os.path.join("examples", "ci", "run_release.py"), "--inventory", "inventories/sandbox",
         "--tag", "v1.0.0", "--private-data-dir", str(pdd), "--state-dir", str(tmp_path / "state"),
         "--reports-dir", str(tmp_path / "reports")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "release: status=successful rc=0 failed_tasks=[]" in out
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["migration"]
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.0")
    assert doc["outcome"] == "success"
    # what the workflow uploads: job events and stdout, never env/ or the command line (they hold the environment)
    artifacts = [os.path.join(pdd, "artifacts", ident) for ident in os.listdir(pdd / "artifacts")]
    assert artifacts and all(os.path.isdir(os.path.join(a, "job_events")) for a in artifacts)
    assert not os.path.exists(pdd / "env")
    assert not any(os.path.exists(os.path.join(a, "command")) for a in artifacts)
    secrets = [s.encode() for s in rh.secrets_of(sandbox)]
    leaks = []
    for root, _dirs, files in os.walk(str(pdd)):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
            leaks += [name for s in secrets if s in data]
    assert not leaks, leaks
