"""Scenario tests of playbooks/release.yml on the sandbox (issue 8), each asserting the final state.

Every scenario starts from `sandbox/bin/reset` and keeps its ledger, lock, backups and reports in its own
temporary directory, so runs never see each other's ledger.
"""

import glob
import json
import os
import socket
import subprocess
import time

import pytest

from tests.integration import release_helpers as rh
from tests.support.modules import REPO_ROOT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_vars(tmp_path, **extra):
    values = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    values.update(extra)
    return values


def smtp_vars(inbox):
    return {"notify_smtp_host": "127.0.0.1", "notify_smtp_port": inbox.port, "notify_smtp_security": "none",
            "notify_mail_to": ["tech-team@facturino.test"], "notify_mail_from": "release@facturino.test"}


@pytest.fixture(scope="module")
def happy(sandbox, tmp_path_factory):
    """Scenario 1 once for the module: reset, release v1.0.0 with an SMTP server listening."""
    from aiosmtpd.controller import Controller  # noqa: PLC0415

    class Inbox:
        messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    tmp = tmp_path_factory.mktemp("happy")
    try:
        rh.reset_sandbox()
        before = rh.table_counts(sandbox)
        started = time.monotonic()
        schedule = {"stability_schedule": True, "stability_schedule_cron_file": str(tmp / "facturino-stability")}
        rc, out = rh.run_playbook("release.yml", dict(base_vars(tmp), **smtp_vars(controller), **schedule))
        elapsed = time.monotonic() - started
    finally:
        controller.stop()
    return {"rc": rc, "out": out, "tmp": tmp, "inbox": inbox, "before": before, "elapsed": elapsed,
            "vars": base_vars(tmp)}


def test_scenario1_happy_path(sandbox, happy):
    assert happy["rc"] == 0, happy["out"][-4000:]
    migration = sandbox["commits"]["migration"]
    # tagged (annotated, on the migration commit)
    assert rh.tag_commit(sandbox, "v1.0.0") == migration
    assert rh.git(sandbox, "cat-file", "-t", "v1.0.0") == "tag"
    # deployed
    assert rh.active_commit(sandbox)[0] == migration
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    # migrated, with the 2FA columns
    assert rh.two_factor_columns(sandbox) == ["two_factor_confirmed_at", "two_factor_recovery_codes", "two_factor_secret"]
    assert rh.migrations(sandbox)[-1][0] == "2025_11_16_233237_add_two_factor_columns_to_users_table"
    # report written: verified and monitored healthy, timeline of every section, checklist with evidence
    doc, markdown = rh.latest_report(str(happy["tmp"] / "reports"), "v1.0.0")
    assert doc["outcome"] == "success"
    assert doc["verdict"] == "healthy"
    assert [s["section"] for s in doc["timeline"]] == [
        "preflight", "environment", "tag", "deploy", "migrate", "verify", "optimize", "monitor", "notify"]
    assert all(s["status"] == "ok" for s in doc["timeline"])
    assert doc["sections"]["backup"]["verified"] is True
    assert all(c["ok"] for c in doc["sections"]["verify"]["http"])
    ticked = {i["item"] for group in doc["checklist"].values() for i in group if i["done"]}
    assert {"Database backup created", "Migrations executed", "Application accessible", "Authentication tested",
            "Team notified of success"} <= ticked
    assert not any(i["done"] for i in doc["checklist"]["Sign-Off"])
    assert "## Checklist Summary" in markdown and "- [x] Migrations executed" in markdown
    # the ledger marks it good, with the deployment and the backup
    with open(os.path.join(happy["vars"]["release_state_dir"], sandbox["environment_name"], "ledger.json"),
              encoding="utf-8") as handle:
        ledger = json.load(handle)
    entry = ledger["releases"][-1]
    assert entry["status"] == "good" and entry["commit"] == migration and entry["deployment_id"]
    assert entry["backup"]["sha256"] and entry["previous_deployment_id"]
    # every section was recorded when it started and updated when it ended; the .bak copy is the ledger
    assert [(s["name"], s["status"]) for s in entry["sections"]] == [
        ("preflight", "ok"), ("environment", "ok"), ("tag", "changed"), ("deploy", "changed"),
        ("migrate", "changed"), ("verify", "ok"), ("optimize", "changed"), ("monitor", "ok"), ("notify", "ok")]
    assert all(s["started_at"] <= s["finished_at"] for s in entry["sections"])
    with open(os.path.join(happy["vars"]["release_state_dir"], sandbox["environment_name"], "ledger.json.bak"),
              encoding="utf-8") as handle:
        assert json.load(handle) == ledger
    # the SMTP server received the team notification, with no secret in it
    assert len(happy["inbox"].messages) == 1
    message = happy["inbox"].messages[0].content.decode("utf-8", "replace")
    assert "v1.0.0" in message and "Deployed to Production" in message
    for secret in rh.secrets_of(sandbox):
        assert secret not in message
        assert secret not in happy["out"]
        assert secret not in markdown


