# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate http_health options into immutable check/monitor specs; bad input fails before any request."""

from __future__ import annotations

import json
import math
import re
from urllib.parse import urljoin, urlsplit

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.http.argspec import http_health_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.http.assertions import compile_jmespath

DEFAULT_CONSECUTIVE_FAILURES = 3
DEFAULT_INACCESSIBLE_AFTER = 60.0


class LoginSpec:
    def __init__(self, url, username, password, username_field, password_field, csrf_field, success_redirect,
                 logout_url=None):
        self.url = url
        self.logout_url = logout_url
        self.username = username
        self.password = password
        self.username_field = username_field
        self.password_field = password_field
        self.csrf_field = csrf_field
        self.success_redirect = success_redirect


class CheckSpec:
    """One check: the request to send and what its answer must look like."""

    def __init__(self, name, url, method="GET", headers=None, body=None, status=(200,), json_assertions=(),
                 contains=(), regex=(), max_latency_ms=None, timeout=10.0, validate_certs=True,
                 follow_redirects=True, login=None):
        self.name = name
        self.url = url
        self.method = method
        self.headers = dict(headers or {})
        self.body = body
        self.status = tuple(status)
        self.json_assertions = list(json_assertions)  # [(expression, compiled)]
        self.contains = list(contains)
        self.regex = list(regex)                       # [(pattern, compiled)]
        self.max_latency_ms = max_latency_ms
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.follow_redirects = follow_redirects
        self.login = login

    @property
    def needs_body(self):
        return bool(self.json_assertions or self.contains or self.regex or (self.login and self.login.logout_url))


class MonitorSpec:
    def __init__(self, duration, interval, endpoints, thresholds, rollback_on, windows=1, stop_file=None):
        self.duration = duration            # of one window
        self.interval = interval
        self.endpoints = endpoints          # names of checks to sample
        self.thresholds = thresholds        # name -> limit (None = off)
        self.rollback_on = list(rollback_on)
        self.windows = windows              # consecutive windows in this task
        self.stop_file = stop_file          # the watch ends early once this path exists

    @property
    def planned_samples(self):
        return planned_samples(self.duration, self.interval)


class HealthSpec:
    def __init__(self, checks, retries, delay, backoff, max_delay, concurrency, fail_on_unhealthy, monitor):
        self.checks = checks
        self.retries = retries
        self.delay = delay
        self.backoff = backoff
        self.max_delay = max_delay
        self.concurrency = concurrency
        self.fail_on_unhealthy = fail_on_unhealthy
        self.monitor = monitor


def planned_samples(duration, interval):
    """Samples a window takes when every tick is on time: ticks at 0, interval, ... before ``duration``."""
    return max(1, int(math.ceil(duration / interval - 1e-9)))


def apply_defaults(spec, params):
    """Fill argspec defaults (what AnsibleModule does) so module_utils can be driven without Ansible."""
    out = {}
    for key, opt in spec.items():
        params = params or {}
        value = params[key] if key in params else opt.get("default")
        if value is not None and opt.get("options"):
            if opt.get("type") == "list":
                value = [apply_defaults(opt["options"], item) for item in value]
            else:
                value = apply_defaults(opt["options"], value)
        elif value is not None and opt.get("type") == "list" and not isinstance(value, list):
            value = [value]
        out[key] = value
    return out


def _bad(message, hint):
    raise InvalidInputError(message, hint=hint)


def resolve_url(url, base_url, what):
    if url is not None and not isinstance(url, str):
        _bad("%s: url must be text" % what, "give an absolute http(s) URL or a path with base_url")
    url = (url or "").strip()
    if not url:
        _bad("%s: the url is empty" % what, "give an absolute http(s) URL or a path with base_url")
    if "://" not in url and not validate.has_scheme(url):
        if not base_url:
            _bad("%s: %s is relative and base_url is not set" % (what, validate.mask_url(url)),
                 "set base_url or give an absolute URL")
        url = base_url.rstrip("/") + "/" + url.lstrip("/")
    validate_url(url, what)
    return url


def validate_url(url, what):
    """The common URL check (scheme, host, port, no spaces, IPv6 brackets); the password never shows."""
    validate.check_url("%s url" % what if not what.endswith("url") else what, url)


