# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer: sessions, a deadline for the whole exchange, bounded bodies, Retry-After, status classes.

Every client of the collection (Railway, ``http_health``, the webhook notifier) sends its requests through
:func:`exchange`. ``requests`` applies its timeout to each socket operation, so a server that sends its headers
and then one byte every 0.4 s never trips it; here a watchdog shuts the sockets of the exchange down when the
deadline for the whole exchange (connect, headers and body) passes, and the body is streamed with a size bound,
so nothing unbounded is ever parsed. Sessions never read proxies, netrc credentials or CA bundles from the
environment (``trust_env=False``); an explicit ``proxy`` option is the only way a proxy is used.

``requests`` is imported lazily (the sanity import test runs without it).
"""

from __future__ import annotations

import email.utils
import json
import math
import re
import socket
import threading
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    BadAnswerError,
    HttpError,
    MissingDependencyError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.module import has_library

DEFAULT_MAX_BODY = 4 * 1024 * 1024
_LOCAL = threading.local()
_ADAPTER_CLASS = []


def ms(seconds):
    """Seconds -> milliseconds with microsecond resolution."""
    return round(seconds * 1000.0, 3)


# -- Retry-After and status classes -------------------------------------------------------------------------
def parse_retry_after(value, now=None):
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None when absent or unparsable."""
    if value is None or str(value).strip() == "":
        return None
    value = str(value).strip()
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def status_class(status):
    """``ok`` (2xx), ``redirect`` (3xx), ``rate_limited`` (429), ``server_error`` (5xx), ``client_error`` (4xx)."""
    if status == 429:
        return "rate_limited"
    if 200 <= status < 300:
        return "ok"
    if 300 <= status < 400:
        return "redirect"
    if status >= 500:
        return "server_error"
    return "client_error"


def retryable_status(status):
    return status_class(status) in ("rate_limited", "server_error")


# -- sessions ---------------------------------------------------------------------------------------------------
class _Exchange:
    """The sockets of one exchange; :meth:`expire` shuts them down so any blocked read returns at once."""

    def __init__(self):
        self.sockets = []
        self.expired = False
        self.lock = threading.Lock()

    def register(self, sock):
        if sock is None:
            return
        with self.lock:
            if sock not in self.sockets:
                self.sockets.append(sock)
            expired = self.expired
        if expired:
            _shutdown(sock)

    def expire(self):
        with self.lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shutdown(sock)


def _shutdown(sock):
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


def _register(conn):
    current = getattr(_LOCAL, "exchange", None)
    if current is not None:
        current.register(getattr(conn, "sock", None))


def _adapter_class():
    """An HTTPAdapter whose connections record their connect time and join the running exchange's watchdog."""
    if _ADAPTER_CLASS:
        return _ADAPTER_CLASS[0]
    from requests.adapters import HTTPAdapter  # pylint: disable=import-outside-toplevel
    from urllib3.connection import HTTPConnection, HTTPSConnection  # pylint: disable=import-outside-toplevel
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool  # pylint: disable=import-outside-toplevel

    def watched(base):
        class Watched(base):
            connect_ms = None

            def connect(self):
                started = time.perf_counter()
                super().connect()
                self.connect_ms = ms(time.perf_counter() - started)
                _register(self)

            def getresponse(self, *args, **kwargs):  # pylint: disable=signature-differs
                _register(self)  # a kept-alive connection serves this exchange too
                return super().getresponse(*args, **kwargs)
        return Watched

    class WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = watched(HTTPConnection)

    class WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = watched(HTTPSConnection)

    class WatchedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": WatchedHTTPPool, "https": WatchedHTTPSPool}

    _ADAPTER_CLASS.append(WatchedAdapter)
    return WatchedAdapter


