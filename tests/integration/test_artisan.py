"""facturino.release.artisan against the sandbox app's commits, real php artisan and a real PostgreSQL.

Each test gets its own throwaway database (fr_artisan_<random>, dropped afterwards) and its own clone of
sandbox/.state/origin.git, so the sandbox's working clone and its `facturino` database are never touched.
"""

import base64
import io
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request
import uuid

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, wait_until
from tests.support.modules import REPO_ROOT, run_module

pytestmark = pytest.mark.sandbox

ORIGIN = os.path.join(os.environ.get("SANDBOX_STATE_DIR") or os.path.join(REPO_ROOT, "sandbox", ".state"), "origin.git")
PREPARE_APP = os.path.join(REPO_ROOT, "sandbox", "bin", "prepare-app")
TWO_FA = "2025_11_16_233237_add_two_factor_columns_to_users_table"
APP_KEY = "base64:" + base64.b64encode(b"facturino-artisan-integration-32").decode()


@pytest.fixture(scope="module")
def origin():
    if not os.path.isdir(ORIGIN):
        subprocess.run([PREPARE_APP], check=True, cwd=REPO_ROOT, stdout=subprocess.DEVNULL)
    return ORIGIN


@pytest.fixture
def checkout(origin, tmp_path):
    """checkout(branch) -> path of a private clone at that branch."""
    def clone(branch):
        path = str(tmp_path / branch.replace("/", "_"))
        subprocess.run(["git", "clone", "-q", "--branch", branch, origin, path], check=True)
        return path
    return clone


@pytest.fixture
def database():
    psycopg2 = pytest.importorskip("psycopg2")
    name = "fr_artisan_" + uuid.uuid4().hex[:10]
    admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute('CREATE DATABASE "%s"' % name)
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname=name)
    connection.autocommit = True
    try:
        yield Database(name, connection)
    finally:
        connection.close()
        admin.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % name)
        admin.close()


class Database:
    def __init__(self, name, connection):
        self.name = name
        self.connection = connection

    def query(self, sql, params=None):
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def dump(self, table):
        """The table's rows exactly as COPY prints them (empty string when the table does not exist)."""
        if not self.query("select to_regclass(%s)", (table,))[0][0]:
            return ""
        buffer = io.StringIO()
        with self.connection.cursor() as cursor:
            cursor.copy_expert("COPY (SELECT * FROM %s ORDER BY id) TO STDOUT" % table, buffer)
        return buffer.getvalue()

    def two_factor_columns(self):
        rows = self.query("select column_name from information_schema.columns where table_name = 'users' "
                          "and column_name like 'two_factor%%' order by column_name")
        return [row[0] for row in rows]

    def environment(self, **overrides):
        environment = {"APP_ENV": "production", "APP_KEY": APP_KEY, "DB_CONNECTION": "pgsql", "DB_HOST": "127.0.0.1",
                       "DB_PORT": "5432", "DB_DATABASE": self.name, "DB_USERNAME": "postgres", "DB_PASSWORD": "",
                       "CACHE_DRIVER": "file", "QUEUE_CONNECTION": "database", "LOG_CHANNEL": "single"}
        environment.update(overrides)
        return environment


def artisan(app, db, command, check_mode=False, diff=False, environment=None, **args):
    args.update(app_path=app, command=command, environment=environment or db.environment())
    return run_module("artisan", args, check_mode=check_mode, diff=diff)


def test_migrate_fresh_database_adds_the_2fa_columns(checkout, database):
    app = checkout("release/v1.0.0")
    status = artisan(app, database, "migrate_status")
    assert not status.failed and status["table_missing"] is True and TWO_FA in status["pending"]
    result = artisan(app, database, "migrate")
    assert result.changed and not result.failed, result.get("msg")
    assert result["applied"] == result["pending_before"] and result["applied"][-1] == TWO_FA
    assert result["batch"] == 1 and result["pending_after"] == []
    assert "--force" in result["cmd"] and result["rc"] == 0
    assert database.two_factor_columns() == ["two_factor_confirmed_at", "two_factor_recovery_codes", "two_factor_secret"]


def test_second_migrate_reports_unchanged(checkout, database):
    app = checkout("release/v1.0.0")
    assert artisan(app, database, "migrate").changed
    again = artisan(app, database, "migrate")
    assert not again.failed and not again.changed and again["applied"] == [] and again["pending_before"] == []


def test_check_mode_leaves_the_migrations_table_byte_for_byte(checkout, database):
    base, release = checkout("main"), checkout("release/v1.0.0")
    fresh = artisan(release, database, "migrate", check_mode=True)
    assert fresh.changed and TWO_FA in fresh["applied"] and database.dump("migrations") == ""
    assert artisan(base, database, "migrate").changed
    before = database.dump("migrations")
    preview = artisan(release, database, "migrate", check_mode=True)
    assert preview.changed and preview["applied"] == [TWO_FA] and "--pretend" in preview["cmd"]
    assert any('"two_factor_secret"' in query["query"] for query in preview["sql"])
    assert database.dump("migrations") == before and database.two_factor_columns() == []


