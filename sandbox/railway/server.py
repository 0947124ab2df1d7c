"""HTTP front: ``/graphql/v2``, the ``railway up`` upload endpoint and the ``/_emulator`` admin API.

The edge behaves like Railway's: faults injected through the admin API are applied before anything else (as a
CDN/load balancer would), then per-token rate limits (HTTP 429 + Retry-After + X-RateLimit-*), then GraphQL.
"""
import collections
import json
import math
import os
import re
import socket
import threading
import time
import urllib.parse

from . import gitsrc
from .api import Auth, GraphQLService, can_rollback
from .engine import IN_PROGRESS, DeploymentError
from .store import _empty, si_key
from .util import TolerantHandler, make_threading_server, new_id

UP_PATH = re.compile(r"^/project/([^/]+)/environment/([^/]+)/up/?$")
HTTP_FAULTS = ("drop", "cloudflare_403", "http_5xx", "rate_limit", "slow", "lose_answer", "graphql_error")
# Faults that act after the request was applied (its answer is lost) instead of before it.
AFTER_FAULTS = ("lose_answer",)
COUNTER_FAULTS = ("fail_next_build", "skip_next_deploy", "needs_approval_next")

CLOUDFLARE_403 = """<!DOCTYPE html>
<!--[if lt IE 7]> <html class="no-js ie6 oldie" lang="en-US"> <![endif]-->
<html class="no-js" lang="en-US">
<head>
<title>Access denied | backboard.railway.com used Cloudflare to restrict access</title>
<meta charset="UTF-8" />
<meta name="robots" content="noindex, nofollow" />
</head>
<body>
  <div id="cf-wrapper">
    <div id="cf-error-details" class="p-0">
      <header class="mx-auto pt-10 lg:pt-6 lg:px-8 w-240 lg:w-full mb-15 antialiased">
         <h1 class="inline-block md:block mr-2 md:mb-2 font-light text-60 md:text-3xl text-black-dark leading-tight">
           <span data-translate="error">Error</span>
           <span>1020</span>
         </h1>
         <h2 class="text-gray-600 leading-1.3 text-3xl lg:text-2xl font-light">Access denied</h2>
      </header>
      <section class="w-240 lg:w-full mx-auto mb-8 lg:px-8">
        <p>This website is using a security service to protect itself from online attacks.</p>
      </section>
      <div class="cf-error-footer cf-wrapper w-240 lg:w-full py-10 sm:py-4 sm:px-8 mx-auto text-center">
        <p>Cloudflare Ray ID: <strong class="font-semibold">%(ray)s</strong></p>
      </div>
    </div>
  </div>
</body>
</html>
"""

GATEWAY_PAGE = """<html>
<head><title>%(code)d %(reason)s</title></head>
<body>
<center><h1>%(code)d %(reason)s</h1></center>
<hr><center>cloudflare</center>
</body>
</html>
"""

REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}