def test_scenario1_browser_tests_leave_the_app_as_they_found_it(sandbox, happy):
    """The browser flows delete the customer (with its invoice) and the receipt they created and switch 2FA off.

    Only the release's own changes remain: its migration, the queue:restart timestamp (optimize) and the database
    sessions every web request opens (traffic, garbage-collected by Laravel).
    """
    assert happy["rc"] == 0, happy["out"][-4000:]
    before, after = dict(happy["before"]), rh.table_counts(sandbox)
    assert after.pop("migrations") == before.pop("migrations") + 1
    after.pop("sessions", None)
    before.pop("sessions", None)
    with rh.db_connect(sandbox) as conn, conn.cursor() as cur:
        cur.execute("SELECT key FROM cache")
        assert [key for (key,) in cur.fetchall() if not key.endswith("illuminate:queue:restart")] == []
        cur.execute("SELECT count(*) FROM users WHERE two_factor_secret IS NOT NULL OR two_factor_confirmed_at IS NOT NULL")
        assert cur.fetchone()[0] == 0
    after.pop("cache")
    before.pop("cache")
    assert after == before
    state_dir = os.path.dirname(sandbox["app_repo"])
    left = glob.glob(os.path.join(state_dir, "railway", "releases", "*", "storage", "app", "receipts", "*release-check-*"))
    assert left == []
    doc, _markdown = first_report(str(happy["tmp"] / "reports"), "v1.0.0")
    browser = doc["sections"]["verify"]["browser"]
    assert browser["cleanup_ok"] is True, browser.get("cleanup_msg")
    clicks = {s["name"]: (s.get("detail") or {}).get("clicks") for s in browser["steps"] if s.get("phase") == "cleanup"}
    assert clicks["delete test customers"] == 1 and clicks["delete test receipts"] == 1
    # the e-mail was sent before the cleanup deleted its invoice: no job failed, none is left
    assert after.get("failed_jobs", 0) == 0 and after.get("jobs", 0) == 0


def test_scenario7_second_run_has_nothing_to_do(sandbox, happy):
    assert happy["rc"] == 0
    deployments = rh.deployment_count(sandbox)
    rc, out = rh.run_playbook("release.yml", happy["vars"])
    assert rc == 0, out[-4000:]
    assert rh.recap(out)["changed"] == 0, out[-6000:]
    assert "nothing to do" in out
    doc, _markdown = rh.latest_report(str(happy["tmp"] / "reports"), "v1.0.0")
    assert doc["outcome"] == "noop"
    assert rh.deployment_count(sandbox) == deployments
    # nothing was deployed: the browser tests are skipped (as the watch is), and the report says so
    browser = doc["sections"]["verify"]["browser"]
    assert browser["skipped"] is True and browser["steps"] == [] and "noop" in browser["msg"]
    post = {i["item"]: i for i in doc["checklist"]["Post-Deployment"]}
    assert post["Core functionality verified"]["done"] is False
    assert "skipped" in post["Core functionality verified"]["evidence"]


def test_an_interrupted_2fa_check_is_undone_by_the_next_verification(sandbox, happy, run_module, tmp_path):
    """A run that dies with the admin's 2FA on leaves its recovery file; the next verify.yml switches 2FA off before
    the password-only login check, then runs the whole browser check."""
    assert happy["rc"] == 0, happy["out"][-4000:]
    recovery = tmp_path / "state" / sandbox["environment_name"] / "browser-check-recovery.json"
    steps = [
        {"name": "login page", "action": "goto", "url": "/admin/login"},
        {"name": "sign in", "action": "form", "submit": "main button[type=submit]",
         "fields": {"#email": sandbox["admin_email"], "#password": {"secret": "admin_password"}}},
        {"name": "two-factor page", "action": "goto", "url": "/admin/two-factor"},
        {"name": "enable 2fa", "action": "click", "selector": "#enable-two-factor"},
        {"name": "read 2fa key", "action": "capture", "selector": "#two-factor-secret", "save_as": "totp_secret"},
        {"name": "first code", "action": "totp", "selector": "#code", "secret": "totp_secret"},
        {"name": "confirm 2fa", "action": "click", "selector": "#confirm-two-factor"},
        {"name": "2fa enabled", "action": "expect_text", "text": "Two-factor authentication is enabled"},
    ]
    # the run "dies" here: no cleanup switched 2FA off
    died = run_module("browser_check", {"base_url": sandbox["domain_url"], "results_dir": str(tmp_path / "died"),
                                        "steps": steps, "secrets": {"admin_password": sandbox["admin_password"]},
                                        "recovery_file": str(recovery)})
    assert died["ok"] is True, died.get("msg")
    assert oct(os.stat(recovery).st_mode & 0o777) == "0o600"
    with rh.db_connect(sandbox) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users WHERE two_factor_confirmed_at IS NOT NULL")
        assert cur.fetchone()[0] == 1
    rc, out = rh.run_playbook("verify.yml", base_vars(tmp_path))
    assert rc == 0, out[-6000:]
    assert "Undo what an interrupted browser check left" in out
    assert not recovery.exists()
    with rh.db_connect(sandbox) as conn, conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users WHERE two_factor_secret IS NOT NULL OR two_factor_confirmed_at IS NOT NULL")
        assert cur.fetchone()[0] == 0


