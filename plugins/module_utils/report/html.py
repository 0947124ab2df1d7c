# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release report as one self-contained HTML page: inline CSS, inline SVG charts, screenshots as data: URIs.

No script runs in it and it loads nothing from anywhere, so it opens the same from a CI artifact, a mail or a disk.
"""

from __future__ import annotations

import base64
import html
import os

from ansible_collections.facturino.release.plugins.module_utils.report import charts

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
header{background:#0f3d6e;color:#fff;padding:1rem 2rem}header h1{margin:0;font-size:1.4rem}
main{max-width:70rem;margin:1.5rem auto;padding:0 1rem}
section{background:#fff;border:1px solid #d0d7de;border-radius:.5rem;padding:1rem 1.5rem;margin-bottom:1rem}
h2{font-size:1.1rem;margin-top:0}table{border-collapse:collapse;width:100%}
td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2;vertical-align:top;font-size:.9rem}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;font-weight:600;font-size:.85rem}
.ok{background:#dafbe1;color:#1a7f37}.bad{background:#ffebe9;color:#d1242f}.neutral{background:#eaeef2;color:#57606a}
.chart svg{max-width:100%;height:auto}
.shots{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.75rem}
figure{margin:0;border:1px solid #d0d7de;border-radius:.4rem;padding:.4rem;background:#fff}
figure img{width:100%;height:auto;display:block}figcaption{font-size:.8rem;margin-top:.3rem}
.failure{border-color:#d1242f}.evidence{color:#57606a}
"""


def esc(value):
    return html.escape("" if value is None else str(value), quote=True)


def badge(ok, text=None):
    cls = "neutral" if ok is None else ("ok" if ok else "bad")
    return '<span class="badge %s">%s</span>' % (cls, esc(text if text is not None else ("ok" if ok else "failed")))


def data_uri(path, max_bytes):
    """The PNG or JPEG at path as a data: URI, or None when it is missing, of another type or larger than max_bytes."""
    try:
        if not path or os.path.getsize(path) > max_bytes:
            return None
        with open(path, "rb") as handle:
            head = handle.read()
    except OSError:
        return None
    if head.startswith(b"\x89PNG"):
        kind = "png"
    elif head.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    else:
        return None
    return "data:image/%s;base64,%s" % (kind, base64.b64encode(head).decode("ascii"))


def chart_block(svg, empty):
    return '<div class="chart">%s</div>' % svg if svg else '<p class="evidence">%s</p>' % esc(empty)


def summary_section(doc):
    outcome = doc.get("outcome")
    rows = [
        ("Outcome", badge(outcome in ("success", "noop"), outcome)),
        ("Verdict", badge(None if doc.get("verdict") is None else doc.get("verdict") == "healthy", doc.get("verdict") or "-")),
        ("Environment", esc(doc.get("environment"))),
        ("Tag / ref", "%s / %s" % (esc(doc.get("tag")), esc(doc.get("ref")))),
        ("Commit", "<code>%s</code>" % esc(doc.get("commit"))),
        ("Run", esc(doc.get("run_id"))),
        ("Started / finished", "%s / %s" % (esc(doc.get("started_at")), esc(doc.get("finished_at")))),
        ("Duration", "%s s" % esc(doc.get("duration_s"))),
    ]
    if doc.get("check_mode"):
        rows.append(("Mode", badge(None, "check mode: nothing was changed")))
    body = "".join("<tr><th>%s</th><td>%s</td></tr>" % (esc(k), v) for k, v in rows)
    out = "<section><h2>Summary</h2><table>%s</table></section>" % body
    failure = doc.get("failure")
    if failure:
        out += ('<section class="failure"><h2>What went wrong</h2><p>Section <b>%s</b>: %s</p></section>'
                % (esc(failure.get("section")), esc(failure.get("msg"))))
    return out


