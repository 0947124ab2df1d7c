"""The sandbox Laravel app and sandbox/bin/prepare-app, against real PostgreSQL and real php.

Every scenario commit is unpacked from origin.git with `git archive` (as a deployment would be) and
run against a throwaway database facturino_apptest_<random>, dropped afterwards.
"""

import datetime
import os
import re
import stat
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg2
import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_helpers as h  # noqa: E402

pytestmark = pytest.mark.sandbox

BRANCHES = {
    "base": "main",
    "migration": "release/v1.0.0",
    "lint_broken": "broken/lint",
    "health_500": "broken/health-500",
    "migration_fails": "broken/migration-fails",
    "invoice_pdf_broken": "broken/invoice-pdf",
}


@pytest.fixture(scope="session")
def info():
    proc, took = h.run_prepare_app()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return h.load_app_json()


@pytest.fixture
def db(info):
    with h.throwaway_db(info) as name:
        yield name


@pytest.fixture
def tree(info, tmp_path):
    """Factory: unpack a scenario commit into a fresh directory."""
    def make(key):
        return h.extract(info, key, tmp_path / key)
    return make


# --------------------------------------------------------------------------- prepare-app and the repos

def test_prepare_app_warm_run_is_fast_and_changes_nothing(info):
    proc, took = h.run_prepare_app()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    repo_step = float(re.search(r"4/7 git repos: done in ([\d.]+)s", proc.stdout).group(1))
    assert repo_step < 2.0
    assert "origin.git and app unchanged" in proc.stdout
    assert "leaving the database alone" in proc.stdout
    assert h.load_app_json()["commits"] == info["commits"]
    assert info["db"]["password"] not in proc.stdout + proc.stderr
    assert info["admin_password"] not in proc.stdout + proc.stderr


def test_app_json_matches_contract(info):
    path = h.STATE / "app.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for key in ("app_repo", "origin_repo", "commits", "database_url", "db", "app_key", "admin_email",
                "admin_password"):
        assert key in info
    assert set(info["commits"]) == set(BRANCHES)
    assert set(info["db"]) >= {"host", "port", "name", "user", "password"}
    db_name = os.environ.get("SANDBOX_DB_NAME") or "facturino"  # a second sandbox (a worktree) has its own
    assert info["db"]["name"] == db_name and info["db"]["user"] == db_name
    assert info["database_url"].startswith("postgresql://%s:" % db_name)
    assert info["app_key"].startswith("base64:")


def test_origin_branches_and_tag(info):
    heads = subprocess.run(["git", "-C", info["origin_repo"], "for-each-ref", "--format=%(refname) %(objectname)",
                            "refs/heads"], capture_output=True, text=True, check=True).stdout
    refs = dict(line.split() for line in heads.splitlines())
    for key, branch in BRANCHES.items():
        if key != "base":  # main may move forward (rollback commits); scenario branches do not
            assert refs[f"refs/heads/{branch}"] == info["commits"][key]
    git = ["git", "-C", info["origin_repo"]]
    assert subprocess.run(git + ["cat-file", "-t", "v0.9.0"], capture_output=True, text=True, check=False).stdout.strip() == "tag"
    assert subprocess.run(git + ["rev-parse", "v0.9.0^{commit}"], capture_output=True,
                          text=True, check=False).stdout.strip() == info["commits"]["base"]
    for key in BRANCHES:
        if key != "base":
            parent = subprocess.run(git + ["rev-parse", info["commits"][key] + "^"], capture_output=True,
                                    text=True, check=False).stdout.strip()
            assert parent == info["commits"]["base"], key
    diff = subprocess.run(git + ["diff", "--name-only", info["commits"]["base"], info["commits"]["migration"]],
                          capture_output=True, text=True, check=True).stdout.split()
    assert sorted(diff) == ["VERSION", f"database/migrations/{h.TWO_FA}.php"]


