"""The playbooks people run by hand around a release, on the sandbox after a real release of v1.0.0:
stability_check.yml (scheduled), rollback Option 2 (rollback_git.yml), Option 3 alone (rollback_database.yml)
and unlock.yml. Each test asserts the final state (git, database, ledger, reports, notifications).
"""

import glob
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.integration import release_helpers as rh

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

MIGRATION_FILE = "database/migrations/2025_11_16_233237_add_two_factor_columns_to_users_table.php"


class Webhook:
    """A local webhook receiver that records every POSTed JSON body."""

    def __init__(self):
        received = self.received = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                received.append(json.loads(self.rfile.read(length) or b"{}"))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d/hook" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def released(sandbox, tmp_path_factory):
    """Reset the sandbox and release v1.0.0 once; the tests below work on what it left."""
    tmp = tmp_path_factory.mktemp("operations")
    extra = {"release_state_dir": str(tmp / "state"), "release_reports_dir": str(tmp / "reports")}
    rh.reset_sandbox()
    before = {"counts": rh.table_counts(sandbox), "migrations": rh.migrations(sandbox),
              "release_head": rh.git(sandbox, "rev-parse", "release/v1.0.0")}
    rc, out = rh.run_playbook("release.yml", extra)
    assert rc == 0, out[-4000:]
    yield {"vars": extra, "tmp": tmp, "before": before}
    rh.reset_sandbox()


@pytest.fixture()
def webhook():
    hook = Webhook()
    yield hook
    hook.close()


def ledger_of(sandbox, extra):
    with open(os.path.join(extra["release_state_dir"], sandbox["environment_name"], "ledger.json"),
              encoding="utf-8") as handle:
        return json.load(handle)


def stability_reports(extra):
    return sorted(glob.glob(os.path.join(extra["release_reports_dir"], "stability", "*.json")))


def stability_vars(extra, hook):
    return dict(extra, stability_window=2, stability_interval=0.5, notify_webhook_url=hook.url)


def test_stability_check_on_a_healthy_release_writes_a_dated_report_and_stays_quiet(sandbox, released, webhook):
    rc, out = rh.run_playbook("stability_check.yml", stability_vars(released["vars"], webhook))
    assert rc == 0, out[-4000:]
    assert "Stability: OK" in out
    reports = stability_reports(released["vars"])
    assert len(reports) == 1 and os.path.exists(reports[0][:-len(".json")] + ".md")
    with open(reports[0], encoding="utf-8") as handle:
        summary = json.load(handle)
    assert summary["problems"] == []
    assert summary["health_verdict"] == "healthy"
    metrics = summary["metrics_48h"]
    assert set(metrics) == {"invoices_created_48h", "users_logged_in_48h", "failed_jobs_48h"}
    assert metrics["users_logged_in_48h"]["value"] >= 1   # the release's verification logged in
    assert summary["newest_verified_backup"] and summary["backup_age_hours"] < 1
    assert webhook.received == []   # notifies only on a problem


def test_stability_check_reports_failed_jobs_growth_and_notifies(sandbox, released, webhook):
    with rh.db_connect(sandbox) as conn, conn.cursor() as cur:
        cur.execute("INSERT INTO failed_jobs (uuid, connection, queue, payload, exception) "
                    "VALUES (gen_random_uuid()::text, 'database', 'default', '{}', 'RuntimeException: planted')")
    try:
        rc, out = rh.run_playbook("stability_check.yml", stability_vars(released["vars"], webhook))
    finally:
        with rh.db_connect(sandbox) as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM failed_jobs WHERE exception = 'RuntimeException: planted'")
    assert rc != 0, out[-4000:]          # the scheduler sees the failure
    assert "failed_jobs grew by 1" in out
    with open(stability_reports(released["vars"])[-1], encoding="utf-8") as handle:
        summary = json.load(handle)
    assert any("failed_jobs grew by 1" in p for p in summary["problems"])
    assert len(webhook.received) == 1
    assert "failed_jobs grew by 1" in json.dumps(webhook.received[0])
    for secret in rh.secrets_of(sandbox):
        assert secret not in out and secret not in json.dumps(webhook.received[0])


def test_option2_git_revert_commits_and_tags_the_rollback_without_pushing(sandbox, released):
    release_commit = rh.tag_commit(sandbox, "v1.0.0")
    rc, out = rh.run_playbook("rollback_git.yml", dict(released["vars"], rollback_reason_text="login broken"))
    assert rc == 0, out[-4000:]
    rollback = rh.tag_commit(sandbox, "v1.0.0-rollback")
    assert rollback and rh.git(sandbox, "cat-file", "-t", "v1.0.0-rollback") == "tag"
    # the revert sits on the release branch, right after the release commit, and removes what it added
    assert rh.git(sandbox, "rev-parse", "release/v1.0.0") == rollback
    assert rh.git(sandbox, "rev-parse", rollback + "^") == release_commit
    assert rh.git(sandbox, "ls-tree", "--name-only", release_commit, MIGRATION_FILE) == MIGRATION_FILE
    assert rh.git(sandbox, "ls-tree", "--name-only", rollback, MIGRATION_FILE) == ""
    assert "Rollback v1.0.0 due to critical issue: login broken" in rh.git(sandbox, "log", "-1", "--format=%s", rollback)
    assert "push gated by release_push" in out
    assert rh.git(sandbox, "status", "--porcelain") == ""   # the revert ran in a worktree
    # a second run finds the rollback tag and changes nothing
    rc, out = rh.run_playbook("rollback_git.yml", dict(released["vars"], rollback_reason_text="login broken"))
    assert rc == 0, out[-4000:]
    assert "v1.0.0-rollback already exists" in out
    assert rh.tag_commit(sandbox, "v1.0.0-rollback") == rollback


