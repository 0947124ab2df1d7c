# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP request with timings: total latency, connect time (TCP + TLS) and time to first byte, in ms.

``requests`` is imported lazily (the sanity import test runs without it). Transport failures are returned
as data (``error_kind``/``error``), never raised, so a failing endpoint is a measurement, not a crash.
Response headers and cookies are never copied into the result.
"""

from __future__ import annotations

import time

from ansible_collections.facturino.release.plugins.module_utils.common import http
from ansible_collections.facturino.release.plugins.module_utils.common.errors import HttpError

MAX_BODY_BYTES = 2 * 1024 * 1024  # enough to judge a page; the rest is dropped


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


ms = http.ms
new_session = http.new_session
short_reason = http.short_reason
classify = http.classify


def request(session, method, url, headers=None, data=None, timeout=10.0, follow_redirects=True, read_body=True):
    """Send one request on ``session``; returns a :class:`Response` (never raises for transport errors).

    ``timeout`` bounds the whole exchange (connect, headers and body), not each read."""
    started = time.perf_counter()
    try:
        resp = http.exchange(session, method, url, timeout, headers=headers, data=data, max_body=MAX_BODY_BYTES,
                             truncate=True, allow_redirects=follow_redirects, read_body=read_body,
                             server="the endpoint")
    except HttpError as error:
        return Response(latency_ms=ms(time.perf_counter() - started), error_kind=error.kind,
                        error=error.message.replace("the endpoint ", "", 1), final_url=url)
    return Response(
        status=resp.status_code, text=resp.text, latency_ms=resp.latency_ms, connect_ms=resp.connect_ms,
        ttfb_ms=resp.ttfb_ms, final_url=resp.url, redirects=resp.history,
        location=resp.headers.get("Location") if 300 <= resp.status_code < 400 else None,
    )
