# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""http_health's handler: validate, then run the health gate or one monitoring window. Read-only."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from ansible_collections.facturino.release.plugins.module_utils.common.errors import HealthCheckFailedError
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Clock
from ansible_collections.facturino.release.plugins.module_utils.http import runner as runner_mod
from ansible_collections.facturino.release.plugins.module_utils.http.sampler import sample_window
from ansible_collections.facturino.release.plugins.module_utils.http.spec import parse_spec
from ansible_collections.facturino.release.plugins.module_utils.http.stats import window_stats
from ansible_collections.facturino.release.plugins.module_utils.http.verdict import decide


def _gate_message(result):
    checks = result["checks"]
    bad = [c for c in checks if not c["ok"]]
    if not bad:
        return "%d/%d checks healthy after %d attempt(s) in %.3f s" % (
            len(checks), len(checks), result["attempts"], result["healthy_after_s"])
    parts = []
    for check in bad:
        first = check["failed_assertions"][0]
        parts.append("%s (%s)" % (check["name"], first.get("error") or "%s: expected %s, got %s" % (
            first.get("assertion"), first.get("expected", first.get("expression")), first.get("actual"))))
    return "%d of %d checks failed after %d attempt(s): %s" % (len(bad), len(checks), result["attempts"], "; ".join(parts))


def run_monitor(endpoints, monitor, clock, runner):
    names = [ep.check.name for ep in endpoints]
    ticks, window_end = sample_window(endpoints, monitor.duration, monitor.interval, clock, runner)
    stats = window_stats(ticks, names, window_end)
    verdict, reasons = decide(stats, monitor.thresholds, monitor.rollback_on)
    stats.update(duration_s=monitor.duration, interval_s=monitor.interval, window_s=round(window_end, 3),
                 thresholds=dict(monitor.thresholds), rollback_on=list(monitor.rollback_on))
    msg = "window of %s s, %d samples: %s" % (monitor.duration, stats["samples"], verdict)
    if reasons:
        msg += " (%s)" % "; ".join(r["message"] for r in reasons)
    return {"monitor": stats, "verdict": verdict, "verdict_reasons": reasons, "msg": msg}


def run(params, clock=None):
    """Run http_health for ``params``; returns the result dict (``changed`` is always False)."""
    spec = parse_spec(params)
    clock = clock or Clock()
    endpoints = [runner_mod.Endpoint(check) for check in spec.checks]
    try:
        with runner_mod.Runner(spec.concurrency) as runner:
            if spec.monitor:
                chosen = [ep for ep in endpoints if ep.check.name in spec.monitor.endpoints]
                result = run_monitor(chosen, spec.monitor, clock, runner)
            else:
                result = runner_mod.run_gate(endpoints, spec.retries, spec.delay, spec.backoff, spec.max_delay,
                                             clock, runner)
                result["msg"] = _gate_message(result)
    finally:
        for endpoint in endpoints:
            endpoint.close()
    result["changed"] = False
    result["_fail"] = bool(not spec.monitor and spec.fail_on_unhealthy and not result["healthy"])
    return result


def url_passwords(params):
    """Passwords embedded in URLs (``https://user:pw@host``): they join the module's no_log values."""
    urls = [params.get("base_url")]
    for check in params.get("checks") or []:
        urls += [check.get("url"), (check.get("login") or {}).get("url"), (check.get("login") or {}).get("logout_url")]
    found = set()
    for url in urls:
        try:
            password = urlsplit(url or "").password
        except ValueError:
            password = None
        if password:
            found.update((password, unquote(password)))
    return found


def module_handler(module):
    """For common.module.run_module: unhealthy gate checks fail the task (with every result kept)."""
    module.no_log_values.update(url_passwords(module.params))
    result = run(module.params)
    if result.pop("_fail"):
        msg = result.pop("msg")
        hint = "see checks[].failed_assertions; raise retries/delay for a slow start"
        raise HealthCheckFailedError(msg, hint=hint, **result)
    return result
