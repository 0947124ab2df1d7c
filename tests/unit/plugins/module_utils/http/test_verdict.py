from ansible_collections.facturino.release.plugins.module_utils.http.verdict import decide

TH = {"error_rate_pct": 5.0, "p95_ms": 5000.0, "consecutive_failures": 3, "inaccessible_after": 60.0}
ROLLBACK_ON = ["error_rate_pct", "inaccessible_after"]


def stats(samples=100, errors=0, p95=100.0, streak=0, inaccessible=0.0):
    return {"inaccessible_s": inaccessible, "endpoints": {"health": {
        "samples": samples, "errors": errors, "error_rate_pct": round(100.0 * errors / samples, 2),
        "p95_ms": p95, "max_consecutive_failures": streak}}}


def test_healthy_when_nothing_is_breached():
    assert decide(stats(errors=5, streak=2, p95=5000.0, inaccessible=59.9), TH, ROLLBACK_ON) == ("healthy", [])


def test_error_rate_is_strictly_above_and_means_rollback():
    verdict, reasons = decide(stats(errors=6), TH, ROLLBACK_ON)
    assert verdict == "rollback"
    assert reasons == [{"threshold": "error_rate_pct", "endpoint": "health", "limit": 5.0, "actual": 6.0,
                        "comparison": ">", "action": "rollback",
                        "message": "endpoint health: error_rate_pct 6.0 > 5.0"}]


def test_slow_p95_and_streaks_are_degraded_by_default():
    verdict, reasons = decide(stats(p95=5000.1, streak=3), TH, ROLLBACK_ON)
    assert verdict == "degraded"
    assert [(r["threshold"], r["action"]) for r in reasons] == [("p95_ms", "degraded"), ("consecutive_failures", "degraded")]


def test_inaccessible_is_app_level_and_inclusive():
    verdict, reasons = decide(stats(inaccessible=60.0), TH, ROLLBACK_ON)
    assert verdict == "rollback" and reasons[0]["endpoint"] is None and reasons[0]["comparison"] == ">="


def test_rollback_on_is_configurable_and_none_switches_off():
    assert decide(stats(streak=4), TH, ROLLBACK_ON + ["consecutive_failures"])[0] == "rollback"
    assert decide(stats(errors=50, p95=9000.0), dict(TH, error_rate_pct=None, p95_ms=None), ROLLBACK_ON)[0] == "healthy"


def test_rollback_wins_over_degraded():
    verdict, reasons = decide(stats(errors=10, p95=6000.0), TH, ROLLBACK_ON)
    assert verdict == "rollback" and {r["action"] for r in reasons} == {"rollback", "degraded"}