def test_rollback_one_step_then_migrate_again(checkout, database):
    app = checkout("release/v1.0.0")
    artisan(app, database, "migrate")
    preview = artisan(app, database, "rollback", check_mode=True, step=1)
    assert preview["rolled_back"] == [TWO_FA] and len(database.two_factor_columns()) == 3
    rolled = artisan(app, database, "rollback", step=1)
    assert rolled.changed and rolled["rolled_back"] == [TWO_FA] and database.two_factor_columns() == []
    again = artisan(app, database, "migrate")
    assert again["applied"] == [TWO_FA] and again["batch"] == 2 and len(database.two_factor_columns()) == 3


def test_failing_migration_fails_with_laravels_error(checkout, database):
    app = checkout("broken/migration-fails")
    result = artisan(app, database, "migrate")
    assert result.failed and result["rc"] == 1
    assert "SQLSTATE" in result["msg"] and "does not exist" in result["msg"]
    assert result["applied"] and result["applied"][-1] == "2025_11_17_080000_create_invoice_items_table"
    assert "2025_11_17_080100_backfill_invoice_items_from_invoices" in artisan(app, database, "migrate_status")["pending"]


@pytest.mark.parametrize("command, prepare", [
    ("config:cache", None), ("route:cache", None), ("view:cache", None), ("optimize", None),
    ("config:clear", "config:cache"), ("route:clear", "route:cache"), ("view:clear", "view:cache"),
    ("optimize:clear", "optimize"), ("cache:clear", "queue_restart"),
])
def test_cache_operations_report_real_changes(checkout, database, command, prepare):
    app = checkout("main")
    if prepare:
        assert not artisan(app, database, prepare).failed
    predicted = artisan(app, database, command, check_mode=True)
    first = artisan(app, database, command, diff=True)
    assert not first.failed, first.get("msg")
    assert first.changed and predicted.changed and "diff" in first
    assert any(first["cache_changes"].values())
    second_prediction = artisan(app, database, command, check_mode=True)
    second = artisan(app, database, command)
    assert not second.changed and not any(second["cache_changes"].values())
    assert second_prediction.changed is False


