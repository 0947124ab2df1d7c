# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The monitoring window: sample every endpoint at a fixed cadence for a bounded duration.

Ticks are due at 0, interval, 2*interval, ... before ``duration`` (seconds since the start). A tick that
starts late (slow endpoints) is not made up for: the next one is due ``interval`` later or at once.
Time comes from the injected common.retry Clock, so tests use a FakeClock and never sleep.
"""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.http.assertions import summarize
from ansible_collections.facturino.release.plugins.module_utils.http.stats import Sample


def to_sample(t, outcome):
    resp = outcome.response
    return Sample(t, outcome.ok, status=resp.status, latency_ms=resp.latency_ms,
                  error_kind=resp.error_kind or (None if outcome.ok else "assertion"),
                  error=summarize(outcome.failures))


def sample_window(endpoints, duration, interval, clock, runner, on_tick=None, should_stop=None):
    """Returns ``(ticks, window_end)``; ticks are ``[(t, [Sample per endpoint])]``.

    In the window a sample fails on a transport error or a failed status/body/login assertion;
    ``max_latency_ms`` is not applied (latency is judged by the p95 threshold).
    ``should_stop`` is asked before every tick; when it answers true the window ends there (``window_end`` = now).
    """
    started = clock.monotonic()
    due = 0.0
    ticks = []
    while due < duration:
        wait = due - (clock.monotonic() - started)
        if wait > 0:
            clock.sleep(wait)
        if should_stop is not None and should_stop():
            return ticks, round(clock.monotonic() - started, 3)
        t = round(clock.monotonic() - started, 3)
        outcomes = runner.map(lambda ep: ep.run(apply_latency=False), endpoints)
        ticks.append((t, [to_sample(t, o) for o in outcomes]))
        if on_tick:
            on_tick(ticks[-1])
        due = max(due + interval, clock.monotonic() - started)
    return ticks, max(float(duration), ticks[-1][0] if ticks else 0.0)
