"""The release driven by ansible-runner (what examples/ci/ does): events, artifacts, and no secret anywhere."""

import os
import stat
import sys

import pytest

from tests.integration import release_helpers as rh
from tests.support.modules import REPO_ROOT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]


def test_runner_release_events_and_artifacts_hold_no_secret(sandbox, tmp_path):
    ansible_runner = pytest.importorskip("ansible_runner")
    rh.reset_sandbox()
    pdd = tmp_path / "runner"
    pdd.mkdir()
    runner = ansible_runner.run(
        private_data_dir=str(pdd),
        project_dir=REPO_ROOT,
        playbook="playbooks/release.yml",
        ident="release-v1.0.0",
        extravars={"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")},
        envvars={"PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")},
        quiet=True,
    )
    assert runner.status == "successful", runner.stdout.read()[-4000:]
    assert runner.rc == 0
    events = list(runner.events)
    stats = [e for e in events if e["event"] == "playbook_on_stats"][-1]["event_data"]
    assert stats["changed"].get("localhost", 0) > 0 and not stats["failures"]
    ok_tasks = {e["event_data"].get("task") for e in events if e["event"] == "runner_on_ok"}
    assert any("Deploy" in (t or "") for t in ok_tasks)
    deploy = [e for e in events if e["event"] == "runner_on_ok"
              and (e["event_data"].get("task") or "").startswith("Wait for the deployment")]
    assert deploy and deploy[-1]["event_data"]["res"]["status"] == "SUCCESS"
    secret_reads = [e for e in events if e["event"] == "runner_on_ok"
                    and "Read the service variables" in (e["event_data"].get("task") or "")]
    assert secret_reads and "censored" in secret_reads[-1]["event_data"]["res"]
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["migration"]
    # Not one secret value in any event, in stdout, in the command file or anywhere else under the runner dir.
    from tests.integration.test_secret_sweep import sweep_secrets  # noqa: PLC0415

    secrets = [s.encode() for s in sweep_secrets(sandbox)]
    leaks = []
    for root, _dirs, files in os.walk(str(pdd)):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
            leaks += ["%s in %s" % (s[:3] + b"...", os.path.relpath(os.path.join(root, name), str(pdd)))
                      for s in secrets if s in data]
    for root, _dirs, files in os.walk(str(tmp_path / "reports")):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                data = handle.read()
            leaks += ["secret in report %s" % name for s in secrets if s in data]
    loose = []
    for root, _dirs, files in os.walk(str(tmp_path / "state")):
        for name in files:
            path = os.path.join(root, name)
            if os.path.islink(path) or "/.git/" in path:
                continue
            with open(path, "rb") as handle:
                data = handle.read()
            if any(s in data for s in secrets) and stat.S_IMODE(os.stat(path).st_mode) != 0o600:
                loose.append(os.path.relpath(path, str(tmp_path)))
    assert not leaks, leaks
    assert not loose, loose
