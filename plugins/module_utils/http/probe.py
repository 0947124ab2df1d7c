# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP request with timings: total latency, connect time (TCP + TLS) and time to first byte, in ms.

``requests`` is imported lazily (the sanity import test runs without it). Transport failures are returned
as data (``error_kind``/``error``), never raised, so a failing endpoint is a measurement, not a crash.
Response headers and cookies are never copied into the result.
"""

from __future__ import annotations

import re
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import MissingDependencyError
from ansible_collections.facturino.release.plugins.module_utils.common.module import has_library

MAX_BODY_BYTES = 2 * 1024 * 1024
_ADAPTER_CLASS = []


class Response:
    """What a probe saw. ``text`` stays internal; results only carry an excerpt."""

    __slots__ = ("status", "text", "latency_ms", "connect_ms", "ttfb_ms", "final_url", "redirects", "location",
                 "error_kind", "error")

    def __init__(self, status=None, text="", latency_ms=None, connect_ms=None, ttfb_ms=None, final_url=None,
                 redirects=0, location=None, error_kind=None, error=None):
        self.status = status
        self.text = text
        self.latency_ms = latency_ms
        self.connect_ms = connect_ms
        self.ttfb_ms = ttfb_ms
        self.final_url = final_url
        self.redirects = redirects
        self.location = location
        self.error_kind = error_kind
        self.error = error


def ms(seconds):
    """Seconds -> milliseconds with microsecond resolution."""
    return round(seconds * 1000.0, 3)


def _adapter_class():
    """An HTTPAdapter whose connections record how long connect() (TCP + TLS handshake) took."""
    if _ADAPTER_CLASS:
        return _ADAPTER_CLASS[0]
    from requests.adapters import HTTPAdapter  # pylint: disable=import-outside-toplevel
    from urllib3.connection import HTTPConnection, HTTPSConnection  # pylint: disable=import-outside-toplevel
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool  # pylint: disable=import-outside-toplevel

    def timed(base):
        class Timed(base):
            connect_ms = None

            def connect(self):
                started = time.perf_counter()
                super().connect()
                self.connect_ms = ms(time.perf_counter() - started)
        return Timed

    class TimedHTTPPool(HTTPConnectionPool):
        ConnectionCls = timed(HTTPConnection)

    class TimedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = timed(HTTPSConnection)

    class TimedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": TimedHTTPPool, "https": TimedHTTPSPool}

    _ADAPTER_CLASS.append(TimedAdapter)
    return TimedAdapter


def new_session(validate_certs=True):
    if not has_library("requests"):
        raise MissingDependencyError("the requests library is required", hint="pip install requests")
    import requests  # pylint: disable=import-outside-toplevel

    session = requests.Session()
    adapter = _adapter_class()(pool_connections=2, pool_maxsize=2, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = validate_certs
    if not validate_certs:  # the user chose it; do not spam stderr about it
        import urllib3  # pylint: disable=import-outside-toplevel
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    session.trust_env = False  # no proxies or netrc credentials picked up silently
    return session


def _take_connect_ms(raw):
    """Connect time of the connection that served ``raw``; None when it was reused (keep-alive)."""
    conn = getattr(raw, "connection", None)
    value = getattr(conn, "connect_ms", None)
    if conn is not None and value is not None:
        conn.connect_ms = None
    return value


def short_reason(error):
    """A one-line cause without urllib3's pool and object noise."""
    inner = error
    first = error.args[0] if getattr(error, "args", None) else None
    if getattr(first, "reason", None) is not None:
        inner = first.reason
    text = str(inner)
    tls = re.search(r"\[SSL: [^\]]+\] (.+?)(?: \(_ssl\.c:\d+\))?['\")]*$", text)
    if tls:
        return "TLS: " + tls.group(1)
    text = re.sub(r"\w+\(host=[^)]*\):\s*", "", text)
    text = re.sub(r"<[^>]*>:\s*", "", text)
    text = re.sub(r"^\w+\('(.*)'\)$", r"\1", text)
    if text.count("(") > text.count(")"):
        text += ")"
    return text.strip(" '\"")[:300]


def classify(error):
    import requests  # pylint: disable=import-outside-toplevel

    exc = requests.exceptions
    if isinstance(error, exc.SSLError):
        return "tls_error"
    if isinstance(error, exc.Timeout):
        return "timeout"
    if isinstance(error, exc.TooManyRedirects):
        return "too_many_redirects"
    if isinstance(error, exc.ConnectionError):
        return "connection_error"
    return "request_error"


def request(session, method, url, headers=None, data=None, timeout=10.0, follow_redirects=True, read_body=True):
    """Send one request on ``session``; returns a :class:`Response` (never raises for transport errors)."""
    import requests  # pylint: disable=import-outside-toplevel

    started = time.perf_counter()
    try:
        resp = session.request(method, url, headers=headers, data=data, timeout=timeout,
                               allow_redirects=follow_redirects, stream=True)
    except requests.exceptions.RequestException as error:
        return Response(latency_ms=ms(time.perf_counter() - started), error_kind=classify(error),
                        error=short_reason(error), final_url=url)
    ttfb = time.perf_counter() - started
    connect_ms = _take_connect_ms(resp.raw)
    chunks, size = [], 0
    try:
        if read_body and method != "HEAD":
            for chunk in resp.iter_content(65536):
                chunks.append(chunk)
                size += len(chunk)
                if size >= MAX_BODY_BYTES:  # enough to judge; the rest is dropped
                    break
    except requests.exceptions.RequestException as error:
        return Response(status=resp.status_code, latency_ms=ms(time.perf_counter() - started),
                        error_kind=classify(error), error=short_reason(error), final_url=resp.url)
    finally:
        resp.close()  # back to the pool when fully read (keep-alive), closed otherwise
    body = b"".join(chunks)
    latency = time.perf_counter() - started
    encoding = resp.encoding or "utf-8"
    return Response(
        status=resp.status_code, text=body.decode(encoding, errors="replace"), latency_ms=ms(latency),
        connect_ms=connect_ms, ttfb_ms=ms(ttfb), final_url=resp.url, redirects=len(resp.history),
        location=resp.headers.get("Location") if 300 <= resp.status_code < 400 else None,
    )
