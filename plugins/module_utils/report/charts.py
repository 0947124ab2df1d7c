# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report's charts, drawn by matplotlib as inline SVG (no JavaScript, no files beside the report)."""

from __future__ import annotations

import datetime
import io

SECTION_COLOR = "#1f6feb"
FAILED_COLOR = "#d1242f"
BACKGROUND_COLORS = {"backup": "#8250df", "watch": "#1a7f37", "browser": "#bf8700"}


def _figure(width, height):
    # Figure + the SVG canvas directly: no pyplot, no global state, no display backend
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100)
    FigureCanvasSVG(figure)
    return figure


def _svg(figure):
    import matplotlib

    buffer = io.StringIO()
    figure.tight_layout()
    # a fixed salt and no date: the same report gives the same bytes (a second run changes nothing)
    with matplotlib.rc_context({"svg.hashsalt": "facturino-report"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def parse_time(value):
    """Epoch seconds of an ISO 8601 UTC time (2026-01-02T03:04:05Z), a number or a numeric string; None when missing."""
    if value is None or value == "":
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    try:
        return float(text)  # epoch seconds; ansible-core 2.17 and 2.18 template numbers into strings
    except ValueError:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def timeline_rows(timeline, background):
    """[(label, start_s, duration_s, kind)] relative to the first start; sections first, then background work."""
    rows = []
    for entry in timeline or []:
        start = parse_time(entry.get("started_at"))
        if start is None:
            continue
        rows.append((entry.get("section", "?"), start, float(entry.get("duration_s") or 0),
                     "failed" if entry.get("status") == "failed" else "section"))
    for entry in background or []:
        start = parse_time(entry.get("started_at"))
        if start is None:
            continue
        rows.append(("%s (background)" % entry.get("name", "?"), start, float(entry.get("duration_s") or 0),
                     entry.get("name", "background")))
    if not rows:
        return []
    origin = min(row[1] for row in rows)
    return [(label, round(start - origin, 3), duration, kind) for label, start, duration, kind in rows]


def timeline_svg(timeline, background):
    rows = timeline_rows(timeline, background)
    if not rows:
        return None
    figure = _figure(9, 0.42 * len(rows) + 1.2)
    axes = figure.add_subplot(1, 1, 1)
    for index, (label, start, duration, kind) in enumerate(rows):
        color = {"section": SECTION_COLOR, "failed": FAILED_COLOR}.get(kind, BACKGROUND_COLORS.get(kind, "#6e7781"))
        axes.broken_barh([(start, max(duration, 0.05))], (index - 0.38, 0.76), facecolors=color,
                         alpha=0.85 if kind in ("section", "failed") else 0.55)
        axes.text(start + max(duration, 0.05) + 0.2, index, "%.1f s" % duration, va="center", fontsize=8)
    axes.set_yticks(range(len(rows)))
    axes.set_yticklabels([row[0] for row in rows], fontsize=9)
    axes.invert_yaxis()
    axes.set_xlabel("seconds since the release started")
    axes.set_title("Release timeline (background work overlaps the sections)", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)


def window_series(windows):
    """Per window: index, p50 and p95 of every endpoint, and the window's error rate."""
    series = {"index": [], "error_rate_pct": [], "endpoints": {}}
    for window in windows or []:
        monitor = window.get("monitor") or {}
        series["index"].append(window.get("index", len(series["index"]) + 1))
        series["error_rate_pct"].append(float(monitor.get("error_rate_pct") or 0.0))
        for name, stats in (monitor.get("endpoints") or {}).items():
            entry = series["endpoints"].setdefault(name, {"p50_ms": [], "p95_ms": [], "index": []})
            entry["index"].append(series["index"][-1])
            entry["p50_ms"].append(stats.get("p50_ms"))
            entry["p95_ms"].append(stats.get("p95_ms"))
    return series


def latency_svg(windows):
    series = window_series(windows)
    if not series["endpoints"]:
        return None
    figure = _figure(9, 3.2)
    axes = figure.add_subplot(1, 1, 1)
    for name, entry in sorted(series["endpoints"].items()):
        line = axes.plot(entry["index"], entry["p50_ms"], marker="o", label="%s p50" % name)[0]
        axes.plot(entry["index"], entry["p95_ms"], marker="s", linestyle="--", color=line.get_color(), label="%s p95" % name)
    axes.set_xlabel("monitoring window")
    axes.set_ylabel("latency (ms)")
    axes.set_xticks(series["index"])
    axes.set_title("Latency per window (p50 solid, p95 dashed)", fontsize=10)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, ncol=2)
    return _svg(figure)


def error_rate_svg(windows, threshold=None):
    series = window_series(windows)
    if not series["index"]:
        return None
    figure = _figure(9, 2.6)
    axes = figure.add_subplot(1, 1, 1)
    colors = [FAILED_COLOR if value > 0 else "#1a7f37" for value in series["error_rate_pct"]]
    axes.bar(series["index"], series["error_rate_pct"], color=colors)
    if threshold is not None:
        axes.axhline(float(threshold), color=FAILED_COLOR, linestyle=":", label="rollback at %s %%" % threshold)
        axes.legend(fontsize=8)
    axes.set_ylim(0, max([1.0] + series["error_rate_pct"] + ([float(threshold) * 1.2] if threshold is not None else [])))
    axes.set_xticks(series["index"])
    axes.set_xlabel("monitoring window")
    axes.set_ylabel("error rate (%)")
    axes.set_title("Error rate per window", fontsize=10)
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def browser_steps_svg(steps):
    if not steps:
        return None
    figure = _figure(9, 0.2 * len(steps) + 1.0)
    axes = figure.add_subplot(1, 1, 1)
    names = ["%d %s" % (index, step.get("name", "?")) for index, step in enumerate(steps, start=1)]
    values = [float(step.get("duration_ms") or 0) for step in steps]
    colors = [SECTION_COLOR if step.get("ok") else FAILED_COLOR for step in steps]
    axes.barh(range(len(steps)), values, color=colors)
    axes.set_yticks(range(len(steps)))
    axes.set_yticklabels(names, fontsize=7)
    axes.invert_yaxis()
    axes.set_xlabel("ms")
    axes.set_title("Browser steps", fontsize=10)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure)
