"""pg_backup against the real PostgreSQL (127.0.0.1:5432): round trips, corruption, interruption, retention, errors.

Every test works in throwaway databases named fr_pgb_<hex> and drops them afterwards.
"""

import binascii
import json
import os
import re
import signal
import threading
import time

import pytest

psycopg2 = pytest.importorskip("psycopg2")

HOST, PORT, USER = os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432")), "postgres"
SENTINEL_PASSWORD = "Pw-SENTINEL-7f3a"  # trust auth accepts it; it must never show up in any output

DATA_SQL = """
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text, vat text, logo bytea,
                        created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE invoices (id bigserial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id),
                       number text NOT NULL UNIQUE, total numeric(12,2), pdf bytea, memo text, paid_on date);
CREATE SEQUENCE invoice_number_seq START 1000;
CREATE TABLE "Audit Log" (id serial PRIMARY KEY, "Event" text);
INSERT INTO customers (name, email, vat, logo)
SELECT (ARRAY['Фактурино ДООЕЛ Скопје', 'Ćevapi d.o.o. Niš', 'Ünïcödé GmbH 😀', 'O''Brien & Sons'])[1 + g % 4] || ' #' || g,
       CASE WHEN g % 3 = 0 THEN NULL ELSE 'c' || g || '@example.mk' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'MK' || lpad(g::text, 13, '0') END,
       CASE WHEN g % 2 = 0 THEN decode(md5(g::text) || md5((g + 1)::text), 'hex') END
FROM generate_series(1, 300) g;
INSERT INTO invoices (customer_id, number, total, pdf, memo, paid_on)
SELECT 1 + g % 300, 'INV-' || nextval('invoice_number_seq'), round((g * 13.37)::numeric % 10000, 2),
       CASE WHEN g % 4 = 0 THEN NULL ELSE decode(repeat(md5(g::text), 8), 'hex') END,
       CASE WHEN g % 7 = 0 THEN NULL ELSE E'ред\\tline\\n' || g END,
       CASE WHEN g % 2 = 0 THEN date '2025-01-01' + g % 365 END
FROM generate_series(1, 3000) g;
INSERT INTO "Audit Log" ("Event") SELECT 'ev' || g FROM generate_series(1, 42) g;
"""

FINGERPRINT_SQL = """
SELECT (SELECT md5(string_agg(c::text, '|' ORDER BY id)) FROM customers c),
       (SELECT md5(string_agg(i::text, '|' ORDER BY id)) FROM invoices i),
       (SELECT count(*) FROM "Audit Log"),
       (SELECT last_value FROM invoice_number_seq), (SELECT last_value FROM invoices_id_seq),
       (SELECT last_value FROM customers_id_seq)
"""


def admin(sql, dbname="postgres", fetch=False):
    handle = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=dbname)
    handle.autocommit = True
    try:
        with handle.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall() if fetch else None
    finally:
        handle.close()


def new_name(prefix="fr_pgb_"):
    return prefix + binascii.hexlify(os.urandom(4)).decode()


@pytest.fixture
def databases():
    """Factory of throwaway databases; all dropped at teardown (also the module's scratch databases)."""
    created = []

    def make(with_data=True):
        name = new_name()
        admin("CREATE DATABASE %s" % name)
        created.append(name)
        if with_data:
            admin(DATA_SQL, dbname=name)
        return name

    yield make
    for name in created:
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    for (name,) in admin("SELECT datname FROM pg_database WHERE datname LIKE 'fr_pgb_%%_pgbverify_%%'", fetch=True):
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)


def conn(dbname):
    return {"host": HOST, "port": PORT, "user": USER, "password": SENTINEL_PASSWORD, "dbname": dbname}


def fingerprint(dbname):
    return admin(FINGERPRINT_SQL, dbname=dbname, fetch=True)[0]


def no_secret(result):
    assert SENTINEL_PASSWORD not in json.dumps({k: v for k, v in result.items() if not k.startswith("_raw")})
    assert SENTINEL_PASSWORD not in result["_raw_stdout"] + result["_raw_stderr"]


