# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restoring a dump into a database, then proving it by comparing every table's row count with the manifest."""

from __future__ import annotations

import binascii
import os
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.postgres import catalog
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import connect
from ansible_collections.facturino.release.plugins.module_utils.postgres.errors_map import tool_failure
from ansible_collections.facturino.release.plugins.module_utils.postgres.verify import compare_counts


def restore_argv(tools, path, fmt, dbname, jobs=1, clean=False, no_owner=False):
    if fmt == "plain":
        if path.endswith(".gz"):
            raise BackupError("cannot restore the compressed plain dump %s directly" % path,
                              hint="gunzip it first, or dump with format=custom")
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
