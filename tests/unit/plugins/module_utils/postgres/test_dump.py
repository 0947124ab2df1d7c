"""dump_database with a fake pg_dump and a fake database session: atomicity, secrets, cleanup."""

import os
import threading

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.postgres import dump
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import conn_params_from_options
from ansible_collections.facturino.release.plugins.module_utils.postgres.tools import Tools

SECRET = "pw-Secret-123"


class FakeSession:
    def __init__(self):
        self.cancelled = False
        self.closed = False
        self.release = threading.Event()

    def rollback(self):
        pass

    def set_session(self, **kwargs):
        self.session = kwargs

    def cancel(self):
        self.cancelled = True
        self.release.set()

    def close(self):
        self.closed = True


class FakeRunner:
    """pg_dump writes ``payload`` to --file, then exits with ``rc``; pg_restore --list lists one table."""

    def __init__(self, rc=0, stderr="", payload=b"PGDMP-partial-bytes"):
        self.rc, self.stderr, self.payload = rc, stderr, payload
        self.calls = []

    def which(self, name):
        return "/usr/bin/" + name

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        self.calls.append((list(argv), dict(env or {})))
        if argv[-1] == "--version":
            return CommandResult(argv, 0, "pg_dump (PostgreSQL) 15.20", "", 1.0)
        if argv[0].endswith("pg_restore"):
            return CommandResult(argv, 0, "; Archive\n3001; 0 16390 TABLE DATA public t postgres\n", "", 1.0)
        output = [a for a in argv if a.startswith("--file=")][0][len("--file="):]
        with open(output, "wb") as handle:
            handle.write(self.payload)
        return CommandResult(argv, self.rc, "", self.stderr, 5.0)


@pytest.fixture
def session(monkeypatch):
    fake = FakeSession()
    monkeypatch.setattr(dump, "connect", lambda conn: fake)
    monkeypatch.setattr(dump, "query", lambda handle, sql, args=None, conn=None: [("00000003-0000001B-1",)])
    monkeypatch.setattr(dump.catalog, "server_version", lambda handle: (150020, "15.20"))
    monkeypatch.setattr(dump.catalog, "list_tables", lambda handle: ["public.t"])
    monkeypatch.setattr(dump.catalog, "sequence_values", lambda handle: {"public.t_id_seq": 7})
    monkeypatch.setattr(dump.catalog, "count_rows", lambda handle, tables: {"public.t": 7})
    return fake


def conn():
    return conn_params_from_options({"database_url": "postgresql://app:%s@db.internal:5432/facturino" % SECRET})


def test_failed_dump_leaves_nothing_new_and_prior_backup_byte_identical(tmp_path, session, monkeypatch):
    def slow_count(handle, tables):  # a count still running when pg_dump fails must be cancelled, not awaited
        if not handle.release.wait(5):
            raise AssertionError("count was never cancelled")
        raise RuntimeError("canceling statement due to user request")

    monkeypatch.setattr(dump.catalog, "count_rows", slow_count)
    prior = tmp_path / "facturino_l.dump"
    prior.write_bytes(b"previous good dump")
    runner = FakeRunner(rc=1, stderr="pg_dump: error: could not write to output file: No space left on device")
    with pytest.raises(BackupError) as caught:
        dump.dump_database(runner, Tools(runner), conn(), str(tmp_path), "facturino_l.dump", "l")
    assert "disk space" in caught.value.message and caught.value.hint
    assert prior.read_bytes() == b"previous good dump"
    assert sorted(os.listdir(tmp_path)) == ["facturino_l.dump"]  # temp removed, no manifest
    assert session.cancelled and session.closed


def test_interrupted_dump_is_reported_and_leaves_no_file(tmp_path, session):
    runner = FakeRunner(rc=1, stderr="pg_dump: error: FATAL:  terminating connection due to administrator command")
    with pytest.raises(BackupError, match="interrupted"):
        dump.dump_database(runner, Tools(runner), conn(), str(tmp_path), "facturino_l.dump", "l")
    assert os.listdir(tmp_path) == []


def test_password_goes_through_env_only_and_snapshot_is_passed(tmp_path, session):
    runner = FakeRunner(payload=b"PGDMP complete")
    manifest = dump.dump_database(runner, Tools(runner), conn(), str(tmp_path), "facturino_l.dump", "l")
    for argv, env in runner.calls:
        assert not any(SECRET in arg for arg in argv)
    pg_dump_argv, pg_dump_env = [c for c in runner.calls if "--snapshot=00000003-0000001B-1" in c[0]][0]
    assert pg_dump_env["PGPASSWORD"] == SECRET and pg_dump_env["PGDATABASE"] == "facturino"
    assert "--compress=1" in pg_dump_argv and "--format=c" in pg_dump_argv
    assert manifest["row_counts"] == {"public.t": 7} and manifest["verification"]["verified"] is True
    assert SECRET not in (tmp_path / "facturino_l.dump.manifest.json").read_text()
    assert sorted(os.listdir(tmp_path)) == ["facturino_l.dump", "facturino_l.dump.manifest.json", "facturino_l.dump.sha256"]


def test_dump_that_fails_its_own_verification_is_discarded(tmp_path, session, monkeypatch):
    runner = FakeRunner(payload=b"PGDMP")
    monkeypatch.setattr(dump.catalog, "list_tables", lambda handle: ["public.t", "public.u"])
    monkeypatch.setattr(dump.catalog, "count_rows", lambda handle, tables: {"public.t": 1, "public.u": 2})
    with pytest.raises(BackupError, match="failed its verification"):
        dump.dump_database(runner, Tools(runner), conn(), str(tmp_path), "facturino_l.dump", "l")
    assert os.listdir(tmp_path) == []
