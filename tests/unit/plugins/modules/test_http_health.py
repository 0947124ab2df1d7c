"""http_health as Ansible runs it (separate process): bad input, check mode, failures, secrets, thin main()."""

import ast
import hashlib
import os

import pytest

from tests.support import scripted_http
from tests.support.modules import REPO_ROOT, run_module

HEADER_SECRET = "Bearer hdr-s3cret-value-42"


@pytest.fixture(scope="module")
def server():
    with scripted_http.start() as srv:
        yield srv


@pytest.mark.parametrize("args, words", [
    ({"checks": [{"url": "ftp://example.com/x"}]}, "url uses the unsupported scheme 'ftp' (ftp://example.com/x)"),
    ({"checks": [{"url": "/api/health"}]}, "relative and base_url is not set"),
    ({"checks": [{"url": "http://h/x", "json": ["status = 'ok'"]}]}, "invalid JMESPath \"status = 'ok'\""),
    ({"checks": [{"url": "http://h/x"}], "monitor": {"duration": 60, "thresholds": {"error_rate_pct": 150}}},
     "thresholds.error_rate_pct 150.0 is impossible"),
    ({"checks": [{"url": "http://h/x"}],
      "monitor": {"duration": 30, "interval": 5, "thresholds": {"consecutive_failures": 7}}},
     "thresholds.consecutive_failures 7 is impossible"),
    ({"checks": [{"url": "http://h/x", "method": "FETCH"}]}, "value of method must be one of"),
    ({"checks": []}, "checks is empty"),
])
def test_bad_input_fails_with_cause_and_no_traceback(args, words):
    result = run_module("http_health", args)
    assert result.failed and words in result["msg"], result["msg"]
    assert "exception" not in result and "Traceback" not in result["_raw_stdout"] + result["_raw_stderr"]


def test_check_mode_really_checks_and_never_changes(server):
    before = server.state.requests
    result = run_module("http_health", {"base_url": server.url, "checks": [
        {"name": "health", "url": "/health", "json": ["status == 'ok'"]}]}, check_mode=True)
    assert not result.failed and result["healthy"] is True and result["changed"] is False
    assert "skipped" not in result and server.state.requests == before + 1
    check = result["checks"][0]
    assert check["status"] == 200 and isinstance(check["latency_ms"], float) and check["attempts"] == 1


def test_unhealthy_gate_fails_and_keeps_every_result(server):
    result = run_module("http_health", {"base_url": server.url, "checks": [
        {"name": "health", "url": "/health"}, {"name": "broken", "url": "/status/500"}]})
    assert result.failed and result["changed"] is False
    assert result["msg"].startswith("1 of 2 checks failed after 1 attempt(s): broken")
    assert [c["ok"] for c in result["checks"]] == [True, False]


def test_monitor_verdict_is_data_not_a_failure(server):
    result = run_module("http_health", {"base_url": server.url, "checks": [{"name": "broken", "url": "/status/500"}],
                                        "monitor": {"duration": 0.3, "interval": 0.1}})
    assert not result.failed and result["verdict"] == "rollback"
    assert result["monitor"]["endpoints"]["broken"]["errors"] == result["monitor"]["endpoints"]["broken"]["samples"]


def test_secrets_in_headers_cookies_and_login_are_never_echoed(server):
    result = run_module("http_health", {"base_url": server.url, "checks": [
        {"name": "auth", "url": "/require-header?name=Authorization&sha256=" + hashlib.sha256(HEADER_SECRET.encode()).hexdigest(),
         "headers": {"Authorization": HEADER_SECRET}},
        {"name": "dash", "url": "/dashboard", "contains": ["Dashboard"],
         "login": {"url": "/login", "username": scripted_http.USER, "password": scripted_http.PASSWORD}},
        {"name": "dash_logout", "url": "/dashboard", "contains": ["Dashboard"],
         "login": {"url": "/login", "username": scripted_http.USER, "password": scripted_http.PASSWORD,
                   "logout_url": "/logout"}},
        {"name": "login_page_fails", "url": "/login", "contains": ["not on this page"]},
        {"name": "basic", "url": server.url.replace("://", "://user:" + HEADER_SECRET.split()[1] + "@") + "/ping"},
        {"name": "denied", "url": "/dashboard", "contains": ["Dashboard"],
         "login": {"url": "/login", "username": scripted_http.USER, "password": scripted_http.PASSWORD + "-bad"}},
    ]}, env={"ANSIBLE_DEBUG": "0"})
    by_name = {c["name"]: c for c in result["checks"]}
    assert by_name["auth"]["ok"] and by_name["dash"]["ok"] and not by_name["denied"]["ok"]
    assert by_name["dash_logout"]["login"]["logout"]["ok"] and by_name["basic"]["ok"]
    assert 'name="csrf-token" content="********"' in by_name["login_page_fails"]["body_excerpt"]
    output = result["_raw_stdout"] + result["_raw_stderr"]
    secrets = [HEADER_SECRET, HEADER_SECRET.split()[1], scripted_http.PASSWORD] + list(server.state.csrf.values())
    secrets += list(server.state.sessions) + list(server.state.sessions.values())  # cookies and their CSRF tokens
    leaked = [s for s in secrets if s in output]
    assert not leaked and server.state.sessions  # the session cookie existed, and was not printed


def test_main_is_thin():
    path = os.path.join(REPO_ROOT, "plugins", "modules", "http_health.py")
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    main = next(node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == "main")
    assert main.end_lineno - main.lineno + 1 <= 30


def test_self_signed_tls_with_and_without_validate_certs():
    with scripted_http.start(tls=True) as tls:
        strict = run_module("http_health", {"checks": [{"name": "tls", "url": tls.url + "/health"}]})
        relaxed = run_module("http_health", {
            "checks": [{"name": "tls", "url": tls.url + "/health", "validate_certs": False}]})
    assert strict.failed and "certificate verify failed" in strict["checks"][0]["error"]
    assert not relaxed.failed and relaxed["checks"][0]["status"] == 200
    assert "InsecureRequestWarning" not in relaxed["_raw_stderr"]