# ---------------------------------------------------------------------------------------------------- faults
class Faults:
    """Pending faults.  HTTP faults hit API requests (GraphQL + upload) in insertion order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with getattr(self, "lock", threading.Lock()):
            self.http = []
            self.counters = {k: 0 for k in COUNTER_FAULTS}
            self.crash_after = None
            self.fired = collections.Counter()

    def add(self, spec):
        if not isinstance(spec, dict):
            raise ValueError("fault spec must be a JSON object")
        unknown = set(spec) - set(HTTP_FAULTS) - set(COUNTER_FAULTS) - {"crash_next_deploy_after", "clear", "match"}
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        if spec.get("clear"):
            self.clear()
        default_match = spec.get("match")
        entries = []
        for kind in HTTP_FAULTS:
            if kind not in spec or spec[kind] in (None, 0, False):
                continue
            v = spec[kind]
            v = {"count": int(v)} if isinstance(v, (int, float)) and not isinstance(v, bool) else dict(v)
            e = {"kind": kind, "remaining": int(v.get("count", 1)), "match": v.get("match", default_match)}
            if kind == "http_5xx":
                e["status"] = int(v.get("status", 502))
                if e["status"] not in REASONS:
                    raise ValueError("http_5xx.status must be one of 500, 502, 503, 504")
            elif kind == "rate_limit":
                e["retry_after"] = int(v.get("retry_after", 1))
            elif kind == "slow":
                e["seconds"] = float(v.get("seconds", 2.0))
            elif kind == "lose_answer":
                # the mutation is applied, then the connection is reset (mode reset) or held silent for
                # `seconds` and then reset (mode timeout: the client's deadline passes first)
                e["mode"] = str(v.get("mode", "reset"))
                if e["mode"] not in ("reset", "timeout"):
                    raise ValueError("lose_answer.mode must be reset or timeout")
                e["seconds"] = float(v.get("seconds", 5.0))
            elif kind == "graphql_error":
                # HTTP 200 with a GraphQL error, nothing applied (Railway refusing an operation)
                e["message"] = str(v.get("message", "Internal server error"))
            entries.append(e)
        with self.lock:
            self.http.extend(entries)
            for kind in COUNTER_FAULTS:
                if kind in spec and spec[kind]:
                    v = spec[kind]
                    self.counters[kind] += 1 if v is True else int(v)
            if "crash_next_deploy_after" in spec:
                v = spec["crash_next_deploy_after"]
                self.crash_after = None if v is None else float(v)
        return self.describe()

    def edge(self, text):
        """The HTTP fault that applies to a request whose body is ``text`` (consumed), or None."""
        with self.lock:
            for e in self.http:
                if e["remaining"] > 0 and (not e["match"] or e["match"] in text):
                    e["remaining"] -= 1
                    self.fired[e["kind"]] += 1
                    out = dict(e)
                    break
            else:
                return None
            self.http = [e for e in self.http if e["remaining"] > 0]
            return out

    def take(self, name):
        with self.lock:
            if name == "crash_next_deploy_after":
                v, self.crash_after = self.crash_after, None
                if v is not None:
                    self.fired[name] += 1
                return v
            if self.counters.get(name, 0) > 0:
                self.counters[name] -= 1
                self.fired[name] += 1
                return True
            return False

    def describe(self):
        with self.lock:
            return {"http": [dict(e) for e in self.http], "counters": dict(self.counters),
                    "crash_next_deploy_after": self.crash_after, "fired": dict(self.fired)}


# ---------------------------------------------------------------------------------------------------- limits
class RateLimiter:
    """Sliding windows per token: requests per second and per hour."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.lock = threading.Lock()
        self.hits = collections.defaultdict(collections.deque)

    def clear(self):
        with self.lock:
            self.hits.clear()

    def check(self, label):
        """Returns (allowed, headers)."""
        now = time.time()
        per_s, per_h = self.cfg.rate_per_second, self.cfg.rate_per_hour
        with self.lock:
            q = self.hits[label]
            while q and q[0] <= now - 3600:
                q.popleft()
            in_sec = 0
            for t in reversed(q):
                if t <= now - 1.0:
                    break
                in_sec += 1
            retry = None
            if per_h and per_h > 0 and len(q) >= per_h:
                retry = max(1, math.ceil(q[0] + 3600 - now))
            elif per_s and per_s > 0 and in_sec >= per_s:
                retry = 1
            if retry is None:
                q.append(now)
            used = len(q)
            reset = int(math.ceil((q[0] if q else now) + 3600))
        headers = {}
        if per_h and per_h > 0:
            headers = {"X-RateLimit-Limit": str(per_h), "X-RateLimit-Remaining": str(max(0, per_h - used)),
                       "X-RateLimit-Reset": str(reset)}
        if retry is not None:
            headers["Retry-After"] = str(retry)
            return False, headers
        return True, headers


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        with getattr(self, "lock", threading.Lock()):
            self.total = 0
            self.by = {}

    def _entry(self, label):
        e = self.by.get(label)
        if e is None:
            e = self.by[label] = {"count": 0, "rate_limited": 0, "faulted": 0, "uploads": 0,
                                  "operations": collections.Counter()}
        return e

    def hit(self, label, field=None, op=None):
        with self.lock:
            e = self._entry(label)
            if field is None:
                self.total += 1
                e["count"] += 1
            else:
                e[field] += 1
            if op:
                e["operations"][op] += 1

    def describe(self):
        with self.lock:
            return {"total": self.total,
                    "by_token": {k: dict(v, operations=dict(v["operations"])) for k, v in self.by.items()}}


