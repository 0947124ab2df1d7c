"""Servers that answer badly, for the bad-input corpus and the HTTP layer's tests.

Every path names the fault; any method is answered the same way:
  /html          200 text/html login page (what a proxy or a wrong URL gives)
  /badjson       200 application/json with a truncated JSON body
  /json?body=X   200 application/json with X verbatim (URL-encoded JSON of the wrong shape)
  /big           200 with a 10 MB body (Content-Length announced)
  /bigchunked    200 with a 10 MB body sent chunked (no Content-Length)
  /drip          200 headers at once, then one byte every 0.4 s for a minute
  /stall         200 headers, then nothing for a minute
  /reset         the connection is reset (RST) without an answer
  /status/N      status N with a short JSON body
Requests are counted per path in ``server.hits``.
"""

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

BIG = 10 * 1024 * 1024
HTML = b"<!doctype html><html><head><title>Sign in</title></head><body><form>proxy login</form></body></html>"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self):
        parts = urlsplit(self.path)
        path = parts.path
        server = self.server
        with server.lock:
            server.hits[path] = server.hits.get(path, 0) + 1
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if path.endswith("/reset"):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if path.endswith("/html"):
            return self._send(200, HTML, "text/html; charset=utf-8")
        if path.endswith("/badjson"):
            return self._send(200, b'{"data": {"projectToken": {"id": ', "application/json")
        if path.endswith("/json"):
            body = parse_qs(parts.query).get("body", ["{}"])[0]
            return self._send(200, unquote(body).encode(), "application/json")
        if path.endswith("/big"):
            return self._send(200, b"x" * BIG, "application/json")
        if path.endswith("/bigchunked"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            block = b"x" * 65536
            try:
                for _block in range(BIG // len(block)):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(block), block))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True
            return
        if path.endswith("/drip") or path.endswith("/stall"):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            try:
                for _byte in range(150):
                    if path.endswith("/drip"):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    if server.stopping.wait(0.4):
                        break
            except OSError:
                pass
            self.close_connection = True
            return
        if "/status/" in path:
            code = int(path.rsplit("/", 1)[1])
            return self._send(code, json.dumps({"status": code}).encode(), "application/json")
        return self._send(404, b'{"error": "no such fault"}', "application/json")

    def _send(self, code, body, ctype):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_HEAD = do_PATCH = do_DELETE = do_OPTIONS = _answer  # noqa: N815


class BadServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.hits = {}
        self.stopping = threading.Event()
        self.url = "http://127.0.0.1:%d" % self.server_address[1]

    def close(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()


def start():
    server = BadServer()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def json_url(server, payload, prefix=""):
    """The URL under which ``server`` answers ``payload`` (any JSON value) verbatim."""
    from urllib.parse import quote  # pylint: disable=import-outside-toplevel
    return "%s%s/json?body=%s" % (server.url, prefix, quote(json.dumps(payload)))


def elapsed(func):
    started = time.monotonic()
    value = func()
    return value, time.monotonic() - started