@pytest.mark.parametrize("fmt,extra", [("custom", {}), ("directory", {"jobs": 2}), ("plain", {})])
def test_round_trip_dump_verify_restore(run_module, databases, tmp_path, fmt, extra):
    source, target = databases(), new_name()
    before = fingerprint(source)
    dumped = run_module("pg_backup", dict(conn(source), state="dumped", label="pre_v1.0.0", dest=str(tmp_path),
                                          format=fmt, **extra))
    assert not dumped.failed, dumped.get("msg")
    assert dumped.changed and dumped["verified"]
    assert dumped["row_counts"] == {"public.customers": 300, "public.invoices": 3000, 'public."Audit Log"': 42}
    assert os.path.exists(dumped["dump_path"]) and os.path.exists(dumped["manifest_path"])
    manifest = json.loads(open(dumped["manifest_path"], encoding="utf-8").read())
    assert manifest["checksum"]["value"] == dumped["checksum"] and manifest["server_version"].startswith("15")
    assert manifest["sequences"]["public.invoice_number_seq"] == before[3]
    verified = run_module("pg_backup", dict(conn(source), state="verified", path=dumped["dump_path"],
                                            restore_test=fmt == "custom"))
    assert not verified.failed and verified["verified"] is True and verified["reasons"] == [], verified.get("msg")
    databases_before = set(r[0] for r in admin("SELECT datname FROM pg_database", fetch=True))
    restored = run_module("pg_backup", dict(conn(target), state="restored", path=dumped["dump_path"], **extra))
    try:
        assert not restored.failed, restored.get("msg")
        assert restored["database_created"] is True and restored["row_count_mismatches"] == []
        assert fingerprint(target) == before  # rows byte for byte, and every sequence value
        assert not any("_pgbverify_" in d for d in databases_before)  # the restore test dropped its scratch db
        for result in (dumped, verified, restored):
            no_secret(result)
    finally:
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % target)


def test_check_mode_writes_nothing_and_dumped_is_idempotent(run_module, databases, tmp_path):
    source = databases()
    dest = tmp_path / "backups"
    args = dict(conn(source), state="dumped", label="pre_v1.0.0", dest=str(dest))
    check = run_module("pg_backup", args, check_mode=True)
    assert check.changed and not check.failed
    assert not dest.exists()
    first = run_module("pg_backup", args)
    assert first.changed
    files = sorted(os.listdir(dest))
    mtime = os.path.getmtime(first["dump_path"])
    assert not run_module("pg_backup", args, check_mode=True).changed
    second = run_module("pg_backup", args)
    assert not second.changed and second["checksum"] == first["checksum"]
    assert sorted(os.listdir(dest)) == files and os.path.getmtime(first["dump_path"]) == mtime
    forced = run_module("pg_backup", dict(args, force=True))
    assert forced.changed and sorted(os.listdir(dest)) == files


