"""Persistent emulator state: projects, environments, services, tokens, variables, deployments.

Everything lives in one JSON document (``<state dir>/state.json``, written atomically on every change) guarded by
one re-entrant lock.  Logs are kept apart, one JSON-lines file per deployment and kind (``logs/``).
"""
import copy
import json
import os
import threading
import time

from .util import atomic_write_json, iso, iso_nano, new_id, parse_iso

POSTGRES_SERVICE = "Postgres"
TCP_PROXY_DOMAIN = "127.0.0.1"   # Railway's look like "shuttle.proxy.rlwy.net"; this one must resolve on the controller
IN_PROGRESS = ("QUEUED", "WAITING", "NEEDS_APPROVAL", "INITIALIZING", "BUILDING", "DEPLOYING")
SCHEMA_VERSION = 1


def _empty():
    now = iso()
    user_id, ws_id = new_id(), new_id()
    return {
        "version": SCHEMA_VERSION,
        "seeded": False,
        "createdAt": now,
        "user": {"id": user_id, "email": "sandbox@facturino.test", "name": "Facturino Sandbox",
                 "username": "facturino-sandbox", "createdAt": now},
        "workspace": {"id": ws_id, "name": "Facturino", "createdAt": now},
        "projects": {},
        "environments": {},
        "services": {},
        "serviceInstances": {},     # "<envId>:<serviceId>" -> {id, createdAt}
        "domains": {},              # id -> {id, environmentId, serviceId, projectId, createdAt}
        "tcpProxies": {},           # id -> {id, environmentId, serviceId, applicationPort, proxyPort, domain, createdAt}
        "tokens": [],               # {id, kind: project|account, token, name, projectId, environmentId, createdAt}
        "variables": {},            # "<envId>:<serviceId or ''>" -> {name: value}
        "seedVariables": {},        # same shape; what /_emulator/reset {"reset_variables": true} restores
        "deployments": {},          # id -> record (see engine.py)
        "active": {},               # "<envId>:<serviceId>" -> deployment id
        "seed": {},                 # ids + commits from app.json
    }


def var_key(env_id, service_id):
    return f"{env_id}:{service_id or ''}"


def si_key(env_id, service_id):
    return f"{env_id}:{service_id}"


