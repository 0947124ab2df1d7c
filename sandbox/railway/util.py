"""Small helpers shared by the emulator modules (stdlib only)."""
import datetime as _dt
import json
import os
import socket
import tempfile
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def new_id():
    """Railway ids are UUIDv4 strings."""
    return str(uuid.uuid4())


def iso(ts=None):
    """RFC 3339 UTC timestamp with milliseconds, as Railway's DateTime scalar serialises."""
    if ts is None:
        ts = time.time()
    d = _dt.datetime.fromtimestamp(ts, tz=_dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)


def iso_nano(ns=None):
    """RFC 3339 timestamp with nanoseconds, as Railway's Log.timestamp."""
    if ns is None:
        ns = time.time_ns()
    sec, frac = divmod(ns, 1_000_000_000)
    d = _dt.datetime.fromtimestamp(sec, tz=_dt.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%09dZ" % frac


def parse_iso(value):
    """Parse an RFC 3339 string (any precision) to epoch seconds (float); None if empty/invalid."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    if v.endswith("Z") or v.endswith("z"):
        v = v[:-1] + "+00:00"
    frac_ns = 0
    # Python < 3.11 cannot parse nanoseconds: split the fraction off by hand.
    if "." in v:
        head, rest = v.split(".", 1)
        digits = ""
        i = 0
        while i < len(rest) and rest[i].isdigit():
            digits += rest[i]
            i += 1
        tz = rest[i:]
        frac_ns = int((digits + "000000000")[:9]) if digits else 0
        v = head + tz
    try:
        d = _dt.datetime.fromisoformat(v)
    except ValueError:
        return None
    if d.tzinfo is None:
        d = d.replace(tzinfo=_dt.timezone.utc)
    return d.timestamp() + frac_ns / 1e9


def atomic_write_bytes(path, data, mode=0o600):
    """Write ``data`` to ``path`` atomically (temp file in the same directory, fsync, rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_json(path, obj, mode=0o600):
    atomic_write_bytes(path, (json.dumps(obj, indent=1, sort_keys=True) + "\n").encode("utf-8"), mode)


def port_is_free(port, host="127.0.0.1"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((host, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def parse_port_range(text):
    """'18800-18899' -> range(18800, 18900); '18800' -> range(18800, 18801)."""
    text = str(text).strip()
    if "-" in text:
        lo, hi = text.split("-", 1)
        lo, hi = int(lo), int(hi)
    else:
        lo = hi = int(text)
    if not (0 < lo <= hi < 65536):
        raise ValueError(f"bad port range: {text!r}")
    return range(lo, hi + 1)


class TolerantHandler(BaseHTTPRequestHandler):
    """A request handler that treats a client hanging up mid-request as a closed connection, not an error."""

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionResetError, BrokenPipeError, socket.timeout):
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    def read_body(self):
        """The request body, chunked (trailers skipped) or by Content-Length."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline(65537).split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline(3)
            return b"".join(chunks)
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""


def make_threading_server(handler_class, app, host, port):
    """A bound, listening ThreadingHTTPServer whose handlers see ``app`` (daemon threads, address reuse)."""
    handler = type("Bound" + handler_class.__name__, (handler_class,), {"app": app})
    srv = ThreadingHTTPServer((host, port), handler, bind_and_activate=False)
    srv.daemon_threads = True
    srv.allow_reuse_address = True
    srv.request_queue_size = 128
    srv.server_bind()
    srv.server_activate()
    return srv
