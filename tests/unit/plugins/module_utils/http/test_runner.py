"""The health gate: concurrent checks, wait-until-healthy through common.retry with a FakeClock."""

from ansible_collections.facturino.release.plugins.module_utils.common.retry import FakeClock
from ansible_collections.facturino.release.plugins.module_utils.http.health import run


def gate(server, checks, clock=None, **top):
    params = {"base_url": server.url, "checks": checks}
    params.update(top)
    return run(params, clock=clock or FakeClock())


def by_name(result):
    return {c["name"]: c for c in result["checks"]}


def test_waits_until_healthy_with_backoff_and_reports_how_long(server, key):
    clock = FakeClock()
    result = gate(server, [
        {"name": "booting", "url": "/sequence/%s?codes=503,502,200" % key},
        {"name": "steady", "url": "/sequence/%s-steady?codes=200" % key},
    ], clock=clock, retries=3, delay=2, backoff=2)
    assert result["healthy"] and result["attempts"] == 3 and result["changed"] is False
    assert clock.sleeps == [2.0, 4.0] and result["healthy_after_s"] == 6.0
    checks = by_name(result)
    assert checks["booting"]["attempts"] == 3 and checks["booting"]["healthy_after_s"] == 6.0
    assert checks["steady"]["attempts"] == 1 and checks["steady"]["healthy_after_s"] == 0.0
    assert server.state.counters["seq:%s-steady" % key] == 1  # passing checks are not sent again
    assert result["_fail"] is False and result["msg"].startswith("2/2 checks healthy after 3 attempt(s)")


def test_gives_up_after_retries_and_keeps_the_evidence(server, key):
    clock = FakeClock()
    result = gate(server, [{"name": "down", "url": "/sequence/%s?codes=500" % key, "json": ["status == 'ok'"]}],
                  clock=clock, retries=2, delay=1, backoff=3, max_delay=2)
    assert not result["healthy"] and result["healthy_after_s"] is None and result["_fail"] is True
    assert clock.sleeps == [1.0, 2.0]  # capped by max_delay
    check = result["checks"][0]
    assert check["attempts"] == 3 and check["status"] == 500
    assert check["failed_assertions"] == [
        {"assertion": "status", "expected": [200], "actual": 500},
        {"assertion": "json", "expression": "status == 'ok'", "result": False, "actual": {"status": "error"}},
    ]
    assert check["body_excerpt"].startswith('{"status": "error"')
    assert "down (status: expected [200], got 500)" in result["msg"]


def test_fail_on_unhealthy_false(server):
    result = gate(server, [{"url": "/status/500"}], fail_on_unhealthy=False)
    assert result["healthy"] is False and result["_fail"] is False


def test_latency_limit_fails_the_gate(server):
    check = gate(server, [{"url": "/slow?ms=150", "max_latency_ms": 100}])["checks"][0]
    assert check["failed_assertions"][0]["assertion"] == "max_latency_ms"
    assert check["failed_assertions"][0]["actual"] >= 150


def test_checks_run_concurrently_up_to_the_limit(server, key):
    def checks(count, gauge):
        return [{"name": "s%d" % i, "url": "/slow?ms=100&key=%s-%s" % (key, gauge)} for i in range(count)]

    for concurrency, gauge in ((6, "six"), (3, "three"), (1, "one")):
        assert gate(server, checks(6, gauge), concurrency=concurrency)["healthy"]
    # the server saw that many requests in flight at once, never more
    assert [server.state.peak[key + "-" + g] for g in ("six", "three", "one")] == [6, 3, 1]


def test_tls_gate(tls_server):
    strict = gate(tls_server, [{"url": "/health"}])["checks"][0]
    assert strict["ok"] is False and strict["failed_assertions"][0]["error_kind"] == "tls_error"
    relaxed = gate(tls_server, [{"url": "/health", "validate_certs": False}])["checks"][0]
    assert relaxed["ok"] and relaxed["status"] == 200


def test_redirect_and_bad_json(server):
    checks = by_name(gate(server, [
        {"name": "moved", "url": "/redirect?to=/ping", "json": ["message == 'pong'"]},
        {"name": "moved_not_followed", "url": "/redirect?to=/ping", "follow_redirects": False, "status": [302]},
        {"name": "bad_json", "url": "/badjson", "json": ["status == 'ok'"]},
    ]))
    assert checks["moved"]["ok"] and checks["moved"]["redirects"] == 1
    assert checks["moved_not_followed"]["ok"] and checks["moved_not_followed"]["status"] == 302
    assert not checks["bad_json"]["ok"] and "not JSON" in checks["bad_json"]["failed_assertions"][0]["error"]