def _compile_regex(pattern, what):
    try:
        return re.compile(pattern)
    except re.error as error:
        return _bad("%s: invalid regex %r: %s" % (what, pattern, error), "fix the regular expression (Python re syntax)")


def _encode_body(body, headers):
    if body is None or isinstance(body, str):
        return body
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/json"
    return json.dumps(body)


def parse_check(raw, base_url):
    url_label = raw.get("name") or raw.get("url")
    what = "check %r" % url_label
    url = resolve_url(raw.get("url"), base_url, what)
    name = raw.get("name") or (urlsplit(url).path or "/") + ("?" + urlsplit(url).query if urlsplit(url).query else "")
    what = "check %r" % name
    status = raw.get("status") or [200]
    for code in status:
        if not 100 <= int(code) <= 599:
            _bad("%s: status %s is not an HTTP status code" % (what, code), "use codes between 100 and 599")
    timeout = raw.get("timeout")
    validate.check_timeout("%s: timeout" % what, timeout if timeout is not None else 0.0)
    timeout = float(timeout)
    max_latency = raw.get("max_latency_ms")
    validate.check_number("%s: max_latency_ms" % what, max_latency, unit="ms")
    if max_latency is not None and not 0 < max_latency < timeout * 1000:
        _bad("%s: max_latency_ms %s is impossible with timeout %s s" % (what, max_latency, timeout),
             "set 0 < max_latency_ms < timeout * 1000")
    method = (raw.get("method") or "GET").upper()
    assertions = [(expr, compile_jmespath(expr, what)) for expr in raw.get("json") or []]
    regex = [(p, _compile_regex(p, what)) for p in raw.get("regex") or []]
    contains = list(raw.get("contains") or [])
    if method == "HEAD" and (assertions or regex or contains):
        _bad("%s: a HEAD response has no body for json/contains/regex" % what, "use method GET for body assertions")
    validate.check_headers("%s: headers" % what, raw.get("headers"))
    headers = {str(k): str(v) for k, v in (raw.get("headers") or {}).items()}
    login = None
    if raw.get("login"):
        lg = raw["login"]
        for key in ("url", "logout_url"):
            if lg.get(key) and "://" in str(lg[key]):
                validate.check_url("%s login.%s" % (what, key), lg[key])
            validate.check_line("%s login.%s" % (what, key), lg.get(key))
        login_url = urljoin(url, lg.get("url") or "")
        validate_url(login_url, what + " login")
        if not lg.get("username") or lg.get("password") is None:
            _bad("%s: login needs username and password" % what, "set login.username and login.password")
        logout_url = urljoin(url, lg["logout_url"]) if lg.get("logout_url") else None
        if logout_url:
            validate_url(logout_url, what + " logout")
        csrf = lg.get("csrf_field")
        login = LoginSpec(login_url, lg["username"], lg["password"], lg.get("username_field") or "email",
                          lg.get("password_field") or "password", "_token" if csrf is None else csrf,
                          lg.get("success_redirect"), logout_url)
    return CheckSpec(
        name=name, url=url, method=method, headers=headers, body=_encode_body(raw.get("body"), headers),
        status=[int(c) for c in status], json_assertions=assertions, contains=contains, regex=regex,
        max_latency_ms=max_latency, timeout=timeout, validate_certs=bool(raw.get("validate_certs", True)),
        follow_redirects=bool(raw.get("follow_redirects", True)), login=login,
    )


