# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Catalog queries: the tables pg_dump dumps, exact row counts, sequences, databases."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import connect, query

# Ordinary tables outside system schemas and not owned by an extension: exactly the tables whose rows pg_dump copies.
TABLES_SQL = """
SELECT format('%I.%I', n.nspname, c.relname)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1
"""

SEQUENCES_SQL = """
SELECT format('%I.%I', schemaname, sequencename), last_value
FROM pg_sequences WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1
"""

# Anything a restore could collide with: relations, routines, types outside system schemas.
USER_OBJECTS_SQL = """
SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%')
     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%')
"""


def list_tables(handle):
    return [row[0] for row in query(handle, TABLES_SQL)]


def count_rows(handle, tables=None):
    """Exact ``count(*)`` per table (ONLY: inheritance children are counted on their own, like COPY)."""
    tables = list_tables(handle) if tables is None else tables
    counts = {}
    for table in tables:
        # table names come from format('%I.%I'), so they are already quoted identifiers
        counts[table] = int(query(handle, "SELECT count(*) FROM ONLY %s" % table)[0][0])
    return counts


def sequence_values(handle):
    return {name: (int(value) if value is not None else None) for name, value in query(handle, SEQUENCES_SQL)}


def server_version(handle):
    """(server_version_num, human string) e.g. (150020, '15.20')."""
    num, text = query(handle, "SELECT current_setting('server_version_num')::int, current_setting('server_version')")[0]
    return int(num), text.split()[0]


def user_object_count(handle):
    return int(query(handle, USER_OBJECTS_SQL)[0][0])


def database_exists(conn, maintenance_db, dbname):
    handle = connect(conn.with_dbname(maintenance_db), autocommit=True)
    try:
        return bool(query(handle, "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,)))
    finally:
        handle.close()


def _quote_ident(name):
    return '"%s"' % name.replace('"', '""')


def create_database(conn, maintenance_db, dbname):
    handle = connect(conn.with_dbname(maintenance_db), autocommit=True)
    try:
        query(handle, "CREATE DATABASE %s" % _quote_ident(dbname), conn=conn)
    finally:
        handle.close()


def drop_database(conn, maintenance_db, dbname):
    handle = connect(conn.with_dbname(maintenance_db), autocommit=True)
    try:
        query(handle, "DROP DATABASE IF EXISTS %s" % _quote_ident(dbname), conn=conn)
    finally:
        handle.close()