def test_repos_are_deterministic(info, tmp_path):
    proc, _unused = h.run_prepare_app("--repos-only", "--state-dir", str(tmp_path / "state"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert h.load_app_json(tmp_path / "state")["commits"] == info["commits"]


def test_working_clone_and_env_file(info):
    app = Path(info["app_repo"])
    env_file = app / ".env.production"
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    text = env_file.read_text()
    domain_port = os.environ.get("RAILWAY_EMULATOR_DOMAIN_PORT") or "18791"
    for line in ("APP_ENV=production", "APP_DEBUG=false", "APP_NAME=Facturino", "DB_CONNECTION=pgsql",
                 "SESSION_DRIVER=database", "SESSION_LIFETIME=1440", "QUEUE_CONNECTION=database",
                 "CACHE_DRIVER=database", "MAIL_MAILER=smtp", f"MAIL_PORT={info['smtp']['port']}", "MAIL_HOST=127.0.0.1",
                 "SANCTUM_STATEFUL_DOMAINS=127.0.0.1:" + domain_port,
                 f"APP_KEY={info['app_key']}", f"DB_PASSWORD={info['db']['password']}"):
        assert line in text.splitlines()
    git = ["git", "-C", str(app)]
    assert subprocess.run(git + ["check-ignore", "-q", ".env.production"], check=False).returncode == 0
    assert subprocess.run(git + ["remote", "get-url", "origin"], capture_output=True,
                          text=True, check=False).stdout.strip() == info["origin_repo"]
    # The runbook's security checks hold on the healthy tree.
    assert subprocess.run(git + ["log", "--all", "--full-history", "--format=%H", "--", ".env"],
                          capture_output=True, text=True, check=False).stdout == ""
    assert (app / "LICENSE").is_file() and (app / "LEGAL_NOTES").is_file()
    assert "AGPL-3.0" in (app / "LICENSE").read_text()


# --------------------------------------------------------------------------- migrations

def test_base_migrates_fresh_and_release_adds_only_2fa(info, db, tree):
    base, release = tree("base"), tree("migration")
    env = h.app_env(info, db)

    proc = h.artisan(base, env, "migrate:status")
    assert proc.returncode == 1 and "Migration table not found." in proc.stdout

    proc = h.artisan(base, env, "migrate", "--force")
    assert proc.returncode == 0, proc.stdout
    rows = h.status_rows(h.artisan(base, env, "migrate:status").stdout)
    assert len(rows) == 5 and all(rows.values()) and h.TWO_FA not in rows
    assert not (h.columns(info, db, "users") & h.TWO_FA_COLUMNS)
    assert {"last_login_at"} <= h.columns(info, db, "users")
    tables = {r[0] for r in h.query(info, db, "select tablename from pg_tables where schemaname = 'public'")}
    assert tables >= {"users", "password_reset_tokens", "sessions", "cache", "cache_locks", "jobs", "job_batches",
                      "failed_jobs", "customers", "invoices", "migrations"}

    rows = h.status_rows(h.artisan(release, env, "migrate:status").stdout)
    assert rows[h.TWO_FA] is False and sum(rows.values()) == 5

    proc = h.artisan(release, env, "migrate", "--force")
    assert proc.returncode == 0, proc.stdout
    assert re.findall(r"^Migrated:\s+(\S+)", proc.stdout, re.M) == [h.TWO_FA]
    assert h.TWO_FA_COLUMNS <= h.columns(info, db, "users")
    rows = h.status_rows(h.artisan(release, env, "migrate:status").stdout)
    assert len(rows) == 6 and all(rows.values())

    proc = h.artisan(release, env, "migrate:rollback", "--step=1", "--force")
    assert proc.returncode == 0 and re.findall(r"^Rolled back:\s+(\S+)", proc.stdout, re.M) == [h.TWO_FA]
    assert not (h.columns(info, db, "users") & h.TWO_FA_COLUMNS)


def test_db_variables_work_without_database_url_and_seed_is_idempotent(info, db, tree):
    base = tree("base")
    env = h.app_env(info, db, use_url=False)
    assert h.artisan(base, env, "migrate", "--force").returncode == 0
    for _round in range(2):
        proc = h.artisan(base, env, "db:seed", "--force")
        assert proc.returncode == 0, proc.stdout
    counts = h.query(info, db, "select (select count(*) from users), (select count(*) from customers), "
                               "(select count(*) from invoices)")[0]
    assert counts == (1, 3, 4)


def test_migration_fails_after_applying_its_first_migration(info, db, tree):
    base, broken = tree("base"), tree("migration_fails")
    env = h.app_env(info, db)
    assert h.artisan(base, env, "migrate", "--force").returncode == 0
    proc = h.artisan(broken, env, "migrate", "--force")
    assert proc.returncode != 0
    assert re.findall(r"^Migrated:\s+(\S+)", proc.stdout, re.M) == ["2025_11_17_080000_create_invoice_items_table"]
    assert "SQLSTATE[42703]" in proc.stdout
    ran = {r[0] for r in h.query(info, db, "select migration from migrations")}
    assert "2025_11_17_080000_create_invoice_items_table" in ran
    assert "2025_11_17_080100_backfill_invoice_items_from_invoices" not in ran
    assert "items_total" not in h.columns(info, db, "invoices")  # rolled back with its transaction


def _lint(root):
    files = sorted(p for p in Path(root).rglob("*.php") if "storage" not in p.parts)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda p: subprocess.run(["php", "-l", str(p)], capture_output=True, check=False), files))
    return [str(f.relative_to(root)) for f, r in zip(files, results) if r.returncode != 0], len(files)


