# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restoring a dump into a database, then proving it by comparing every table's row count with the manifest."""

from __future__ import annotations

import binascii
import os
import re
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError, DatabaseError
from ansible_collections.facturino.release.plugins.module_utils.postgres import catalog
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import connect
from ansible_collections.facturino.release.plugins.module_utils.postgres.errors_map import tool_failure
from ansible_collections.facturino.release.plugins.module_utils.postgres.verify import compare_counts


# CREATE statements of relations as pg_dump writes them: one per line, names quoted only where needed
_IDENT = r'(?:"(?:[^"]|"")+"|[^\s."(;]+)'
CREATE_RE = re.compile(r'^CREATE (?:OR REPLACE )?(?:UNLOGGED )?(?:FOREIGN )?(?:MATERIALIZED )?(?:TABLE|VIEW|SEQUENCE) '
                       r'(%s)\.(%s)(?:\s|\(|;|$)' % (_IDENT, _IDENT))


def _unquote(ident):
    return ident[1:-1].replace('""', '"') if ident.startswith('"') else ident


def created_relations(lines):
    """{(schema, name)} of the tables, views, materialized views and sequences that ``lines`` of dump SQL create."""
    found = set()
    for line in lines:
        match = CREATE_RE.match(line)
        if match:
            found.add((_unquote(match.group(1)), _unquote(match.group(2))))
    return found


def dump_relations(runner, tools, path, fmt):
    """The relations a dump contains, from its schema part (``pg_restore --section=pre-data``, or the plain file
    up to its first data)."""
    if fmt == "plain":
        head = []
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("COPY ") or line.startswith("-- Data for Name: "):
                    break
                head.append(line)
        return created_relations(head)
    result = runner.run([tools.path("pg_restore"), "--section=pre-data", "--file=-", path])
    if result.rc != 0:
        last = (result.stderr or "").strip().splitlines()
        raise BackupError("cannot read the schema of %s: %s" % (path, last[-1] if last else "exit %s" % result.rc),
                          hint="verify the backup (state=verified)")
    return created_relations(result.stdout.splitlines())


def plan_clean(runner, tools, conn, path, fmt):
    """What ``clean`` drops before restoring: relations in the target that the dump does not contain.

    They can depend on the dump's tables (a foreign key, a view) and would make ``pg_restore --clean`` fail on the
    dump's DROP TABLE. Returns {"relations": [{"name", "kind"}], "cascade": [descriptions], "drop": [(qname, relkind)]}.
    """
    in_dump = dump_relations(runner, tools, path, fmt)
    handle = connect(conn)
    try:
        extra = [(oid, qname, kind) for oid, schema, name, qname, kind in catalog.relations(handle)
                 if (schema, name) not in in_dump]
        cascade = catalog.cascade_dependents(handle, [oid for oid, _qname, _kind in extra]) if extra else []
    finally:
        handle.close()
    return {"relations": [{"name": qname, "kind": catalog.RELKIND_NAMES[kind]} for _oid, qname, kind in extra],
            "cascade": cascade, "drop": [(qname, kind) for _oid, qname, kind in extra]}


def drop_extra(conn, plan):
    """Drop the relations of ``plan`` (one transaction, CASCADE); returns the statements run."""
    handle = connect(conn)
    try:
        return catalog.drop_relations(handle, plan["drop"])
    except DatabaseError as error:
        raise BackupError("could not drop the relations of %s that the dump does not contain (%s): %s; nothing was "
                          "dropped or restored" % (conn.dbname, ", ".join(name for name, _kind in plan["drop"][:10]),
                                                   error.message),
                          hint="check that the user owns them and that no session holds locks on them")
    finally:
        handle.close()


def check_restorable(path, fmt):
    if fmt == "plain" and path.endswith(".gz"):
        raise BackupError("cannot restore the compressed plain dump %s directly" % path,
                          hint="gunzip it first, or dump with format=custom")


def restore_argv(tools, path, fmt, dbname, jobs=1, clean=False, no_owner=False):
    check_restorable(path, fmt)
    if fmt == "plain":
        # one transaction: a failing statement leaves the target as it was
        return [tools.path("psql"), "--no-password", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1",
                "--single-transaction", "--output=/dev/null", "--file=%s" % path, "--dbname=%s" % dbname]
    argv = [tools.path("pg_restore"), "--no-password", "--exit-on-error", "--dbname=%s" % dbname]
    if clean:
        argv += ["--clean", "--if-exists"]
    if no_owner:
        argv += ["--no-owner", "--no-acl"]
    # -j restores in parallel but cannot be one transaction; -j1 restores atomically
    argv += ["--jobs=%d" % jobs] if jobs > 1 else ["--single-transaction"]
    return argv + [path]


def restore_into(runner, tools, conn, path, manifest, jobs=1, clean=False, no_owner=False, timeout=None):
    """Restore ``path`` into ``conn.dbname``; raise BackupError when row counts differ. Returns a result dict."""
    fmt = manifest["format"]
    result = runner.run(restore_argv(tools, path, fmt, conn.dbname, jobs, clean, no_owner), env=conn.env(),
                        timeout=timeout)
    if result.rc != 0:
        raise tool_failure("psql" if fmt == "plain" else "pg_restore", result, conn, "restoring into %s" % conn.dbname)
    mark = time.monotonic()
    handle = connect(conn)
    try:
        expected = manifest.get("row_counts") or {}
        tables = catalog.list_tables(handle)
        actual = catalog.count_rows(handle, [table for table in tables if table in expected])
    finally:
        handle.close()
    counts_s = round(time.monotonic() - mark, 3)
    for table in expected:
        actual.setdefault(table, None)
    mismatches = compare_counts(expected, actual)
    out = {"restore_duration_ms": result.duration_ms, "row_counts_s": counts_s, "row_counts": actual,
           "extra_tables": sorted(set(tables) - set(expected)), "row_count_mismatches": mismatches}
    if mismatches:
        raise BackupError("restored %s but %d table(s) have different row counts than the dump's manifest: %s"
                          % (conn.dbname, len(mismatches), ", ".join(m["table"] for m in mismatches[:10])),
                          hint="the dump or the restore is incomplete; check stderr and the server log", **out)
    return out


def scratch_name(dbname):
    suffix = "_pgbverify_" + binascii.hexlify(os.urandom(4)).decode("ascii")
    return dbname[: 63 - len(suffix)] + suffix


def restore_test(runner, tools, conn, maintenance_db, path, manifest, jobs=1, timeout=None):
    """Restore into a scratch database, compare row counts, always drop it. Returns (mismatches, scratch name)."""
    scratch = scratch_name(conn.dbname)
    catalog.create_database(conn, maintenance_db, scratch)
    try:
        try:
            restore_into(runner, tools, conn.with_dbname(scratch), path, manifest, jobs=jobs, no_owner=True,
                         timeout=timeout)
        except BackupError as error:
            return error.result.get("row_count_mismatches") or [{"error": str(error)}], scratch
        return [], scratch
    finally:
        catalog.drop_database(conn, maintenance_db, scratch)