def test_flipped_byte_and_truncation_are_caught(run_module, databases, tmp_path):
    source = databases()
    dumped = run_module("pg_backup", dict(conn(source), state="dumped", label="x", dest=str(tmp_path)))
    path = dumped["dump_path"]
    original = open(path, "rb").read()
    with open(path, "r+b") as handle:
        handle.seek(len(original) // 2)
        handle.write(bytes([original[len(original) // 2] ^ 0x10]))
    flipped = run_module("pg_backup", {"state": "verified", "path": path})
    assert flipped.failed and flipped["verified"] is False
    assert "sha256 mismatch" in flipped["msg"] and path in flipped["msg"]
    refused = run_module("pg_backup", dict(conn(new_name()), state="restored", path=path))
    assert refused.failed and "refusing to restore" in refused["msg"]
    with open(path, "wb") as handle:
        handle.write(original[: len(original) - 100])
    truncated = run_module("pg_backup", {"state": "verified", "path": path})
    assert truncated.failed and any("truncated" in r for r in truncated["reasons"])
    listed = run_module("pg_backup", {"state": "listed", "dest": str(tmp_path)})
    assert listed["backups"][0]["status"] == "corrupt"


def _wait_for(predicate, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("condition not reached in %s s" % timeout)


def _blocked_pg_dump(dbname):
    rows = admin("SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND query LIKE 'LOCK TABLE%%' "
                 "AND wait_event_type = 'Lock'" % dbname, fetch=True)
    return rows[0][0] if rows else None


def _pg_dump_process(dest):
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open("/proc/%s/cmdline" % pid, "rb").read().split(b"\0")
        except OSError:
            continue
        if cmdline and cmdline[0].endswith(b"pg_dump") and any(arg.startswith(b"--file=" + dest.encode()) for arg in cmdline):
            return int(pid)
    return None


@pytest.mark.parametrize("how", ["terminate_backend", "kill_pg_dump"])
def test_interrupted_dump_leaves_nothing_under_the_final_name(run_module, databases, tmp_path, how):
    source = databases()
    dest = str(tmp_path)
    locker = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=source)
    result = {}
    try:
        with locker.cursor() as cursor:  # pg_dump blocks on this lock, mid-dump, until we interrupt it
            cursor.execute("LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE")
        worker = threading.Thread(target=lambda: result.update(run_module(
            "pg_backup", dict(conn(source), state="dumped", label="pre_v1.0.0", dest=dest))))
        worker.start()
        backend = _wait_for(lambda: _blocked_pg_dump(source))
        if how == "terminate_backend":
            admin("SELECT pg_terminate_backend(%d)" % backend)
        else:
            os.kill(_wait_for(lambda: _pg_dump_process(dest)), signal.SIGKILL)
        worker.join(60)
    finally:
        locker.rollback()
        locker.close()
    assert result["failed"]
    assert ("interrupted" if how == "terminate_backend" else "killed") in result["msg"]
    assert os.listdir(dest) == []  # no dump, no temp, no manifest
    no_secret(result)


def test_restore_over_non_empty_database_needs_clean(run_module, databases, tmp_path):
    source = databases()
    dumped = run_module("pg_backup", dict(conn(source), state="dumped", label="pre_v1.0.0", dest=str(tmp_path)))
    assert not dumped.failed, dumped.get("msg")
    before = fingerprint(source)
    admin("UPDATE invoices SET total = 0 WHERE id <= 10; INSERT INTO customers (name) VALUES ('after backup');"
          "CREATE TABLE two_factor_tokens (id int)", dbname=source)
    mutated = fingerprint(source)
    args = dict(conn(source), state="restored", dest=str(tmp_path), label="pre_v1.0.0")
    refused = run_module("pg_backup", args)
    assert refused.failed and "not empty" in refused["msg"] and "clean: true" in refused["msg"]
    assert fingerprint(source) == mutated  # nothing was touched
    assert run_module("pg_backup", dict(args, clean=True), check_mode=True).changed
    assert fingerprint(source) == mutated
    restored = run_module("pg_backup", dict(args, clean=True, safety_backup=True))
    assert not restored.failed, restored.get("msg")
    assert fingerprint(source) == before
    # a table created after the dump is not the dump's: clean drops it, so the target is the dump again
    assert restored["dropped_relations"] == [{"name": "public.two_factor_tokens", "kind": "table"}]
    assert restored["extra_tables"] == [] and not table_exists(source, "two_factor_tokens")
    safety = restored["safety_backup"]
    assert safety["verified"] and safety["row_counts"]["public.customers"] == 301
    assert os.path.dirname(safety["dump_path"]) == str(tmp_path)


def table_exists(dbname, name):
    return admin("SELECT to_regclass('public.%s') IS NOT NULL" % name, dbname=dbname, fetch=True)[0][0]


def row_count(dbname, table):
    return admin("SELECT count(*) FROM %s" % table, dbname=dbname, fetch=True)[0][0]


# a migration of the release being rolled back: a new table with a foreign key to a dumped table, its own sequence,
# a view over both, and a foreign key from a dumped table to the new one
POST_DUMP_MIGRATION_SQL = """
CREATE TABLE payments (id serial PRIMARY KEY, invoice_id bigint NOT NULL REFERENCES invoices(id), amount numeric(12,2),
                       note text);
INSERT INTO payments (invoice_id, amount, note) SELECT id, total, 'уплата ' || id FROM invoices WHERE id <= 100;
CREATE VIEW paid_invoices AS SELECT i.number, p.amount FROM invoices i JOIN payments p ON p.invoice_id = i.id;
ALTER TABLE invoices ADD COLUMN last_payment_id int REFERENCES payments(id);
UPDATE invoices SET last_payment_id = id WHERE id <= 100;
INSERT INTO customers (name) VALUES ('after the dump');
"""


@pytest.mark.parametrize("fmt", ["custom", "plain"])
def test_clean_restore_drops_post_dump_tables_holding_foreign_keys(run_module, databases, tmp_path, fmt):
    source = databases()
    dumped = run_module("pg_backup", dict(conn(source), state="dumped", label="pre_v2.0.0", dest=str(tmp_path),
                                          format=fmt))
    assert not dumped.failed, dumped.get("msg")
    before = fingerprint(source)
    admin(POST_DUMP_MIGRATION_SQL, dbname=source)
    mutated = fingerprint(source)
    args = dict(conn(source), state="restored", dest=str(tmp_path), label="pre_v2.0.0")

    refused = run_module("pg_backup", args)  # without clean: refused, nothing touched
    assert refused.failed and "not empty" in refused["msg"] and "clean: true" in refused["msg"]
    assert fingerprint(source) == mutated and row_count(source, "payments") == 100

    check = run_module("pg_backup", dict(args, clean=True), check_mode=True)  # says what would go, drops nothing
    assert check.changed and not check.failed, check.get("msg")
    assert check["dropped_relations"] == [{"name": "public.paid_invoices", "kind": "view"},
                                          {"name": "public.payments", "kind": "table"}]
    assert "constraint invoices_last_payment_id_fkey on table invoices" in check["dropped_cascade"]
    assert "sequence payments_id_seq" in check["dropped_cascade"]
    assert "public.payments" in check["msg"]
    assert fingerprint(source) == mutated and row_count(source, "payments") == 100

    restored = run_module("pg_backup", dict(args, clean=True, safety_backup=True))
    assert not restored.failed, restored.get("msg")
    assert restored["dropped_relations"] == check["dropped_relations"]
    assert not table_exists(source, "payments") and not table_exists(source, "paid_invoices")
    assert not table_exists(source, "payments_id_seq")
    assert restored["extra_tables"] == [] and restored["row_count_mismatches"] == []
    manifest = json.loads(open(dumped["manifest_path"], encoding="utf-8").read())
    assert restored["row_counts"] == manifest["row_counts"]
    assert {table: row_count(source, table) for table in manifest["row_counts"]} == manifest["row_counts"]
    assert fingerprint(source) == before  # rows and sequences as dumped; the new column is gone with the rest
    # the safety backup, taken before anything was dropped, still has the post-dump table
    assert restored["safety_backup"]["row_counts"]["public.payments"] == 100


@pytest.mark.slow
def test_row_counts_match_the_dump_under_concurrent_writes(run_module, databases, tmp_path):
    source = databases()
    admin("INSERT INTO invoices (customer_id, number, memo) SELECT 1, 'BULK-' || g, repeat('x', 200) "
          "FROM generate_series(1, 300000) g", dbname=source)
    stop = threading.Event()
    inserted = []

    def writer():
        handle = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=source)
        handle.autocommit = True
        with handle.cursor() as cursor:
            while not stop.is_set():
                cursor.execute("INSERT INTO invoices (customer_id, number) VALUES (2, 'LIVE-' || clock_timestamp())")
                inserted.append(1)
        handle.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        dumped = run_module("pg_backup", dict(conn(source), state="dumped", label="live", dest=str(tmp_path),
                                              compression=6))
    finally:
        stop.set()
        thread.join()
    assert not dumped.failed and len(inserted) > 0
    target = new_name()
    try:
        restored = run_module("pg_backup", dict(conn(target), state="restored", path=dumped["dump_path"]))
        assert not restored.failed, restored.get("msg")  # the module fails on any row-count mismatch
        assert restored["row_counts"]["public.invoices"] == dumped["row_counts"]["public.invoices"]
    finally:
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % target)


def _age_manifest(path, days):
    manifest_path = path + ".manifest.json"
    manifest = json.loads(open(manifest_path, encoding="utf-8").read())
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() - days * 86400))
    manifest["created_at"] = stamp
    open(manifest_path, "w", encoding="utf-8").write(json.dumps(manifest))


def test_retention_keeps_newest_verified_and_lists_in_check_and_diff_mode(run_module, databases, tmp_path):
    source = databases(with_data=False)
    dest = str(tmp_path)
    paths = {}
    for label, age in (("a", 30), ("b", 20), ("c", 10)):
        paths[label] = run_module("pg_backup", dict(conn(source), state="dumped", label=label, dest=dest))["dump_path"]
        _age_manifest(paths[label], age)
    with open(paths["c"], "ab") as handle:  # the newest is corrupt: it does not count as good
        handle.write(b"junk")
    prune = {"state": "pruned", "dest": dest, "keep_days": 1}
    check = run_module("pg_backup", prune, check_mode=True, diff=True)
    assert check.changed and [d["path"] for d in check["deleted"]] == [paths["a"]]
    assert os.path.basename(paths["a"]) in check["diff"]["before"] and os.path.basename(paths["a"]) not in check["diff"]["after"]
    assert os.path.exists(paths["a"])
    real = run_module("pg_backup", prune)
    assert real.changed and not os.path.exists(paths["a"]) and not os.path.exists(paths["a"] + ".manifest.json")
    assert os.path.exists(paths["b"])  # the only verified backup left is old, and is kept
    assert not run_module("pg_backup", prune).changed
    listed = run_module("pg_backup", {"state": "listed", "dest": dest})
    assert [(b["label"], b["status"]) for b in listed["backups"]] == [("c", "corrupt"), ("b", "verified")]


def test_every_backup_failed_prunes_nothing(run_module, databases, tmp_path):
    source = databases(with_data=False)
    for label in ("a", "b"):
        path = run_module("pg_backup", dict(conn(source), state="dumped", label=label, dest=str(tmp_path)))["dump_path"]
        os.truncate(path, 10)
    result = run_module("pg_backup", {"state": "pruned", "dest": str(tmp_path), "keep_last": 1})
    assert not result.changed and result["deleted"] == [] and len(os.listdir(tmp_path)) == 6
    assert "no verified backup" in json.dumps(result["warnings"])  # 2.19 wraps warnings in event dicts


def test_old_pg_dump_is_refused_naming_both_versions(run_module, databases, tmp_path):
    source = databases(with_data=False)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    fake = bindir / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 13.4'\n")
    fake.chmod(0o755)
    result = run_module("pg_backup", dict(conn(source), state="dumped", dest=str(tmp_path / "b"), pg_bin_dir=str(bindir)))
    assert result.failed
    assert re.search(r"pg_dump 13\.4 is older than the server \(PostgreSQL 15\.\d+\)", result["msg"])
    assert "postgresql-client-15" in result["msg"] and "Traceback" not in result["msg"]
    assert not (tmp_path / "b").exists()


def test_unreachable_server_and_bad_dest_fail_clearly(run_module, databases, tmp_path):
    down = run_module("pg_backup", dict(conn("app"), port=1, state="dumped", dest=str(tmp_path)))
    assert down.failed and "unreachable" in down["msg"] and "Fix:" in down["msg"]
    no_secret(down)
    source = databases(with_data=False)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    not_dir = run_module("pg_backup", dict(conn(source), state="dumped", dest=str(blocker)))
    assert not_dir.failed and "not a directory" in not_dir["msg"]
    nested = run_module("pg_backup", dict(conn(source), state="dumped", dest=str(blocker / "sub")))
    assert nested.failed and "cannot create dest" in nested["msg"] and "exception" not in nested


S3_SECRET = "S3-SECRET-SENTINEL-91c2"


@pytest.fixture
def s3_server(tmp_path):
    """A local moto S3 server (never a remote one); yields the module's s3_* options."""
    boto3 = pytest.importorskip("boto3")
    pytest.importorskip("moto")
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def up():
            with socket.socket() as sock:
                return sock.connect_ex(("127.0.0.1", port)) == 0
        _wait_for(up, timeout=30)
        options = {"s3_bucket": "facturino-backups", "s3_prefix": "release/", "s3_region": "eu-central-1",
                   "s3_endpoint_url": "http://127.0.0.1:%d" % port, "s3_access_key": "AKIATEST",
                   "s3_secret_key": S3_SECRET}
        client = boto3.client("s3", endpoint_url=options["s3_endpoint_url"], region_name="eu-central-1",
                              aws_access_key_id="AKIATEST", aws_secret_access_key=S3_SECRET)
        client.create_bucket(Bucket="facturino-backups", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
        yield options, client
    finally:
        server.terminate()
        server.wait(10)


def test_s3_upload_after_verification_and_checked_download(run_module, databases, tmp_path, s3_server):
    options, client = s3_server
    source = databases()
    before = fingerprint(source)
    dest = tmp_path / "local"
    args = dict(conn(source), state="dumped", label="pre_v1.0.0", dest=str(dest), **options)
    first = run_module("pg_backup", args)
    assert not first.failed, first.get("msg")
    name = os.path.basename(first["dump_path"])
    assert first["s3_uploaded"] == ["release/" + name, "release/%s.sha256" % name, "release/%s.manifest.json" % name]
    head = client.head_object(Bucket="facturino-backups", Key="release/" + name)
    assert head["Metadata"]["sha256"] == first["checksum"]
    second = run_module("pg_backup", args)
    assert not second.changed and second["s3_uploaded"] == []
    for result in (first, second):
        assert S3_SECRET not in result["_raw_stdout"] + result["_raw_stderr"]
    # the local copy is gone: restore fetches it from S3 and checks every sha256 on the way
    for entry in os.listdir(dest):
        os.unlink(os.path.join(dest, entry))
    target = new_name()
    try:
        restored = run_module("pg_backup", dict(conn(target), state="restored", dest=str(dest), label="pre_v1.0.0",
                                                **options))
        assert not restored.failed, restored.get("msg")
        assert fingerprint(target) == before
    finally:
        admin("DROP DATABASE IF EXISTS %s WITH (FORCE)" % target)
    # a damaged object (bytes differ from its sha256 metadata) is refused and never lands under the final name
    client.put_object(Bucket="facturino-backups", Key="release/" + name, Body=b"PGDMP damaged",
                      Metadata={"sha256": first["checksum"]})
    fresh = tmp_path / "fresh"
    damaged = run_module("pg_backup", dict(conn(source), state="verified", dest=str(fresh), label="pre_v1.0.0", **options))
    assert damaged.failed and "sha256 mismatch on download" in damaged["msg"]
    assert os.listdir(fresh) == []


def test_database_url_password_never_in_output(run_module, databases, tmp_path):
    source = databases(with_data=False)
    url = "postgresql://%s:%s@%s:%d/%s" % (USER, SENTINEL_PASSWORD, HOST, PORT, source)
    dumped = run_module("pg_backup", {"database_url": url, "state": "dumped", "label": "u", "dest": str(tmp_path)})
    assert not dumped.failed and dumped["verified"]
    down = run_module("pg_backup", {"database_url": url.replace(":%d/" % PORT, ":1/"), "state": "dumped",
                                    "dest": str(tmp_path)})
    assert down.failed and "unreachable" in down["msg"]
    for result in (dumped, down):
        no_secret(result)
    for name in os.listdir(tmp_path):
        assert SENTINEL_PASSWORD not in open(os.path.join(tmp_path, name), "rb").read().decode("utf-8", "replace")


def test_killed_module_leaves_only_a_partial_temp_that_prune_ignores(run_module, databases, tmp_path):
    source = databases()
    dest = str(tmp_path)
    assert not run_module("pg_backup", dict(conn(source), state="dumped", label="good", dest=dest)).failed
    locker = psycopg2.connect(host=HOST, port=PORT, user=USER, dbname=source)
    outcome = {}
    try:
        with locker.cursor() as cursor:
            cursor.execute("LOCK TABLE invoices IN ACCESS EXCLUSIVE MODE")

        def call():
            try:
                outcome["result"] = run_module("pg_backup", dict(conn(source), state="dumped", label="killed", dest=dest))
            except AssertionError as error:  # the killed module prints no JSON
                outcome["error"] = str(error)

        worker = threading.Thread(target=call)
        worker.start()
        dumper = _wait_for(lambda: _pg_dump_process(dest))
        parent = int(open("/proc/%d/stat" % dumper).read().rsplit(")", 1)[1].split()[1])
        os.kill(parent, signal.SIGKILL)  # the module dies without cleaning up: the worst case
        os.kill(dumper, signal.SIGKILL)
        worker.join(60)
    finally:
        locker.rollback()
        locker.close()
    assert "error" in outcome
    names = os.listdir(dest)
    assert not any(name.startswith(source + "_killed") for name in names)  # nothing under the final name
    listed = run_module("pg_backup", {"state": "listed", "dest": dest})
    assert sorted(b["status"] for b in listed["backups"]) == ["partial", "verified"]
    pruned = run_module("pg_backup", {"state": "pruned", "dest": dest, "keep_last": 1})
    assert not pruned.changed and any(n.startswith("." + source + "_killed") for n in os.listdir(dest))
