"""Fixtures for the Railway emulator tests: a tiny PHP app in a temp git repo and real emulator processes.

Every emulator runs as ``python -m sandbox.railway`` in its own session on free ports with a temp state dir and fast
steps; teardown stops it with SIGTERM (it kills its deployments) and then kills any process group left that carries
the state dir's marker, so nothing outlives the tests.
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, REPO_ROOT)

from sandbox.railway import procs  # noqa: E402

STEP = 0.2

ROUTER = """<?php
$uri = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if ($uri !== '/' && file_exists(__DIR__.'/public'.$uri)) {
    return false;
}
require_once __DIR__.'/public/index.php';
"""

INDEX = """<?php
$version = trim(file_get_contents(__DIR__.'/../VERSION'));
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
if ($path === '/api/health') {
    header('Content-Type: application/json');
    %(health)s
    echo json_encode(['status' => 'ok', 'version' => $version]);
    return;
}
if ($path === '/env') {
    header('Content-Type: application/json');
    echo json_encode(['APP_NAME' => getenv('APP_NAME'), 'FOO' => getenv('FOO'), 'PORT' => getenv('PORT'),
                      'RAILWAY_DEPLOYMENT_ID' => getenv('RAILWAY_DEPLOYMENT_ID'),
                      'DATABASE_URL' => getenv('DATABASE_URL'),
                      'RAILWAY_PRIVATE_DOMAIN' => getenv('RAILWAY_PRIVATE_DOMAIN')]);
    return;
}
if ($path === '/login') {
    setcookie('laravel_session', 'abc123', ['path' => '/', 'httponly' => true]);
    setcookie('XSRF-TOKEN', 'tok', ['path' => '/']);
    header('Location: /admin/dashboard', true, 302);
    return;
}
if ($path === '/echo') {
    header('Content-Type: application/json');
    header('X-App: sandbox');
    echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'body' => file_get_contents('php://input'),
                      'cookies' => $_COOKIE, 'query' => $_GET, 'host' => $_SERVER['HTTP_HOST'] ?? null,
                      'xff' => $_SERVER['HTTP_X_FORWARDED_FOR'] ?? null,
                      'custom' => $_SERVER['HTTP_X_CUSTOM'] ?? null]);
    return;
}
error_log("served $path");
echo "hello from $version\\n";
"""


def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.test", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.test")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def _write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


@pytest.fixture(scope="session")
def php_app(tmp_path_factory):
    """A bare 'origin' repo with commits: base (v1, tag v0.9.0), good (v2, main), lint_broken, health_500."""
    root = tmp_path_factory.mktemp("phpapp")
    work = str(root / "work")
    os.makedirs(work)
    _git(work, "init", "-q", "-b", "main")
    _write(work, "server.php", ROUTER)
    _write(work, "public/index.php", INDEX % {"health": ""})
    _write(work, "VERSION", "v1\n")
    _write(work, "railway.json", json.dumps({"deploy": {"healthcheckPath": "/api/health",
                                                        "healthcheckTimeout": 3}}))
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "base v1")
    _git(work, "tag", "v0.9.0")
    base = _git(work, "rev-parse", "HEAD")
    _write(work, "VERSION", "v2\n")
    _git(work, "commit", "-qam", "good v2")
    good = _git(work, "rev-parse", "HEAD")
    _git(work, "checkout", "-qb", "broken/lint")
    _write(work, "app/Broken.php", "<?php\nclass Broken {\n    public function x() { return 1 }\n}\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "lint broken")
    lint = _git(work, "rev-parse", "HEAD")
    _git(work, "checkout", "-q", "main")
    _git(work, "checkout", "-qb", "broken/health-500")
    _write(work, "public/index.php", INDEX % {"health": "http_response_code(500); echo '{\"status\":\"down\"}'; return;"})
    _write(work, "VERSION", "v2-health500\n")
    _git(work, "commit", "-qam", "health 500")
    health = _git(work, "rev-parse", "HEAD")
    _git(work, "checkout", "-q", "main")
    origin = str(root / "origin.git")
    subprocess.run(["git", "clone", "-q", "--bare", work, origin], check=True)
    app_json = str(root / "app.json")
    info = {"app_repo": work, "origin_repo": origin,
            "commits": {"base": base, "good": good, "lint_broken": lint, "health_500": health},
            "database_url": "postgres://facturino:secret@127.0.0.1:5432/facturino", "app_key": "base64:dGVzdA=="}
    with open(app_json, "w", encoding="utf-8") as fh:
        json.dump(info, fh)
    return dict(info, app_json=app_json, root=str(root))


def _free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Emu:
    """A running emulator process plus client helpers."""

    def __init__(self, php_app, state_dir, step=STEP, extra_args=()):
        self.app = php_app
        self.state_dir = str(state_dir)
        self.step = step
        self.extra_args = list(extra_args)
        self.port = _free_port()
        self.domain_port = _free_port()
        base = random.randrange(30000, 60000, 50)
        self.deploy_ports = f"{base}-{base + 29}"
        self.proc = None
        self.log_path = os.path.join(self.state_dir, "emulator.log")
        self.session = requests.Session()

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self):
        os.makedirs(self.state_dir, exist_ok=True)
        cmd = [sys.executable, "-m", "sandbox.railway", "--port", str(self.port), "--domain-port",
               str(self.domain_port), "--deploy-ports", self.deploy_ports, "--state-dir", self.state_dir,
               "--seed", self.app["app_json"], "--step-seconds", str(self.step), "--healthcheck-interval", "0.1",
               *self.extra_args]
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(cmd, cwd=REPO_ROOT, stdout=logf, stderr=logf, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        logf.close()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"emulator exited: {self.log()}")
            try:
                if requests.get(self.admin_url + "/health", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        else:
            raise RuntimeError(f"emulator did not answer: {self.log()}")
        creds = requests.get(self.admin_url + "/credentials", timeout=5).json()
        self.creds = creds
        self.project_token = creds["project_token"]
        self.account_token = creds["account_token"]
        self.project_id = creds["project_id"]
        self.env_id = creds["environment_id"]
        self.service_id = creds["service_id"]
        return self

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.proc = None
        procs.kill_deployments(self.state_dir, grace=2.0)

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as fh:
                return fh.read()[-4000:]
        except OSError:
            return ""

    # -- urls -----------------------------------------------------------------------------------------------
    @property
    def api_url(self):
        return f"http://127.0.0.1:{self.port}/graphql/v2"

    @property
    def admin_url(self):
        return f"http://127.0.0.1:{self.port}/_emulator"

    @property
    def domain_url(self):
        return f"http://127.0.0.1:{self.domain_port}"

    # -- clients --------------------------------------------------------------------------------------------
    def post(self, query, variables=None, token="project", headers=None, **kw):
        h = {"Content-Type": "application/json"}
        if token == "project":
            h["Project-Access-Token"] = self.project_token
        elif token == "account":
            h["Authorization"] = f"Bearer {self.account_token}"
        h.update(headers or {})
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return requests.post(self.api_url, json=body, headers=h, timeout=kw.pop("timeout", 30), **kw)

    def gql(self, query, variables=None, token="project"):
        r = self.post(query, variables, token)
        assert r.status_code == 200, r.text
        body = r.json()
        assert not body.get("errors"), body
        return body["data"]

    def admin(self, method, path, body=None):
        r = requests.request(method, self.admin_url + path, json=body, timeout=30)
        assert r.ok, r.text
        return r.json()

    def state(self):
        return self.admin("GET", "/state")

    def deploy(self, commit):
        data = self.gql("mutation D($e: String!, $s: String!, $c: String) "
                        "{ serviceInstanceDeployV2(environmentId: $e, serviceId: $s, commitSha: $c) }",
                        {"e": self.env_id, "s": self.service_id, "c": commit})
        return data["serviceInstanceDeployV2"]

    def status(self, dep_id):
        return self.gql("query S($id: String!) { deployment(id: $id) { status } }", {"id": dep_id})[
            "deployment"]["status"]

    def wait(self, dep_id, statuses=("SUCCESS", "FAILED", "CRASHED", "REMOVED", "SKIPPED"), timeout=20,
             seen=None):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st = self.status(dep_id)
            if seen is not None and (not seen or seen[-1] != st):
                seen.append(st)
            if st in statuses:
                return st
            time.sleep(0.05)
        raise AssertionError(f"deployment {dep_id} still {st} after {timeout}s\n{self.log()}")

    def deploy_and_wait(self, commit, expect="SUCCESS"):
        dep = self.deploy(commit)
        st = self.wait(dep)
        assert st == expect, (st, self.admin_text(f"/logs/{dep}?kind=build"))
        return dep

    def admin_text(self, path):
        return requests.get(self.admin_url + path, timeout=10).text

    def domain_get(self, path="/", **kw):
        return requests.get(self.domain_url + path, timeout=10, allow_redirects=False, **kw)

    def active(self):
        return self.state()["active_deployment_id"]


@pytest.fixture(scope="module")
def emulator(php_app, tmp_path_factory):
    emu = Emu(php_app, tmp_path_factory.mktemp("railway-state")).start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture
def emu(emulator):
    """The module's emulator with faults, counters and rate limits cleared (deployment history kept)."""
    emulator.admin("DELETE", "/faults")
    emulator.admin("POST", "/config", {"rate_limit": {"per_second": 0, "per_hour": 0}, "reset_rate_limits": True,
                                       "step_seconds": STEP})
    yield emulator
    emulator.admin("DELETE", "/faults")


@pytest.fixture
def make_emulator(php_app, tmp_path):
    """Factory for emulators owned by one test (e.g. restarts); all are stopped at teardown."""
    made = []

    def factory(state_dir=None, **kw):
        e = Emu(php_app, state_dir or (tmp_path / "state"), **kw)
        made.append(e)
        return e

    yield factory
    for e in made:
        e.stop()