def test_lint_fails_on_exactly_one_file_only_on_broken_lint(tree):
    failing, total = _lint(tree("lint_broken"))
    assert failing == ["app/Support/InvoiceNumberFormatter.php"] and total > 30
    assert _lint(tree("base"))[0] == []


# --------------------------------------------------------------------------- HTTP

@pytest.fixture(scope="module")
def served(info, tmp_path_factory):
    """The base commit migrated+seeded on a throwaway database and served by php -S."""
    with h.throwaway_db(info) as name:
        root = h.extract(info, "base", tmp_path_factory.mktemp("served") / "base")
        env = h.app_env(info, name)
        for args in (("migrate", "--force"), ("db:seed", "--force")):
            proc = h.artisan(root, env, *args)
            assert proc.returncode == 0, proc.stdout
        with h.serve(root, env) as url:
            yield {"url": url, "root": root, "env": env, "db": name}


def test_health_ok_and_ping(served):
    resp = requests.get(served["url"] + "/api/health", timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("application/json")
    body = resp.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert datetime.datetime.fromisoformat(body["timestamp"]).tzinfo is not None
    resp = requests.get(served["url"] + "/api/v1/auth/ping", timeout=10)
    assert resp.status_code == 200 and resp.json() == {"message": "pong"}
    resp = requests.get(served["url"] + "/", timeout=10)
    assert resp.status_code == 200 and "Facturino" in resp.text and "text/html" in resp.headers["Content-Type"]


def test_login_page_has_logo_and_token(served):
    resp = requests.get(served["url"] + "/admin/login", timeout=10)
    assert resp.status_code == 200
    assert re.search(r'<img[^>]*alt="Facturino logo"[^>]*src="/img/logo.svg"', resp.text)
    assert h.csrf_token(resp.text)
    logo = requests.get(served["url"] + "/img/logo.svg", timeout=10)
    assert logo.status_code == 200 and "<svg" in logo.text


def test_dashboard_requires_login(served):
    resp = requests.get(served["url"] + "/admin/dashboard", allow_redirects=False, timeout=10)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/login")


def test_login_with_seeded_admin_updates_last_login(info, served):
    url, session = served["url"], requests.Session()
    before = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(seconds=5)
    token = h.csrf_token(session.get(url + "/admin/login", timeout=10).text)

    bad = session.post(url + "/admin/login", data={"_token": token, "email": info["admin_email"],
                                                   "password": "wrong"}, allow_redirects=False, timeout=10)
    assert bad.status_code == 302 and bad.headers["Location"].endswith("/admin/login")
    assert "do not match our records" in session.get(url + "/admin/login", timeout=10).text

    missing_token = requests.post(url + "/admin/login", data={"email": info["admin_email"]},
                                  allow_redirects=False, timeout=10)
    assert missing_token.status_code == 419

    token = h.csrf_token(session.get(url + "/admin/login", timeout=10).text)
    resp = session.post(url + "/admin/login", data={"_token": token, "email": info["admin_email"],
                                                    "password": info["admin_password"]},
                        allow_redirects=False, timeout=10)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/admin/dashboard")
    dash = session.get(url + "/admin/dashboard", allow_redirects=False, timeout=10)
    assert dash.status_code == 200
    assert re.search(r'id="invoice-count">\d+<', dash.text) and re.search(r'id="customer-count">3<', dash.text)

    (last_login,), = h.query(info, served["db"], "select last_login_at from users where email = %s",
                             (info["admin_email"],))
    assert last_login is not None and last_login >= before
    assert h.query(info, served["db"], "select count(*) from sessions where user_id is not null")[0][0] >= 1

    out = session.post(url + "/admin/logout", data={"_token": h.csrf_token(dash.text)}, allow_redirects=False,
                       timeout=10)
    assert out.status_code == 302 and out.headers["Location"].endswith("/admin/login")
    assert session.get(url + "/admin/dashboard", allow_redirects=False, timeout=10).status_code == 302


def test_api_invoice_with_send_is_queued_then_processed(info, served):
    url, root, env, db = served["url"], served["root"], served["env"], served["db"]
    cust = requests.post(url + "/api/v1/customers", json={"name": "Prilep Tobacco", "email": "ap@prilep.test"},
                         timeout=10)
    assert cust.status_code == 201, cust.text
    customer_id = cust.json()["data"]["id"]
    inv = requests.post(url + "/api/v1/invoices", json={"customer_id": customer_id, "amount": "150.25",
                                                        "currency": "EUR", "send": True}, timeout=10)
    assert inv.status_code == 201, inv.text
    invoice = inv.json()["data"]
    assert invoice["status"] == "queued" and invoice["number"].startswith("INV-")
    jobs = h.query(info, db, "select payload from jobs")
    assert len(jobs) == 1 and "SendInvoiceEmail" in jobs[0][0]

    proc = h.artisan(root, env, "queue:work", "--once", "--sleep=0")
    assert proc.returncode == 0 and "Processed:  App\\Jobs\\SendInvoiceEmail" in proc.stdout, proc.stdout
    assert h.query(info, db, "select count(*) from jobs")[0][0] == 0
    shown = requests.get(f"{url}/api/v1/invoices/{invoice['id']}", timeout=10).json()["data"]
    assert shown["status"] == "sent"
    log = (Path(root) / "storage" / "logs" / "laravel.log").read_text()
    assert f"Subject: Invoice {invoice['number']} from Facturino" in log

    bad = requests.post(url + "/api/v1/invoices", data={"customer_id": 999999}, timeout=10)
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"customer_id", "amount"}