def test_config_cache_warns_that_environment_will_be_ignored(checkout, database):
    result = artisan(checkout("main"), database, "config:cache")
    assert any("bakes the environment" in str(warning) for warning in result.get("warnings", []))


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture
def served(checkout, database):
    """The main commit served by php -S with the test database; yields (app, health_url)."""
    app, port = checkout("main"), _free_port()
    assert artisan(app, database, "migrate").changed
    env = dict(os.environ, **database.environment())
    server = subprocess.Popen(["php", "-S", "127.0.0.1:%d" % port, "-t", "public", "server.php"], cwd=app, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = "http://127.0.0.1:%d/api/health" % port
    try:
        wait_until(lambda: _status(url), lambda code: code is not None, timeout=15, backoff=Backoff(0.1, 1.5, 1.0))
        yield app, url
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


def test_down_up_are_idempotent_and_health_answers_503_while_down(served, database):
    app, url = served
    assert _status(url) == 200
    assert artisan(app, database, "down", check_mode=True).changed and _status(url) == 200
    down = artisan(app, database, "down", secret="bypass-" + uuid.uuid4().hex, retry=60)
    assert down.changed and down["maintenance"] is True and "--secret=********" in down["cmd"]
    assert _status(url) == 503
    again = artisan(app, database, "down")
    assert not again.changed and again["maintenance"] is True
    up = artisan(app, database, "up", diff=True)
    assert up.changed and up["maintenance"] is False and _status(url) == 200
    assert up["diff"]["before"].startswith("maintenance mode") and up["diff"]["after"].startswith("live")
    assert not artisan(app, database, "up").changed


def test_queue_work_once_processes_a_real_job(checkout, database):
    app = checkout("main")
    artisan(app, database, "migrate")
    empty = artisan(app, database, "queue_work_once")
    assert not empty.failed and empty["job_ran"] is False and not empty.changed
    assert empty["duration_ms"] < 2500  # --sleep=0: an empty queue does not wait 3 s
    assert artisan(app, database, "raw", argv=["sandbox:dispatch"]).changed
    assert database.query("select count(*) from jobs")[0][0] == 1
    worked = artisan(app, database, "queue_work_once")
    assert worked.changed and worked["job_ran"] and worked["job_failed"] is False, worked.get("msg")
    assert worked["job"] == "App\\Jobs\\SandboxJob" and database.query("select count(*) from jobs")[0][0] == 0
    artisan(app, database, "raw", argv=["sandbox:dispatch", "--fail"])
    failing = artisan(app, database, "queue_work_once")
    assert failing["job_ran"] and failing["job_failed"] is True
    failed = artisan(app, database, "queue_failed")
    ids = [row[0] for row in database.query("select uuid from failed_jobs")]
    assert failed["failed_count"] == 1 and failed["failed_ids"] == ids and not failed.changed


def test_queue_work_with_database_down_fails_although_artisan_exits_0(checkout, database):
    app = checkout("main")
    result = artisan(app, database, "queue_work_once", environment=database.environment(DB_PORT="1"))
    assert result.failed and result["rc"] == 0 and "queue connection failed" in result["msg"]
    assert "refused the connection" in result["msg"]


def test_production_guards_name_cause_and_fix(checkout, database):
    app = checkout("main")
    no_key = database.environment()
    del no_key["APP_KEY"]
    result = artisan(app, database, "migrate", environment=no_key)
    assert result.failed and "APP_KEY is not set" in result["msg"] and "key:generate --show" in result["msg"]
    missing_db = artisan(app, database, "migrate", environment=database.environment(DB_DATABASE="fr_artisan_absent"))
    assert missing_db.failed and 'database "fr_artisan_absent" does not exist' in missing_db["msg"]
    no_php = artisan(app, database, "migrate", php="php-not-installed")
    assert no_php.failed and "php-not-installed" in no_php["msg"] and "install php-cli" in no_php["msg"]


def test_key_generate_without_app_key_line_fails(checkout, database):
    app = checkout("main")
    with open(os.path.join(app, ".env"), "w", encoding="utf-8") as handle:
        handle.write("APP_NAME=Facturino\n")
    environment = database.environment()
    del environment["APP_KEY"]
    result = artisan(app, database, "raw", argv=["key:generate"], environment=environment)
    assert result.failed and "has no APP_KEY line" in result["msg"] and result["rc"] == 0


def test_version_is_read_from_artisan(checkout, database):
    result = artisan(checkout("main"), database, "version")
    assert result["laravel_version"].startswith("8.") and not result.changed


def test_unwritable_log_hides_a_failure_behind_exit_0_but_not_from_the_module(checkout, database):
    app = checkout("main")
    log = os.path.join(app, "storage", "logs", "laravel.log")
    os.makedirs(log)  # a directory where the log file should be: Monolog cannot append (root ignores chmod)
    result = artisan(app, database, "migrate_status", environment=database.environment(DB_PORT="1"))
    assert result.failed and result["rc"] == 0
    assert "storage/logs is not writable" in result["msg"] and "Connection refused" in result["msg"]


def test_cache_clear_failure_behind_exit_0_is_reported(checkout, database):
    app = checkout("main")
    data = os.path.join(app, "storage", "framework", "cache", "data")
    shutil.rmtree(data, ignore_errors=True)
    with open(data, "w", encoding="utf-8") as handle:
        handle.write("not a directory")  # the file store cannot flush it, exactly as with wrong permissions
    result = artisan(app, database, "cache:clear")
    assert result.failed and result["rc"] == 0 and "could not delete the cache files" in result["msg"]


def probe(app, db, check_mode=False, environment=None, **args):
    args.update(app_path=app, environment=environment or db.environment())
    return run_module("laravel_probe", args, check_mode=check_mode)


def test_probe_runs_the_runbooks_tinker_checks_in_one_process(checkout, database):
    app = checkout("release/v1.0.0")
    assert artisan(app, database, "migrate").changed
    database.query("insert into users (name, email, password) values ('a', 'a@x', 'x'), ('b', 'b@x', 'x')")
    result = probe(app, database, checks=["db", "users", "cache", "queue", "failed_jobs"],
                   columns={"users": ["two_factor%"]}, queries={"invoices": "select count(*) as n from invoices"})
    assert not result.failed and not result.changed and result["ok"], result
    assert result["db"]["connected"] and result["db"]["driver"] == "pgsql" and result["db"]["database"] == database.name
    assert result["users"] == 2 and result["cache"]["round_trip"] and result["queue"]["backlog"] == 0
    assert sorted(result["columns"]["users"]) == ["two_factor_confirmed_at", "two_factor_recovery_codes",
                                                  "two_factor_secret"]
    assert result["queries"]["invoices"] == {"n": 0} and result["errors"] == {}


def test_probe_reports_a_database_it_cannot_reach_without_failing(checkout, database):
    app = checkout("main")
    result = probe(app, database, checks=["db", "users"], environment=database.environment(DB_PORT="1"))
    assert not result.failed and not result["ok"]
    assert "db" in result["errors"] and "users" in result["errors"]
    assert database.environment()["APP_KEY"] not in str(result)


def test_probe_check_mode_dispatches_nothing_and_bad_queries_are_refused(checkout, database):
    app = checkout("main")
    assert artisan(app, database, "migrate").changed
    result = probe(app, database, check_mode=True, checks=["queue"], dispatch="sandbox:dispatch")
    assert result["ok"] and "dispatch" not in result and result["queue"]["backlog"] == 0
    refused = probe(app, database, queries={"wipe": "delete from users"})
    assert refused.failed and "queries.wipe must be one read-only SELECT" in refused["msg"]
