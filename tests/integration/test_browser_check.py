"""browser_check in a real Chromium against a real HTTP server (standard library) on 127.0.0.1.

The pages model what the runbook checks: a login form setting a session cookie, a PDF download (and a broken one),
a file upload, an authenticator page whose code the server verifies, and a mail delivered to a Maildir.
"""

import base64
import json
import mailbox
import os
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from ansible_collections.facturino.release.plugins.module_utils.browser.totp import totp

PASSWORD = "s3cret-Passw0rd"
TOTP_KEY = b"facturino-test-key!!"
TOTP_SECRET = base64.b32encode(TOTP_KEY).decode().rstrip("=")
PDF = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"
PAGE = "<!doctype html><html><head><title>t</title></head><body>%s</body></html>"


ITEMS = []  # the records a flow creates on the test site, deleted one by one by a repeated click


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/html", headers=None):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def authed(self):
        return "session=ok" in (self.headers.get("Cookie") or "")

    def do_GET(self):
        routes = {
            "/login": PAGE % ('<img alt="Logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
                              '<form method="post" action="/login"><input id="email" name="email">'
                              '<input id="password" type="password" name="password"><button type="submit">Sign in</button></form>'),
            "/2fa": PAGE % ('<p id="secret">%s</p><form method="post" action="/2fa"><input id="code" name="code">'
                            '<button type="submit">Verify</button></form>' % TOTP_SECRET),
            "/upload": PAGE % ('<form method="post" action="/upload" enctype="multipart/form-data">'
                               '<input id="file" type="file" name="file"><button type="submit">Upload</button></form>'),
        }
        if self.path in routes:
            return self.send(200, routes[self.path])
        if self.path == "/items":
            rows = "".join('<li>%s<form method="post" action="/items/delete"><input type="hidden" name="name" value="%s">'
                           '<button class="delete">Delete</button></form></li>' % (name, name) for name in ITEMS)
            return self.send(200, PAGE % ('<ul id="items">%s</ul><p id="count">%d items</p>' % (rows, len(ITEMS))))
        if self.path == "/dashboard":
            if not self.authed():
                return self.send(302, "", headers={"Location": "/login"})
            return self.send(200, PAGE % ('<h1>Dashboard</h1><a id="pdf" href="/invoice.pdf">PDF</a>'
                                          '<a id="broken" href="/broken.pdf">PDF</a><a id="html" href="/html.pdf">PDF</a>'))
        if self.path == "/invoice.pdf":
            return self.send(200, PDF, "application/pdf", {"Content-Disposition": 'attachment; filename="INV-000001.pdf"'})
        if self.path == "/html.pdf":
            return self.send(200, b"<html>error</html>", "application/pdf", {"Content-Disposition": 'attachment; filename="x.pdf"'})
        if self.path == "/broken.pdf":
            return self.send(500, PAGE % "Server Error")
        return self.send(404, PAGE % "Not found")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/login":
            form = parse_qs(body.decode())
            if form.get("password") == [PASSWORD]:
                return self.send(302, "", headers={"Location": "/dashboard", "Set-Cookie": "session=ok; Path=/"})
            return self.send(200, PAGE % '<p class="error">These credentials do not match</p>')
        if self.path == "/2fa":
            code = parse_qs(body.decode()).get("code", [""])[0]
            now = time.time()
            valid = {totp(TOTP_KEY, now + drift) for drift in (-30, 0, 30)}
            return self.send(200, PAGE % ("<p>Two-factor code accepted</p>" if code in valid else "<p>Invalid code</p>"))
        if self.path == "/upload":
            return self.send(200, PAGE % ("<p>Received %d bytes</p>" % length))
        if self.path == "/items":
            ITEMS.append(parse_qs(body.decode())["name"][0])
            return self.send(302, "", headers={"Location": "/items"})
        if self.path == "/items/delete":
            ITEMS.remove(parse_qs(body.decode())["name"][0])
            return self.send(302, "", headers={"Location": "/items"})
        return self.send(404, "")


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def black_pixels(path):
    from matplotlib.image import imread

    pixels = imread(path)[:, :, :3]
    return int((pixels.sum(axis=2) == 0).sum())


