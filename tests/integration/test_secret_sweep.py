"""The secret sweep: a full release and a rolled-back release at -vvvv, with SMTP and webhook notifications on.

Everything people read is searched for every secret of the sandbox (sandbox.json) and of the app's
.env.production: the whole -vvvv output, the reports, ROLLBACK_LOG, the ledger, the mails, the webhook bodies and
every file of the release state. Zero hits, and every file under the release state that holds a secret is 0600.
(The same release through ansible-runner, and its artifacts, is swept by test_release_runner.py.)
"""

import json
import os
import re
import socket
import stat
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.integration import release_helpers as rh
from tests.support.modules import REPO_ROOT

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

SECRET_NAME = re.compile(r"(KEY|PASSWORD|SECRET|TOKEN|_URL)$")


def sweep_secrets(state):
    """Every secret value: sandbox.json's and the non-public values of the app's .env.production."""
    values = set(rh.secrets_of(state))
    values.add(state.get("database_url"))
    env_file = os.path.join(state["app_repo"], ".env.production")
    if os.path.isfile(env_file):
        with open(env_file, encoding="utf-8") as handle:
            for line in handle:
                name, _sep, value = line.strip().partition("=")
                value = value.strip().strip('"')
                if SECRET_NAME.search(name) and len(value) >= 6 and "@" not in value[:1]:
                    if name.endswith("_URL") and not re.search(r"://[^/@]*:[^/@]+@", value):
                        continue  # a URL without credentials is not a secret
                    values.add(value)
    return sorted(v for v in values if v and len(str(v)) >= 6)


@pytest.fixture
def listeners():
    from aiosmtpd.controller import Controller  # noqa: PLC0415

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
            self.messages.append(envelope.content.decode("utf-8", "replace"))
            return "250 OK"

    bodies = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", "replace"))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    hook = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=hook.serve_forever, daemon=True).start()
    yield {"vars": {"notify_smtp_host": "127.0.0.1", "notify_smtp_port": port, "notify_smtp_security": "none",
                    "notify_mail_to": ["tech-team@facturino.test"], "notify_mail_from": "release@facturino.test",
                    "notify_webhook_url": "http://127.0.0.1:%d/hooks/release" % hook.server_address[1]},
           "mails": inbox.messages, "bodies": bodies}
    smtp.stop()
    hook.shutdown()
    hook.server_close()


def _release_vvvv(tmp_path, extra):
    extra_vars = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    extra_vars.update(extra)
    env = dict(os.environ, PATH=rh.VENV_BIN + os.pathsep + os.environ.get("PATH", ""), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run([os.path.join(rh.VENV_BIN, "ansible-playbook"), "-vvvv", "playbooks/release.yml",
                           "-e", json.dumps(extra_vars)], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=1200, check=False)
    return proc.returncode, proc.stdout + proc.stderr


def _files(root):
    for base, _dirs, names in os.walk(str(root)):
        for name in names:
            path = os.path.join(base, name)
            if os.path.isfile(path) and not os.path.islink(path):
                yield path


def sweep(secrets, output, tmp_path, listeners):
    """Where each secret was found (a list of 'what in where'), and the secret-holding state files not 0600."""
    hits, loose = [], []
    places = [("the -vvvv output", output)] + [("mail %d" % i, m) for i, m in enumerate(listeners["mails"])] \
        + [("webhook body %d" % i, b) for i, b in enumerate(listeners["bodies"])]
    for where, text in places:
        hits += ["%s... in %s" % (s[:3], where) for s in secrets if s in text]
    for root in (tmp_path / "reports", tmp_path / "state"):
        for path in _files(root):
            if "/builds/" in path and "/.git/" in path:
                continue  # the git objects of the build checkout (the app's source)
            with open(path, "rb") as handle:
                data = handle.read()
            found = [s for s in secrets if s.encode() in data]
            rel = os.path.relpath(path, str(tmp_path))
            if found and rel.startswith("reports"):
                hits += ["%s... in %s" % (s[:3], rel) for s in found]
            if found and stat.S_IMODE(os.stat(path).st_mode) != 0o600:
                loose.append("%s (%o)" % (rel, stat.S_IMODE(os.stat(path).st_mode)))
    return hits, loose


def test_a_full_release_at_vvvv_shows_no_secret_anywhere(sandbox, tmp_path, listeners):
    secrets = sweep_secrets(sandbox)
    assert len(secrets) >= 5
    rh.reset_sandbox()
    try:
        rc, output = _release_vvvv(tmp_path, listeners["vars"])
    finally:
        rh.reset_sandbox()
    assert rc == 0, output[-4000:]
    assert listeners["mails"] and listeners["bodies"], "the notifications were not sent"
    assert "<127.0.0.1> EXEC" in output or "ESTABLISH LOCAL CONNECTION" in output  # really -vvvv
    hits, loose = sweep(secrets, output, tmp_path, listeners)
    assert hits == [] and loose == [], (hits, loose)
    builds = [p for p in _files(tmp_path / "state") if p.endswith("bootstrap/cache/config.php")]
    assert builds == [], "the cached production config outlived the release"


def test_a_rolled_back_release_at_vvvv_shows_no_secret_anywhere(sandbox, tmp_path, listeners):
    secrets = sweep_secrets(sandbox)
    rh.reset_sandbox()
    rc, output = _release_vvvv(tmp_path, dict(listeners["vars"], release_ref="broken/health-500",
                                              release_tag="v1.0.1", preflight_required_migrations=[],
                                              migrate_required_columns={}, migrate_expected_columns={}))
    assert rc != 0 and "ROLLED BACK" in output, output[-4000:]
    assert (tmp_path / "reports" / "ROLLBACK_LOG.md").is_file()
    assert listeners["mails"] and listeners["bodies"]
    hits, loose = sweep(secrets, output, tmp_path, listeners)
    assert hits == [] and loose == [], (hits, loose)
    assert [p for p in _files(tmp_path / "state") if p.endswith("bootstrap/cache/config.php")] == []
    rh.reset_sandbox()