# ---------------------------------------------------------------------------------------------------- app
class Emulator:
    """Everything the HTTP handlers need."""

    def __init__(self, store, engine, cfg, faults, log):
        self.store, self.engine, self.cfg, self.faults, self.log = store, engine, cfg, faults, log
        self.gql = GraphQLService(store, engine, cfg)
        self.limiter = RateLimiter(cfg)
        self.stats = Stats()
        self.started = time.time()

    # -- admin ----------------------------------------------------------------------------------------------
    def state(self):
        snap = self.store.snapshot()
        seed = self.store.seed_summary()
        active = snap["active"]
        deps = sorted(snap["deployments"].values(), key=lambda d: d.get("seq", 0), reverse=True)
        out = []
        for d in deps:
            key = si_key(d["environmentId"], d["serviceId"])
            src = d.get("source") or {}
            out.append({
                "id": d["id"], "seq": d.get("seq"), "status": d["status"], "createdAt": d["createdAt"],
                "updatedAt": d["updatedAt"], "statusUpdatedAt": d.get("statusUpdatedAt"),
                "history": d.get("history", []), "reason": d.get("reason"), "source": src.get("kind"),
                "commit": src.get("commit"), "meta": d.get("meta"), "projectId": d["projectId"],
                "environmentId": d["environmentId"], "serviceId": d["serviceId"],
                "active": active.get(key) == d["id"], "running": self.engine.is_running(d["id"]),
                "port": d.get("port"), "pid": d.get("pid"), "pgid": d.get("pgid"),
                "deploymentStopped": d.get("deploymentStopped", False), "skipBuild": d.get("skipBuild", False),
                "canRollback": can_rollback(_AdminCtx(self.store), d),
                "snapshotVariables": sorted((d.get("snapshot") or {}).get("variables", {})),
            })
        active_id = None
        if seed.get("seeded"):
            active_id = active.get(si_key(seed["environment_id"], seed["service_id"]))
        seed_public = {k: v for k, v in seed.items() if k not in ("project_token", "account_token")}
        return {"pid": os.getpid(), "uptime_seconds": round(time.time() - self.started, 3),
                "config": self.cfg.public(), "seeded": bool(snap.get("seeded")), "seed": seed_public,
                "active": active, "active_deployment_id": active_id, "deployments": out,
                "requests": self.stats.describe(), "faults": self.faults.describe()}

    def set_config(self, body):
        c = self.cfg
        if "step_seconds" in body:
            c.step_seconds = max(0.0, float(body["step_seconds"]))
        if "healthcheck_interval" in body:
            c.healthcheck_interval = max(0.01, float(body["healthcheck_interval"]))
        if "drain_seconds" in body:
            c.drain_seconds = max(0.0, float(body["drain_seconds"]))
        if "auto_deploy" in body:
            c.auto_deploy = bool(body["auto_deploy"])
        if "healthcheck_timeout_max" in body:
            c.healthcheck_timeout_max = max(0.0, float(body["healthcheck_timeout_max"] or 0))
        if "upload_max_bytes" in body:
            c.upload_max_bytes = int(body["upload_max_bytes"])
        rl = body.get("rate_limit") or {}
        for key, attr in (("per_second", "rate_per_second"), ("per_hour", "rate_per_hour")):
            if key in rl:
                setattr(c, attr, int(rl[key] or 0))
            if f"rate_{key}" in body:
                setattr(c, attr, int(body[f"rate_{key}"] or 0))
        if body.get("reset_rate_limits"):
            self.limiter.clear()
        return c.public()

    def seed(self, body):
        app = body.get("app")
        path = body.get("app_json")
        if app is None and path:
            with open(path, encoding="utf-8") as fh:
                app = json.load(fh)
        if app is None and self.store.data.get("seeded"):
            return False, self.store.seed_summary()
        if app is None:
            raise ValueError("seed needs 'app_json' (path) or 'app' (object)")
        origin = body.get("origin_repo") or app.get("origin_repo")
        if not origin:
            raise ValueError("app.json has no origin_repo")
        created, summary = self.store.seed(app, origin, self.cfg.domain_url, tcp_proxy_port=self.cfg.tcp_proxy_port)
        self.engine.sync_network()
        if created and path:
            with self.store.lock:
                self.store.data["seed"]["app_json"] = os.path.abspath(path)
                self.store.save()
        return created, dict(summary, domain_url=self.cfg.domain_url, domain=self.cfg.domain)

    def reset(self, body):
        self.faults.clear()
        self.stats.clear()
        self.limiter.clear()
        reseed = bool(body.get("reseed"))
        self.engine.reset(clear_deployments=reseed or body.get("clear_deployments", True))
        if reseed:
            app_json = body.get("app_json") or (self.store.data.get("seed") or {}).get("app_json")
            with self.store.lock:
                self.store.data = _empty()
                self.store.save()
            if app_json:
                self.seed({"app_json": app_json})
        elif body.get("reset_variables"):
            with self.store.lock:
                for key, values in (self.store.data.get("seedVariables") or {}).items():
                    self.store.data["variables"][key] = dict(values)
                # the seeded network too: the TCP proxies, and no service settings (preDeployCommand, ...)
                if "seedTcpProxies" in self.store.data:
                    self.store.data["tcpProxies"] = json.loads(json.dumps(self.store.data["seedTcpProxies"]))
                for si in self.store.data["serviceInstances"].values():
                    si.pop("settings", None)
                self.store.save()
        self.engine.sync_network()
        return {"reset": True, "seeded": bool(self.store.data.get("seeded"))}

    def expire_image(self, body):
        """Railway drops old deployments' images: the deployment stays listed but can no longer be rolled back to."""
        dep_id = body.get("deployment_id")
        with self.store.lock:
            dep = self.store.deployment(dep_id)
            if dep is None:
                raise ValueError(f"no deployment {dep_id!r}")
            dep["imageExpired"] = True
            self.store.save()
        return {"deployment_id": dep_id, "canRollback": can_rollback(_AdminCtx(self.store), dep)}

    def admin_deploy(self, body):
        seed = self.store.seed_summary()
        if not seed.get("seeded"):
            raise ValueError("not seeded")
        env_id = body.get("environment_id") or seed["environment_id"]
        sid = body.get("service_id") or seed["service_id"]
        ref = body.get("commit") or body.get("ref")
        source, meta = self.engine.git_source(sid, ref)
        dep = self.engine.create(env_id, sid, source=source, variables=self.store.get_variables(env_id, sid),
                                 meta=meta, reason="deploy")
        wait = float(body.get("wait") or 0)
        deadline = time.monotonic() + wait
        while wait and time.monotonic() < deadline:
            cur = self.store.deployment(dep["id"])
            if cur is None or cur["status"] not in IN_PROGRESS:
                break
            time.sleep(0.05)
        cur = self.store.deployment(dep["id"]) or {}
        return {"deployment_id": dep["id"], "status": cur.get("status"), "commit": source["commit"]}


