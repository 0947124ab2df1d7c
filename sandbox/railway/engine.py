"""Deployments that really run: snapshot (git archive / upload) -> build (php -l) -> deploy (php -S + healthcheck).

Status timeline, as Railway reports it::

    QUEUED -> INITIALIZING -> BUILDING -> DEPLOYING -> SUCCESS      (each step >= step_seconds)
                                     \\-> FAILED (lint error)  \\-> FAILED (healthcheck / process exit)
    SUCCESS -> CRASHED (the process died later)  |  SUCCESS -> REMOVED (a newer deployment became active)
    in progress -> REMOVED (superseded by a newer deployment, cancelled or removed)

Every process runs in its own session (own process group) and carries ``SANDBOX_RAILWAY_STATE`` and
``RAILWAY_DEPLOYMENT_ID`` in its environment (see procs.py).
"""
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from . import gitsrc, procs
from .store import IN_PROGRESS, si_key
from .util import iso, new_id, port_is_free

TERMINAL = ("SUCCESS", "FAILED", "CRASHED", "REMOVED", "SKIPPED", "SLEEPING")
RUNNING_STATUSES = ("SUCCESS", "CRASHED", "SLEEPING")
SKIP_DIRS = {"vendor", "node_modules", ".git"}
BASE_ENV_KEYS = ("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR")


@dataclass
class Config:
    step_seconds: float = 1.0
    deploy_ports: range = field(default_factory=lambda: range(18800, 18900))
    domain_host: str = "127.0.0.1"
    domain_port: int = 18791
    api_base: str = "http://127.0.0.1:18790"
    healthcheck_interval: float = 0.25
    drain_seconds: float = 0.3
    kill_grace: float = 3.0
    keep_releases: int = 6
    lint_workers: int = 4
    rate_per_second: int = 50
    rate_per_hour: int = 10000
    upload_max_bytes: int = 50 * 1024 * 1024
    healthcheck_timeout_max: float = 0.0  # test knob: cap railway.json's healthcheckTimeout (0 = no cap)
    auto_deploy: bool = False  # deploy every new commit pushed to the service's branch (Railway's GitHub trigger)
    tcp_proxy_port: int = 0  # the seeded Postgres TCP proxy's public port (0 = the last port of deploy_ports)
    pre_deploy_timeout: float = 600.0

    @property
    def domain(self):
        return f"{self.domain_host}:{self.domain_port}"

    @property
    def domain_url(self):
        return f"http://{self.domain}"

    def public(self):
        return {"step_seconds": self.step_seconds,
                "deploy_ports": f"{self.deploy_ports.start}-{self.deploy_ports.stop - 1}",
                "domain": self.domain, "domain_url": self.domain_url, "api_base": self.api_base,
                "healthcheck_interval": self.healthcheck_interval, "drain_seconds": self.drain_seconds,
                "rate_limit": {"per_second": self.rate_per_second, "per_hour": self.rate_per_hour},
                "upload_max_bytes": self.upload_max_bytes, "healthcheck_timeout_max": self.healthcheck_timeout_max,
                "auto_deploy": self.auto_deploy, "tcp_proxy_port": self.tcp_proxy_port}


class Runtime:
    """In-memory companion of a deployment record: cancellation, approval and the running process."""

    def __init__(self):
        self.cancel = threading.Event()
        self.approve = threading.Event()
        self.proc = None
        self.pgid = None
        self.port = None
        self.expected_exit = False
        self.tail_stop = None
        self.tail_thread = None
        self.launch = 0


class DeploymentError(Exception):
    pass