def test_sandbox_dispatch_and_failed_jobs(info, served):
    root, env, db = served["root"], served["env"], served["db"]
    proc = h.artisan(root, env, "sandbox:dispatch", "--count=2")
    assert proc.returncode == 0 and "Dispatched 2 SandboxJob(s)" in proc.stdout
    assert h.artisan(root, env, "sandbox:dispatch", "--fail").returncode == 0
    out = "".join(h.artisan(root, env, "queue:work", "--once", "--sleep=0").stdout for _round in range(3))
    assert out.count("Processed:  App\\Jobs\\SandboxJob") == 2 and out.count("Failed:     App\\Jobs\\SandboxJob") == 1
    (uuid, exc), = h.query(info, db, "select uuid, exception from failed_jobs")
    assert len(uuid) == 36 and "failed on purpose" in exc


def test_maintenance_mode(served):
    url, root, env = served["url"], served["root"], served["env"]
    assert h.artisan(root, env, "down").returncode == 0
    try:
        for path in ("/api/health", "/", "/api/v1/auth/ping", "/admin/login"):
            assert requests.get(url + path, timeout=10).status_code == 503, path
    finally:
        assert h.artisan(root, env, "up").returncode == 0
    assert requests.get(url + "/api/health", timeout=10).status_code == 200


def test_optimize_then_clear_keeps_serving(served):
    url, root, env = served["url"], served["root"], served["env"]
    proc = h.artisan(root, env, "optimize")
    assert proc.returncode == 0 and "Routes cached successfully!" in proc.stdout, proc.stdout
    try:
        assert requests.get(url + "/api/health", timeout=10).status_code == 200
        assert requests.get(url + "/admin/login", timeout=10).status_code == 200
        assert h.artisan(root, env, "view:cache").returncode == 0
    finally:
        assert h.artisan(root, env, "optimize:clear").returncode == 0


