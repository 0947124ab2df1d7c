# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run checks concurrently, and the wait-until-healthy gate (rounds retried through common.retry)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    RetriesExhaustedError,
    TransientError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, retry_call
from ansible_collections.facturino.release.plugins.module_utils.http import assertions, login, probe


class Outcome:
    """One execution of a check: the response, the failed assertions and the login step (if any)."""

    __slots__ = ("response", "failures", "login")

    def __init__(self, response, failures, login_info=None):
        self.response = response
        self.failures = failures
        self.login = login_info

    @property
    def ok(self):
        return not self.failures


def _path(url):
    return urlsplit(url or "").path.rstrip("/") or "/"


def public_url(url):
    """``url`` without user:password@ (results never carry credentials)."""
    parts = urlsplit(url or "")
    if not (parts.username or parts.password):
        return url
    host = parts.hostname + (":%d" % parts.port if parts.port else "")
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


class Endpoint:
    """A check plus its own HTTP session (cookies after login, keep-alive connections)."""

    def __init__(self, check):
        self.check = check
        self._session = None
        self.logged_in = False

    @property
    def session(self):
        if self._session is None:
            self._session = probe.new_session(self.check.validate_certs)
        return self._session

    def run(self, apply_latency=True):
        check = self.check
        login_info = None
        if check.login and not self.logged_in:
            login_info, failure = login.login(self.session, check.login, check.timeout)
            if failure:
                resp = probe.Response(status=login_info["status"], latency_ms=login_info["latency_ms"])
                return Outcome(resp, [failure], login_info)
            self.logged_in = True
        resp = probe.request(self.session, check.method, check.url, headers=check.headers or None, data=check.body,
                             timeout=check.timeout, follow_redirects=check.follow_redirects,
                             read_body=check.needs_body)
        failures = assertions.evaluate(check, resp, apply_latency)
        if check.login and not resp.error and _path(resp.final_url) == _path(check.login.url):
            failures.append({"assertion": "login", "step": "session",
                             "error": "the session was not accepted: redirected to the login form"})
        if check.login and check.login.logout_url and not failures:
            logout_info, failure = login.logout(self.session, check.login, resp, check.timeout)
            login_info = dict(login_info or {"ok": True, "reused_session": True}, logout=logout_info)
            failures = [failure] if failure else []
            self.logged_in = False  # the session is gone either way
        if failures and check.login:
            self.logged_in = False  # log in again on the next attempt
        return Outcome(resp, failures, login_info)

    def close(self):
        if self._session is not None:
            self._session.close()


class Runner:
    """Maps a function over items on a shared thread pool; one item runs inline (no thread hop)."""

    def __init__(self, concurrency):
        self.concurrency = concurrency
        self._pool = None

    def map(self, func, items):
        items = list(items)
        if len(items) <= 1 or self.concurrency <= 1:
            return [func(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="http_health")
        return list(self._pool.map(func, items))

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_result(endpoint, outcome, attempts, healthy_after_s):
    """The per-check result: timings, the failed assertions with actual values, a body excerpt on failure."""
    resp = outcome.response
    result = {
        "name": endpoint.check.name,
        "url": public_url(endpoint.check.url),
        "method": endpoint.check.method,
        "ok": outcome.ok,
        "status": resp.status,
        "latency_ms": resp.latency_ms,
        "connect_ms": resp.connect_ms,
        "ttfb_ms": resp.ttfb_ms,
        "redirects": resp.redirects,
        "final_url": public_url(resp.final_url),
        "attempts": attempts,
        "healthy_after_s": healthy_after_s,
        "failed_assertions": outcome.failures,
        "error": resp.error,
    }
    if outcome.login is not None:
        keys = ("ok", "status", "latency_ms", "redirect", "reused_session", "logout")
        result["login"] = {k: outcome.login[k] for k in keys if k in outcome.login}
    elif endpoint.check.login:
        result["login"] = {"ok": True, "reused_session": True}
    if not outcome.ok and resp.text:
        result["body_excerpt"] = assertions.excerpt(resp.text)
    return result


def run_gate(endpoints, retries, delay, backoff, max_delay, clock, runner):
    """Run every check; retry the failing ones (all together, with capped backoff) until all pass."""
    started = clock.monotonic()
    last, attempts, healthy_at = {}, {}, {}
    pending = list(endpoints)

    def one_round():
        outcomes = runner.map(lambda ep: ep.run(), pending)
        now = round(clock.monotonic() - started, 3)
        still = []
        for endpoint, outcome in zip(pending, outcomes):
            name = endpoint.check.name
            attempts[name] = attempts.get(name, 0) + 1
            last[name] = outcome
            if outcome.ok:
                healthy_at[name] = now
            else:
                still.append(endpoint)
        pending[:] = still
        if still:
            raise TransientError("%d check(s) still failing: %s" % (len(still), ", ".join(e.check.name for e in still)))

    healthy = True
    try:
        retry_call(one_round, attempts=retries + 1, backoff=Backoff(initial=delay, factor=backoff, maximum=max_delay),
                   clock=clock)
    except RetriesExhaustedError:
        healthy = False
    results = [check_result(ep, last[ep.check.name], attempts[ep.check.name], healthy_at.get(ep.check.name))
               for ep in endpoints]
    rounds = max(attempts.values())
    return {
        "healthy": healthy,
        "healthy_after_s": max(healthy_at.values()) if healthy else None,
        "attempts": rounds,
        "checks": results,
    }