def timeline_section(doc, background):
    svg = charts.timeline_svg(doc.get("timeline"), background)
    rows = "".join("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s s</td></tr>"
                   % (esc(t.get("section")), badge(t.get("status") == "ok", t.get("status")), esc(t.get("started_at")),
                      esc(t.get("duration_s"))) for t in doc.get("timeline") or [])
    rows += "".join("<tr><td>%s (background)</td><td>%s</td><td>%s</td><td>%s s</td></tr>"
                    % (esc(b.get("name")), badge(None, "background"), esc(b.get("started_at")), esc(b.get("duration_s")))
                    for b in background or [])
    return ("<section><h2>Timeline</h2>%s<table><tr><th>Section</th><th>Status</th><th>Started</th><th>Took</th></tr>%s"
            "</table></section>" % (chart_block(svg, "no sections ran"), rows))


def monitoring_section(doc):
    monitor = (doc.get("sections") or {}).get("monitor") or {}
    windows = monitor.get("windows") or []
    if not windows:
        return "<section><h2>Monitoring</h2><p class=\"evidence\">The monitoring window did not run.</p></section>"
    thresholds = ((windows[0].get("monitor") or {}).get("thresholds") or {})
    rows = "".join("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s %%</td></tr>"
                   % (esc(w.get("index")), badge(w.get("verdict") == "healthy", w.get("verdict")),
                      esc((w.get("monitor") or {}).get("samples")), esc((w.get("monitor") or {}).get("error_rate_pct")))
                   for w in windows)
    return ("<section><h2>Monitoring: verdict %s</h2>%s%s<table><tr><th>Window</th><th>Verdict</th><th>Samples</th>"
            "<th>Error rate</th></tr>%s</table></section>"
            % (badge(monitor.get("verdict") == "healthy", monitor.get("verdict")),
               chart_block(charts.latency_svg(windows), "no latency samples"),
               chart_block(charts.error_rate_svg(windows, thresholds.get("error_rate_pct")), "no samples"), rows))


def browser_section(doc, max_screenshot_bytes):
    browser = ((doc.get("sections") or {}).get("verify") or {}).get("browser") or {}
    steps = browser.get("steps") or []
    if not steps:
        return "<section><h2>Browser tests</h2><p class=\"evidence\">The browser tests did not run.</p></section>"
    shots = []
    for index, step in enumerate(steps, start=1):
        uri = data_uri(step.get("screenshot"), max_screenshot_bytes)
        image = '<img alt="%s" src="%s">' % (esc(step.get("name")), uri) if uri else ""
        caption = "%d. %s %s %s ms%s" % (index, esc(step.get("name")), badge(step.get("ok")), esc(step.get("duration_ms")),
                                         (" - " + esc(step.get("error"))) if step.get("error") else "")
        shots.append("<figure>%s<figcaption>%s</figcaption></figure>" % (image, caption))
    return ("<section><h2>Browser tests %s</h2><p>%s</p>%s<div class=\"shots\">%s</div></section>"
            % (badge(browser.get("ok")), esc(browser.get("msg")),
               chart_block(charts.browser_steps_svg(steps), ""), "".join(shots)))


def checklist_section(doc):
    groups = []
    for group, items in (doc.get("checklist") or {}).items():
        rows = "".join("<tr><td>%s</td><td>%s</td><td class=\"evidence\">%s</td></tr>"
                       % ("&#9745;" if item.get("done") else "&#9744;", esc(item.get("item")), esc(item.get("evidence")))
                       for item in items)
        groups.append("<h3>%s</h3><table>%s</table>" % (esc(group), rows))
    return "<section><h2>Checklist Summary</h2>%s</section>" % "".join(groups)


def build_html(doc, background=None, max_screenshot_bytes=2 * 1024 * 1024):
    """The whole page for the report document doc (report.json's content)."""
    title = doc.get("title") or "Release report"
    parts = [summary_section(doc), timeline_section(doc, background), monitoring_section(doc),
             browser_section(doc, max_screenshot_bytes), checklist_section(doc)]
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>%s</title><style>%s</style></head><body><header><h1>%s</h1></header><main>%s</main></body></html>\n"
            % (esc(title), CSS, esc(title), "".join(parts)))