def parse_monitor(raw, checks):
    validate.check_timeout("monitor.duration", raw.get("duration") if raw.get("duration") is not None else 0.0,
                           maximum=7 * 86400.0)
    validate.check_timeout("monitor.interval", raw.get("interval") if raw.get("interval") is not None else 0.0)
    for key in ("error_rate_pct", "p95_ms", "inaccessible_after"):
        validate.check_number("monitor.thresholds.%s" % key, (raw.get("thresholds") or {}).get(key),
                              allow_equal=True, unit="")
    validate.check_path("monitor.stop_file", raw.get("stop_file"))
    duration = float(raw.get("duration") or 0)
    interval = float(raw.get("interval") or 0)
    if duration <= 0 or interval <= 0:
        _bad("monitor: duration and interval must be above 0 seconds", "e.g. duration: 300, interval: 5")
    if interval > duration:
        _bad("monitor: interval %s s is longer than the window (%s s)" % (interval, duration),
             "use interval <= duration; loop windows in the playbook for long watches")
    names = [c.name for c in checks]
    endpoints = raw.get("endpoints") or names
    unknown = [n for n in endpoints if n not in names]
    if unknown:
        _bad("monitor: endpoints %s are not check names" % unknown, "use names from checks: %s" % names)
    samples = planned_samples(duration, interval)
    given = raw.get("thresholds") or {}
    th = {
        "error_rate_pct": given.get("error_rate_pct", 5.0),
        "p95_ms": given.get("p95_ms", 5000.0),
        "consecutive_failures": given.get("consecutive_failures"),
        "inaccessible_after": given.get("inaccessible_after"),
    }
    # Unset defaults shrink to what a short window can reach; explicit values are checked instead.
    if th["consecutive_failures"] is None:
        th["consecutive_failures"] = min(DEFAULT_CONSECUTIVE_FAILURES, samples)
    if th["inaccessible_after"] is None:
        th["inaccessible_after"] = min(DEFAULT_INACCESSIBLE_AFTER, duration)
    _check_thresholds(th, samples, duration, [c for c in checks if c.name in endpoints])
    rollback_on = raw.get("rollback_on")
    if rollback_on is None:
        rollback_on = ["error_rate_pct", "inaccessible_after"]
    windows = raw.get("windows")
    windows = 1 if windows is None else int(windows)
    if windows < 1:
        _bad("monitor: windows must be at least 1, got %s" % windows, "e.g. windows: 12 with duration: 300 for an hour")
    return MonitorSpec(duration, interval, list(endpoints), th, rollback_on, windows, raw.get("stop_file") or None)


def _check_thresholds(th, samples, duration, endpoints):
    hint = "thresholds must be reachable within one window (%d samples over %s s)" % (samples, duration)
    if th["error_rate_pct"] is not None and not 0 <= th["error_rate_pct"] < 100:
        _bad("monitor: thresholds.error_rate_pct %s is impossible (an error rate can never exceed it)"
             % th["error_rate_pct"], "use 0 <= error_rate_pct < 100")
    if th["p95_ms"] is not None:
        longest = max(c.timeout for c in endpoints) * 1000
        if not 0 < th["p95_ms"] < longest:
            _bad("monitor: thresholds.p95_ms %s is impossible: every sample ends by the %s ms timeout"
                 % (th["p95_ms"], longest), "use 0 < p95_ms < the checks' timeout in ms")
    if not 1 <= th["consecutive_failures"] <= samples:
        _bad("monitor: thresholds.consecutive_failures %s is impossible" % th["consecutive_failures"], hint)
    if not 0 < th["inaccessible_after"] <= duration:
        _bad("monitor: thresholds.inaccessible_after %s s is impossible" % th["inaccessible_after"], hint)


def parse_spec(params):
    """Options (as AnsibleModule hands them, or partial dicts) -> :class:`HealthSpec`; raises InvalidInputError."""
    p = apply_defaults(http_health_argument_spec(), params)
    if not p["checks"]:
        _bad("checks is empty", "give at least one check with a url")
    if p["base_url"]:
        validate_url(p["base_url"], "base_url")
    checks = [parse_check(raw, p["base_url"]) for raw in p["checks"]]
    seen = set()
    for check in checks:
        if check.name in seen:
            _bad("check name %r is used twice" % check.name, "give each check a unique name")
        seen.add(check.name)
    for key in ("delay", "backoff", "max_delay"):
        validate.check_number(key, p[key], allow_equal=True, maximum=86400.0)
    validate.check_count("retries", p["retries"], maximum=1000)
    validate.check_count("concurrency", p["concurrency"], minimum=1, maximum=256)
    if p["retries"] < 0 or p["delay"] < 0 or p["backoff"] < 1 or p["max_delay"] < p["delay"]:
        _bad("retries/delay/backoff/max_delay are inconsistent", "use retries >= 0, delay >= 0, backoff >= 1, max_delay >= delay")
    if p["concurrency"] < 1:
        _bad("concurrency must be at least 1", "set concurrency: 8")
    monitor = parse_monitor(p["monitor"], checks) if p["monitor"] else None
    return HealthSpec(checks, p["retries"], p["delay"], p["backoff"], p["max_delay"], p["concurrency"],
                      p["fail_on_unhealthy"], monitor)
