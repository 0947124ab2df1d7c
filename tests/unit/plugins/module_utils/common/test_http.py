"""The one HTTP layer: a deadline for the whole exchange, bounded bodies, Retry-After, one proxy policy."""

import time

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common import http
from ansible_collections.facturino.release.plugins.module_utils.common.errors import BadAnswerError, HttpError
from tests.support import bad_servers


@pytest.fixture(scope="module")
def server():
    srv = bad_servers.start()
    yield srv
    srv.close()


def _timed(func):
    started = time.monotonic()
    try:
        return func(), time.monotonic() - started
    except HttpError as error:
        return error, time.monotonic() - started


@pytest.mark.parametrize("path", ["/drip", "/stall"])
def test_a_dripping_or_stalled_body_ends_at_the_deadline_of_the_whole_exchange(server, path):
    error, took = _timed(lambda: http.exchange(http.new_session(), "GET", server.url + path, 1.0, server="the fake"))
    assert isinstance(error, HttpError) and error.kind == "timeout"
    assert "the fake timed out" in error.message and "within 1 s" in error.message
    assert 0.9 <= took < 1.6


@pytest.mark.parametrize("path", ["/big", "/bigchunked"])
def test_a_body_over_the_bound_is_refused_before_it_is_read_whole(server, path):
    error, took = _timed(lambda: http.exchange(http.new_session(), "GET", server.url + path, 10, max_body=65536))
    assert isinstance(error, HttpError) and error.kind == "too_large" and "65536 bytes" in error.message
    assert took < 2


def test_truncate_keeps_the_first_bytes(server):
    resp = http.exchange(http.new_session(), "GET", server.url + "/big", 10, max_body=1000, truncate=True)
    assert resp.truncated and len(resp.content) == 1000 and resp.status_code == 200


def test_a_reset_connection_is_a_connection_error(server):
    error, took = _timed(lambda: http.exchange(http.new_session(), "POST", server.url + "/reset", 5, json_body={}))
    assert isinstance(error, HttpError) and error.kind == "connection_error" and took < 2


def test_html_and_invalid_json_are_bad_answers_naming_the_server(server):
    resp = http.exchange(http.new_session(), "GET", server.url + "/html", 5, server="Railway")
    assert resp.looks_html()
    with pytest.raises(BadAnswerError, match="Railway answered HTTP 200 with a body that is not JSON"):
        resp.json()
    with pytest.raises(BadAnswerError):
        http.exchange(http.new_session(), "GET", server.url + "/badjson", 5).json()


def test_sessions_ignore_proxies_from_the_environment(monkeypatch, server):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    session = http.new_session()
    assert session.trust_env is False
    assert http.exchange(session, "GET", server.url + "/status/204", 5).status_code == 204


def test_a_kept_alive_connection_is_watched_too(server):
    session = http.new_session()
    assert http.exchange(session, "GET", server.url + "/status/200", 5).status_code == 200
    error, took = _timed(lambda: http.exchange(session, "GET", server.url + "/stall", 0.5))
    assert isinstance(error, HttpError) and error.kind == "timeout" and took < 1.2


@pytest.mark.parametrize("value,expected", [("3", 3.0), ("-1", 0.0), ("nan", None), ("inf", None), ("", None),
                                            ("soon", None), (None, None)])
def test_retry_after(value, expected):
    assert http.parse_retry_after(value) == expected


def test_retry_after_http_date():
    assert http.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0


@pytest.mark.parametrize("status,kind", [(200, "ok"), (302, "redirect"), (404, "client_error"), (429, "rate_limited"),
                                         (503, "server_error")])
def test_status_classes(status, kind):
    assert http.status_class(status) == kind
