import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.http.spec import parse_spec, planned_samples

BASE = "http://127.0.0.1:9"


def spec(checks=None, **top):
    params = {"base_url": BASE, "checks": checks or [{"url": "/api/health"}]}
    params.update(top)
    return parse_spec(params)


def error_of(**kwargs):
    with pytest.raises(InvalidInputError) as info:
        spec(**kwargs)
    return str(info.value)


def test_defaults_and_resolution():
    parsed = spec([{"url": "/api/health?x=1"}, {"name": "abs", "url": "https://h.example/ping", "status": 204}])
    first, second = parsed.checks
    assert first.name == "/api/health?x=1" and first.url == BASE + "/api/health?x=1"
    assert first.status == (200,) and first.timeout == 10.0 and first.follow_redirects and first.validate_certs
    assert second.url == "https://h.example/ping" and second.status == (204,)
    assert parsed.monitor is None and parsed.retries == 0 and parsed.concurrency == 8


@pytest.mark.parametrize("url, fragment", [
    ("ftp://h/x", "unsupported scheme 'ftp'"),
    ("http:///nohost", "no host"),
    ("http://h:99999/", "port"),
    ("http://h/a b", "contains a space"),
])
def test_invalid_urls_are_rejected(url, fragment):
    message = error_of(checks=[{"url": url}])
    assert "url" in message and fragment in message and "Fix:" in message


def test_relative_url_without_base_url():
    with pytest.raises(InvalidInputError, match="relative and base_url is not set"):
        parse_spec({"checks": [{"url": "/api/health"}]})


def test_invalid_jmespath_names_the_expression():
    message = error_of(checks=[{"name": "health", "url": "/h", "json": ["status = 'ok'"]}])
    assert "invalid JMESPath" in message and "status = 'ok'" in message and "health" in message


def test_invalid_regex():
    assert "invalid regex" in error_of(checks=[{"url": "/h", "regex": ["(unclosed"]}])


def test_duplicate_names_and_head_with_body_assertions():
    assert "used twice" in error_of(checks=[{"url": "/a", "name": "x"}, {"url": "/b", "name": "x"}])
    assert "HEAD" in error_of(checks=[{"url": "/", "method": "HEAD", "contains": ["x"]}])


def test_impossible_latency_and_bad_status():
    assert "max_latency_ms" in error_of(checks=[{"url": "/", "timeout": 1, "max_latency_ms": 1000}])
    assert "not an HTTP status" in error_of(checks=[{"url": "/", "status": [42]}])


def test_bad_retry_settings():
    assert "backoff" in error_of(backoff=0.5)
    assert "concurrency" in error_of(concurrency=0)


@pytest.mark.parametrize("monitor, fragment", [
    ({"duration": 10, "interval": 20}, "longer than the window"),
    ({"duration": 0}, "monitor.duration is 0; it must be more than 0 seconds"),
    ({"duration": 60, "thresholds": {"error_rate_pct": 100}}, "error_rate_pct 100"),
    ({"duration": 60, "thresholds": {"error_rate_pct": -1}}, "error_rate_pct is -1"),
    ({"duration": 60, "interval": 5, "thresholds": {"consecutive_failures": 13}}, "consecutive_failures 13"),
    ({"duration": 60, "thresholds": {"consecutive_failures": 0}}, "consecutive_failures 0"),
    ({"duration": 60, "thresholds": {"inaccessible_after": 61}}, "inaccessible_after 61"),
    ({"duration": 60, "thresholds": {"p95_ms": 10000}}, "p95_ms 10000"),
    ({"duration": 60, "endpoints": ["nope"]}, "not check names"),
])
def test_impossible_monitor_settings(monitor, fragment):
    message = error_of(monitor=monitor)
    assert fragment in message, message


def test_threshold_defaults_follow_the_runbook_and_shrink_to_short_windows():
    long_window = spec(monitor={"duration": 300, "interval": 5}).monitor
    assert long_window.thresholds == {"error_rate_pct": 5.0, "p95_ms": 5000.0, "consecutive_failures": 3,
                                      "inaccessible_after": 60.0}
    assert long_window.rollback_on == ["error_rate_pct", "inaccessible_after"]
    short = spec(monitor={"duration": 10, "interval": 5}).monitor
    assert short.thresholds["consecutive_failures"] == 2 and short.thresholds["inaccessible_after"] == 10.0
    off = spec(monitor={"duration": 60, "thresholds": {"error_rate_pct": None, "p95_ms": None}}).monitor
    assert off.thresholds["error_rate_pct"] is None and off.thresholds["p95_ms"] is None


def test_planned_samples():
    assert planned_samples(60, 5) == 12
    assert planned_samples(61, 5) == 13
    assert planned_samples(0.3, 0.1) == 3
    assert planned_samples(5, 5) == 1


def test_dict_body_is_sent_as_json():
    check = spec([{"url": "/x", "method": "POST", "body": {"a": 1}}]).checks[0]
    assert check.body == '{"a": 1}' and check.headers["Content-Type"] == "application/json"
