# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thresholds -> verdict (healthy, degraded, rollback) with the reasons as data.

Semantics (as Argo Rollouts separates failureLimit from consecutiveErrorLimit):
- error_rate_pct: per endpoint, failed samples / samples over the whole window (cumulative), breached when ``>``.
- p95_ms: per endpoint, nearest-rank p95 of the samples that got an HTTP answer, breached when ``>``.
- consecutive_failures: per endpoint, the longest streak of failed samples, breached when ``>=``.
- inaccessible_after: app level, the longest stretch in which every endpoint failed, in seconds, breached when ``>=``.
A breached threshold listed in ``rollback_on`` means ``rollback``; any other breach means ``degraded``.
"""

from __future__ import annotations

HEALTHY, DEGRADED, ROLLBACK = "healthy", "degraded", "rollback"
_EPSILON = 1e-9


def _reason(threshold, endpoint, limit, actual, comparison, rollback_on):
    action = ROLLBACK if threshold in rollback_on else DEGRADED
    where = "endpoint %s" % endpoint if endpoint else "all endpoints"
    return {
        "threshold": threshold,
        "endpoint": endpoint,
        "limit": limit,
        "actual": actual,
        "comparison": comparison,
        "action": action,
        "message": "%s: %s %s %s %s" % (where, threshold, actual, comparison, limit),
    }


def decide(stats, thresholds, rollback_on):
    """``(verdict, reasons)`` for window ``stats`` (see stats.window_stats)."""
    reasons = []
    for name, st in stats["endpoints"].items():
        limit = thresholds.get("error_rate_pct")
        if limit is not None and st["samples"] and st["errors"] * 100.0 > limit * st["samples"] + _EPSILON:
            reasons.append(_reason("error_rate_pct", name, limit, st["error_rate_pct"], ">", rollback_on))
        limit = thresholds.get("p95_ms")
        if limit is not None and st["p95_ms"] is not None and st["p95_ms"] > limit:
            reasons.append(_reason("p95_ms", name, limit, st["p95_ms"], ">", rollback_on))
        limit = thresholds.get("consecutive_failures")
        if limit is not None and st["max_consecutive_failures"] >= limit:
            reasons.append(_reason("consecutive_failures", name, limit, st["max_consecutive_failures"], ">=", rollback_on))
    limit = thresholds.get("inaccessible_after")
    if limit is not None and stats["inaccessible_s"] + _EPSILON >= limit:
        reasons.append(_reason("inaccessible_after", None, limit, stats["inaccessible_s"], ">=", rollback_on))
    if any(r["action"] == ROLLBACK for r in reasons):
        return ROLLBACK, reasons
    return (DEGRADED if reasons else HEALTHY), reasons
