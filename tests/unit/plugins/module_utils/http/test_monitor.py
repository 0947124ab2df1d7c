"""Monitoring windows against the scripted server with a FakeClock: statistics and verdicts are exact."""

from types import SimpleNamespace

from tests.support.scripted_http import free_port

from ansible_collections.facturino.release.plugins.module_utils.common.retry import FakeClock
from ansible_collections.facturino.release.plugins.module_utils.http.health import run
from ansible_collections.facturino.release.plugins.module_utils.http.probe import Response
from ansible_collections.facturino.release.plugins.module_utils.http.runner import Outcome, Runner
from ansible_collections.facturino.release.plugins.module_utils.http.sampler import sample_window


def window(base_url, checks, clock=None, **monitor):
    monitor.setdefault("duration", 60)
    monitor.setdefault("interval", 5)
    return run({"base_url": base_url, "checks": checks, "monitor": monitor}, clock=clock or FakeClock())


def test_flapping_every_third_request(server, key):
    clock = FakeClock()
    result = window(server.url, [{"name": "flap", "url": "/flap/%s?every=3" % key}], clock=clock)
    st = result["monitor"]["endpoints"]["flap"]
    assert (st["samples"], st["errors"], st["error_rate_pct"], st["max_consecutive_failures"]) == (12, 4, 33.33, 1)
    assert st["status_counts"] == {"200": 8, "500": 4} and st["inaccessible_s"] == 5.0
    assert result["verdict"] == "rollback"
    assert [(r["threshold"], r["endpoint"], r["actual"]) for r in result["verdict_reasons"]] == [
        ("error_rate_pct", "flap", 33.33)]
    assert clock.sleeps == [5.0] * 11 and result["changed"] is False


def test_scripted_outage_gives_exact_streak_and_inaccessible_time(server, key):
    codes = "200,200,500,500,500,500,200"
    result = window(server.url, [{"name": "app", "url": "/sequence/%s?codes=%s" % (key, codes)}],
                    thresholds={"inaccessible_after": 20})
    st = result["monitor"]["endpoints"]["app"]
    assert (st["samples"], st["errors"], st["max_consecutive_failures"], st["inaccessible_s"]) == (12, 4, 4, 20.0)
    assert result["monitor"]["inaccessible_s"] == 20.0 and st["last_error"]["t"] == 25.0
    assert result["verdict"] == "rollback"
    assert [(r["threshold"], r["action"]) for r in result["verdict_reasons"]] == [
        ("error_rate_pct", "rollback"), ("consecutive_failures", "degraded"), ("inaccessible_after", "rollback")]


def test_one_error_in_forty_is_healthy_and_two_streak_is_below_default(server, key):
    codes = ",".join(["200"] * 20 + ["500"] + ["200"])
    result = window(server.url, [{"name": "app", "url": "/sequence/%s?codes=%s" % (key, codes)}],
                    duration=200, interval=5)
    st = result["monitor"]["endpoints"]["app"]
    assert (st["samples"], st["errors"], st["error_rate_pct"]) == (40, 1, 2.5)
    assert result["verdict"] == "healthy" and result["verdict_reasons"] == []


def test_healthy_window_has_ordered_percentiles(server):
    result = window(server.url, [{"name": "health", "url": "/health", "json": ["status == 'ok'"]},
                                 {"name": "ping", "url": "/ping", "json": ["message == 'pong'"]}])
    mon = result["monitor"]
    assert result["verdict"] == "healthy" and mon["samples"] == 24 and mon["errors"] == 0 and mon["ticks"] == 12
    for st in mon["endpoints"].values():
        assert 0 < st["p50_ms"] <= st["p95_ms"] <= st["p99_ms"] <= st["max_ms"]


def test_slow_endpoint_is_degraded_not_rolled_back(server):
    result = window(server.url, [{"name": "slow", "url": "/slow?ms=120"}], duration=3, interval=1,
                    thresholds={"p95_ms": 100})
    st = result["monitor"]["endpoints"]["slow"]
    assert st["errors"] == 0 and st["p95_ms"] >= 120
    assert result["verdict"] == "degraded" and result["verdict_reasons"][0]["threshold"] == "p95_ms"


def test_unreachable_app_is_inaccessible_for_the_whole_window():
    result = window("http://127.0.0.1:%d" % free_port(), [{"name": "a", "url": "/health"}, {"name": "b", "url": "/ping"}],
                    duration=30, interval=5)
    mon = result["monitor"]
    assert mon["inaccessible_s"] == 30.0 and mon["errors"] == 12
    assert mon["endpoints"]["a"]["status_counts"] == {"connection_error": 6}
    assert mon["endpoints"]["a"]["p95_ms"] is None
    assert result["verdict"] == "rollback"
    breached = {r["threshold"] for r in result["verdict_reasons"]}
    assert breached == {"error_rate_pct", "consecutive_failures", "inaccessible_after"}


