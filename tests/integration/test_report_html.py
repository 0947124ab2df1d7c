"""report_html's page opened in headless Chromium: it renders (not blank) and logs no console error."""

import io
import json

import pytest

from tests.unit.plugins.module_utils.report.test_html import sample_doc


@pytest.fixture
def chromium():
    from playwright.sync_api import sync_playwright

    from ansible_collections.facturino.release.plugins.module_utils.browser.argspec import DEFAULT_LAUNCH_ARGS
    from ansible_collections.facturino.release.plugins.module_utils.browser.steps import find_chromium

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=find_chromium(), args=DEFAULT_LAUNCH_ARGS)
        yield browser
        browser.close()


def distinct_colours(png):
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png), format="png")
    return len({tuple(p) for p in pixels.reshape(-1, pixels.shape[-1])[::97].tolist()})


def test_report_renders_in_chromium_without_console_errors(run_module, chromium, tmp_path):
    page = chromium.new_page(viewport={"width": 1200, "height": 900})
    page.set_content("<h1 style='color:#0f3d6e'>Facturino dashboard</h1>")
    shot = tmp_path / "01-dashboard.png"
    shot.write_bytes(page.screenshot(type="png"))
    doc = sample_doc(str(shot))
    dest = tmp_path / "report.html"
    background = [{"name": "backup", "started_at": "2026-01-01T10:00:01Z", "duration_s": 6},
                  {"name": "watch", "started_at": "2026-01-01T10:00:09Z", "duration_s": 40}]
    result = run_module("report_html", {"report": doc, "background": background, "dest": str(dest)})
    assert not result.failed, result.get("msg")
    assert result["changed"] is True and dest.stat().st_size == result["bytes"]
    again = run_module("report_html", {"report": doc, "background": background, "dest": str(dest)})
    assert again["changed"] is False

    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    failed_requests = []
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    page.goto(dest.as_uri())
    page.wait_for_load_state("load")
    png = page.screenshot(type="png", full_page=True)
    (tmp_path / "rendered.png").write_bytes(png)
    assert errors == [] and failed_requests == []
    assert distinct_colours(png) > 20  # charts, badges and the screenshot: far from a blank page
    assert page.locator("svg").count() == 4
    assert page.locator("figure img").first.evaluate("img => img.naturalWidth") == 1200
    assert "watch (background)" in page.locator("body").inner_text()


def test_check_mode_writes_nothing(run_module, tmp_path):
    dest = tmp_path / "report.html"
    result = run_module("report_html", {"report": sample_doc(), "dest": str(dest)}, check_mode=True)
    assert result["changed"] is True and not dest.exists()
    bad = run_module("report_html", {"report": sample_doc(), "dest": str(tmp_path / "missing" / "r.html")})
    assert bad.failed and "directory" in bad["msg"] and "Traceback" not in json.dumps(bad)