class Store:
    def __init__(self, state_dir):
        self.state_dir = os.path.abspath(state_dir)
        os.makedirs(self.state_dir, exist_ok=True)
        os.chmod(self.state_dir, 0o700)
        self.path = os.path.join(self.state_dir, "state.json")
        self.lock = threading.RLock()
        self.data = self._load()
        self.logs = LogStore(os.path.join(self.state_dir, "logs"))

    # -- persistence -------------------------------------------------------------------------------------------
    def _load(self):
        try:
            with open(self.path, encoding="utf-8") as fh:
                data = json.load(fh)
        except FileNotFoundError:
            return _empty()
        base = _empty()
        base.update(data)
        return base

    def save(self):
        with self.lock:
            atomic_write_json(self.path, self.data)

    # -- lookups -----------------------------------------------------------------------------------------------
    def project(self, pid):
        return self.data["projects"].get(pid)

    def environment(self, eid):
        return self.data["environments"].get(eid)

    def service(self, sid):
        return self.data["services"].get(sid)

    def deployment(self, did):
        return self.data["deployments"].get(did)

    def environments_of(self, pid):
        return sorted((e for e in self.data["environments"].values() if e["projectId"] == pid),
                      key=lambda e: e["createdAt"])

    def services_of(self, pid):
        return sorted((s for s in self.data["services"].values() if s["projectId"] == pid),
                      key=lambda s: s["createdAt"])

    def service_instance(self, env_id, service_id):
        env, svc = self.environment(env_id), self.service(service_id)
        if not env or not svc or env["projectId"] != svc["projectId"]:
            return None
        key = si_key(env_id, service_id)
        with self.lock:
            si = self.data["serviceInstances"].get(key)
            if si is None:
                si = {"id": new_id(), "createdAt": iso()}
                self.data["serviceInstances"][key] = si
                self.save()
        return dict(si, environmentId=env_id, serviceId=service_id)

    def token(self, value, kind):
        for t in self.data["tokens"]:
            if t["token"] == value and t["kind"] == kind:
                return t
        return None

    def token_by_value(self, value):
        for t in self.data["tokens"]:
            if t["token"] == value:
                return t
        return None

    def deployments_of(self, env_id=None, service_id=None, project_id=None):
        out = [d for d in self.data["deployments"].values()
               if (env_id is None or d["environmentId"] == env_id)
               and (service_id is None or d["serviceId"] == service_id)
               and (project_id is None or d["projectId"] == project_id)]
        out.sort(key=lambda d: (d["createdAt"], d.get("seq", 0)), reverse=True)
        return out

    def latest_deployment(self, env_id, service_id):
        deps = self.deployments_of(env_id, service_id)
        return deps[0] if deps else None

    def active_id(self, env_id, service_id):
        return self.data["active"].get(si_key(env_id, service_id))

    def tcp_proxies_of(self, env_id, service_id):
        return sorted((p for p in self.data.get("tcpProxies", {}).values()
                       if p["environmentId"] == env_id and p["serviceId"] == service_id),
                      key=lambda p: p["createdAt"])

    def service_by_name(self, project_id, name):
        for svc in self.services_of(project_id):
            if svc["name"].lower() == str(name).lower():
                return svc
        return None

    def instance_settings(self, env_id, service_id):
        """Settings written through serviceInstanceUpdate (preDeployCommand, ...), kept with the instance."""
        si = self.data["serviceInstances"].get(si_key(env_id, service_id)) or {}
        return dict(si.get("settings") or {})

    def update_instance_settings(self, env_id, service_id, values):
        with self.lock:
            si = self.data["serviceInstances"].setdefault(si_key(env_id, service_id),
                                                          {"id": new_id(), "createdAt": iso()})
            settings = dict(si.get("settings") or {})
            settings.update(values)
            si["settings"] = settings
            si["updatedAt"] = iso()
            self.save()

    def domains_of(self, env_id, service_id):
        return [d for d in self.data["domains"].values()
                if d["environmentId"] == env_id and d["serviceId"] == service_id]

    # -- variables ---------------------------------------------------------------------------------------------
    def get_variables(self, env_id, service_id):
        return dict(self.data["variables"].get(var_key(env_id, service_id), {}))

    def set_variables(self, env_id, service_id, values):
        with self.lock:
            self.data["variables"][var_key(env_id, service_id)] = dict(values)
            self.save()

    # -- seeding -----------------------------------------------------------------------------------------------
    def seed(self, app, origin_repo, domain_url, project_name="facturino", env_name="production",
             service_name="facturino-app", branch="main", tcp_proxy_port=None):
        """Create the Facturino project once.  Returns (created: bool, summary dict)."""
        with self.lock:
            if self.data.get("seeded"):
                if self.ensure_network(app, tcp_proxy_port):
                    self.save()
                return False, self.seed_summary()
            now = iso()
            pid, eid, sid, did = new_id(), new_id(), new_id(), new_id()
            self.data["projects"][pid] = {"id": pid, "name": project_name, "description": "Facturino (sandbox)",
                                          "createdAt": now, "updatedAt": now,
                                          "workspaceId": self.data["workspace"]["id"],
                                          "baseEnvironmentId": eid}
            self.data["environments"][eid] = {"id": eid, "name": env_name, "projectId": pid,
                                              "createdAt": now, "updatedAt": now}
            self.data["services"][sid] = {"id": sid, "name": service_name, "projectId": pid,
                                          "createdAt": now, "updatedAt": now,
                                          "source": {"repo": os.path.abspath(origin_repo), "branch": branch}}
            self.data["serviceInstances"][si_key(eid, sid)] = {"id": new_id(), "createdAt": now}
            self.data["domains"][did] = {"id": did, "environmentId": eid, "serviceId": sid, "projectId": pid,
                                         "createdAt": now}
            self.data["tokens"] = [
                {"id": new_id(), "kind": "project", "token": new_id(), "name": "facturino-sandbox",
                 "projectId": pid, "environmentId": eid, "createdAt": now},
                {"id": new_id(), "kind": "account", "token": new_id(), "name": "facturino-sandbox-account",
                 "userId": self.data["user"]["id"], "createdAt": now},
            ]
            variables = {
                "DATABASE_URL": app.get("database_url", ""),
                "DB_CONNECTION": "pgsql",
                "APP_KEY": app.get("app_key", ""),
                "APP_ENV": "production",
                "APP_DEBUG": "false",
                "APP_NAME": "Facturino",
                "APP_URL": domain_url,
                "LOG_CHANNEL": "stderr",
                "SESSION_DRIVER": "database",
                "QUEUE_CONNECTION": "database",
                "CACHE_DRIVER": "database",
                "MAIL_MAILER": "log",
            }
            smtp = app.get("smtp") or {}
            if smtp.get("port"):
                # the sandbox's SMTP sink (sandbox/mailsink.py) receives the app's mail
                variables.update({"MAIL_MAILER": "smtp", "MAIL_HOST": smtp.get("host", "127.0.0.1"),
                                  "MAIL_PORT": str(smtp["port"]), "MAIL_ENCRYPTION": "null"})
            self.data["variables"][var_key(eid, sid)] = dict(variables)
            self.data["seedVariables"] = {var_key(eid, sid): dict(variables)}
            self.data["seed"] = {"projectId": pid, "environmentId": eid, "serviceId": sid,
                                 "commits": dict(app.get("commits") or {})}
            self.data["seeded"] = True
            self.ensure_network(app, tcp_proxy_port)
            self.save()
            return True, self.seed_summary()

    def ensure_network(self, app, tcp_proxy_port=None):
        """Railway's usual shape, as the sandbox's default topology (idempotent; upgrades older state files).

        A ``Postgres`` service (an image service backed by the sandbox's real PostgreSQL) with the variables of
        Railway's Postgres template: DATABASE_URL on its private name ``postgres.railway.internal:5432`` and
        DATABASE_PUBLIC_URL through a TCP proxy.  The app's DATABASE_URL is the reference
        ``${{Postgres.DATABASE_URL}}``.  Returns True when something changed."""
        seed = self.data.get("seed") or {}
        pid, eid, sid = seed.get("projectId"), seed.get("environmentId"), seed.get("serviceId")
        if not pid or self.service_by_name(pid, POSTGRES_SERVICE):
            return False
        db = app.get("db") or {}
        now = iso()
        pg_id = new_id()
        self.data["services"][pg_id] = {
            "id": pg_id, "name": POSTGRES_SERVICE, "projectId": pid, "createdAt": now, "updatedAt": now,
            "source": {"image": "ghcr.io/railwayapp-templates/postgres-ssl:16"},
            # what the private name stands for inside the emulator's "network": the sandbox's real PostgreSQL
            "backend": {"host": db.get("host") or "127.0.0.1", "port": int(db.get("port") or 5432),
                        "applicationPort": 5432},
        }
        self.data["serviceInstances"][si_key(eid, pg_id)] = {"id": new_id(), "createdAt": now}
        pg_vars = {
            "PGHOST": "${{RAILWAY_PRIVATE_DOMAIN}}", "PGPORT": "5432",
            "PGUSER": "${{POSTGRES_USER}}", "PGPASSWORD": "${{POSTGRES_PASSWORD}}", "PGDATABASE": "${{POSTGRES_DB}}",
            "POSTGRES_USER": db.get("user") or "", "POSTGRES_PASSWORD": db.get("password") or "",
            "POSTGRES_DB": db.get("name") or "",
            "DATABASE_URL": "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_PRIVATE_DOMAIN}}:5432/"
                            "${{PGDATABASE}}",
            "DATABASE_PUBLIC_URL": "postgresql://${{PGUSER}}:${{POSTGRES_PASSWORD}}@${{RAILWAY_TCP_PROXY_DOMAIN}}:"
                                   "${{RAILWAY_TCP_PROXY_PORT}}/${{PGDATABASE}}",
        }
        self.data["variables"][var_key(eid, pg_id)] = dict(pg_vars)
        self.data.setdefault("seedVariables", {})[var_key(eid, pg_id)] = dict(pg_vars)
        if tcp_proxy_port:
            proxy_id = new_id()
            self.data.setdefault("tcpProxies", {})[proxy_id] = {
                "id": proxy_id, "environmentId": eid, "serviceId": pg_id, "applicationPort": 5432,
                "proxyPort": int(tcp_proxy_port), "domain": TCP_PROXY_DOMAIN, "createdAt": now, "updatedAt": now}
            self.data["seed"]["tcpProxyPort"] = int(tcp_proxy_port)
        self.data["seedTcpProxies"] = copy.deepcopy(self.data.get("tcpProxies") or {})
        for store_key in ("variables", "seedVariables"):
            app_vars = self.data.get(store_key, {}).get(var_key(eid, sid))
            if app_vars is not None:
                app_vars["DATABASE_URL"] = "${{%s.DATABASE_URL}}" % POSTGRES_SERVICE
        self.data["seed"]["postgresServiceId"] = pg_id
        return True

    def seed_summary(self):
        seed = self.data.get("seed") or {}
        if not self.data.get("seeded"):
            return {"seeded": False}
        pid, eid, sid = seed["projectId"], seed["environmentId"], seed["serviceId"]
        tokens = {t["kind"]: t for t in self.data["tokens"]}
        return {
            "seeded": True,
            "project_id": pid, "project_name": self.data["projects"][pid]["name"],
            "environment_id": eid, "environment_name": self.data["environments"][eid]["name"],
            "service_id": sid, "service_name": self.data["services"][sid]["name"],
            "project_token": tokens["project"]["token"] if "project" in tokens else None,
            "account_token": tokens["account"]["token"] if "account" in tokens else None,
            "commits": seed.get("commits", {}),
            "origin_repo": self.data["services"][sid]["source"]["repo"],
            "postgres_service_id": seed.get("postgresServiceId"),
            "tcp_proxy_port": seed.get("tcpProxyPort"),
        }

    def snapshot(self):
        with self.lock:
            return copy.deepcopy(self.data)