def test_scenario2_broken_build_keeps_the_old_version(sandbox, tmp_path):
    rh.reset_sandbox()
    before_migrations = rh.migrations(sandbox)
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, release_ref="broken/lint", release_tag="v1.0.1",
                                                       preflight_required_migrations=[],
                                                       migrate_required_columns={}, migrate_expected_columns={}))
    assert rc != 0
    assert "ended FAILED" in out
    # the old version still serves and nothing was migrated
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    assert rh.migrations(sandbox) == before_migrations
    doc, markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["outcome"] == "failed"
    assert doc["failure"]["section"] == "deploy"
    assert "FAILED" in doc["failure"]["msg"]
    assert "previous deployment still serves" in doc["sections"]["rollback"]["decision"]
    assert "## What went wrong" in markdown


def test_scenario3_health_500_rolls_back_to_the_previous_deployment(sandbox, tmp_path):
    rh.reset_sandbox()
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, release_ref="broken/health-500", release_tag="v1.0.1",
                                                       preflight_required_migrations=[],
                                                       migrate_required_columns={}, migrate_expected_columns={}))
    assert rc != 0
    assert "ROLLED BACK" in out
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["outcome"] == "rolled_back"
    assert doc["failure"]["section"] == "verify"
    assert doc["sections"]["rollback"]["options"] == ["deployment"]
    # the watch started at go-live was told to stop when the release failed
    assert len(glob.glob(str(tmp_path / "state" / "watch-*.stop"))) == 1
    # post-rollback actions: investigation log, ROLLBACK_LOG.md, hotfix branch
    assert os.path.exists(str(tmp_path / "reports" / "ROLLBACK_LOG.md"))
    assert rh.git(sandbox, "rev-parse", "-q", "--verify", "refs/heads/hotfix/v1.0.2")
    with open(os.path.join(str(tmp_path / "state"), sandbox["environment_name"], "ledger.json"), encoding="utf-8") as handle:
        entry = json.load(handle)["releases"][-1]
    assert entry["status"] == "rolled_back"
    # the sections before verify ended, verify is marked failed, and none after it started
    sections = [(s["name"], s["status"]) for s in entry["sections"]]
    assert [name for name, _status in sections] == ["preflight", "environment", "tag", "deploy", "migrate", "verify"]
    assert sections[-1] == ("verify", "failed") and all(status in ("ok", "changed") for _n, status in sections[:-1])
    assert entry["section"] == "verify" and entry["failure"]["section"] == "verify"


def test_scenario4_failed_migration_restores_the_backup(sandbox, tmp_path):
    rh.reset_sandbox()
    before = rh.table_counts(sandbox)
    before_migrations = rh.migrations(sandbox)
    # the migration through `railway run` (the TCP proxy); its pre-deploy twin is in test_railway_network.py
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, release_ref="broken/migration-fails",
                                                       release_tag="v1.0.1", preflight_required_migrations=[],
                                                       migrate_required_columns={}, migrate_expected_columns={},
                                                       release_migrate_via="controller"))
    assert rc != 0
    assert "ROLLED BACK" in out
    assert rh.table_counts(sandbox) == before
    assert rh.migrations(sandbox) == before_migrations
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["failure"]["section"] == "migrate"
    assert doc["sections"]["rollback"]["options"] == ["database", "deployment"]
    assert doc["sections"]["rollback"]["database_restored"] is True