def test_option3_alone_restores_the_verified_pre_release_backup(sandbox, released):
    assert rh.two_factor_columns(sandbox)   # released
    rc, out = rh.run_playbook("rollback_database.yml", dict(released["vars"], rollback_reason_text="bad data"))
    assert rc == 0, out[-4000:]
    assert rh.two_factor_columns(sandbox) == []
    assert rh.migrations(sandbox) == released["before"]["migrations"]
    after = rh.table_counts(sandbox)
    assert after == released["before"]["counts"]
    entry = ledger_of(sandbox, released["vars"])["releases"][-1]
    assert entry["tag"] == "v1.0.0" and entry["status"] == "rolled_back"
    assert entry["rollback"]["database_restored"] is True
    assert entry["rollback"]["options"] == ["database"]


def test_sandbox_reset_undoes_the_git_rollback(sandbox, released):
    assert rh.git(sandbox, "rev-parse", "release/v1.0.0") != sandbox["commits"]["migration"]   # Option 2 ran
    rh.reset_sandbox()
    assert rh.git(sandbox, "rev-parse", "release/v1.0.0") == sandbox["commits"]["migration"]
    assert rh.git(sandbox, "rev-parse", "origin/release/v1.0.0") == sandbox["commits"]["migration"]
    assert rh.git(sandbox, "tag", "-l") == "v0.9.0"
    assert rh.git(sandbox, "branch", "--list", "hotfix/*") == ""


def test_unlock_needs_confirmation_and_removes_a_dead_runs_lock(sandbox, tmp_path):
    extra = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    lock = tmp_path / "state" / sandbox["environment_name"] / "release.lock"
    lock.mkdir(parents=True)
    (lock / "owner.json").write_text(json.dumps({"owner": "ghost@ci", "run_id": "dead-run", "started_at": 1,
                                                 "expires_at": 4102444800, "ttl": 4102444799}))
    rc, out = rh.run_playbook("unlock.yml", extra)
    assert rc != 0 and "unlock_confirm=true" in out
    assert lock.exists()
    rc, out = rh.run_playbook("unlock.yml", dict(extra, unlock_confirm=True), check=True)
    assert rc == 0 and "Would remove the lock held by ghost@ci" in out and lock.exists()
    rc, out = rh.run_playbook("unlock.yml", dict(extra, unlock_confirm=True))
    assert rc == 0, out[-3000:]
    assert "Removed the lock held by ghost@ci" in out and "dead-run" in out
    assert not lock.exists()
    rc, out = rh.run_playbook("unlock.yml", dict(extra, unlock_confirm=True))
    assert rc == 0 and "No lock was held" in out and rh.recap(out)["changed"] == 0


def test_a_corrupt_ledger_stops_the_release_at_the_start_and_loses_nothing(sandbox, tmp_path):
    extra = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    env_dir = tmp_path / "state" / sandbox["environment_name"]
    env_dir.mkdir(parents=True)
    good = {"version": 1, "environment": sandbox["environment_name"], "releases": [
        {"run_id": "earlier", "tag": "v0.9.0", "status": "good", "deployment_id": "d-earlier",
         "started_at": "2026-01-01T00:00:00Z"}]}
    (env_dir / "ledger.json.bak").write_text(json.dumps(good))
    (env_dir / "ledger.json").write_text(json.dumps(good)[:70])          # cut short: a disk fault, a bad edit
    rc, out = rh.run_playbook("release.yml", extra)
    assert rc != 0
    ledger = env_dir / "ledger.json"
    assert "the release ledger %s is corrupt" % ledger in out
    assert "cp %s.bak %s" % (ledger, ledger) in out and "Traceback" not in out
    assert ledger.read_text() == json.dumps(good)[:70]                    # left as found
    assert json.loads((env_dir / "ledger.json.bak").read_text()) == good  # the history is whole
    assert not (env_dir / "release.lock").exists()                       # stopped before the lock
    assert "Deploy on Railway" not in out


def test_a_corrupt_lock_is_refused_clearly_and_unlock_keeps_its_record(sandbox, tmp_path):
    extra = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    lock = tmp_path / "state" / sandbox["environment_name"] / "release.lock"
    lock.mkdir(parents=True)
    (lock / "owner.json").write_text('{"owner": "ops@ci", "run_id": ')
    rc, out = rh.run_playbook("release.yml", extra)
    assert rc != 0
    assert "the release lock %s is corrupt" % lock in out and "owner.json" in out
    assert "playbooks/unlock.yml -e unlock_confirm=true" in out and "Traceback" not in out
    assert (lock / "owner.json").read_text() == '{"owner": "ops@ci", "run_id": '
    rc, out = rh.run_playbook("unlock.yml", dict(extra, unlock_confirm=True))
    assert rc == 0, out[-3000:]
    assert not lock.exists()
    assert (lock.parent / "release.lock.bak").read_text() == '{"owner": "ops@ci", "run_id": '