class LogStore:
    """Build and deployment logs: JSON lines per deployment and kind, cached in memory."""

    def __init__(self, directory):
        self.dir = directory
        os.makedirs(self.dir, exist_ok=True)
        self.lock = threading.Lock()
        self.cache = {}

    def _path(self, dep_id, kind):
        return os.path.join(self.dir, f"{dep_id}.{kind}.jsonl")

    def _entries(self, dep_id, kind):
        key = (dep_id, kind)
        if key not in self.cache:
            entries = []
            try:
                with open(self._path(dep_id, kind), encoding="utf-8") as fh:
                    for line in fh:
                        try:
                            entries.append(json.loads(line))
                        except ValueError:
                            pass
            except FileNotFoundError:
                pass
            self.cache[key] = entries
        return self.cache[key]

    def append(self, dep_id, kind, message, severity="info", attributes=None):
        entry = {"timestamp": iso_nano(), "message": message, "severity": severity,
                 "attributes": [{"key": "level", "value": severity}] + list(attributes or [])}
        with self.lock:
            self._entries(dep_id, kind).append(entry)
            with open(self._path(dep_id, kind), "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")
        return entry

    def append_lines(self, dep_id, kind, text, severity="info"):
        for line in str(text).splitlines():
            self.append(dep_id, kind, line, severity)

    def query(self, dep_id, kind, limit=None, filter_text=None, start=None, end=None):
        with self.lock:
            entries = list(self._entries(dep_id, kind))
        start_ts, end_ts = parse_iso(start), parse_iso(end)
        if start_ts is not None or end_ts is not None:
            entries = [e for e in entries if _in_window(e["timestamp"], start_ts, end_ts)]
        if filter_text:
            entries = [e for e in entries if _matches(e, filter_text)]
        if limit is None:
            limit = 100
        limit = max(0, min(int(limit), 5000))
        if start_ts is not None and end_ts is None:
            return entries[:limit]
        return entries[-limit:] if limit else []

    def text(self, dep_id, kind):
        with self.lock:
            return "\n".join(e["message"] for e in self._entries(dep_id, kind))

    def delete(self, dep_id):
        with self.lock:
            for kind in ("build", "deploy"):
                self.cache.pop((dep_id, kind), None)
                try:
                    os.unlink(self._path(dep_id, kind))
                except FileNotFoundError:
                    pass


