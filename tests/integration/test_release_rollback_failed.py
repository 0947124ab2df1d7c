"""Failures inside a section's rescue (issue 14): a rollback Railway refuses, a rollback target whose image is gone,
a notification that cannot be sent, and a failure after go-live judged from what Railway and the database say
rather than from the section's name. Every case ends with a report naming what really serves, a ledger entry,
a notification attempt, no lock and a non-zero exit."""

import json
import os
import urllib.request

import pytest

from tests.integration import release_helpers as rh
from tests.integration.test_release_scenarios import base_vars, free_port, smtp_vars

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

BROKEN = {"release_ref": "broken/health-500", "release_tag": "v1.0.1", "preflight_required_migrations": [],
          "migrate_required_columns": {}, "migrate_expected_columns": {}}


def admin(sandbox, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(sandbox["admin_url"] + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read().decode())


def emulator_state(sandbox):
    return admin(sandbox, "GET", "/state")


def ledger(tmp_path, sandbox):
    with open(os.path.join(str(tmp_path / "state"), sandbox["environment_name"], "ledger.json"),
              encoding="utf-8") as handle:
        return json.load(handle)


def lock_path(tmp_path, sandbox):
    return os.path.join(str(tmp_path / "state"), sandbox["environment_name"], "release.lock")


@pytest.fixture
def inbox():
    from aiosmtpd.controller import Controller  # noqa: PLC0415

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def fresh(sandbox):
    rh.reset_sandbox()
    yield sandbox
    admin(sandbox, "DELETE", "/faults")
    rh.reset_sandbox()   # the next test file expects the base commit active


def test_refused_rollback_ends_rollback_failed_with_report_ledger_notification_and_no_lock(fresh, tmp_path, inbox):
    sandbox = fresh
    admin(sandbox, "POST", "/deploy", {"commit": sandbox["commits"]["base"], "wait": 60})   # a second older target
    admin(sandbox, "POST", "/faults", {"graphql_error": {"count": 20, "message": "Deployment cannot be rolled back",
                                                         "match": "mutation DeploymentRollback"}})
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, **BROKEN, **smtp_vars(inbox)))
    assert rc != 0
    assert "FAILED AND ITS ROLLBACK FAILED" in out, out[-4000:]
    doc, markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["outcome"] == "rollback_failed"
    # what is live now is what Railway really serves: the bad version, named by its deployment
    state = emulator_state(sandbox)
    active = state["active_deployment_id"]
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["health_500"]
    assert active in doc["live_now"] and "this release" in doc["live_now"]
    assert "rollback_deployment.yml" in doc["manual_action"] and "MANUAL ACTION NEEDED" in doc["manual_action"]
    assert "**Live now:**" in markdown and "**What a person must do:**" in markdown
    assert doc["sections"]["rollback"]["failed"] is True
    assert len(doc["sections"]["rollback"]["errors"][0]["attempts"]) >= 2, "the next target was tried"
    # the ledger is marked, the team is told that a person must act, the lock is gone
    assert ledger(tmp_path, sandbox)["releases"][-1]["status"] == "rollback_failed"
    assert len(inbox.messages) == 1 and "MANUAL ACTION" in inbox.messages[0]
    assert not os.path.exists(lock_path(tmp_path, sandbox))


def test_gone_ledger_target_falls_back_to_railways_older_deployment(fresh, tmp_path):
    sandbox = fresh
    older = admin(sandbox, "POST", "/deploy", {"commit": sandbox["commits"]["base"], "wait": 60})["deployment_id"]
    admin(sandbox, "POST", "/deploy", {"commit": sandbox["commits"]["base"], "wait": 60})
    previous = emulator_state(sandbox)["active_deployment_id"]
    admin(sandbox, "POST", "/expire_image", {"deployment_id": previous})   # Railway dropped the target's image
    # the notification channel is down too: the outcome stands, the failure to notify is reported
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, **BROKEN, notify_smtp_host="127.0.0.1",
                                                       notify_smtp_port=free_port(), notify_smtp_security="none",
                                                       notify_mail_to=["ops@facturino.test"],
                                                       notify_mail_from="release@facturino.test"))
    assert rc != 0 and "ROLLED BACK" in out, out[-4000:]
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["outcome"] == "rolled_back"
    deployment = doc["sections"]["rollback"]["deployment"]
    assert deployment["skipped"][0]["id"] == previous and "canRollback" in deployment["skipped"][0]["reason"]
    assert deployment["target"]["id"] == older and deployment["target_source"] == "railway"
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert emulator_state(sandbox)["active_deployment_id"] in doc["live_now"]
    assert doc["sections"]["notify"]["sent"] is False and doc["sections"]["notify"]["error"]
    assert ledger(tmp_path, sandbox)["releases"][-1]["status"] == "rolled_back"
    assert not os.path.exists(lock_path(tmp_path, sandbox))


def test_failure_after_go_live_in_the_deploy_section_is_judged_from_what_serves(fresh, tmp_path):
    """The issue's case: the deploy section fails after the new deployment went live (the background watch cannot
    start). The new version serves without its migration, so it is rolled back, and the report says so."""
    sandbox = fresh
    before_migrations = rh.migrations(sandbox)
    # the migration runs from the controller after go-live (with the pre-deploy command it would have run, and
    # Option 3 would rightly join Option 1)
    extra = base_vars(tmp_path, monitor_interval="not-a-number", release_migrate_via="controller")
    rc, out = rh.run_playbook("release.yml", extra)
    assert rc != 0
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.0")
    assert doc["failure"]["section"] == "deploy"
    rollback = doc["sections"]["rollback"]
    assert rollback["options"] == ["deployment"], rollback["decision"]
    assert "without its migrations" in rollback["decision"]
    assert "previous deployment still serves" not in rollback["decision"]
    assert rollback["facts_at_decision"]["railway"]["release_live"] is True
    assert rollback["facts_at_decision"]["database"]["pending"] == ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
    assert doc["outcome"] == "rolled_back"
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert rh.migrations(sandbox) == before_migrations
    assert emulator_state(sandbox)["active_deployment_id"] in doc["live_now"]
    assert "not this release" in doc["live_now"]
    assert not os.path.exists(lock_path(tmp_path, sandbox))
