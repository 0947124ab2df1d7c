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


# Relations a dump can contain, with their kind. Sequences owned by a column (serial, identity) are left out: they
# belong to their table and go with it (DROP SEQUENCE of an identity sequence would even fail).
RELATIONS_SQL = """
SELECT c.oid, n.nspname, c.relname, format('%%I.%%I', n.nspname, c.relname), c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%%'
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                       AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
                                       AND d.deptype IN ('a', 'i')))
ORDER BY 4
"""

# What DROP ... CASCADE of the relations in %(oids)s takes with it beyond them: objects with a normal dependency
# on them or on their row types (foreign keys of other tables, views, column defaults, functions), and the sequences
# they own. Views are resolved from their rewrite rules (the caller recurses into them). Objects belonging to a
# relation in %(seen)s go with that relation and are not listed.
CASCADE_SQL = """
SELECT DISTINCT r.ev_class, CASE WHEN r.ev_class IS NULL THEN pg_describe_object(d.classid, d.objid, d.objsubid) END
FROM pg_depend d
LEFT JOIN pg_rewrite r ON d.classid = 'pg_rewrite'::regclass AND r.oid = d.objid
LEFT JOIN pg_constraint k ON d.classid = 'pg_constraint'::regclass AND k.oid = d.objid
LEFT JOIN pg_attrdef a ON d.classid = 'pg_attrdef'::regclass AND a.oid = d.objid
LEFT JOIN pg_trigger t ON d.classid = 'pg_trigger'::regclass AND t.oid = d.objid
LEFT JOIN pg_class s ON d.classid = 'pg_class'::regclass AND s.oid = d.objid AND s.relkind = 'S'
WHERE (d.deptype = 'n' OR (s.oid IS NOT NULL AND d.deptype IN ('a', 'i')))
  AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY(%(oids)s::oid[]))
       OR (d.refclassid = 'pg_type'::regclass
           AND d.refobjid IN (SELECT reltype FROM pg_class WHERE oid = ANY(%(oids)s::oid[]))))
  AND (COALESCE(r.ev_class, k.conrelid, a.adrelid, t.tgrelid, s.oid) IS NULL
       OR NOT COALESCE(r.ev_class, k.conrelid, a.adrelid, t.tgrelid, s.oid) = ANY(%(seen)s::oid[]))
"""

RELKIND_NAMES = {"r": "table", "p": "table", "f": "foreign table", "m": "materialized view", "v": "view",
                 "S": "sequence"}
# tables first: their CASCADE takes dependent views along, the later DROP ... IF EXISTS of those is then a no-op
DROP_ORDER = ("p", "r", "f", "m", "v", "S")


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


def relations(handle):
    """[(oid, schema, name, quoted 'schema.name', relkind)] of the relations a dump could contain."""
    return [(int(oid), schema, name, qname, kind) for oid, schema, name, qname, kind in query(handle, RELATIONS_SQL, ())]


def cascade_dependents(handle, oids):
    """Descriptions of what DROP ... CASCADE of ``oids`` removes besides them (views recursively)."""
    seen, frontier, described = set(oids), list(oids), []
    while frontier:
        rows = query(handle, CASCADE_SQL, {"oids": frontier, "seen": sorted(seen)})
        frontier = []
        for view_oid, text in rows:
            if view_oid is None:
                if text:
                    described.append(text)
            elif int(view_oid) not in seen:
                seen.add(int(view_oid))
                frontier.append(int(view_oid))
                described.append(query(handle, "SELECT pg_describe_object('pg_class'::regclass, %s::oid, 0)",
                                       (int(view_oid),))[0][0])
    return sorted(set(described))


def drop_relations(handle, extra):
    """DROP ... IF EXISTS ... CASCADE every ``(qname, relkind)`` of ``extra``, in one transaction (tables first)."""
    ordered = sorted(extra, key=lambda item: (DROP_ORDER.index(item[1]), item[0]))
    statements = ["DROP %s IF EXISTS %s CASCADE" % (RELKIND_NAMES[kind].upper(), qname) for qname, kind in ordered]
    for statement in statements:
        query(handle, statement)
    handle.commit()
    return statements