class _AdminCtx:
    def __init__(self, store):
        self.store = store


# ---------------------------------------------------------------------------------------------------- handler
class Handler(TolerantHandler):
    protocol_version = "HTTP/1.1"
    server_version = "railway-edge"

    def version_string(self):
        return self.server_version
    app = None  # set on the subclass

    def log_message(self, fmt, *args):
        pass

    def _log(self, status, extra=""):
        self.app.log(f'{self.client_address[0]} "{self.command} {self.path}" {status} {extra}'.rstrip())

    # -- plumbing -------------------------------------------------------------------------------------------
    def _send(self, status, body, content_type="application/json; charset=utf-8", headers=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response_only(status)
        hdrs = {"Server": self.server_version, "Date": self.date_time_string(), "Content-Type": content_type,
                "Content-Length": str(len(body)), "X-Railway-Request-Id": new_id().replace("-", "")[:22]}
        hdrs.update(headers or {})
        for k, v in hdrs.items():
            self.send_header(k, v)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(status)

    def _drop(self):
        self.close_connection = True
        try:
            self.wfile.flush()
        except OSError:
            pass
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._log("dropped")

    def _apply_edge_fault(self, text, label):
        """Apply an injected fault.  Returns True if the request was answered (or dropped); a fault that acts
        after the request is applied is kept in ``self._after_fault`` for :meth:`_answer`."""
        self._after_fault = None
        f = self.app.faults.edge(text)
        if f is None:
            return False
        self.app.stats.hit(label, "faulted")
        kind = f["kind"]
        if kind in AFTER_FAULTS:
            self._after_fault = f
            return False
        if kind == "graphql_error":
            self._send(200, {"errors": [{"message": f["message"], "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
                             "data": None})
            return True
        if kind == "drop":
            self._drop()
            return True
        ray = new_id().replace("-", "")[:16] + "-AMS"
        if kind == "cloudflare_403":
            self._send(403, CLOUDFLARE_403 % {"ray": ray}, "text/html; charset=UTF-8",
                       {"Server": "cloudflare", "CF-RAY": ray, "Cache-Control": "private, max-age=0, no-store"})
            return True
        if kind == "http_5xx":
            code = f["status"]
            self._send(code, GATEWAY_PAGE % {"code": code, "reason": REASONS[code]}, "text/html",
                       {"Server": "cloudflare", "CF-RAY": ray})
            return True
        if kind == "rate_limit":
            ra = f["retry_after"]
            self._send(429, {"errors": [{"message": f"Rate limit exceeded. Try again in {ra} seconds."}]},
                       headers={"Retry-After": str(ra), "X-RateLimit-Limit": str(self.app.cfg.rate_per_hour),
                                "X-RateLimit-Remaining": "0",
                                "X-RateLimit-Reset": str(int(time.time()) + ra)})
            return True
        if kind == "slow":
            time.sleep(f["seconds"])
            return False
        return False

    # -- routes ---------------------------------------------------------------------------------------------
    def do_GET(self):
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/_emulator"):
            return self._admin("GET", path, b"")
        if path.rstrip("/") == "/graphql/v2":
            return self._send(400, {"errors": [{"message": "GET queries are not supported; use POST"}]})
        self._send(404, {"message": "Not Found"})

    def do_HEAD(self):
        self.do_GET()

    def do_DELETE(self):
        path = urllib.parse.urlsplit(self.path).path
        body = self.read_body()
        if path.startswith("/_emulator"):
            return self._admin("DELETE", path, body)
        self._send(404, {"message": "Not Found"})

    def do_POST(self):
        parts = urllib.parse.urlsplit(self.path)
        path = parts.path
        if path.startswith("/_emulator"):
            return self._admin("POST", path, self.read_body())
        m = UP_PATH.match(path)
        if m:
            return self._upload(m.group(1), m.group(2), urllib.parse.parse_qs(parts.query, keep_blank_values=True))
        body = self.read_body()
        if path.rstrip("/") != "/graphql/v2":
            return self._send(404, {"message": "Not Found"})
        auth = Auth.from_headers(self.app.store, self.headers)
        text = body.decode("utf-8", "replace")
        self.app.stats.hit(auth.label)
        if self._apply_edge_fault(text, auth.label):
            return
        allowed, rl_headers = self.app.limiter.check(auth.label)
        if not allowed:
            self.app.stats.hit(auth.label, "rate_limited")
            ra = rl_headers["Retry-After"]
            return self._send(429, {"errors": [{"message": f"Rate limit exceeded. Try again in {ra} seconds."}]},
                              headers=rl_headers)
        try:
            payload = json.loads(text) if text.strip() else None
        except ValueError:
            return self._send(400, {"errors": [{"message": "POST body sent invalid JSON."}]}, headers=rl_headers)
        status, resp, op = self.app.gql.execute(payload, auth)
        self._count_op(auth.label, op)
        self._answer(status, resp, headers=rl_headers)

    def _answer(self, status, body, headers=None):
        """Send the answer, unless a lose_answer fault took it: the request was applied, the client never hears."""
        fault = getattr(self, "_after_fault", None)
        self._after_fault = None
        if fault is None:
            return self._send(status, body, headers=headers)
        if fault["mode"] == "timeout":
            time.sleep(fault["seconds"])
        self._log("answer lost (%s) after status %s" % (fault["mode"], status))
        return self._drop()

    def _count_op(self, label, op):
        with self.app.stats.lock:
            self.app.stats._entry(label)["operations"][op] += 1

    # -- upload (railway up) --------------------------------------------------------------------------------
    def _upload(self, project_id, env_id, query):
        app = self.app
        auth = Auth.from_headers(app.store, self.headers)
        length = int(self.headers.get("Content-Length") or 0)
        if length > app.cfg.upload_max_bytes:
            self.close_connection = True
            app.stats.hit(auth.label)
            return self._send(413, "Request Entity Too Large: the upload is too large", "text/plain")
        body = self.read_body()
        app.stats.hit(auth.label)
        app.stats.hit(auth.label, "uploads")
        if self._apply_edge_fault("railway-up", auth.label):
            return
        allowed, rl_headers = app.limiter.check(auth.label)
        if not allowed:
            app.stats.hit(auth.label, "rate_limited")
            return self._send(429, {"message": "Rate limit exceeded"}, headers=rl_headers)
        if len(body) > app.cfg.upload_max_bytes:
            return self._send(413, "Request Entity Too Large: the upload is too large", "text/plain")
        if auth.error:
            return self._send(401, {"message": auth.error})
        project_id = urllib.parse.unquote(project_id)
        env_id = urllib.parse.unquote(env_id)
        from .api import Ctx
        ctx = Ctx(app.store, app.engine, app.cfg, auth)
        if not ctx.project_ok(project_id):
            return self._send(404, {"message": "Project not found"})
        env = app.store.environment(env_id)
        if env is None or env["projectId"] != project_id or not ctx.env_ok(env_id):
            return self._send(404, {"message": "Environment not found"})
        service_id = (query.get("serviceId") or [""])[0]
        if not service_id:
            svcs = app.store.services_of(project_id)
            if len(svcs) != 1:
                return self._send(400, {"message": "serviceId is required: the project has several services"})
            service_id = svcs[0]["id"]
        svc = app.store.service(service_id)
        if svc is None or svc["projectId"] != project_id:
            return self._send(400, {"message": "Service not found"})
        try:
            nfiles = gitsrc.check_upload(body)
        except gitsrc.SourceError as exc:
            return self._send(400, {"message": f"Failed to read the uploaded archive: {exc}"})
        dep_id_hint = new_id()
        archive = os.path.join(app.engine.uploads, f"{dep_id_hint}.tar.gz")
        with open(archive, "wb") as fh:
            fh.write(body)
        message = (query.get("message") or [None])[0]
        meta = {"uploadSize": len(body), "fileCount": nfiles}
        if message:
            meta["commitMessage"] = message
        try:
            dep = app.engine.create(env_id, service_id, source={"kind": "upload", "archive": archive},
                                    variables=app.store.get_variables(env_id, service_id), meta=meta,
                                    reason="deploy", creator=ctx.creator() if auth.kind == "account" else None)
        except DeploymentError as exc:
            return self._send(400, {"message": str(exc)})
        base = app.cfg.api_base.rstrip("/")
        url = f"{base}/project/{project_id}/service/{service_id}?environmentId={env_id}&id={dep['id']}"
        self._answer(200, {"deploymentId": dep["id"], "url": url, "logsUrl": url + "#build",
                           "deploymentDomain": app.cfg.domain}, headers=rl_headers)

    # -- admin ----------------------------------------------------------------------------------------------
    def _admin(self, method, path, body):
        app = self.app
        try:
            data = json.loads(body.decode("utf-8")) if body.strip() else {}
        except ValueError:
            return self._send(400, {"error": "invalid JSON"})
        route = path[len("/_emulator"):].rstrip("/") or "/"
        try:
            if method == "GET" and route in ("/", "/health"):
                return self._send(200, {"ok": True, "pid": os.getpid(), "seeded": bool(app.store.data.get("seeded"))})
            if method == "GET" and route == "/state":
                return self._send(200, app.state())
            if route == "/faults":
                if method == "GET":
                    return self._send(200, app.faults.describe())
                if method == "DELETE":
                    app.faults.clear()
                    return self._send(200, app.faults.describe())
                return self._send(200, app.faults.add(data))
            if method == "POST" and route == "/reset":
                return self._send(200, app.reset(data))
            if route == "/config":
                return self._send(200, app.set_config(data) if method == "POST" else app.cfg.public())
            if method == "POST" and route == "/seed":
                created, summary = app.seed(data)
                return self._send(200, dict(summary, created=created))
            if method == "GET" and route == "/credentials":
                return self._send(200, dict(app.store.seed_summary(), domain_url=app.cfg.domain_url,
                                            domain=app.cfg.domain))
            if method == "POST" and route == "/deploy":
                return self._send(200, app.admin_deploy(data))
            if method == "POST" and route == "/expire_image":
                return self._send(200, app.expire_image(data))
            m = re.match(r"^/logs/([^/]+)$", route)
            if method == "GET" and m:
                kind = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("kind", ["build"])[0]
                return self._send(200, app.store.logs.text(m.group(1), kind) + "\n", "text/plain; charset=utf-8")
        except (ValueError, KeyError, OSError, DeploymentError) as exc:
            return self._send(400, {"error": str(exc)})
        self._send(404, {"error": f"unknown admin route {method} {route}"})


def make_server(app, host, port):
    return make_threading_server(Handler, app, host, port)
