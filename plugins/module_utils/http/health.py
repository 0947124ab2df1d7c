# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""http_health's handler: validate, then run the health gate or one monitoring window. Read-only."""

from __future__ import annotations

import os
from urllib.parse import unquote

from ansible_collections.facturino.release.plugins.module_utils.common import validate
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


def run_window(endpoints, monitor, clock, runner, should_stop=None):
    names = [ep.check.name for ep in endpoints]
    ticks, window_end = sample_window(endpoints, monitor.duration, monitor.interval, clock, runner,
                                      should_stop=should_stop)
    stats = window_stats(ticks, names, window_end)
    verdict, reasons = decide(stats, monitor.thresholds, monitor.rollback_on)
    stats.update(duration_s=monitor.duration, interval_s=monitor.interval, window_s=round(window_end, 3),
                 thresholds=dict(monitor.thresholds), rollback_on=list(monitor.rollback_on))
    return {"monitor": stats, "verdict": verdict, "verdict_reasons": reasons}


VERDICT_ORDER = ("healthy", "degraded", "rollback")


def run_monitor(endpoints, monitor, clock, runner):
    """``monitor.windows`` consecutive windows; the watch ends at the first V(rollback) or once ``stop_file`` exists.

    The top-level verdict is the worst window's; ``monitor`` holds the last window's statistics.
    """
    stop_file = monitor.stop_file
    should_stop = (lambda: os.path.exists(stop_file)) if stop_file else None
    windows = []
    started = clock.monotonic()
    for index in range(1, monitor.windows + 1):
        # Window k covers [(k-1)*duration, k*duration) of the watch, whenever its last sample ended.
        idle = (index - 1) * monitor.duration - (clock.monotonic() - started)
        if idle > 0:
            clock.sleep(idle)
        window = dict(run_window(endpoints, monitor, clock, runner, should_stop), index=index)
        windows.append(window)
        if window["verdict"] == "rollback" or (should_stop is not None and should_stop()):
            break
    worst = max(windows, key=lambda w: VERDICT_ORDER.index(w["verdict"]))
    reasons = [r for w in windows for r in w["verdict_reasons"]]
    last = windows[-1]["monitor"]
    stopped = bool(should_stop is not None and should_stop())
    samples = sum(w["monitor"]["samples"] for w in windows)
    msg = "%d window(s) of %s s, %d samples: %s" % (len(windows), monitor.duration, samples, worst["verdict"])
    if reasons:
        msg += " (%s)" % "; ".join(r["message"] for r in reasons)
    if stopped:
        msg += "; stopped early (%s exists)" % stop_file
    return {"monitor": last, "verdict": worst["verdict"], "verdict_reasons": reasons, "windows": windows,
            "stopped": stopped, "msg": msg}


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
        password = validate.url_password(url) if isinstance(url, str) else None
        if password:
            found.update((password, unquote(password)))
    return found


def handle(module):
    """For common.module.run_module: unhealthy gate checks fail the task (with every result kept)."""
    module.no_log_values.update(url_passwords(module.params))
    result = run(module.params)
    if result.pop("_fail"):
        msg = result.pop("msg")
        hint = "see checks[].failed_assertions; raise retries/delay for a slow start"
        raise HealthCheckFailedError(msg, hint=hint, **result)
    return result
