"""probe.request against the scripted server: timings, errors as data, TLS, redirects."""

import hashlib

from tests.support.scripted_http import free_port

from ansible_collections.facturino.release.plugins.module_utils.http import probe


def get(url, validate_certs=True, **kwargs):
    return probe.request(probe.new_session(validate_certs), kwargs.pop("method", "GET"), url, **kwargs)


def test_latency_has_sub_millisecond_resolution_and_connect_ttfb(server):
    session = probe.new_session()
    first = probe.request(session, "GET", server.url + "/health")
    second = probe.request(session, "GET", server.url + "/health")
    assert first.status == 200 and '"status": "ok"' in first.text
    assert isinstance(first.latency_ms, float) and first.latency_ms < 1000
    assert first.connect_ms is not None and 0 < first.connect_ms <= first.ttfb_ms <= first.latency_ms
    assert second.connect_ms is None  # kept-alive connection reused
    # sub-millisecond: values carry microseconds, not whole ms or seconds
    assert any(round(v) != v for v in (first.latency_ms, second.latency_ms, first.ttfb_ms, second.ttfb_ms))


def test_slow_endpoint_latency_is_measured(server):
    resp = get(server.url + "/slow?ms=250")
    assert resp.status == 200 and 250 <= resp.latency_ms < 1500 and resp.ttfb_ms >= 250


def test_timeout_is_data_not_an_exception(server):
    resp = get(server.url + "/slow?ms=800", timeout=0.2)
    assert resp.status is None and resp.error_kind == "timeout" and "timed out" in resp.error
    assert 200 <= resp.latency_ms < 800


def test_connection_refused():
    resp = get("http://127.0.0.1:%d/health" % free_port())
    assert resp.error_kind == "connection_error" and "refused" in resp.error.lower()


def test_redirects_followed_or_not(server):
    followed = get(server.url + "/redirect?to=/ping")
    assert followed.status == 200 and followed.redirects == 1 and followed.final_url.endswith("/ping")
    raw = get(server.url + "/redirect?to=/ping", follow_redirects=False)
    assert raw.status == 302 and raw.location == "/ping" and raw.redirects == 0
    loop = get(server.url + "/redirect-loop")
    assert loop.error_kind == "too_many_redirects"


def test_self_signed_tls_with_and_without_validation(tls_server):
    strict = get(tls_server.url + "/health")
    assert strict.error_kind == "tls_error" and "certificate verify failed" in strict.error
    relaxed = get(tls_server.url + "/health", validate_certs=False)
    assert relaxed.status == 200 and relaxed.connect_ms > 0  # connect includes the TLS handshake


def test_headers_are_sent(server):
    url = server.url + "/require-header?name=X-Token&sha256=" + hashlib.sha256(b"abc").hexdigest()
    assert get(url, headers={"X-Token": "abc"}).status == 200
    assert get(url, headers={"X-Token": "nope"}).status == 401


def test_big_bodies_are_capped(server):
    resp = get(server.url + "/big?n=%d" % (probe.MAX_BODY_BYTES + 100000))
    assert resp.status == 200 and len(resp.text) == probe.MAX_BODY_BYTES


def test_head_reads_no_body(server):
    resp = get(server.url + "/health", method="HEAD")
    assert resp.status == 200 and resp.text == ""