def test_bad_json_and_tls_count_as_errors(server, tls_server):
    bad = window(server.url, [{"name": "j", "url": "/badjson", "json": ["status"]}], duration=10)
    assert bad["monitor"]["endpoints"]["j"]["errors"] == 2
    assert bad["monitor"]["endpoints"]["j"]["status_counts"] == {"200": 2}
    assert "not JSON" in bad["monitor"]["endpoints"]["j"]["last_error"]["error"]
    strict = window(tls_server.url, [{"name": "t", "url": "/health"}], duration=10)
    assert strict["monitor"]["endpoints"]["t"]["status_counts"] == {"tls_error": 2}
    relaxed = window(tls_server.url, [{"name": "t", "url": "/health", "validate_certs": False}], duration=10)
    assert relaxed["verdict"] == "healthy"


def test_only_selected_endpoints_are_sampled(server):
    result = window(server.url, [{"name": "health", "url": "/health"}, {"name": "broken", "url": "/status/500"}],
                    endpoints=["health"], duration=10)
    assert list(result["monitor"]["endpoints"]) == ["health"] and result["verdict"] == "healthy"


class _Stub:
    """An endpoint whose request costs ``cost`` seconds of fake time."""

    def __init__(self, clock, cost):
        self.clock = clock
        self.cost = cost
        self.check = SimpleNamespace(name="stub")

    def run(self, apply_latency=True):
        self.clock.now += self.cost
        return Outcome(Response(status=200, latency_ms=self.cost * 1000), [])


def test_ticks_keep_cadence_and_late_ticks_are_not_made_up():
    clock = FakeClock()
    ticks, end = sample_window([_Stub(clock, 1.0)], 30, 5, clock, Runner(1))
    assert [tick[0] for tick in ticks] == [0, 5, 10, 15, 20, 25] and end == 30
    clock = FakeClock()
    ticks, end = sample_window([_Stub(clock, 7.0)], 30, 5, clock, Runner(1))
    assert [tick[0] for tick in ticks] == [0, 7, 14, 21, 28] and end == 30


def test_windows_are_judged_one_by_one_and_the_watch_ends_at_the_first_rollback(server, key):
    # 4 samples per window: window 1 healthy, window 2 loses 2 of 4 (rollback), window 3 is never sampled.
    codes = ",".join(["200"] * 4 + ["200", "500", "500", "200"] + ["200"] * 4)
    clock = FakeClock()
    result = window(server.url, [{"name": "app", "url": "/sequence/%s?codes=%s" % (key, codes)}], clock=clock,
                    duration=20, interval=5, windows=3)
    assert [(w["index"], w["verdict"], w["monitor"]["samples"]) for w in result["windows"]] == [
        (1, "healthy", 4), (2, "rollback", 4)]
    assert result["verdict"] == "rollback" and result["monitor"]["errors"] == 2 and result["stopped"] is False
    assert clock.now == 35.0  # window 2 started at 20 s, when window 1 ended, and sampled until 35 s


def test_worst_window_decides_and_the_last_window_is_reported(server, key):
    result = window(server.url, [{"name": "slow", "url": "/slow?ms=120"}], duration=2, interval=1, windows=2,
                    thresholds={"p95_ms": 100})
    assert [w["verdict"] for w in result["windows"]] == ["degraded", "degraded"]
    assert result["verdict"] == "degraded" and len(result["verdict_reasons"]) == 2
    assert result["monitor"] is result["windows"][-1]["monitor"]


def test_stop_file_ends_the_watch_before_the_next_sample(server, tmp_path):
    stop = tmp_path / "watch.stop"
    clock = FakeClock()
    original_sleep = clock.sleep

    def sleep(seconds):
        original_sleep(seconds)
        if clock.now >= 12:
            stop.write_text("")

    clock.sleep = sleep
    result = window(server.url, [{"name": "health", "url": "/health"}], clock=clock, duration=10, interval=5,
                    windows=6, stop_file=str(stop))
    assert result["stopped"] is True and len(result["windows"]) == 2
    assert [w["monitor"]["samples"] for w in result["windows"]] == [2, 1]
    assert result["windows"][1]["monitor"]["window_s"] == 5.0 and "stopped early" in result["msg"]


def test_windows_below_one_is_refused(server):
    import pytest  # noqa: PLC0415
    from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError  # noqa: PLC0415
    with pytest.raises(InvalidInputError, match="windows must be at least 1"):
        window(server.url, [{"name": "health", "url": "/health"}], windows=0)
