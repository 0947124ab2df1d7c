"""A scripted local HTTP/HTTPS server for the http wing's tests and benchmark.

Endpoints (all answers are deterministic; counters are per ``key`` so tests do not interfere):
  /health                       200 {"status": "ok", "timestamp": ...}
  /ping                         200 {"message": "pong"}
  /slow?ms=N[&key=K]            waits N ms, then 200 {"status": "ok"}; peak parallel requests per K in state.peak
  /status/<code>                that status with {"status": "error", "code": <code>}
  /flap/<key>?every=N           every Nth request (N, 2N, ...) answers 500, the others 200
  /sequence/<key>?codes=a,b,c   answers a, then b, then c, then c forever
  /badjson                      200, Content-Type JSON, truncated JSON body
  /redirect?to=PATH             302 to PATH;  /redirect-loop  302 to itself
  /big?n=N                      200 with N bytes of text
  /require-header?name=H&sha256=D 200 when the sha256 hex of header H is D, else 401 (no secret in the URL)
  /login                        GET: form with _token + a session cookie; POST: 302 /dashboard or back to /login
  /dashboard                    200 (with a logout form) for the session cookie of a good login, else 302 /login
  /logout                       POST with the session's _token: ends the session, 302 /login
Use :func:`start` (HTTP) or :func:`start(tls=True)` (self-signed HTTPS, certificate made with ``openssl``).
"""

import hashlib
import json
import os
import secrets
import shutil
import ssl
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