def login_steps():
    return [
        {"name": "login page", "action": "goto", "url": "/login"},
        {"name": "logo", "action": "expect_selector", "selector": 'img[alt="Logo"]'},
        {"action": "fill", "selector": "#email", "value": "admin@example.test"},
        {"name": "password", "action": "fill", "selector": "#password", "secret": "password"},
        {"name": "sign in", "action": "click", "selector": "button[type=submit]"},
        {"name": "dashboard", "action": "expect_url", "url": "/dashboard"},
    ]


def test_runbook_steps_pass_with_screenshots_timings_and_no_secret(run_module, site, tmp_path):
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 500)
    inbox = tmp_path / "inbox"
    results = tmp_path / "results"
    steps = login_steps() + [
        {"name": "reopen", "action": "new_context"},
        {"name": "still signed in", "action": "goto", "url": "/dashboard"},
        {"name": "session kept", "action": "expect_text", "text": "Dashboard"},
        {"name": "invoice pdf", "action": "download", "selector": "#pdf", "expect_type": "pdf", "min_bytes": 1024},
        {"name": "upload form", "action": "goto", "url": "/upload"},
        {"name": "choose receipt", "action": "upload", "selector": "#file", "file": str(receipt)},
        {"name": "upload", "action": "click", "selector": "button[type=submit]"},
        {"name": "uploaded", "action": "expect_text", "text": "Received"},
        {"name": "upload form again", "action": "goto", "url": "/upload"},
        {"name": "text receipt", "action": "upload", "selector": "#file", "content": "1 x coffee\n", "filename": "r.txt"},
        {"name": "upload text", "action": "click", "selector": "button[type=submit]"},
        {"name": "text uploaded", "action": "expect_text", "text": "Received"},
        {"name": "2fa page", "action": "goto", "url": "/2fa"},
        {"name": "read key", "action": "capture", "selector": "#secret", "save_as": "key"},
        {"name": "code", "action": "totp", "selector": "#code", "secret": "key"},
        {"name": "verify", "action": "click", "selector": "button[type=submit]"},
        {"name": "code accepted", "action": "expect_text", "text": "Two-factor code accepted"},
        {"name": "mail", "action": "wait_mail", "inbox": str(inbox), "subject": "Invoice INV-000001", "timeout": 10},
    ]

    def deliver_later():
        time.sleep(1.0)
        msg = EmailMessage()
        msg["Subject"], msg["To"] = "Invoice INV-000001 from Facturino", "billing@acme.test"
        msg.set_content("attached")
        mailbox.Maildir(str(inbox), create=True).add(msg)

    mailbox.Maildir(str(inbox), create=True)
    threading.Thread(target=deliver_later, daemon=True).start()
    result = run_module("browser_check", {"base_url": site, "results_dir": str(results), "steps": steps,
                                          "secrets": {"password": PASSWORD}})
    assert not result.failed, result.get("msg")
    assert result["ok"] is True and result["changed"] is False
    by_name = {step["name"]: step for step in result["steps"]}
    assert len(by_name) == len(steps)
    assert all(step["ok"] and step["duration_ms"] >= 0 for step in result["steps"])
    assert by_name["reopen"]["detail"]["cookies"] == 1
    assert by_name["text receipt"]["detail"] == {"file": "r.txt", "bytes": 11}
    pdf = by_name["invoice pdf"]["detail"]
    assert pdf["bytes"] == len(PDF) and pdf["magic_ok"] and open(pdf["file"], "rb").read(4) == b"%PDF"
    assert by_name["mail"]["detail"]["subject"] == "Invoice INV-000001 from Facturino"
    assert by_name["mail"]["screenshot"] is None  # the mail step opens no page; the step before it has one
    shots = [step["screenshot"] for step in result["steps"] if step["action"] != "wait_mail"]
    for shot in shots:
        with open(shot, "rb") as handle:
            assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    # the key read by "capture" is blacked out in the screenshots that follow
    assert black_pixels(by_name["read key"]["screenshot"]) > black_pixels(by_name["2fa page"]["screenshot"]) + 500
    names = " ".join(os.listdir(results))
    everything = json.dumps(result) + names + open(result["results_file"]).read()
    assert PASSWORD not in everything and TOTP_SECRET not in everything
    assert result["results_file"] == str(results / "results-login-page.json")
    assert result["trace"] is None and not [n for n in os.listdir(results) if n.endswith(".zip")]


