"""Helpers for tests/sandbox/test_app.py: checkouts, throwaway databases, artisan, php -S."""

import contextlib
import io
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path

import psycopg2

REPO_ROOT = Path(__file__).resolve().parents[2]
PREPARE_APP = REPO_ROOT / "sandbox" / "bin" / "prepare-app"
STATE = Path(os.environ.get("SANDBOX_STATE_DIR") or REPO_ROOT / "sandbox" / ".state")
TWO_FA = "2025_11_16_233237_add_two_factor_columns_to_users_table"
TWO_FA_COLUMNS = {"two_factor_secret", "two_factor_recovery_codes", "two_factor_confirmed_at"}


def run_prepare_app(*args, timeout=600):
    start = time.monotonic()
    proc = subprocess.run([str(PREPARE_APP), *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return proc, time.monotonic() - start


def load_app_json(state=STATE):
    return json.loads((Path(state) / "app.json").read_text())


def pg_admin():
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    return conn


def query(info, dbname, sql, params=None):
    """Run one query as the app role against dbname; returns all rows."""
    db = info["db"]
    conn = psycopg2.connect(host=db["host"], port=db["port"], user=db["user"], password=db["password"],
                            dbname=dbname, connect_timeout=5)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else []
    finally:
        conn.close()


def columns(info, dbname, table):
    rows = query(info, dbname, "select column_name from information_schema.columns "
                               "where table_schema = 'public' and table_name = %s", (table,))
    return {r[0] for r in rows}


@contextlib.contextmanager
def throwaway_db(info):
    """CREATE DATABASE facturino_apptest_<random> OWNER facturino; dropped (FORCE) afterwards."""
    name = f"facturino_apptest_{secrets.token_hex(4)}"
    admin = pg_admin()
    try:
        with admin.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}" OWNER "{info["db"]["user"]}"')
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def extract(info, key, dest):
    """git archive of commits[key] from origin.git, unpacked into dest (a release-like tree)."""
    data = subprocess.run(["git", "-C", info["origin_repo"], "archive", "--format=tar", info["commits"][key]],
                          capture_output=True, check=True).stdout
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        if hasattr(tarfile, "tar_filter"):
            tar.extractall(dest, filter="tar")
        else:
            tar.extractall(dest)
    return dest


def app_env(info, dbname, use_url=True, **overrides):
    """A Railway-like process environment: no .env file, everything from variables."""
    db = info["db"]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/root"),
        "LANG": "C.UTF-8",
        "APP_ENV": "production",
        "APP_DEBUG": "false",
        "APP_KEY": info["app_key"],
        "APP_URL": "http://127.0.0.1",
        "SESSION_DRIVER": "database",
        "CACHE_DRIVER": "database",
        "QUEUE_CONNECTION": "database",
        "MAIL_MAILER": "log",
        "SANDBOX_ADMIN_EMAIL": info["admin_email"],
        "SANDBOX_ADMIN_PASSWORD": info["admin_password"],
    }
    if use_url:
        env["DATABASE_URL"] = f"postgresql://{db['user']}:{db['password']}@{db['host']}:{db['port']}/{dbname}"
    else:
        env.update({"DB_CONNECTION": "pgsql", "DB_HOST": db["host"], "DB_PORT": str(db["port"]),
                    "DB_DATABASE": dbname, "DB_USERNAME": db["user"], "DB_PASSWORD": db["password"]})
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def artisan(cwd, env, *args, timeout=60):
    return subprocess.run(["php", "artisan", *args, "--no-interaction"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def status_rows(output):
    """Laravel 8 migrate:status table -> {migration: ran(bool)}."""
    rows = {}
    for line in output.splitlines():
        m = re.match(r"^\|\s*(Yes|No)\s*\|\s*(\S+)\s*\|", line)
        if m:
            rows[m.group(2)] = m.group(1) == "Yes"
    return rows


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve(cwd, env, timeout=10):
    """php -S 127.0.0.1:<port> -t public server.php (as the emulator does); the process group is killed after."""
    port = free_port()
    log = open(Path(cwd) / "storage" / "logs" / "php-server.out", "ab")
    proc = subprocess.Popen(["php", "-S", f"127.0.0.1:{port}", "-t", "public", "server.php"], cwd=cwd,
                            env=dict(env, PORT=str(port)), stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"php -S did not start on port {port} (rc={proc.poll()})")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


def csrf_token(html):
    m = re.search(r'name="_token" value="([^"]+)"', html) or re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "no CSRF token in page"
    return m.group(1)
