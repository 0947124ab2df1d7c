# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Window statistics: error rate, nearest-rank p50/p95/p99, longest failure streak, inaccessible time.

Pure functions over samples, so every number can be checked by hand.
"""

from __future__ import annotations

import math


class Sample:
    """One request of one endpoint in a window; ``t`` is seconds since the window started."""

    __slots__ = ("t", "ok", "status", "latency_ms", "error_kind", "error")

    def __init__(self, t, ok, status=None, latency_ms=None, error_kind=None, error=None):
        self.t = t
        self.ok = ok
        self.status = status
        self.latency_ms = latency_ms
        self.error_kind = error_kind
        self.error = error


def percentile(sorted_values, pct):
    """Nearest-rank percentile: the smallest sample with at least ``pct`` % of samples at or below it."""
    if not sorted_values:
        return None
    rank = max(1, int(math.ceil(pct / 100.0 * len(sorted_values))))
    return sorted_values[rank - 1]


def max_consecutive_failures(flags):
    best = run = 0
    for ok in flags:
        run = 0 if ok else run + 1
        best = max(best, run)
    return best


def longest_failing_span(times, failed, window_end):
    """Longest stretch of failing samples, in seconds.

    A sample stands for the time until the next sample; a streak still failing at the end lasts until
    ``window_end``. So one failing sample in a 5 s cadence counts as 5 s.
    """
    best = 0.0
    started = None
    for t, bad in zip(times, failed):
        if bad and started is None:
            started = t
        elif not bad and started is not None:
            best = max(best, t - started)
            started = None
    if started is not None:
        best = max(best, window_end - started)
    return round(best, 3)


def endpoint_stats(samples, window_end):
    latencies = sorted(s.latency_ms for s in samples if s.status is not None and s.latency_ms is not None)
    errors = sum(1 for s in samples if not s.ok)
    counts = {}
    for s in samples:
        key = str(s.status) if s.status is not None else (s.error_kind or "error")
        counts[key] = counts.get(key, 0) + 1
    failing = [s for s in samples if not s.ok]
    return {
        "samples": len(samples),
        "errors": errors,
        "error_rate_pct": round(100.0 * errors / len(samples), 2) if samples else 0.0,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": latencies[-1] if latencies else None,
        "max_consecutive_failures": max_consecutive_failures([s.ok for s in samples]),
        "inaccessible_s": longest_failing_span([s.t for s in samples], [not s.ok for s in samples], window_end),
        "status_counts": counts,
        "last_error": {"t": failing[-1].t, "status": failing[-1].status, "error": failing[-1].error} if failing else None,
    }


def window_stats(ticks, names, window_end):
    """``ticks``: ``[(t, [Sample per endpoint in names order])]`` -> per-endpoint stats + app-level figures."""
    per_endpoint = {name: [] for name in names}
    for _t, samples in ticks:
        for name, sample in zip(names, samples):
            per_endpoint[name].append(sample)
    endpoints = {name: endpoint_stats(samples, window_end) for name, samples in per_endpoint.items()}
    times = [t for t, _samples in ticks]
    all_down = [all(not s.ok for s in samples) for _t, samples in ticks]
    total = sum(e["samples"] for e in endpoints.values())
    errors = sum(e["errors"] for e in endpoints.values())
    return {
        "ticks": len(ticks),
        "samples": total,
        "errors": errors,
        "error_rate_pct": round(100.0 * errors / total, 2) if total else 0.0,
        "inaccessible_s": longest_failing_span(times, all_down, window_end),
        "endpoints": endpoints,
    }
