"""The HTML report: self-contained, escaped, with the charts the report promises."""

import re

import pytest

from ansible_collections.facturino.release.plugins.module_utils.report import charts
from ansible_collections.facturino.release.plugins.module_utils.report.html import build_html, data_uri

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def window(index, p50, p95, err):
    return {"index": index, "verdict": "healthy" if not err else "rollback",
            "monitor": {"samples": 6, "error_rate_pct": err, "thresholds": {"error_rate_pct": 5.0},
                        "endpoints": {"health": {"p50_ms": p50, "p95_ms": p95}}}}


def sample_doc(screenshot=None):
    return {
        "title": "Facturino v1.0.0 release report <script>alert(1)</script>",
        "outcome": "success", "verdict": "healthy", "tag": "v1.0.0", "ref": "release/v1.0.0", "commit": "abc",
        "run_id": "r1", "started_at": "2026-01-01T10:00:00Z", "finished_at": "2026-01-01T10:01:00Z", "duration_s": 60,
        "timeline": [{"section": "deploy", "status": "ok", "started_at": "2026-01-01T10:00:00Z", "duration_s": 10},
                     {"section": "verify", "status": "failed", "started_at": "2026-01-01T10:00:10Z", "duration_s": 5}],
        "sections": {"monitor": {"verdict": "healthy", "windows": [window(1, 50, 90, 0.0), window(2, 60, 120, 10.0)]},
                     "verify": {"browser": {"ok": False, "msg": "browser step 2 'pdf' failed",
                                            "steps": [{"name": "login", "ok": True, "duration_ms": 300, "screenshot": screenshot},
                                                      {"name": "pdf", "ok": False, "duration_ms": 90, "error": "HTTP 500"}]}}},
        "checklist": {"Post-Deployment": [{"item": "Core functionality verified", "done": True, "evidence": "51 steps"}]},
    }


def test_timeline_rows_put_background_work_beside_the_sections():
    rows = charts.timeline_rows(
        [{"section": "deploy", "started_at": "2026-01-01T10:00:02Z", "duration_s": 8, "status": "ok"}],
        [{"name": "backup", "started_at": "2026-01-01T10:00:00Z", "duration_s": 3}])
    assert rows == [("deploy", 2.0, 8.0, "section"), ("backup (background)", 0.0, 3.0, "backup")]
    assert charts.timeline_rows([], []) == []


def test_window_series_per_endpoint():
    series = charts.window_series(sample_doc()["sections"]["monitor"]["windows"])
    assert series["index"] == [1, 2] and series["error_rate_pct"] == [0.0, 10.0]
    assert series["endpoints"]["health"]["p95_ms"] == [90, 120]


def test_page_is_self_contained_escaped_and_has_every_part(tmp_path):
    shot = tmp_path / "01-login.png"
    shot.write_bytes(PNG)
    page = build_html(sample_doc(str(shot)), [{"name": "watch", "started_at": "2026-01-01T10:00:09Z", "duration_s": 20}])
    assert "<script" not in page  # the title is escaped and the page runs no script
    assert "&lt;script&gt;" in page
    assert len(re.findall(r"<svg", page)) == 4  # timeline, latency, error rate, browser steps
    assert "watch (background)" in page
    assert 'src="data:image/png;base64,' in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # loads nothing from elsewhere
    assert "Core functionality verified" in page and "HTTP 500" in page


def test_missing_parts_are_said_not_drawn():
    page = build_html({"title": "t", "timeline": [], "sections": {}, "checklist": {}})
    assert "did not run" in page and "<svg" not in page


@pytest.mark.parametrize("content,limit,expected", [(PNG, 1000, True), (PNG, 10, False), (b"GIF89a", 1000, False)])
def test_data_uri_embeds_only_small_pngs(tmp_path, content, limit, expected):
    path = tmp_path / "x.png"
    path.write_bytes(content)
    assert (data_uri(str(path), limit) is not None) is expected
    assert data_uri(str(tmp_path / "missing.png"), 1000) is None


@pytest.mark.parametrize("value, expected", [
    ("2026-01-02T03:04:05Z", 1767323045.0),
    (1767323045.5, 1767323045.5),
    ("1767323045.5", 1767323045.5),  # how ansible-core 2.17 and 2.18 hand over a number from a template
    ("", None),
    (None, None),
])
def test_times_parse_from_iso_text_numbers_and_numeric_strings(value, expected):
    assert charts.parse_time(value) == expected


def test_data_uri_names_a_jpeg_as_one(tmp_path):
    path = tmp_path / "01-login.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0" + b"0" * 40)
    assert data_uri(str(path), 1000).startswith("data:image/jpeg;base64,")
