"""A release interrupted with Ctrl-C leaves its lock behind; the next plain run takes it over at once (its holder
process is gone from this host) instead of being refused for the lock's TTL."""

import json
import os
import signal
import subprocess
import sys
import urllib.request

from tests.integration import release_helpers as rh
from tests.integration.test_release_scenarios import base_vars
from tests.support.modules import REPO_ROOT


def test_interrupted_release_does_not_block_the_next_one(sandbox, tmp_path):
    rh.reset_sandbox()
    extra = base_vars(tmp_path)
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    lock = os.path.join(extra["release_state_dir"], sandbox["environment_name"], "release.lock")
    first = subprocess.Popen(rh.playbook_cmd("release.yml", extra), cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert rh.wait_for(lambda: os.path.isdir(lock), timeout=120), "the release never took the lock"
        with open(os.path.join(lock, "owner.json"), encoding="utf-8") as handle:
            holder = json.load(handle)
        assert holder["pid"] == first.pid, "the lock names the ansible-playbook process, not a worker"
        first.send_signal(signal.SIGINT)
        first_out, _err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode != 0, first_out[-3000:]
    assert os.path.isdir(lock), "Ctrl-C left the lock behind (the case this test is about)"

    rc, out = rh.run_playbook("release.yml", extra)
    assert rc == 0, out[-4000:]
    assert "took over a stale release lock held by" in out
    assert "process %d no longer runs" % first.pid in out
    assert not os.path.exists(lock), "the second run released the lock it took over"


def test_first_ctrl_c_through_the_entry_point_stops_at_a_safe_point_and_a_plain_run_finishes(sandbox, tmp_path):
    """scripts/release.py: Ctrl-C while the deployment builds. The deployment is waited for, its migration runs
    (the app never stops without its schema), then the run stops with a report, a ledger entry and no lock; a plain
    `ansible-playbook release.yml` then finishes the job without unlock.yml and without a second deployment."""
    rh.reset_sandbox()
    extra = base_vars(tmp_path)
    migration = sandbox["commits"]["migration"]
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    lock = os.path.join(extra["release_state_dir"], sandbox["environment_name"], "release.lock")
    wrapper = subprocess.Popen([sys.executable, "scripts/release.py", "playbooks/release.yml", "-e", json.dumps(extra)],
                               cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert rh.wait_for(lambda: migration in {d["commit"] for d in emulator_deployments(sandbox)}, timeout=240), \
            "the release never started its deployment"
        wrapper.send_signal(signal.SIGINT)
        out, _err = wrapper.communicate(timeout=600)
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
            wrapper.wait()
    assert wrapper.returncode == 130, out[-4000:]
    assert "stopping at the end of the current section" in out
    doc, markdown = rh.latest_report(extra["release_reports_dir"], "v1.0.0")
    assert doc["outcome"] == "interrupted", out[-4000:]
    assert doc["failure"]["section"] == "migrate", "the stop waited for the migration after the deployment"
    assert "release.yml" in doc["manual_action"] and "INTERRUPTED" in markdown
    assert rh.active_commit(sandbox)[0] == migration
    assert rh.two_factor_columns(sandbox), "the deployment that went live has its migration"
    with open(os.path.join(extra["release_state_dir"], sandbox["environment_name"], "ledger.json"),
              encoding="utf-8") as handle:
        assert json.load(handle)["releases"][-1]["status"] == "interrupted"
    assert not os.path.exists(lock), "the lock was released at the safe point"

    rc, out = rh.run_playbook("release.yml", extra)
    assert rc == 0, out[-4000:]
    assert "took over a stale release lock" not in out
    doc, _markdown = rh.latest_report(extra["release_reports_dir"], "v1.0.0")
    assert doc["outcome"] == "success"
    assert [d["commit"] for d in emulator_deployments(sandbox)].count(migration) == 1, "no second deployment"
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200


def emulator_deployments(sandbox):
    with urllib.request.urlopen(sandbox["admin_url"] + "/state", timeout=30) as resp:
        return json.loads(resp.read().decode())["deployments"]