def test_backup_failing_while_the_deployment_builds_rolls_the_deployment_back(sandbox, tmp_path):
    """The pre-release backup runs during the deployment's build; when it fails, nothing is migrated and the
    deployment that went live meanwhile is rolled back (Option 1)."""
    rh.reset_sandbox()
    before_migrations = rh.migrations(sandbox)
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the backup directory should be\n")
    # the backup overlaps the build only when the migration runs from here (a pre-deploy migration needs it first)
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, backup_dest=str(blocked), release_migrate_via="controller"))
    assert rc != 0
    assert "pre-release backup failed while the deployment built" in out
    assert rh.migrations(sandbox) == before_migrations
    assert rh.two_factor_columns(sandbox) == []
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.0")
    assert doc["failure"]["section"] == "deploy"
    assert doc["sections"]["rollback"]["options"] == ["deployment"]
    assert "backup failed" in doc["sections"]["rollback"]["decision"]


def test_scenario5_second_concurrent_release_is_refused(sandbox, tmp_path):
    rh.reset_sandbox()
    extra = base_vars(tmp_path)
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    first = subprocess.Popen(rh.playbook_cmd("release.yml", extra), cwd=REPO_ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lock = os.path.join(extra["release_state_dir"], sandbox["environment_name"], "release.lock")
    try:
        assert rh.wait_for(lambda: os.path.isdir(lock), timeout=120), "the first release never took the lock"
        rc, out = rh.run_playbook("release.yml", extra)
        assert rc != 0
        assert "is held by" in out and "unlock.yml" in out
        with open(os.path.join(lock, "owner.json"), encoding="utf-8") as handle:
            holder = json.load(handle)
        assert holder["run_id"] in out
    finally:
        first_out, _err = first.communicate(timeout=900)
    assert first.returncode == 0, first_out[-3000:]
    assert not os.path.exists(lock), "the holder released its lock"


def test_stale_lock_is_taken_over_with_a_warning(sandbox, tmp_path):
    lock = tmp_path / "state" / sandbox["environment_name"] / "release.lock"
    lock.mkdir(parents=True)
    (lock / "owner.json").write_text(json.dumps({"owner": "ghost@ci", "run_id": "dead-run", "started_at": 1,
                                                 "expires_at": 2, "ttl": 1}))
    rc, out = rh.run_playbook("preflight.yml", base_vars(tmp_path, release_section_mutates=True))
    assert rc == 0, out[-3000:]
    assert "took over a stale release lock held by ghost@ci" in out
    assert not lock.exists()


def test_scenario6_check_mode_changes_nothing(sandbox, tmp_path):
    rh.reset_sandbox()
    deployments = rh.deployment_count(sandbox)
    counts = rh.table_counts(sandbox)
    migrations = rh.migrations(sandbox)
    tags = rh.git(sandbox, "tag", "-l")
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path), check=True)
    assert rc == 0, out[-4000:]
    assert rh.deployment_count(sandbox) == deployments
    # The HTTP gates ran for real; each anonymous request to a web route gets a (database) session row,
    # which is traffic, not a change made by the release.
    after = rh.table_counts(sandbox)
    after.pop("sessions", None)
    counts.pop("sessions", None)
    assert after == counts
    assert rh.migrations(sandbox) == migrations
    assert rh.git(sandbox, "tag", "-l") == tags
    assert not os.listdir(os.path.join(str(tmp_path / "state"), sandbox["environment_name"], "backups")) \
        if os.path.isdir(os.path.join(str(tmp_path / "state"), sandbox["environment_name"], "backups")) else True
    doc, _markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.0")
    assert doc["outcome"] == "check" and doc["check_mode"] is True
    # the read-only gates ran for real
    assert doc["sections"]["preflight"]["commit"] == sandbox["commits"]["migration"]
    assert doc["sections"]["preflight"]["migrations_pending"] == ["2025_11_16_233237_add_two_factor_columns_to_users_table"]
    assert all(c["ok"] for c in doc["sections"]["verify"]["http"])
    # the cache work was predicted from the cache files, not run, and is not ticked as done
    assert "optimize" in [s["section"] for s in doc["timeline"]]
    assert doc["sections"]["optimize"]["commands"]
    optimized = next(i for i in doc["checklist"]["Deployment"] if i["item"] == "Caches cleared and optimized")
    assert optimized["done"] is False and "would change" in optimized["evidence"]


def first_report(reports_dir, tag):
    base = os.path.join(reports_dir, tag)
    run = sorted(os.listdir(base), key=lambda d: os.path.getmtime(os.path.join(base, d)))[0]
    with open(os.path.join(base, run, "report.json"), encoding="utf-8") as handle:
        doc = json.load(handle)
    with open(os.path.join(base, run, "report.md"), encoding="utf-8") as handle:
        return doc, handle.read()