@pytest.mark.parametrize("link,fragment", [("#broken", "answered HTTP 500"), ("#html", "is not a pdf file")])
def test_a_broken_pdf_fails_fast_with_a_trace(run_module, site, tmp_path, link, fragment):
    steps = login_steps() + [{"name": "invoice pdf", "action": "download", "selector": link, "expect_type": "pdf",
                              "min_bytes": 1024, "timeout": 60}, {"name": "never reached", "action": "goto", "url": "/"}]
    result = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path), "steps": steps,
                                          "secrets": {"password": PASSWORD}, "timeout": 8})
    assert result.failed and result["ok"] is False
    assert result["failed_step"] == "invoice pdf"
    assert fragment in result["msg"]
    # the error page ends the wait, not the step's 60 s timeout (measured on the step, so load does not count twice)
    assert result["steps"][-1]["duration_ms"] < 20000, result["steps"][-1]
    assert [s["name"] for s in result["steps"]][-1] == "invoice pdf"
    assert result["trace"].endswith("-invoice-pdf-trace.zip")
    assert oct(os.stat(result["trace"]).st_mode & 0o777) == "0o600"
    assert result["steps"][-1]["screenshot"].endswith("-failed.png")
    assert PASSWORD not in json.dumps(result)


def test_wrong_password_fails_the_expectation_and_names_what_the_page_shows(run_module, site, tmp_path):
    result = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path), "steps": login_steps(),
                                          "secrets": {"password": "wrong-one"}, "timeout": 2, "fail_on_error": False})
    assert not result.failed and result["ok"] is False
    assert result["failed_step"] == "dashboard"
    assert "/login" in result["msg"]


def test_check_mode_validates_and_runs_nothing(run_module, site, tmp_path):
    results = tmp_path / "never"
    result = run_module("browser_check", {"base_url": site, "results_dir": str(results), "steps": login_steps(),
                                          "secrets": {"password": PASSWORD}}, check_mode=True)
    assert not result.failed and result["changed"] is False and result["ok"] is None
    assert [p["name"] for p in result["planned"]][:2] == ["login page", "logo"]
    assert not results.exists()
    bad = run_module("browser_check", {"base_url": site, "results_dir": str(results),
                                       "steps": [{"action": "fill", "selector": "#p", "secret": "missing"}]}, check_mode=True)
    assert bad.failed and "steps[0]" in bad["msg"] and "Fix:" in bad["msg"]


def test_another_chromium_that_does_not_exist_is_named(run_module, site, tmp_path):
    result = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path), "steps": login_steps()[:1],
                                          "executable_path": str(tmp_path / "chrome")})
    assert result.failed and "executable_path" in result["msg"]
    assert "Traceback" not in json.dumps(result)


