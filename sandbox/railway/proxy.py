"""The service domain: a small threaded reverse proxy in front of the ACTIVE deployment.

Method, path, query, headers (cookies included) and body go through unchanged (plus Railway's X-Forwarded-*);
status, response headers (Set-Cookie, Location...) and body come back unchanged, plus X-Railway-Edge and
X-Railway-Request-Id.  With no active deployment the edge answers Railway's "Application not found" page (503);
with an active deployment whose process is not running, "Application failed to respond" (502).
"""
import http.client

from .store import si_key
from .util import TolerantHandler, make_threading_server, new_id

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
              "trailers", "transfer-encoding", "upgrade", "proxy-connection"}

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Not Found | Railway</title></head>
<body>
<main>
<h1>Application not found</h1>
<p>The train has not arrived at the station.</p>
<p>Please check your network settings to confirm that your domain has provisioned.</p>
<p>If you are a visitor, please let the owner know you're stuck at the station.</p>
<p>Request ID: %(rid)s</p>
</main>
</body>
</html>
"""

FAILED_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Application failed to respond | Railway</title></head>
<body>
<main>
<h1>Application failed to respond</h1>
<p>This error appears to be caused by the application.</p>
<p>If this is your project, check out your deploy logs to see what went wrong.</p>
<p>Request ID: %(rid)s</p>
</main>
</body>
</html>
"""


class ProxyHandler(TolerantHandler):
    protocol_version = "HTTP/1.1"
    app = None  # the Emulator, set on the subclass

    def log_message(self, fmt, *args):
        pass

    def _target(self):
        """(port or None, has_active)."""
        store, engine = self.app.store, self.app.engine
        host = (self.headers.get("Host") or "").strip().lower()
        domains = list(store.data["domains"].values())
        chosen = None
        if host == self.app.cfg.domain.lower() or len(domains) == 1:
            chosen = domains[0] if domains else None
        if chosen is None:
            return None, False
        active = store.data["active"].get(si_key(chosen["environmentId"], chosen["serviceId"]))
        if not active:
            return None, False
        return engine.port_of(active), True

    def _edge_page(self, status, page, rid):
        body = (page % {"rid": rid}).encode("utf-8")
        self.send_response_only(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Railway-Fallback", "true")
        self.send_header("X-Railway-Request-Id", rid)
        self.send_header("Server", "railway-edge")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _proxy(self):
        rid = new_id().replace("-", "")[:22]
        body = self.read_body()
        port, has_active = self._target()
        if port is None:
            return self._edge_page(502 if has_active else 503, FAILED_PAGE if has_active else NOT_FOUND_PAGE, rid)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            client_ip = self.client_address[0]
            for k, v in self.headers.items():
                if k.lower() in HOP_BY_HOP or k.lower() == "content-length":
                    continue
                conn.putheader(k, v)
            prior = self.headers.get("X-Forwarded-For")
            conn.putheader("X-Forwarded-For", f"{prior}, {client_ip}" if prior else client_ip)
            conn.putheader("X-Forwarded-Proto", "http")
            conn.putheader("X-Forwarded-Host", self.headers.get("Host") or self.app.cfg.domain)
            conn.putheader("X-Real-IP", client_ip)
            conn.putheader("X-Railway-Request-Id", rid)
            if body or self.command in ("POST", "PUT", "PATCH"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body if body else None)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            return self._edge_page(502, FAILED_PAGE, rid)
        conn.close()
        self.send_response_only(resp.status, resp.reason)
        upstream_len = None
        for k, v in resp.getheaders():
            lk = k.lower()
            if lk in HOP_BY_HOP:
                continue
            if lk == "content-length":
                upstream_len = v
                continue
            self.send_header(k, v)
        if self.command == "HEAD" and upstream_len is not None:
            self.send_header("Content-Length", upstream_len)
        else:
            self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Railway-Edge", "railway/sandbox")
        self.send_header("X-Railway-Request-Id", rid)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _proxy


def make_proxy(app, host, port):
    return make_threading_server(ProxyHandler, app, host, port)