def test_scenario1_browser_tests_tick_core_functionality(sandbox, happy):
    """The runbook's browser tests ran in Chromium in scenario 1: the report ticks them with evidence and screenshots."""
    assert happy["rc"] == 0, happy["out"][-4000:]
    doc, markdown = first_report(str(happy["tmp"] / "reports"), "v1.0.0")  # scenario 7's run may have come since
    browser = doc["sections"]["verify"]["browser"]
    assert browser["ok"] is True, browser.get("msg")
    names = [step["name"] for step in browser["steps"]]
    for flow in ("logo", "dashboard", "session persists", "customer created", "invoice pdf", "invoice queued",
                 "receipt uploaded", "qr code", "recovery codes", "2fa enabled", "signed in with 2fa", "signed out",
                 "invoice e-mail"):
        assert flow in names
    pdf = next(step for step in browser["steps"] if step["name"] == "invoice pdf")["detail"]
    with open(pdf["file"], "rb") as handle:
        assert handle.read(4) == b"%PDF"
    assert pdf["bytes"] > 1024
    assert browser["mail"]["subject"].startswith("Invoice INV-") and browser["mail"]["to"].startswith("release-check-")
    # every step that ran in the browser has a screenshot (shared by read-only steps on an unchanged page); a
    # conditional step that did not apply (no left-over 2FA set-up to cancel) has none
    shots = [step["screenshot"] for step in browser["steps"] if step["action"] != "wait_mail" and not step.get("skipped")]
    assert all(shot and os.path.getsize(shot) > 1000 for shot in shots)
    assert browser["timings"]["screenshots"] == len(set(shots)) < len(shots)
    skipped = {step["name"]: step for step in browser["steps"] if step.get("skipped")}
    assert "cancel a left-over set-up" in skipped and skipped["cancel a left-over set-up"]["screenshot"] is None
    post = {i["item"]: i for i in doc["checklist"]["Post-Deployment"]}
    assert post["Core functionality verified"]["done"] is True
    assert "browser steps passed" in post["Core functionality verified"]["evidence"]
    first = {i["item"]: i for i in doc["checklist"]["First 24 Hours"]}
    assert first["Email delivery confirmed"]["done"] and first["2FA working correctly"]["done"]
    assert "- [x] Core functionality verified" in markdown and "](browser/01-login-page.jpg)" in markdown
    # every "scheduled" line points at a cron entry that exists, at +24 h and +48 h
    cron = (happy["tmp"] / "facturino-stability").read_text()
    for item in ("No critical errors in logs", "Response times acceptable", "Queue processing normally",
                 "Backups completing successfully"):
        evidence = first[item]["evidence"]
        assert evidence.startswith("scheduled: ")
        for hours in ("+24h", "+48h"):
            name = "facturino-release production v1.0.0 stability " + hours
            assert name in evidence and "#Ansible: " + name in cron
    # 2FA is off again, so the next release's login check still works with the password alone
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200


def test_broken_invoice_pdf_is_rolled_back_by_the_browser_check_alone(sandbox, tmp_path):
    rh.reset_sandbox()
    rc, out = rh.run_playbook("release.yml", base_vars(tmp_path, release_ref="broken/invoice-pdf", release_tag="v1.0.1"))
    assert rc != 0
    assert "ROLLED BACK" in out
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    doc, markdown = rh.latest_report(str(tmp_path / "reports"), "v1.0.1")
    assert doc["outcome"] == "rolled_back"
    assert doc["failure"]["section"] == "verify"
    verify = doc["sections"]["verify"]
    # every HTTP check passed: only the browser saw the broken PDF
    assert verify["http"] and all(check["ok"] for check in verify["http"])
    assert verify["critical"] == [c for c in verify["critical"] if c.startswith("browser: ")] and verify["critical"]
    browser = verify["browser"]
    assert browser["failed_step"] == "invoice pdf" and "HTTP 500" in browser["msg"]
    assert browser["trace"] and os.path.exists(browser["trace"])
    post = {i["item"]: i for i in doc["checklist"]["Post-Deployment"]}
    assert post["Core functionality verified"]["done"] is False
    assert "invoice pdf" in post["Core functionality verified"]["evidence"]
    assert "### Browser tests" in markdown
    # no schedule was asked for: the report says so and how to make one
    first = {i["item"]: i for i in doc["checklist"]["First 24 Hours"]}
    assert first["No critical errors in logs"]["evidence"].startswith("no schedule exists")
    assert "stability_schedule=true" in first["No critical errors in logs"]["evidence"]