USER = "admin@example.test"
PASSWORD = "s3cret-Pa55"
LOGIN_PAGE = """<!doctype html><html><head><title>Login</title>
<meta name="csrf-token" content="{token}"></head><body>
<img src="/logo.svg" alt="Facturino logo">
<form method="POST" action="/login">
<input type="hidden" name="_token" value="{token}">
<input type="email" name="email"><input type="password" name="password">
<button type="submit">Log in</button></form></body></html>"""
DASHBOARD = """<html><body><h1>Dashboard</h1>
<form method="POST" action="/logout"><input type="hidden" name="_token" value="{token}">
<button type="submit">Log out</button></form></body></html>"""


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.counters = {}
        self.csrf = {}       # pre-session id -> token
        self.sessions = {}   # session id -> its CSRF token
        self.requests = 0
        self.inflight = {}
        self.peak = {}       # key -> most /slow requests in flight at once

    def count(self, key):
        with self.lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scripted/1.0"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls between header and body writes

    def log_message(self, *args):  # keep test output clean
        pass

    # helpers
    def _send(self, code, body=b"", ctype="application/json", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _cookies(self):
        jar = {}
        for part in (self.headers.get("Cookie") or "").split(";"):
            if "=" in part:
                name, value = part.strip().split("=", 1)
                jar[name] = value
        return jar

    def _read_form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        return {k: v[0] for k, v in parse_qs(raw).items()}

    # dispatch
    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_GET(self):  # noqa: C901 - a flat routing table reads best here
        state = self.server.state
        state.requests += 1
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path
        seg = path.strip("/").split("/")
        if path == "/health":
            return self._send(200, {"status": "ok", "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ")})
        if path == "/ping":
            return self._send(200, {"message": "pong"})
        if path == "/slow":
            gauge = query.get("key", "")
            with state.lock:
                state.inflight[gauge] = state.inflight.get(gauge, 0) + 1
                state.peak[gauge] = max(state.peak.get(gauge, 0), state.inflight[gauge])
            time.sleep(int(query.get("ms", "100")) / 1000.0)
            with state.lock:
                state.inflight[gauge] -= 1
            return self._send(200, {"status": "ok"})
        if seg[0] == "status" and len(seg) == 2:
            code = int(seg[1])
            return self._send(code, {"status": "error", "code": code})
        if seg[0] == "flap" and len(seg) == 2:
            n = state.count("flap:" + seg[1])
            every = int(query.get("every", "3"))
            code = 500 if n % every == 0 else 200
            return self._send(code, {"status": "ok" if code == 200 else "error", "n": n})
        if seg[0] == "sequence" and len(seg) == 2:
            codes = [int(c) for c in query.get("codes", "200").split(",")]
            n = state.count("seq:" + seg[1])
            code = codes[min(n, len(codes)) - 1]
            return self._send(code, {"status": "ok" if code < 400 else "error", "n": n})
        if path == "/badjson":
            return self._send(200, b'{"status": "ok", "timest')
        if path == "/redirect":
            return self._send(302, b"", "text/plain", {"Location": query.get("to", "/health")})
        if path == "/redirect-loop":
            return self._send(302, b"", "text/plain", {"Location": "/redirect-loop"})
        if path == "/big":
            return self._send(200, "x" * int(query.get("n", "10000")), "text/plain")
        if path == "/require-header":
            value = self.headers.get(query.get("name", "")) or ""
            ok = hashlib.sha256(value.encode()).hexdigest() == query.get("sha256")
            return self._send(200 if ok else 401, {"authorized": ok})
        if path == "/login":
            return self._login(state)
        if path == "/dashboard":
            token = state.sessions.get(self._cookies().get("session"))
            if token:
                return self._send(200, DASHBOARD.format(token=token), "text/html")
            return self._send(302, b"", "text/plain", {"Location": "/login"})
        if path == "/logout" and self.command == "POST":
            sid = self._cookies().get("session")
            if state.sessions.get(sid) != self._read_form().get("_token"):
                return self._send(419, "<html>Page Expired</html>", "text/html")
            with state.lock:
                state.sessions.pop(sid, None)
            return self._send(302, b"", "text/plain", {"Location": "/login"})
        return self._send(404, {"error": "not found"})

    def _login(self, state):
        if self.command == "GET":
            pre = secrets.token_hex(8)
            token = secrets.token_hex(16)
            with state.lock:
                state.csrf[pre] = token
            return self._send(200, LOGIN_PAGE.format(token=token), "text/html",
                              {"Set-Cookie": "pre=%s; Path=/; HttpOnly" % pre})
        form = self._read_form()
        expected = state.csrf.get(self._cookies().get("pre", ""))
        if not expected or form.get("_token") != expected:
            return self._send(419, "<html>Page Expired</html>", "text/html")
        if form.get("email") != USER or form.get("password") != PASSWORD:
            return self._send(302, b"", "text/plain", {"Location": "/login"})
        sid = secrets.token_hex(16)
        with state.lock:
            state.sessions[sid] = secrets.token_hex(16)
        return self._send(302, b"", "text/plain",
                          {"Location": "/dashboard", "Set-Cookie": "session=%s; Path=/; HttpOnly" % sid})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog of 5 drops SYNs under concurrent checks (1 s stalls)

    def handle_error(self, request, client_address):  # clients that time out and hang up are expected
        pass


class ScriptedServer:
    """A running server; ``url`` is its base URL. Use as a context manager or call :meth:`stop`."""

    def __init__(self, tls=False, host="127.0.0.1"):
        self.httpd = _Server((host, 0), _Handler)
        self.httpd.state = _State()
        self.certdir = None
        self.certfile = None
        scheme = "http"
        if tls:
            self.certdir = tempfile.mkdtemp(prefix="scripted-tls-")
            self.certfile, keyfile = make_self_signed_cert(self.certdir)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certfile, keyfile)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = "%s://%s:%d" % (scheme, host, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def state(self):
        return self.httpd.state

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.certdir:
            shutil.rmtree(self.certdir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start(tls=False):
    return ScriptedServer(tls=tls)


def make_self_signed_cert(directory):
    """Create a self-signed certificate for 127.0.0.1/localhost with the openssl CLI; returns (cert, key)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )
    return cert, key


def free_port():
    """A port nothing listens on (for connection-refused cases)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    """``python tests/support/scripted_http.py [--tls]``: serve in this process, print the URL, run until killed."""
    import sys

    srv = ScriptedServer(tls="--tls" in sys.argv[1:])
    print(srv.url, flush=True)
    try:
        srv.thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
