"""facturino.release.release_notify against a local SMTP server (aiosmtpd) and a local webhook server."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller  # noqa: PLC0415

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


@pytest.fixture
def webhook():
    received, script = [], []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            received.append({"body": json.loads(body), "auth": self.headers.get("Authorization")})
            status = script.pop(0) if script else 200
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": "http://127.0.0.1:%d/hooks/T0KEN-SECRET-42" % server.server_port, "received": received,
           "script": script}
    server.shutdown()


def base(**extra):
    args = {"subject": "Facturino v1.0.0 Deployed to Production", "body": "Team,\n\nv1.0.0 is live.", "event": "success"}
    args.update(extra)
    return args


def test_smtp_delivers_and_check_mode_sends_nothing(run_module, smtp):
    args = base(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_from="release@facturino.test",
                mail_to=["tech-team@facturino.test"])
    planned = run_module("release_notify", args, check_mode=True)
    assert planned.changed and not planned.failed and smtp.messages == []
    assert planned["smtp"]["would_send_to"] == ["tech-team@facturino.test"]
    result = run_module("release_notify", args)
    assert result.changed and result["smtp"]["sent"] and result["smtp"]["recipients"] == ["tech-team@facturino.test"]
    assert len(smtp.messages) == 1
    text = smtp.messages[0].content.decode()
    assert "Subject: Facturino v1.0.0 Deployed to Production" in text and "X-Facturino-Event: success" in text


def test_smtp_password_is_never_returned(run_module, smtp):
    result = run_module("release_notify", base(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_username="bot",
                                               smtp_password="S3cret-SMTP-pass", mail_from="a@b.test",
                                               mail_to=["c@d.test"], attempts=1))
    assert result.failed and "unreachable" in result["msg"] and "Fix:" in result["msg"]
    assert "S3cret-SMTP-pass" not in result["_raw_stdout"]


def test_webhook_retries_5xx_and_429_and_hides_the_url(run_module, webhook):
    webhook["script"].extend([503, 429])
    result = run_module("release_notify", base(webhook_url=webhook["url"], webhook_headers={"Authorization": "Bearer HDR-SECRET"}))
    assert not result.failed, result["msg"]
    assert result["webhook"] == {"sent": True, "status": 200}
    assert len(webhook["received"]) == 3
    assert webhook["received"][-1]["body"]["event"] == "success"
    assert webhook["received"][-1]["auth"] == "Bearer HDR-SECRET"
    assert "T0KEN-SECRET-42" not in result["_raw_stdout"] and "HDR-SECRET" not in result["_raw_stdout"]


def test_webhook_4xx_fails_with_the_fix(run_module, webhook):
    webhook["script"].append(404)
    result = run_module("release_notify", base(webhook_url=webhook["url"]))
    assert result.failed and "HTTP 404" in result["msg"] and "check webhook_url" in result["msg"]


def test_no_channel_is_a_clear_error(run_module):
    result = run_module("release_notify", base())
    assert result.failed and "no notification channel" in result["msg"]
