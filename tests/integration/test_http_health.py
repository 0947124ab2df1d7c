"""http_health against the sandbox Laravel app, run as Ansible runs it.

The shared sandbox deployment is only read. Maintenance mode and the 500-health commit are served from our
own checkout (``git archive`` of the branch from origin.git, ``php -S`` on a free port) so nothing shared changes.
"""

import os
import signal
import subprocess
import tarfile
import io

import pytest
import requests

from tests.support.scripted_http import free_port

from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, wait_until

pytestmark = pytest.mark.sandbox


def runbook_checks(state):
    """The runbook's Post-Deployment Verification, as http_health checks."""
    return [
        {"name": "accessible", "url": "/", "method": "HEAD"},                                   # curl -I
        {"name": "health", "url": "/api/health", "json": ["status == 'ok'", "timestamp"]},      # curl /api/health
        {"name": "auth_ping", "url": "/api/v1/auth/ping", "json": ["message == 'pong'"]},       # curl /api/v1/auth/ping
        {"name": "login_page", "url": "/admin/login", "contains": ['alt="Facturino logo"'],     # login page with logo
         "regex": [r'name="_token"']},
        {"name": "dashboard", "url": "/admin/dashboard", "max_latency_ms": 3000,                # login + time curl
         "regex": [r"(?i)dashboard"],
         "login": {"url": "/admin/login", "username": state["admin_email"], "password": state["admin_password"],
                   "success_redirect": "/admin/dashboard", "logout_url": "/admin/logout"}},
    ]


def by_name(result):
    return {c["name"]: c for c in result["checks"]}