def test_cleanup_runs_after_a_failed_step_with_its_cookies_and_undoes_only_what_is_there(run_module, site, tmp_path):
    """A step fails after the flow created records: the cleanup still runs, signed in (the failed context's
    cookies), skips what does not apply, deletes every test record with a repeated click; the task fails on the
    step, not on the cleanup."""
    ITEMS[:] = ["keep-me", "test-a", "test-b"]  # a real record and two an earlier run left
    steps = login_steps() + [{"name": "broken pdf", "action": "download", "selector": "#broken", "expect_type": "pdf"}]
    cleanup = [
        {"name": "still signed in", "action": "goto", "url": "/dashboard"},
        {"name": "sign in again", "action": "click", "selector": "button[type=submit]", "if_url": "/login"},
        {"name": "nothing pending", "action": "click", "selector": "#cancel", "if_selector": "#cancel"},
        {"name": "items", "action": "goto", "url": "/items"},
        {"name": "delete test items", "action": "click", "repeat": True, "selector": '#items li:has-text("test-") button.delete'},
        {"name": "none left", "action": "expect_text", "selector": "#count", "text": "1 items"},
    ]
    result = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path), "steps": steps, "cleanup": cleanup,
                                          "secrets": {"password": PASSWORD}, "fail_on_error": False,
                                          "screenshot_format": "jpeg"})
    assert not result.failed and result["ok"] is False and result["failed_step"] == "broken pdf"
    assert result["cleanup_ok"] is True and result["cleanup_failed_step"] is None, result.get("cleanup_msg")
    assert ITEMS == ["keep-me"]
    by_name = {step["name"]: step for step in result["steps"]}
    assert by_name["still signed in"]["detail"]["url"].endswith("/dashboard")  # the cookies survived the trace
    assert "/login" in by_name["sign in again"]["skipped"] and by_name["sign in again"]["screenshot"] is None
    assert "#cancel" in by_name["nothing pending"]["skipped"]
    assert by_name["delete test items"]["detail"]["clicks"] == 2
    assert [step["phase"] for step in result["steps"]].count("cleanup") == len(cleanup)
    assert result["trace"] and os.path.exists(result["trace"])
    # JPEG screenshots; a read-only step on an unchanged page shares the screenshot before it
    with open(by_name["items"]["screenshot"], "rb") as handle:
        assert handle.read(3) == b"\xff\xd8\xff"
    assert by_name["dashboard"]["screenshot"] == by_name["sign in"]["screenshot"]
    assert by_name["broken pdf"]["screenshot"].endswith("-failed.jpg")
    assert result["timings"]["screenshots"] < len(result["steps"])


def test_the_recovery_file_keeps_a_captured_key_until_the_cleanup_passed(run_module, site, tmp_path):
    recovery = tmp_path / "state" / "recovery.json"
    capture = [{"name": "2fa page", "action": "goto", "url": "/2fa"},
               {"name": "read key", "action": "capture", "selector": "#secret", "save_as": "key"}]
    failing_cleanup = [{"name": "cleanup", "action": "goto", "url": "/2fa"},
                       {"name": "cannot", "action": "expect_text", "text": "not on this page", "timeout": 0.5}]
    first = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path / "r1"), "steps": capture,
                                         "cleanup": failing_cleanup, "recovery_file": str(recovery)})
    assert not first.failed and first["ok"] is True and first["cleanup_ok"] is False
    assert "kept for the next run" in first["cleanup_msg"] and TOTP_SECRET not in json.dumps(first)
    assert oct(os.stat(recovery).st_mode & 0o777) == "0o600"
    assert json.loads(recovery.read_text()) == {"key": TOTP_SECRET}
    # check mode reads it, and neither uses nor removes it
    planned = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path / "r2"), "steps": capture[:1],
                                           "cleanup": [{"action": "totp", "selector": "#code", "secret": "key"}],
                                           "recovery_file": str(recovery)}, check_mode=True)
    assert planned["recovery_pending"] is True and planned["changed"] is False
    assert [p["phase"] for p in planned["planned"]] == ["steps", "cleanup"]
    assert recovery.exists() and not (tmp_path / "r2").exists()
    # the next run knows the key from the file (no capture in it) and removes the file once its cleanup passed
    second = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path / "r3"),
                                          "steps": [{"name": "2fa page", "action": "goto", "url": "/2fa"}],
                                          "cleanup": [{"name": "code", "action": "totp", "selector": "#code", "secret": "key"},
                                                      {"name": "verify", "action": "click", "selector": "button[type=submit]"},
                                                      {"name": "accepted", "action": "expect_text", "text": "Two-factor code accepted"}],
                                          "recovery_file": str(recovery)})
    assert not second.failed and second["cleanup_ok"] is True, second.get("cleanup_msg")
    assert second["recovery_file_removed"] is True and not recovery.exists()
    assert TOTP_SECRET not in json.dumps(second)


def test_a_cleanup_secret_nobody_captured_fails_the_cleanup_step_by_name(run_module, site, tmp_path):
    result = run_module("browser_check", {"base_url": site, "results_dir": str(tmp_path), "steps": login_steps()[:1],
                                          "cleanup": [{"name": "code", "action": "totp", "selector": "#code", "secret": "key"}],
                                          "secrets": {}}, check_mode=True)
    assert result.failed and "cleanup[0]" in result["msg"] and "'key'" in result["msg"]