def test_health_503_when_database_is_down(info, served):
    dead = h.free_port()
    env = dict(served["env"], DATABASE_URL=f"postgresql://facturino:x@127.0.0.1:{dead}/facturino")
    with h.serve(served["root"], env) as url:
        resp = requests.get(url + "/api/health", timeout=10)
        assert resp.status_code == 503 and resp.json()["status"] == "error"
        assert requests.get(url + "/api/v1/auth/ping", timeout=10).status_code == 200


def test_missing_app_key_breaks_web_routes_only(served):
    env = dict(served["env"])
    env.pop("APP_KEY")
    with h.serve(served["root"], env) as url:
        assert requests.get(url + "/admin/login", timeout=10).status_code == 500
        assert requests.get(url + "/api/health", timeout=10).status_code == 200


def test_broken_health_500(info, served, tmp_path):
    root = h.extract(info, "health_500", tmp_path / "health_500")
    with h.serve(root, served["env"]) as url:
        resp = requests.get(url + "/api/health", timeout=10)
        assert resp.status_code == 500 and resp.json()["status"] == "error"
        assert requests.get(url + "/api/v1/auth/ping", timeout=10).status_code == 200


# --------------------------------------------------------------------------- --reset-db

def test_reset_db_terminates_connections_and_restores_base(info):
    db = info["db"]
    idle = psycopg2.connect(host=db["host"], port=db["port"], user=db["user"], password=db["password"],
                            dbname=db["name"])
    with idle, idle.cursor() as cur:
        cur.execute("insert into customers (name, email, created_at, updated_at) "
                    "values ('reset-marker', 'reset@marker.test', now(), now())")
    start = time.monotonic()
    proc, _unused = h.run_prepare_app("--reset-db")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert time.monotonic() - start < 20
    with pytest.raises(psycopg2.OperationalError):
        with idle.cursor() as cur:
            cur.execute("select 1")
    idle.close()
    assert h.query(info, db["name"], "select count(*) from customers where email = 'reset@marker.test'") == [(0,)]
    assert h.query(info, db["name"], "select count(*) from migrations") == [(5,)]
    assert h.query(info, db["name"], "select count(*) from users where email = %s", (info["admin_email"],)) == [(1,)]
    assert not (h.columns(info, db["name"], "users") & h.TWO_FA_COLUMNS)
    assert os.path.isdir(info["app_repo"])


# --------------------------------------------------------------------------- admin pages (the runbook's browser flows)

def admin_session(info, url):
    session = requests.Session()
    page = session.get(url + "/admin/login", timeout=10)
    token = re.search(r'name="_token" value="([^"]+)"', page.text).group(1)
    resp = session.post(url + "/admin/login", data={"_token": token, "email": info["admin_email"],
                                                    "password": info["admin_password"]}, timeout=10)
    assert resp.url.endswith("/admin/dashboard"), resp.url
    return session


def test_invoice_pdf_is_a_real_pdf_from_tcpdf(info, served):
    session = admin_session(info, served["url"])
    resp = session.get(served["url"] + "/admin/invoices/1/pdf", timeout=20)
    assert resp.status_code == 200 and resp.headers["Content-Type"] == "application/pdf"
    assert resp.content.startswith(b"%PDF") and len(resp.content) > 1024
    assert 'filename="invoice-INV-000001.pdf"' in resp.headers["Content-Disposition"]


def test_two_factor_page_says_it_needs_the_migration_on_the_base_commit(info, served):
    session = admin_session(info, served["url"])
    page = session.get(served["url"] + "/admin/two-factor", timeout=10)
    assert page.status_code == 200 and "needs the v1.0.0 migration" in page.text


def test_broken_invoice_pdf_answers_500_while_the_rest_serves(info, served, tmp_path):
    root = h.extract(info, "invoice_pdf_broken", tmp_path / "invoice_pdf_broken")
    with h.serve(root, served["env"]) as url:
        assert requests.get(url + "/api/health", timeout=10).status_code == 200
        session = admin_session(info, url)
        assert session.get(url + "/admin/invoices/1", timeout=10).status_code == 200
        assert session.get(url + "/admin/invoices/1/pdf", timeout=20).status_code == 500