def new_session(validate_certs=True, pool_size=2, proxy=None):
    """A ``requests.Session`` with the collection's policy: no retries inside urllib3 (callers retry through
    ``common.retry``), no proxies/netrc/CA bundles from the environment, an explicit ``proxy`` only."""
    if not has_library("requests"):
        raise MissingDependencyError("the requests library is required", hint="pip install requests")
    import requests  # pylint: disable=import-outside-toplevel

    session = requests.Session()
    adapter = _adapter_class()(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.verify = validate_certs
    session.trust_env = False
    if proxy:
        session.proxies = {"http": proxy, "https": proxy}
    if not validate_certs:  # the user chose it; do not spam stderr about it
        import urllib3  # pylint: disable=import-outside-toplevel
        urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    return session


# -- responses ----------------------------------------------------------------------------------------------------
class Response:
    """A whole answer: status, headers, the (bounded) body, and timings."""

    def __init__(self, status_code, headers, content, url, encoding=None, history=0, truncated=False,
                 connect_ms=None, ttfb_ms=None, latency_ms=None, server="the server"):
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self.url = url
        self.encoding = encoding
        self.history = history
        self.truncated = truncated
        self.connect_ms = connect_ms
        self.ttfb_ms = ttfb_ms
        self.latency_ms = latency_ms
        self.server = server

    @property
    def text(self):
        if isinstance(self.content, str):
            return self.content
        return self.content.decode(self.encoding or "utf-8", errors="replace")

    def json(self):
        """The body as JSON; :class:`BadAnswerError` naming the server when it is not JSON."""
        try:
            return json.loads(self.text)
        except ValueError:
            raise BadAnswerError("%s answered HTTP %d with a body that is not JSON: %s"
                                 % (self.server, self.status_code, snippet(self.text)),
                                 hint="check the URL points at the API, not at a web page or a proxy") from None

    def looks_html(self):
        ctype = (self.headers.get("Content-Type") or "").lower()
        head = self.text[:200].lstrip().lower()
        return "html" in ctype or head.startswith("<!doctype") or head.startswith("<html")


def snippet(text, size=200):
    """One line of at most ``size`` characters, for messages."""
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[:size] + "..."


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
    """The kind of a transport failure: tls_error, timeout, too_many_redirects, connection_error, request_error."""
    import requests  # pylint: disable=import-outside-toplevel

    exc = requests.exceptions
    if isinstance(error, exc.SSLError):
        return "tls_error"
    if isinstance(error, exc.Timeout):
        return "timeout"
    if isinstance(error, exc.TooManyRedirects):
        return "too_many_redirects"
    if isinstance(error, (exc.ConnectionError, exc.ChunkedEncodingError)):
        return "connection_error"
    return "request_error"


def never_sent(error):
    """True when the connection failed before the request went out (refused, DNS), so a retry cannot double-apply."""
    text = repr(error)
    return "NewConnectionError" in text or "Failed to establish a new connection" in text or "NameResolution" in text


# -- the exchange -------------------------------------------------------------------------------------------------
def exchange(session, method, url, timeout, headers=None, json_body=None, data=None, max_body=DEFAULT_MAX_BODY,
             truncate=False, allow_redirects=True, read_body=True, server="the server"):
    """Send one request and read its whole answer within ``timeout`` seconds in total.

    Returns a :class:`Response`. Raises :class:`HttpError` (a ``TransientError``) with ``kind`` one of ``timeout``
    (no complete answer within the deadline), ``connection_error``, ``tls_error``, ``too_many_redirects``,
    ``request_error`` or ``too_large`` (a body over ``max_body`` bytes; with ``truncate=True`` the body is cut
    there instead). ``server`` names the other side in messages.
    """
    import requests  # pylint: disable=import-outside-toplevel

    timeout = float(timeout)
    started = time.perf_counter()
    deadline = started + timeout
    watch = _Exchange()
    timer = threading.Timer(timeout, watch.expire)
    timer.daemon = True
    previous = getattr(_LOCAL, "exchange", None)
    _LOCAL.exchange = watch
    timer.start()
    resp = None
    try:
        try:
            resp = session.request(method, url, headers=headers, json=json_body, data=data, timeout=(timeout, timeout),
                                   allow_redirects=allow_redirects, stream=True)
            ttfb = time.perf_counter() - started
            conn = getattr(getattr(resp, "raw", None), "connection", None)
            connect_ms = getattr(conn, "connect_ms", None)
            if conn is not None and connect_ms is not None:
                conn.connect_ms = None  # the next exchange on this kept-alive connection did not connect
            content, truncated = _read_body(resp, method, read_body, max_body, truncate, deadline, server)
        except requests.exceptions.RequestException as error:
            if watch.expired or time.perf_counter() >= deadline:
                raise _deadline_error(server, timeout, started) from None
            raise HttpError("%s: %s" % (_failure_phrase(server, classify(error)), short_reason(error)),
                            kind=classify(error), never_sent=never_sent(error)) from None
        except (OSError, ValueError) as error:  # a socket shut down under http.client, a broken chunk length
            if watch.expired or time.perf_counter() >= deadline:
                raise _deadline_error(server, timeout, started) from None
            raise HttpError("%s: %s" % (_failure_phrase(server, "connection_error"), snippet(str(error), 300)),
                            kind="connection_error", never_sent=False) from None
    finally:
        timer.cancel()
        _LOCAL.exchange = previous
        if resp is not None and hasattr(resp, "close"):
            resp.close()
    if watch.expired:
        raise _deadline_error(server, timeout, started)
    return Response(
        resp.status_code, resp.headers, content, getattr(resp, "url", url), encoding=getattr(resp, "encoding", None),
        history=len(getattr(resp, "history", None) or ()), truncated=truncated, connect_ms=connect_ms,
        ttfb_ms=ms(ttfb), latency_ms=ms(time.perf_counter() - started), server=server)


def _read_body(resp, method, read_body, max_body, truncate, deadline, server):
    if not hasattr(resp, "iter_content"):  # an in-memory stand-in answers with its text
        text = getattr(resp, "text", "") or ""
        return text.encode("utf-8")[:max_body] if truncate else text.encode("utf-8"), False
    if not read_body or method == "HEAD":
        return b"", False
    declared = resp.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_body and not truncate:
        raise _too_large(server, max_body)
    chunks, size = [], 0
    for chunk in resp.iter_content(65536):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_body:
            if truncate:
                return b"".join(chunks)[:max_body], True
            raise _too_large(server, max_body)
        if time.perf_counter() >= deadline:
            raise OSError("deadline passed while reading the body")
    return b"".join(chunks), False


def _too_large(server, max_body):
    return HttpError("%s answered with a body larger than %d bytes, which is more than any answer it should give"
                     % (server, max_body), kind="too_large", never_sent=False,
                     hint="check the URL points at the right endpoint (not a download or a proxy's page)")


def _deadline_error(server, timeout, started):
    return HttpError("%s timed out: no complete answer within %s s (gave up after %.1f s)"
                     % (server, _num(timeout), time.perf_counter() - started), kind="timeout", never_sent=False,
                     hint="the server is slow or stalled; raise the timeout only if it is known to be this slow")


def _failure_phrase(server, kind):
    return {"tls_error": "TLS with %s failed", "too_many_redirects": "%s redirected too many times",
            "timeout": "%s timed out"}.get(kind, "connection to %s failed") % server


def _num(value):
    return ("%g" % value) if isinstance(value, float) else str(value)
