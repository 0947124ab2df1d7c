"""What a dump contains (for clean's drop of relations it lacks), and restore argv guards."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
from ansible_collections.facturino.release.plugins.module_utils.postgres import catalog, restore
from ansible_collections.facturino.release.plugins.module_utils.postgres.tools import Tools

PRE_DATA = '''
CREATE SCHEMA "My S";
CREATE TABLE "My S"."select" (
    a integer
);
CREATE TABLE public."Audit Log" (
CREATE SEQUENCE public."Audit Log_id_seq"
CREATE SEQUENCE public.s1
CREATE MATERIALIZED VIEW public.mv AS
CREATE UNLOGGED TABLE public.cache (
CREATE FOREIGN TABLE remote.rates (
CREATE VIEW public."v ""w""" AS
CREATE TABLE public.p (
CREATE TABLE public.p1 (
CREATE INDEX invoices_status_idx ON public.invoices USING btree (status);
CREATE FUNCTION public.f() RETURNS trigger
ALTER TABLE ONLY public.p ATTACH PARTITION public.p1 FOR VALUES FROM (0) TO (10);
    CREATE TABLE public.inside_a_function_body (
'''


def test_created_relations_reads_pg_dump_quoting():
    assert restore.created_relations(PRE_DATA.splitlines()) == {
        ("My S", "select"), ("public", "Audit Log"), ("public", "Audit Log_id_seq"), ("public", "s1"),
        ("public", "mv"), ("public", "cache"), ("remote", "rates"), ("public", 'v "w"'), ("public", "p"),
        ("public", "p1")}


def test_plain_dump_relations_stop_at_the_first_data(tmp_path):
    path = tmp_path / "db.sql"
    path.write_text("CREATE TABLE public.a (\n    id int\n);\n\n--\n-- Data for Name: a; Type: TABLE DATA\n--\n\n"
                    "COPY public.a (id) FROM stdin;\nCREATE TABLE public.not_schema (\n\\.\n", encoding="utf-8")
    assert restore.dump_relations(None, None, str(path), "plain") == {("public", "a")}


class ListingRunner:
    def __init__(self, rc=0, stdout="", stderr=""):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.calls = []

    def which(self, name):
        return "/usr/bin/" + name

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        self.calls.append(list(argv))
        return CommandResult(argv, self.rc, self.stdout, self.stderr, 1.0)


def test_archive_relations_come_from_the_pre_data_section():
    runner = ListingRunner(stdout=PRE_DATA)
    found = restore.dump_relations(runner, Tools(runner), "/b/db.dump", "custom")
    assert ("public", "Audit Log") in found
    assert runner.calls == [["/usr/bin/pg_restore", "--section=pre-data", "--file=-", "/b/db.dump"]]


def test_unreadable_archive_schema_is_a_clear_error():
    runner = ListingRunner(rc=1, stderr="pg_restore: error: did not find magic string in file header\n")
    with pytest.raises(BackupError, match="cannot read the schema of /b/db.dump: .*magic string"):
        restore.dump_relations(runner, Tools(runner), "/b/db.dump", "custom")


class RecordingHandle:
    def __init__(self):
        self.statements = []
        self.committed = False

    def commit(self):
        self.committed = True


def test_drop_relations_drops_tables_first_with_cascade_in_one_transaction(monkeypatch):
    handle = RecordingHandle()
    monkeypatch.setattr(catalog, "query", lambda h, sql, args=None, conn=None: h.statements.append(sql) or [])
    catalog.drop_relations(handle, [("public.v", "v"), ('public."Pay ments"', "r"), ("public.s", "S"),
                                    ("public.mv", "m"), ("public.parent", "p")])
    assert handle.statements == ["DROP TABLE IF EXISTS public.parent CASCADE",
                                 'DROP TABLE IF EXISTS public."Pay ments" CASCADE',
                                 "DROP MATERIALIZED VIEW IF EXISTS public.mv CASCADE",
                                 "DROP VIEW IF EXISTS public.v CASCADE",
                                 "DROP SEQUENCE IF EXISTS public.s CASCADE"]
    assert handle.committed


def test_compressed_plain_dump_is_refused_before_anything_happens():
    with pytest.raises(BackupError, match="gunzip"):
        restore.check_restorable("/b/db.sql.gz", "plain")
    restore.check_restorable("/b/db.sql", "plain")