class Engine:
    def __init__(self, store, config, faults, log=None):
        self.store = store
        self.cfg = config
        self.faults = faults
        self.log = log or (lambda msg: None)
        self.rt = {}
        self.rt_lock = threading.Lock()
        self.ports_in_use = set()
        self.stopping = threading.Event()
        self.monitor_thread = None
        self.tcp = None  # TcpProxies, set by the emulator's main
        self.releases = os.path.join(store.state_dir, "releases")
        self.uploads = os.path.join(store.state_dir, "uploads")
        self.proclogs = os.path.join(store.state_dir, "proc")
        for d in (self.releases, self.uploads, self.proclogs):
            os.makedirs(d, exist_ok=True)

    # ------------------------------------------------------------------------------------------------ records
    def runtime(self, dep_id):
        with self.rt_lock:
            r = self.rt.get(dep_id)
            if r is None:
                r = self.rt[dep_id] = Runtime()
            return r

    def _next_seq(self):
        deps = self.store.data["deployments"]
        return 1 + max((d.get("seq", 0) for d in deps.values()), default=0)

    def _set_status(self, dep, status, **extra):
        """Move ``dep`` to ``status`` (under the store lock) unless it was already removed/cancelled."""
        with self.store.lock:
            cur = self.store.deployment(dep["id"])
            if cur is None:
                return False
            if cur["status"] == "REMOVED" and status != "REMOVED":
                return False
            now = iso()
            if cur["status"] != status:
                cur["status"] = status
                cur["statusUpdatedAt"] = now
                cur.setdefault("history", []).append([status, now])
            cur["updatedAt"] = now
            cur.update(extra)
            self.store.save()
            return True

    def _event(self, dep, step, payload=None, completed=True, started=None):
        with self.store.lock:
            cur = self.store.deployment(dep["id"])
            if cur is None:
                return
            now = iso()
            cur.setdefault("events", []).append({"id": new_id(), "step": step, "createdAt": started or now,
                                                 "completedAt": now if completed else None,
                                                 "payload": payload or {}})
            self.store.save()

    def create(self, env_id, service_id, *, source, variables, meta, reason, skip_build=False, creator=None,
               config=None):
        """Create a QUEUED deployment, supersede older in-progress ones and start its pipeline."""
        env = self.store.environment(env_id)
        svc = self.store.service(service_id)
        if not env or not svc:
            raise DeploymentError("Service instance not found")
        with self.store.lock:
            now = iso()
            dep_id = new_id()
            snap_id = new_id()
            rec = {
                "id": dep_id, "seq": self._next_seq(), "projectId": env["projectId"], "environmentId": env_id,
                "serviceId": service_id, "status": "QUEUED", "createdAt": now, "updatedAt": now,
                "statusUpdatedAt": now, "history": [["QUEUED", now]], "deploymentStopped": False,
                "succeededAt": None, "source": dict(source), "reason": reason, "skipBuild": bool(skip_build),
                "snapshotId": snap_id,
                "snapshot": {"id": snap_id, "createdAt": now, "updatedAt": now, "variables": dict(variables)},
                "meta": dict(meta, reason=reason), "creator": creator, "config": dict(config or {}),
                "instanceId": new_id(), "instanceStatus": None, "events": [],
                "instanceSettings": self.store.instance_settings(env_id, service_id),
                "port": None, "pid": None, "pgid": None,
                "releaseDir": os.path.join(self.releases, dep_id),
            }
            for older in self.store.deployments_of(env_id, service_id):
                if older["status"] in IN_PROGRESS:
                    self._cancel_locked(older, f"Deployment superseded by {dep_id}")
            self.store.data["deployments"][dep_id] = rec
            self.store.save()
        self.runtime(dep_id)
        t = threading.Thread(target=self._pipeline_guard, args=(dep_id,), name=f"deploy-{dep_id[:8]}", daemon=True)
        t.start()
        return rec

    # ------------------------------------------------------------------------------------------------ sources
    def git_source(self, service_id, commit_sha=None):
        """(source, meta) for a deployment of ``commit_sha`` (default: tip of the tracked branch)."""
        svc = self.store.service(service_id)
        src = svc.get("source") or {}
        repo, branch = src.get("repo"), src.get("branch", "main")
        if not repo:
            raise DeploymentError("Service has no source repository")
        if commit_sha:
            sha = gitsrc.resolve(repo, commit_sha) or commit_sha
        else:
            sha = gitsrc.branch_tip(repo, branch)
            if not sha:
                raise DeploymentError(f"Branch {branch} not found in repository")
        meta = {"repo": repo, "branch": branch, "commitHash": sha}
        info = gitsrc.commit_info(repo, sha)
        meta.update({k: v for k, v in info.items() if k in ("commitMessage", "commitAuthor")})
        return {"kind": "git", "repo": repo, "commit": sha}, meta

    # ------------------------------------------------------------------------------------------------ pipeline
    def _pipeline_guard(self, dep_id):
        try:
            self._pipeline(dep_id)
        except Exception as exc:  # a bug must not leave a deployment stuck in progress
            self.log(f"deployment {dep_id}: pipeline error: {exc!r}")
            dep = self.store.deployment(dep_id)
            if dep and dep["status"] in IN_PROGRESS:
                self.store.logs.append(dep_id, "build", f"Deployment failed: internal error: {exc}", "error")
                self._kill(dep_id)
                self._set_status(dep, "FAILED")

    def _wait(self, rt, seconds):
        """Sleep ``seconds``; True if the deployment got cancelled meanwhile."""
        return rt.cancel.wait(max(0.0, seconds))

    def _pipeline(self, dep_id):
        rt = self.runtime(dep_id)
        dep = self.store.deployment(dep_id)
        step = self.cfg.step_seconds
        logs = self.store.logs
        if self._wait(rt, step):
            return
        # Faults that model Railway's non-building outcomes.
        if self.faults.take("skip_next_deploy"):
            logs.append(dep_id, "build", "No changed files matched patterns: /app/**")
            logs.append(dep_id, "build", "Deployment skipped")
            self._set_status(dep, "SKIPPED")
            return
        if self.faults.take("needs_approval_next"):
            self._set_status(dep, "NEEDS_APPROVAL")
            while not rt.approve.wait(0.2):
                if rt.cancel.is_set():
                    return
            if rt.cancel.is_set():
                return

        # INITIALIZING: snapshot the code.
        if not self._set_status(dep, "INITIALIZING"):
            return
        t0 = iso()
        started = time.monotonic()
        release = dep["releaseDir"]
        try:
            self._materialise(dep, release)
        except Exception as exc:
            msg = f"Failed to snapshot code: {exc}"
            logs.append(dep_id, "build", msg, "error")
            self._event(dep, "SNAPSHOT_CODE", {"error": msg}, started=t0)
            self._set_status(dep, "FAILED")
            self._prune()
            return
        config = self._read_config(release)
        with self.store.lock:
            cur = self.store.deployment(dep_id)
            cur["config"] = config
            self.store.save()
        self._event(dep, "SNAPSHOT_CODE", {"durationMs": int((time.monotonic() - started) * 1000)}, started=t0)
        if self._wait(rt, step - (time.monotonic() - started)):
            return

        # BUILDING: nixpacks-like logs + php -l on every .php file.
        if not dep.get("skipBuild"):
            if not self._set_status(dep, "BUILDING"):
                return
            started = time.monotonic()
            t0 = iso()
            ok, err = self._build(dep, release, config)
            payload = {"durationMs": int((time.monotonic() - started) * 1000)}
            if err:
                payload["error"] = err
            self._event(dep, "BUILD_IMAGE", payload, started=t0)
            if rt.cancel.is_set():
                return
            # Every status lasts at least a step, a failing build too (pollers see BUILDING before FAILED).
            if self._wait(rt, step - (time.monotonic() - started)):
                return
            if not ok:
                self._set_status(dep, "FAILED")
                self._prune()
                return
        else:
            logs.append(dep_id, "build", "Using previously built image, skipping build")

        # DEPLOYING: the pre-deploy command (inside the network, before the new deployment takes traffic), then
        # start the process and wait for the healthcheck.
        if not self._set_status(dep, "DEPLOYING", instanceStatus="INITIALIZING"):
            return
        started = time.monotonic()
        pre_deploy = self.pre_deploy_command(dep, config)
        if pre_deploy:
            ok = self._run_pre_deploy(dep, pre_deploy, rt)
            if rt.cancel.is_set():
                return
            if not ok:
                self._set_status(dep, "FAILED", instanceStatus=None)
                self._prune()
                return
        healthy, err = self._start_and_check(dep, config, rt)
        if rt.cancel.is_set():
            self._kill(dep_id, rt=rt)
            return
        if not healthy:
            self._kill(dep_id, rt=rt)
            self._set_status(dep, "FAILED", instanceStatus=None)
            self._prune()
            return
        if self._wait(rt, step - (time.monotonic() - started)):
            self._kill(dep_id, rt=rt)
            return
        self._activate(dep_id)

    def _materialise(self, dep, release):
        if os.path.isdir(release):
            shutil.rmtree(release, ignore_errors=True)
        src = dep["source"]
        if src["kind"] == "git":
            sha = gitsrc.resolve(src["repo"], src["commit"])
            if not sha:
                raise gitsrc.SourceError(f"commit {src['commit']} not found in {os.path.basename(src['repo'])}")
            gitsrc.export(src["repo"], sha, release)
        elif src["kind"] == "upload":
            gitsrc.extract_upload(src["archive"], release)
        else:
            raise gitsrc.SourceError(f"unknown source kind {src['kind']!r}")

    @staticmethod
    def _read_config(release):
        """railway.json's deploy/build sections (Railway's config-as-code), with Railway's defaults."""
        cfg = {}
        path = os.path.join(release, "railway.json")
        try:
            with open(path, encoding="utf-8") as fh:
                data = json.load(fh)
            if isinstance(data, dict):
                cfg = dict(data.get("deploy") or {})
                cfg["_build"] = dict(data.get("build") or {})
                cfg["_file"] = "railway.json"
        except FileNotFoundError:
            pass
        except ValueError as exc:
            cfg["_error"] = f"railway.json: {exc}"
        return cfg

    @staticmethod
    def pre_deploy_command(dep, config):
        """(commands, where) of the deployment's pre-deploy command, or None.

        railway.json's ``deploy.preDeployCommand`` (a string or a list) wins over the service instance's setting
        (``serviceInstanceUpdate(input: {preDeployCommand: [...]})``), as config-as-code does on Railway."""
        value = config.get("preDeployCommand")
        where = "railway.json"
        if not value:
            value = (dep.get("instanceSettings") or {}).get("preDeployCommand")
            where = "service settings"
        if isinstance(value, str):
            value = [value]
        commands = [c for c in (value or []) if isinstance(c, str) and c.strip()]
        return (commands, where) if commands else None

    def _run_pre_deploy(self, dep, pre_deploy, rt):
        """Run the pre-deploy command(s) in the release with the deployment's variables, inside the network.

        Output goes to the deployment logs; the first failing command fails the deployment (Railway does not
        retry it).  Returns True when every command exited 0."""
        dep_id = dep["id"]
        logs = self.store.logs
        commands, where = pre_deploy
        t0 = iso()
        started = time.monotonic()
        env = self.render_env(dep, "")
        env.pop("PORT", None)
        error = None
        for command in commands:
            logs.append(dep_id, "deploy", f"Running pre-deploy command ({where}): {command}")
            try:
                proc = subprocess.Popen(["sh", "-c", command], cwd=dep["releaseDir"], env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        start_new_session=True)
            except OSError as exc:
                error = f"Pre-deploy command could not start: {exc}"
                break
            rt.proc, rt.pgid, rt.expected_exit = proc, proc.pid, True
            timer = threading.Timer(self.cfg.pre_deploy_timeout, procs.kill_group, args=(proc.pid, 1.0))
            timer.daemon = True
            timer.start()
            try:
                for raw in proc.stdout:
                    logs.append(dep_id, "deploy", raw.decode("utf-8", "replace").rstrip("\r\n"))
                code = proc.wait()
            finally:
                timer.cancel()
                rt.proc = rt.pgid = None
            if rt.cancel.is_set():
                return False
            if code != 0:
                error = f"Pre-deploy command failed with exit code {code}: {command}"
                break
        payload = {"durationMs": int((time.monotonic() - started) * 1000)}
        if error:
            payload["error"] = error
            logs.append(dep_id, "deploy", error, "error")
            logs.append(dep_id, "deploy", "Deployment failed: the pre-deploy command did not succeed", "error")
        else:
            logs.append(dep_id, "deploy", "Pre-deploy command completed")
        self._event(dep, "PRE_DEPLOY_COMMAND", payload, started=t0)
        return error is None

    def _build(self, dep, release, config):
        dep_id = dep["id"]
        logs = self.store.logs
        started = time.monotonic()
        builder = (config.get("_build") or {}).get("builder", "NIXPACKS")
        logs.append(dep_id, "build", "[Region: us-west1]")
        if config.get("_file"):
            logs.append(dep_id, "build", f"Using config file: {config['_file']}")
        if config.get("_error"):
            logs.append(dep_id, "build", f"Warning: {config['_error']}", "warn")
        logs.append(dep_id, "build", f"Using {builder.title() if builder else 'Nixpacks'}")
        logs.append(dep_id, "build", "Building...")
        start_cmd = config.get("startCommand") or "php -S 0.0.0.0:$PORT -t public server.php"
        rows = [("setup", "php82, perl, nginx"), ("install", "composer install --no-dev"), ("start", start_cmd)]
        width = max(len(row[1]) for row in rows) + 15
        logs.append(dep_id, "build", "╔" + " Nixpacks v1.34.1 ".center(width, "═") + "╗")
        for i, (k, v) in enumerate(rows):
            if i:
                logs.append(dep_id, "build", "║" + "─" * width + "║")
            logs.append(dep_id, "build", "║ " + f"{k:<10} │ {v}".ljust(width - 1) + "║")
        logs.append(dep_id, "build", "╚" + "═" * width + "╝")
        logs.append(dep_id, "build", "Installing dependencies...")
        if self.faults.take("fail_next_build"):
            msg = ("ERROR: failed to solve: process \"/bin/bash -ol pipefail -c composer install --no-dev\" "
                   "did not complete successfully: exit code: 1 (injected fault: fail_next_build)")
            logs.append(dep_id, "build", msg, "error")
            logs.append(dep_id, "build", "Build failed", "error")
            return False, msg
        files = []
        for root, dirs, names in os.walk(release):
            dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
            files.extend(os.path.join(root, n) for n in sorted(names) if n.endswith(".php"))
        logs.append(dep_id, "build", f"Linting {len(files)} PHP files (php -l)")
        failures = []

        def lint(path):
            # -n: skip php.ini and extension loading (twice as fast); the -d values are Debian's CLI defaults,
            # so the output is php -l's usual "PHP Parse error: ..." / "Errors parsing ...".
            p = subprocess.run(["php", "-n", "-d", "short_open_tag=Off", "-d", "display_errors=Off",
                                "-d", "log_errors=On", "-l", path], capture_output=True, cwd=release, timeout=60,
                               check=False,
                               env={k: os.environ[k] for k in BASE_ENV_KEYS if k in os.environ})
            return path, p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")

        rt = self.runtime(dep_id)
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.cfg.lint_workers) as pool:
            for path, rc, out in pool.map(lint, files):
                if rc != 0:
                    failures.append((path, out))
        if rt.cancel.is_set():
            return False, "cancelled"
        if failures:
            for path, out in failures:
                rel = os.path.relpath(path, release)
                for line in out.replace(release + os.sep, "").splitlines():
                    if line.strip():
                        logs.append(dep_id, "build", line, "error")
                logs.append(dep_id, "build", f"php -l failed: {rel}", "error")
            logs.append(dep_id, "build", f"Build failed: {len(failures)} file(s) with syntax errors", "error")
            return False, f"php -l failed for {len(failures)} file(s)"
        logs.append(dep_id, "build", "No syntax errors detected")
        logs.append(dep_id, "build", "Build successful")
        logs.append(dep_id, "build", f"Build time: {time.monotonic() - started:.2f} seconds")
        return True, None

    # ------------------------------------------------------------------------------------------------ process
    def _alloc_port(self):
        with self.rt_lock:
            for port in self.cfg.deploy_ports:
                if port in self.ports_in_use or port == self.cfg.tcp_proxy_port:
                    continue
                if port_is_free(port):
                    self.ports_in_use.add(port)
                    return port
        raise DeploymentError("no free port in the deployment pool")

    def reserve_port(self):
        """A port of the pool kept for a TCP proxy (never handed to a deployment)."""
        return self._alloc_port()

    def sync_network(self):
        """Start/stop the TCP proxy forwarders after a tcpProxyCreate/Delete or a reset."""
        if self.tcp is not None:
            self.tcp.sync()

    def _release_port(self, port):
        with self.rt_lock:
            self.ports_in_use.discard(port)

    def render_env(self, dep, port):
        """The process environment: snapshot variables (rendered) + Railway's injected vars + PORT."""
        env = {k: os.environ[k] for k in BASE_ENV_KEYS if k in os.environ}
        env.update(self.injected_vars(dep["environmentId"], dep["serviceId"]))
        env.update(render(dep["snapshot"]["variables"], self, dep["environmentId"], dep["serviceId"]))
        env = self.inside_network(env, dep["environmentId"])
        meta = dep.get("meta") or {}
        env.update({
            "PORT": str(port),
            "RAILWAY_DEPLOYMENT_ID": dep["id"],
            "RAILWAY_SNAPSHOT_ID": dep.get("snapshotId") or "",
            "RAILWAY_REPLICA_ID": dep.get("instanceId") or "",
            "RAILWAY_REPLICA_REGION": "us-west2",
            procs.MARKER: self.store.state_dir,
        })
        if meta.get("commitHash"):
            env["RAILWAY_GIT_COMMIT_SHA"] = meta["commitHash"]
            env["RAILWAY_GIT_BRANCH"] = meta.get("branch") or ""
            env["RAILWAY_GIT_COMMIT_MESSAGE"] = meta.get("commitMessage") or ""
            env["RAILWAY_GIT_AUTHOR"] = meta.get("commitAuthor") or ""
        return {k: str(v) for k, v in env.items() if v is not None}

    def inside_network(self, env, env_id):
        """What the private network gives a deployment: ``<service>.railway.internal[:port]`` reaches the service.

        The emulator has no DNS of its own, so it rewrites the names in the process environment to the service's
        backend (the sandbox's PostgreSQL for Postgres).  Only the emulator's own processes (deployments and
        pre-deploy commands) get this; on the controller the names do not resolve, as on an operator's laptop."""
        env_rec = self.store.environment(env_id) or {}
        backends = {}
        for svc in self.store.services_of(env_rec.get("projectId")):
            if svc.get("backend"):
                backends[private_domain(svc["name"])] = svc["backend"]
        if not backends:
            return env

        def swap(match):
            backend = backends.get(f"{match.group(1).lower()}.railway.internal")
            if backend is None:
                return match.group(0)
            port = match.group(2)
            if port and int(port) == int(backend.get("applicationPort", port)):
                return f"{backend['host']}:{backend['port']}"
            return backend["host"] + (f":{port}" if port else "")

        return {k: _PRIVATE.sub(swap, v) if isinstance(v, str) else v for k, v in env.items()}

    def injected_vars(self, env_id, service_id):
        env = self.store.environment(env_id) or {}
        svc = self.store.service(service_id) or {}
        proj = self.store.project(env.get("projectId")) or {}
        out = {
            "RAILWAY_ENVIRONMENT": env.get("name", ""), "RAILWAY_ENVIRONMENT_NAME": env.get("name", ""),
            "RAILWAY_ENVIRONMENT_ID": env_id, "RAILWAY_PROJECT_NAME": proj.get("name", ""),
            "RAILWAY_PROJECT_ID": env.get("projectId", ""), "RAILWAY_SERVICE_NAME": svc.get("name", ""),
            "RAILWAY_SERVICE_ID": service_id,
            "RAILWAY_PRIVATE_DOMAIN": private_domain(svc.get("name", "service")),
        }
        proxies = self.store.tcp_proxies_of(env_id, service_id)
        if proxies:
            out.update({"RAILWAY_TCP_PROXY_DOMAIN": proxies[0]["domain"],
                        "RAILWAY_TCP_PROXY_PORT": str(proxies[0]["proxyPort"]),
                        "RAILWAY_TCP_APPLICATION_PORT": str(proxies[0]["applicationPort"])})
        if self.store.domains_of(env_id, service_id):
            out["RAILWAY_PUBLIC_DOMAIN"] = self.cfg.domain
            out["RAILWAY_STATIC_URL"] = self.cfg.domain
            key = re.sub(r"[^A-Z0-9]", "_", svc.get("name", "").upper())
            out[f"RAILWAY_SERVICE_{key}_URL"] = self.cfg.domain
        return out

    def _command(self, config, port, release):
        start = config.get("startCommand")
        if start:
            # The "container" has only a loopback interface: 0.0.0.0 binds stay on 127.0.0.1.
            return ["sh", "-c", "exec " + start.replace("0.0.0.0", "127.0.0.1")]
        docroot = "public" if os.path.isdir(os.path.join(release, "public")) else "."
        cmd = ["php", "-S", f"127.0.0.1:{port}", "-t", docroot]
        if os.path.isfile(os.path.join(release, "server.php")):
            cmd.append("server.php")
        return cmd

    def _launch(self, dep, config, rt):
        """Start the deployment's process in its own session.  Returns the port."""
        dep_id = dep["id"]
        if self.stopping.is_set():
            raise DeploymentError("the platform is shutting down")
        port = self._alloc_port()
        release = dep["releaseDir"]
        env = self.render_env(dep, port)
        cmd = self._command(config, port, release)
        rt.launch += 1
        out_path = os.path.join(self.proclogs, f"{dep_id}.{rt.launch}.out")
        err_path = os.path.join(self.proclogs, f"{dep_id}.{rt.launch}.err")
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            proc = subprocess.Popen(cmd, cwd=release, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                    start_new_session=True)
        rt.proc, rt.pgid, rt.port, rt.expected_exit = proc, proc.pid, port, False
        if self.stopping.is_set():  # shutdown raced with this launch
            rt.expected_exit = True
            procs.kill_group(proc.pid, self.cfg.kill_grace)
            proc.wait(timeout=5)
            raise DeploymentError("the platform is shutting down")
        rt.tail_stop = threading.Event()
        rt.tail_thread = threading.Thread(target=self._tail, args=(dep_id, out_path, err_path, rt.tail_stop),
                                          name=f"tail-{dep_id[:8]}", daemon=True)
        rt.tail_thread.start()
        with self.store.lock:
            cur = self.store.deployment(dep_id)
            cur.update(port=port, pid=proc.pid, pgid=proc.pid)
            self.store.save()
        self.store.logs.append(dep_id, "deploy", "Starting Container")
        return port

    def _tail(self, dep_id, out_path, err_path, stop):
        offsets = {out_path: 0, err_path: 0}
        partial = {out_path: b"", err_path: b""}
        while True:
            final = stop.wait(0.15)
            for path, sev in ((out_path, "info"), (err_path, "error")):
                try:
                    with open(path, "rb") as fh:
                        fh.seek(offsets[path])
                        chunk = fh.read()
                except OSError:
                    continue
                if not chunk:
                    continue
                offsets[path] += len(chunk)
                data = partial[path] + chunk
                lines = data.split(b"\n")
                partial[path] = lines.pop()
                for line in lines:
                    self.store.logs.append(dep_id, "deploy", line.decode("utf-8", "replace").rstrip("\r"), sev)
            if final:
                for path, sev in ((out_path, "info"), (err_path, "error")):
                    if partial[path]:
                        self.store.logs.append(dep_id, "deploy", partial[path].decode("utf-8", "replace"), sev)
                return

    def _healthcheck(self, dep, config, rt, log_kind="build"):
        """Poll healthcheckPath until 200 within healthcheckTimeout.  Returns (ok, error)."""
        dep_id = dep["id"]
        logs = self.store.logs
        path = config.get("healthcheckPath") or "/"
        if not path.startswith("/"):
            path = "/" + path
        try:
            timeout = float(config.get("healthcheckTimeout") or 300)
        except (TypeError, ValueError):
            timeout = 300.0
        if self.cfg.healthcheck_timeout_max and self.cfg.healthcheck_timeout_max > 0:
            timeout = min(timeout, self.cfg.healthcheck_timeout_max)
        for line in ("====================", "Starting Healthcheck", "====================", f"Path: {path}",
                     f"Retry window: {_fmt_duration(timeout)}", ""):
            logs.append(dep_id, log_kind, line)
        deadline = time.monotonic() + timeout
        attempt = 0
        last = "service unavailable"
        url = f"http://127.0.0.1:{rt.port}{path}"
        next_report = 0.0
        while True:
            if rt.cancel.is_set() or self.stopping.is_set():
                return False, "cancelled"
            code = rt.proc.poll() if rt.proc else None
            if code is not None:
                msg = f"Process exited with code {code} before the healthcheck succeeded"
                logs.append(dep_id, log_kind, msg, "error")
                logs.append(dep_id, log_kind, "1/1 replicas never became healthy!", "error")
                logs.append(dep_id, log_kind, "Healthcheck failed!", "error")
                return False, msg
            attempt += 1
            req = urllib.request.Request(url, headers={"Host": "healthcheck.railway.app",
                                                       "User-Agent": "RailwayHealthCheck/1.0"})
            try:
                with urllib.request.urlopen(req, timeout=min(5.0, max(0.5, deadline - time.monotonic()))) as r:
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            except (urllib.error.URLError, OSError):
                status = None
            if status == 200:
                logs.append(dep_id, log_kind, "[1/1] Healthcheck succeeded!")
                return True, None
            last = f"status {status}" if status else "service unavailable"
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                msg = f"Healthcheck failed: {path} did not answer 200 within {_fmt_duration(timeout)} ({last})"
                logs.append(dep_id, log_kind, "1/1 replicas never became healthy!", "error")
                logs.append(dep_id, log_kind, "Healthcheck failed!", "error")
                return False, msg
            if time.monotonic() >= next_report:
                msg = f"Attempt #{attempt} failed with {last}. Continuing to retry for {_fmt_duration(remaining)}"
                logs.append(dep_id, log_kind, msg)
                next_report = time.monotonic() + 1.0
            if rt.cancel.wait(min(self.cfg.healthcheck_interval, max(0.01, remaining))):
                return False, "cancelled"

    def _start_and_check(self, dep, config, rt):
        t0 = iso()
        started = time.monotonic()
        try:
            self._launch(dep, config, rt)
        except (OSError, DeploymentError) as exc:
            msg = f"Failed to start container: {exc}"
            self.store.logs.append(dep["id"], "deploy", msg, "error")
            self._event(dep, "CREATE_CONTAINER", {"error": msg}, started=t0)
            return False, msg
        self._event(dep, "CREATE_CONTAINER", {"durationMs": int((time.monotonic() - started) * 1000)}, started=t0)
        t0 = iso()
        started = time.monotonic()
        ok, err = self._healthcheck(dep, config, rt)
        payload = {"durationMs": int((time.monotonic() - started) * 1000)}
        if not ok:
            payload["error"] = err
        self._event(dep, "HEALTHCHECK", payload, started=t0)
        return ok, err

    def _kill(self, dep_id, record=True, rt=None):
        """Stop a deployment's process group (if any)."""
        if rt is None:
            with self.rt_lock:
                rt = self.rt.get(dep_id)
        if rt and rt.proc is not None:
            rt.expected_exit = True
            procs.kill_group(rt.pgid, self.cfg.kill_grace)
            try:
                rt.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            if rt.tail_stop:
                rt.tail_stop.set()
            if rt.tail_thread:
                rt.tail_thread.join(timeout=2)
            if rt.port:
                self._release_port(rt.port)
            rt.proc = None
            rt.pgid = None
            rt.port = None
        else:
            dep = self.store.deployment(dep_id)
            pid = dep and dep.get("pid")
            if pid and procs.pid_alive(pid) and procs.is_marked(pid, self.store.state_dir, dep_id):
                procs.kill_group(procs.pgid_of(pid) or pid, self.cfg.kill_grace)
        if record:
            with self.store.lock:
                cur = self.store.deployment(dep_id)
                if cur is not None and (cur.get("pid") or cur.get("port")):
                    cur.update(pid=None, pgid=None, port=None)
                    self.store.save()

    # ------------------------------------------------------------------------------------------------ switching
    def _activate(self, dep_id):
        crash_after = None
        with self.store.lock:
            dep = self.store.deployment(dep_id)
            if dep is None or dep["status"] == "REMOVED":
                old_id = None
            else:
                key = si_key(dep["environmentId"], dep["serviceId"])
                old_id = self.store.data["active"].get(key)
                self.store.data["active"][key] = dep_id
                self._set_status(dep, "SUCCESS", succeededAt=iso(), instanceStatus="RUNNING",
                                 deploymentStopped=False)
                if old_id and old_id != dep_id:
                    old = self.store.deployment(old_id)
                    if old is not None:
                        self._set_status(old, "REMOVED", instanceStatus="REMOVED")
                        self.store.logs.append(old_id, "deploy", f"Stopping Container (replaced by {dep_id})")
                crash_after = self.faults.take("crash_next_deploy_after")
                self.store.save()
        if dep is None or dep["status"] == "REMOVED":
            self._kill(dep_id)
            return
        if old_id and old_id != dep_id:
            threading.Timer(self.cfg.drain_seconds, self._kill, args=(old_id,)).start()
        self._prune()
        if crash_after is not None:
            threading.Timer(float(crash_after), self._inject_crash, args=(dep_id,)).start()

    def _inject_crash(self, dep_id):
        with self.rt_lock:
            rt = self.rt.get(dep_id)
        if rt and rt.proc is not None and rt.pgid:
            self.store.logs.append(dep_id, "deploy", "Killed (injected fault: crash_next_deploy_after)", "error")
            try:
                os.killpg(rt.pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # ------------------------------------------------------------------------------------------------ actions
    def _cancel_locked(self, dep, reason):
        rt = self.runtime(dep["id"])
        rt.cancel.set()
        self.store.logs.append(dep["id"], "build", reason)
        self._set_status(dep, "REMOVED", instanceStatus=None)
        threading.Thread(target=self._kill, args=(dep["id"],), daemon=True).start()

    def cancel(self, dep_id):
        with self.store.lock:
            dep = self.store.deployment(dep_id)
            if dep["status"] not in IN_PROGRESS:
                raise DeploymentError(f"Cannot cancel a deployment with status {dep['status']}")
            self._cancel_locked(dep, "Deployment cancelled")
        return True

    def remove(self, dep_id):
        with self.store.lock:
            dep = self.store.deployment(dep_id)
            if dep["status"] in IN_PROGRESS:
                self._cancel_locked(dep, "Deployment removed")
                return True
            key = si_key(dep["environmentId"], dep["serviceId"])
            if self.store.data["active"].get(key) == dep_id:
                del self.store.data["active"][key]
            self._set_status(dep, "REMOVED", instanceStatus="REMOVED" if dep.get("succeededAt") else None)
        self._kill(dep_id)
        self._prune()
        return True

    def stop(self, dep_id):
        dep = self.store.deployment(dep_id)
        if dep["status"] in IN_PROGRESS:
            return self.cancel(dep_id)
        self._kill(dep_id)
        with self.store.lock:
            self._set_status(dep, dep["status"], deploymentStopped=True,
                             instanceStatus="STOPPED" if dep.get("succeededAt") else None)
        self.store.logs.append(dep_id, "deploy", "Stopping Container")
        return True

    def restart(self, dep_id):
        dep = self.store.deployment(dep_id)
        key = si_key(dep["environmentId"], dep["serviceId"])
        if self.store.data["active"].get(key) != dep_id or dep["status"] not in RUNNING_STATUSES:
            raise DeploymentError("Only the active deployment can be restarted")
        threading.Thread(target=self._relaunch, args=(dep_id, "Restarting Container"), daemon=True).start()
        return True

    def approve(self, dep_id):
        dep = self.store.deployment(dep_id)
        if dep["status"] != "NEEDS_APPROVAL":
            raise DeploymentError("Deployment is not awaiting approval")
        self.runtime(dep_id).approve.set()
        return True

    def _relaunch(self, dep_id, message):
        """(Re)start the process of an already successful deployment: restart, or emulator start-up."""
        dep = self.store.deployment(dep_id)
        self._kill(dep_id)
        rt = self.runtime(dep_id)
        rt.cancel.clear()
        self.store.logs.append(dep_id, "deploy", message)
        if not os.path.isdir(dep["releaseDir"]):
            try:
                self._materialise(dep, dep["releaseDir"])
            except Exception as exc:
                self.store.logs.append(dep_id, "deploy", f"Failed to restore release: {exc}", "error")
                self._set_status(dep, "CRASHED", instanceStatus="CRASHED")
                return
        self._set_status(dep, dep["status"], instanceStatus="RESTARTING")
        try:
            self._launch(dep, dep.get("config") or {}, rt)
        except (OSError, DeploymentError) as exc:
            if self.stopping.is_set():
                return
            self.store.logs.append(dep_id, "deploy", f"Failed to start container: {exc}", "error")
            self._set_status(dep, "CRASHED", instanceStatus="CRASHED")
            return
        ok = self._healthcheck(dep, dep.get("config") or {}, rt, log_kind="deploy")[0]
        if ok:
            self._set_status(dep, "SUCCESS", instanceStatus="RUNNING", deploymentStopped=False)
        elif not self.stopping.is_set():
            self._kill(dep_id)
            self._set_status(dep, "CRASHED", instanceStatus="CRASHED")

    # ------------------------------------------------------------------------------------------------ lifecycle
    def start(self):
        """Resume after a (re)start: fail interrupted pipelines, relaunch active deployments."""
        to_launch = []
        with self.store.lock:
            for dep in list(self.store.data["deployments"].values()):
                pid = dep.get("pid")
                if pid and procs.pid_alive(pid) and procs.is_marked(pid, self.store.state_dir, dep["id"]):
                    procs.kill_group(procs.pgid_of(pid) or pid, self.cfg.kill_grace)
                dep.update(pid=None, pgid=None, port=None)
                if dep["status"] in IN_PROGRESS:
                    self.store.logs.append(dep["id"], "build", "Deployment interrupted: the platform restarted",
                                           "error")
                    self._set_status(dep, "FAILED", instanceStatus=None)
            for key, dep_id in list(self.store.data["active"].items()):
                dep = self.store.deployment(dep_id)
                if dep is None:
                    del self.store.data["active"][key]
                elif dep["status"] == "SUCCESS" and not dep.get("deploymentStopped"):
                    to_launch.append(dep_id)
            self.store.save()
        for dep_id in to_launch:
            threading.Thread(target=self._relaunch, args=(dep_id, "Starting Container (platform restart)"),
                             daemon=True).start()
        self.monitor_thread = threading.Thread(target=self._monitor, name="monitor", daemon=True)
        self.monitor_thread.start()
        threading.Thread(target=self._watch_pushes, name="push-trigger", daemon=True).start()

    def _watch_pushes(self):
        """With auto_deploy on, a push to a service's branch deploys its new tip (reason "deploy", as on Railway).

        The tips seen while auto_deploy is off are remembered, so switching it on never deploys old pushes."""
        seen = {}
        while not self.stopping.wait(1.0):
            for svc in list(self.store.data["services"].values()):
                src = svc.get("source") or {}
                if not src.get("repo"):
                    continue
                tip = gitsrc.branch_tip(src["repo"], src.get("branch", "main"))
                prev = seen.get(svc["id"])
                seen[svc["id"]] = tip
                if not self.cfg.auto_deploy or prev is None or tip is None or tip == prev:
                    continue
                for env in self.store.environments_of(svc["projectId"]):
                    try:
                        source, meta = self.git_source(svc["id"], tip)
                        self.create(env["id"], svc["id"], source=source, meta=dict(meta, trigger="push"),
                                    variables=self.store.get_variables(env["id"], svc["id"]), reason="deploy")
                        self.log(f"push to {src.get('branch', 'main')}: deploying {tip[:12]}")
                    except DeploymentError as exc:
                        self.log(f"push trigger failed: {exc}")

    def _monitor(self):
        """A process that dies on its own after SUCCESS makes its deployment CRASHED."""
        while not self.stopping.wait(0.2):
            with self.rt_lock:
                items = list(self.rt.items())
            for dep_id, rt in items:
                proc = rt.proc
                if proc is None or rt.expected_exit:
                    continue
                code = proc.poll()
                if code is None:
                    continue
                dep = self.store.deployment(dep_id)
                if dep is None or dep["status"] != "SUCCESS":
                    continue  # DEPLOYING: the healthcheck loop reports it
                if rt.expected_exit:
                    continue
                self.store.logs.append(dep_id, "deploy", f"Container exited with code {code}", "error")
                self._set_status(dep, "CRASHED", instanceStatus="CRASHED")
                if rt.tail_stop:
                    rt.tail_stop.set()
                if rt.port:
                    self._release_port(rt.port)
                rt.proc = None
                with self.store.lock:
                    dep.update(pid=None, pgid=None, port=None)
                    self.store.save()

    def stop_all(self, mark=False):
        """Kill every deployment process (emulator shutdown / reset)."""
        for rt in list(self.rt.values()):
            rt.cancel.set()
        with self.rt_lock:
            ids = list(self.rt)
        threads = [threading.Thread(target=self._kill, args=(i,)) for i in ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        procs.kill_deployments(self.store.state_dir, self.cfg.kill_grace)
        with self.store.lock:
            for dep in self.store.data["deployments"].values():
                if dep["status"] in IN_PROGRESS and mark:
                    self._set_status(dep, "REMOVED", instanceStatus=None)
                dep.update(pid=None, pgid=None, port=None)
            self.store.save()

    def shutdown(self):
        self.stopping.set()
        self.stop_all()
        time.sleep(0.2)  # a launch racing with the shutdown kills its own process; catch any straggler too
        procs.kill_deployments(self.store.state_dir, self.cfg.kill_grace)

    def reset(self, clear_deployments=True):
        """Stop everything; optionally forget the deployment history (and its files)."""
        self.stop_all(mark=True)
        with self.store.lock:
            if clear_deployments:
                for dep_id in list(self.store.data["deployments"]):
                    self.store.logs.delete(dep_id)
                self.store.data["deployments"] = {}
                self.store.data["active"] = {}
                for d in (self.releases, self.uploads, self.proclogs):
                    shutil.rmtree(d, ignore_errors=True)
                    os.makedirs(d, exist_ok=True)
            else:
                for key, dep_id in list(self.store.data["active"].items()):
                    dep = self.store.deployment(dep_id)
                    if dep:
                        self._set_status(dep, "REMOVED", instanceStatus="REMOVED")
                self.store.data["active"] = {}
            self.store.save()

    def _prune(self):
        """Keep the release dirs of running deployments and of the ``keep_releases`` newest others."""
        with self.store.lock:
            deps = sorted(self.store.data["deployments"].values(), key=lambda d: d.get("seq", 0), reverse=True)
            active = set(self.store.data["active"].values())
        keep = set(active)
        with self.rt_lock:
            keep |= {i for i, r in self.rt.items() if r.proc is not None}
        others = [d for d in deps if d["id"] not in keep and d["status"] not in IN_PROGRESS]
        keep |= {d["id"] for d in deps if d["status"] in IN_PROGRESS}
        keep |= {d["id"] for d in others[: self.cfg.keep_releases]}
        try:
            names = os.listdir(self.releases)
        except OSError:
            return
        for name in names:
            if name not in keep:
                shutil.rmtree(os.path.join(self.releases, name), ignore_errors=True)
                for f in os.listdir(self.proclogs):
                    if f.startswith(name + "."):
                        try:
                            os.unlink(os.path.join(self.proclogs, f))
                        except OSError:
                            pass

    # ------------------------------------------------------------------------------------------------ queries
    def is_running(self, dep_id):
        with self.rt_lock:
            rt = self.rt.get(dep_id)
        return bool(rt and rt.proc is not None and rt.proc.poll() is None)

    def port_of(self, dep_id):
        with self.rt_lock:
            rt = self.rt.get(dep_id)
        if rt and rt.proc is not None and rt.proc.poll() is None:
            return rt.port
        return None


_REF = re.compile(r"\$\{\{\s*([A-Za-z0-9_.\- ]+?)\s*\}\}")
_PRIVATE = re.compile(r"\b([a-z0-9][a-z0-9\-]*)\.railway\.internal(?::(\d+))?", re.IGNORECASE)


def private_domain(service_name):
    """Railway's private DNS name of a service: ``Postgres`` -> ``postgres.railway.internal``."""
    slug = re.sub(r"[^a-z0-9\-]+", "-", str(service_name).lower()).strip("-") or "service"
    return f"{slug}.railway.internal"


def render(variables, engine, env_id, service_id, _depth=0):
    """Resolve Railway reference templates: ${{NAME}}, ${{shared.NAME}}, ${{ServiceName.NAME}}.

    A reference to another service resolves in that service's own scope (its variables and Railway's injected
    ones), as Railway does: ``${{Postgres.DATABASE_URL}}`` gives Postgres's DATABASE_URL fully rendered.  A
    reference to a missing variable renders as an empty string."""
    store = engine.store
    own = dict(engine.injected_vars(env_id, service_id)) if service_id else {}
    own.update({k: v for k, v in variables.items() if v is not None})
    shared = store.get_variables(env_id, None)
    env = store.environment(env_id) or {}

    def lookup(ref):
        if "." in ref:
            scope, name = ref.split(".", 1)
            if scope == "shared":
                return str(shared.get(name, ""))
            svc = store.service_by_name(env.get("projectId"), scope)
            if svc is None or _depth >= 3:
                return ""
            if svc["id"] == service_id:
                return str(own.get(name, ""))
            other = render(store.get_variables(env_id, svc["id"]), engine, env_id, svc["id"], _depth + 1)
            injected = engine.injected_vars(env_id, svc["id"])
            return str(other.get(name, injected.get(name, "")))
        return str(own.get(ref, shared.get(ref, "")))

    out = {}
    for k, v in variables.items():
        if v is None:
            continue
        value = str(v)
        for _round in range(4):  # nested references, bounded
            new = _REF.sub(lambda m: lookup(m.group(1)), value)
            if new == value:
                break
            value = new
        out[k] = value
    return out


def _fmt_duration(seconds):
    seconds = max(0, int(round(seconds)))
    m, s = divmod(seconds, 60)
    return f"{m}m{s}s" if m else f"{s}s"