@pytest.fixture
def own_app(sandbox, tmp_path):
    """Factory: serve ``branch`` of origin.git from a private checkout; returns its base URL."""
    procs = []
    env = dict(os.environ, APP_KEY=sandbox["app_key"], APP_ENV="production", APP_DEBUG="false",
               DATABASE_URL=sandbox["database_url"], LOG_CHANNEL="stderr")

    def start(branch):
        root = tmp_path / branch.replace("/", "_")
        root.mkdir()
        archive = subprocess.run(["git", "-C", sandbox["origin_repo"], "archive", branch], check=True,
                                 capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(root)  # noqa: S202 - our own repository
        port = free_port()
        proc = subprocess.Popen(["php", "-S", "127.0.0.1:%d" % port, "-t", "public", "server.php"], cwd=str(root),
                                env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(proc)
        url = "http://127.0.0.1:%d" % port

        def poll():
            try:
                return requests.get(url + "/api/v1/auth/ping", timeout=2).status_code
            except requests.RequestException:
                return None

        wait_until(poll, lambda code: code is not None, timeout=20, backoff=Backoff(0.1, 1.5, 1.0))
        return url, root, env

    yield start
    for proc in procs:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def test_runbook_checks_pass_on_the_healthy_sandbox(sandbox, run_module):
    result = run_module("http_health", {"base_url": sandbox["domain_url"], "checks": runbook_checks(sandbox),
                                        "retries": 2, "delay": 1})
    assert not result.failed, result["msg"]
    assert result["healthy"] and result["changed"] is False
    checks = by_name(result)
    assert checks["health"]["status"] == 200 and checks["accessible"]["status"] == 200
    assert checks["dashboard"]["login"]["ok"] and checks["dashboard"]["login"]["redirect"] == "/admin/dashboard"
    assert checks["dashboard"]["login"]["logout"] == {"ok": True, "status": 302, "redirect": "/admin/login"}
    assert checks["dashboard"]["final_url"].endswith("/admin/dashboard")
    assert all(isinstance(c["latency_ms"], float) and c["ttfb_ms"] <= c["latency_ms"] for c in result["checks"])
    assert sandbox["admin_password"] not in result["_raw_stdout"]


def test_runbook_checks_run_in_check_mode(sandbox, run_module):
    result = run_module("http_health", {"base_url": sandbox["domain_url"], "checks": runbook_checks(sandbox)[:3]},
                        check_mode=True)
    assert not result.failed and result["healthy"] and "skipped" not in result
    assert all(c["attempts"] == 1 and c["status"] == 200 for c in result["checks"])


def test_wrong_admin_password_fails_the_authentication_check(sandbox, run_module):
    checks = runbook_checks(sandbox)[4:]
    checks[0]["login"]["password"] = "not-the-password"
    result = run_module("http_health", {"base_url": sandbox["domain_url"], "checks": checks})
    assert result.failed
    assert by_name(result)["dashboard"]["failed_assertions"][0]["assertion"] == "login"


def test_short_window_on_the_healthy_sandbox(sandbox, run_module):
    gate = run_module("http_health", {"base_url": sandbox["domain_url"], "checks": runbook_checks(sandbox)[1:3],
                                      "retries": 5, "delay": 1})  # as a playbook does: gate, then watch
    assert gate["healthy"], gate["msg"]
    result = run_module("http_health", {
        "base_url": sandbox["domain_url"], "checks": runbook_checks(sandbox)[1:3],
        "monitor": {"duration": 2, "interval": 0.5, "thresholds": {"p95_ms": 3000}}})
    assert not result.failed and result["verdict"] == "healthy", result["msg"]
    assert sorted(result["monitor"]["endpoints"]) == ["auth_ping", "health"]
    for stats in result["monitor"]["endpoints"].values():
        assert stats["errors"] == 0 and stats["samples"] >= 3 and stats["p95_ms"] is not None


def test_maintenance_mode_fails_every_check(sandbox, run_module, own_app):
    url, root, env = own_app("main")
    healthy = run_module("http_health", {"base_url": url, "checks": runbook_checks(sandbox)})
    assert healthy["healthy"], healthy["msg"]
    subprocess.run(["php", "artisan", "down"], cwd=str(root), env=env, check=True, capture_output=True)
    result = run_module("http_health", {"base_url": url, "checks": runbook_checks(sandbox)})
    assert result.failed and result["healthy"] is False
    checks = by_name(result)
    for name in ("accessible", "health", "auth_ping", "login_page"):
        assert checks[name]["status"] == 503 and not checks[name]["ok"], name
    expected = {"assertion": "login", "step": "form", "error": "login page answered 503"}
    assert checks["dashboard"]["failed_assertions"][0] == expected
    window = run_module("http_health", {"base_url": url, "checks": runbook_checks(sandbox)[1:3],
                                        "monitor": {"duration": 1, "interval": 0.25}})
    assert window["verdict"] == "rollback" and window["monitor"]["inaccessible_s"] >= 1.0
    assert window["monitor"]["error_rate_pct"] == 100.0


def test_health_500_commit_fails_only_the_health_check(sandbox, run_module, own_app):
    url, _root, _env = own_app("broken/health-500")
    result = run_module("http_health", {"base_url": url, "checks": runbook_checks(sandbox)})
    assert result.failed
    checks = by_name(result)
    assert [n for n, c in checks.items() if not c["ok"]] == ["health"]
    failures = checks["health"]["failed_assertions"]
    assert failures[0] == {"assertion": "status", "expected": [200], "actual": 500}
    assert failures[1]["expression"] == "status == 'ok'" and failures[1]["actual"] == {"status": "error"}
    assert '"status":"error"' in checks["health"]["body_excerpt"]
    window = run_module("http_health", {"base_url": url, "checks": runbook_checks(sandbox)[1:3],
                                        "monitor": {"duration": 1, "interval": 0.25}})
    endpoints = window["monitor"]["endpoints"]
    assert endpoints["health"]["error_rate_pct"] == 100.0 and endpoints["auth_ping"]["errors"] == 0
    assert window["verdict"] == "rollback" and window["monitor"]["inaccessible_s"] == 0.0
    assert {r["endpoint"] for r in window["verdict_reasons"]} == {"health"}