def _in_window(ts, start, end):
    t = parse_iso(ts)
    if t is None:
        return True
    if start is not None and t < start:
        return False
    if end is not None and t > end:
        return False
    return True


def _matches(entry, filter_text):
    """Railway filter syntax subset: free text (case-insensitive substring), ``@level:error|warn|info``,
    ``-term`` (not), terms joined by whitespace/AND (all must match) or ``OR``."""
    alternatives = [a for a in _split_or(filter_text) if a]
    if not alternatives:
        return True
    return any(all(_term(entry, t) for t in alt) for alt in alternatives)


def _split_or(text):
    out, cur = [], []
    for tok in _tokens(text):
        if tok == "OR":
            out.append(cur)
            cur = []
        elif tok == "AND":
            continue
        else:
            cur.append(tok)
    out.append(cur)
    return out


def _tokens(text):
    toks, buf, quote = [], "", False
    for ch in text:
        if ch == '"':
            quote = not quote
            continue
        if ch.isspace() and not quote:
            if buf:
                toks.append(buf)
                buf = ""
            continue
        buf += ch
    if buf:
        toks.append(buf)
    return toks


def _term(entry, term):
    neg = term.startswith("-") and len(term) > 1
    if neg:
        term = term[1:]
    if term.startswith("@level:"):
        levels = {"warning": "warn"}
        want = {levels.get(v, v) for v in term[len("@level:"):].lower().split("|")}
        sev = levels.get((entry.get("severity") or "info").lower(), (entry.get("severity") or "info").lower())
        ok = sev in want
    else:
        ok = term.lower() in entry.get("message", "").lower()
    return not ok if neg else ok


def now_ts():
    return time.time()
