# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection parameters (from ``database_url`` or discrete options), libpq env for tools, psycopg2 sessions."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    DatabaseError,
    InvalidInputError,
    MissingDependencyError,
)

SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
REDACTED = "********"


class ConnParams:
    """Where to connect. ``password`` only ever leaves through :meth:`env` (PGPASSWORD) or psycopg2 kwargs."""

    def __init__(self, host=None, port=None, user=None, password=None, dbname=None, sslmode=None, connect_timeout=10):
        self.host = host
        self.port = int(port) if port else None
        self.user = user
        self.password = password
        self.dbname = dbname
        self.sslmode = sslmode
        self.connect_timeout = connect_timeout

    def with_dbname(self, dbname):
        return ConnParams(self.host, self.port, self.user, self.password, dbname, self.sslmode, self.connect_timeout)

    def env(self):
        """libpq variables for pg_dump/pg_restore/psql: the password stays out of argv."""
        pairs = (("PGHOST", self.host), ("PGPORT", self.port), ("PGUSER", self.user), ("PGPASSWORD", self.password),
                 ("PGDATABASE", self.dbname), ("PGSSLMODE", self.sslmode), ("PGCONNECT_TIMEOUT", self.connect_timeout))
        env = {key: str(value) for key, value in pairs if value not in (None, "")}
        env["PGAPPNAME"] = "facturino_pg_backup"
        return env

    def kwargs(self):
        pairs = (("host", self.host), ("port", self.port), ("user", self.user), ("password", self.password),
                 ("dbname", self.dbname), ("sslmode", self.sslmode), ("connect_timeout", self.connect_timeout))
        kwargs = {key: value for key, value in pairs if value not in (None, "")}
        kwargs["application_name"] = "facturino_pg_backup"
        return kwargs

    def describe(self):
        """Secret-free description for messages."""
        return "%s@%s:%s/%s" % (self.user or "(default user)", self.host or "(local socket)", self.port or 5432,
                                self.dbname or "(default db)")

    def redact(self, text):
        if text and self.password:
            return text.replace(self.password, REDACTED)
        return text


def parse_database_url(url):
    """``postgres[ql]://user:pass@host:port/dbname?sslmode=...`` -> dict of discrete options."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise InvalidInputError("database_url must start with postgres:// or postgresql:// (got scheme %r)" % parts.scheme,
                                hint="pass a URL like postgresql://user:password@host:5432/dbname")
    try:
        port = parts.port
    except ValueError:
        raise InvalidInputError("database_url has an invalid port", hint="use a numeric port, e.g. host:5432")
    query = parse_qs(parts.query)
    return {
        "host": unquote(parts.hostname) if parts.hostname else None,
        "port": port,
        "user": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password is not None else None,
        "dbname": unquote(parts.path.lstrip("/")) or None,
        "sslmode": (query.get("sslmode") or [None])[0],
    }


def url_password(url):
    """The password inside ``database_url`` (None when absent or unparsable), so callers can mask it too."""
    password = validate.url_password(url) if isinstance(url, str) else None
    return unquote(password) if password else None


def conn_params_from_options(params):
    """Merge ``database_url`` with discrete options; discrete options given explicitly win."""
    merged = {}
    if params.get("database_url"):
        merged.update(parse_database_url(params["database_url"]))
    for key in ("host", "port", "user", "password", "dbname", "sslmode"):
        if params.get(key) not in (None, ""):
            merged[key] = params[key]
    if not merged.get("dbname"):
        raise InvalidInputError("no database given", hint="set dbname, or a database_url ending in /<dbname>")
    if merged.get("sslmode") and merged["sslmode"] not in SSLMODES:
        raise InvalidInputError("sslmode %r is not one of %s" % (merged["sslmode"], ", ".join(SSLMODES)),
                                hint="use e.g. sslmode=require")
    return ConnParams(connect_timeout=params.get("connect_timeout") or 10, **merged)


def classify_connect_error(conn, text):
    """Turn a libpq/psycopg2 connection failure into a DatabaseError naming cause and fix."""
    text = conn.redact((text or "").strip())
    lowered = text.lower()
    if "password authentication failed" in lowered or "no password supplied" in lowered or "authentication failed" in lowered:
        return DatabaseError("authentication failed for %s: %s" % (conn.describe(), text),
                             hint="check user and password (or the credentials inside database_url)")
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError("database missing on %s: %s" % (conn.describe(), text),
                             hint="check dbname, or create the database first")
    if any(marker in lowered for marker in ("could not connect", "connection refused", "could not translate host",
                                            "timeout expired", "no route to host", "name or service not known")):
        return DatabaseError("PostgreSQL is unreachable at %s: %s" % (conn.describe(), text),
                             hint="check host and port, that the server runs and accepts TCP connections, "
                                  "and any firewall or proxy in between")
    return DatabaseError("could not connect to %s: %s" % (conn.describe(), text),
                         hint="check the connection options and the server log")


def connect(conn, autocommit=False):
    """Open a psycopg2 connection (lazy import: sanity's import test runs without psycopg2)."""
    try:
        import psycopg2  # pylint: disable=import-outside-toplevel
    except ImportError:
        raise MissingDependencyError("the Python library psycopg2 is required on the managed host",
                                     hint="pip install psycopg2-binary (or the distribution's python3-psycopg2)")
    try:
        handle = psycopg2.connect(**conn.kwargs())
    except psycopg2.Error as error:
        raise classify_connect_error(conn, str(error))
    handle.autocommit = autocommit
    return handle


def query(handle, sql, args=None, conn=None):
    """Run one statement and return all rows; SQL errors become DatabaseError."""
    import psycopg2  # pylint: disable=import-outside-toplevel
    try:
        with handle.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall() if cursor.description else []
    except psycopg2.Error as error:
        text = str(error).strip()
        if conn is not None:
            text = conn.redact(text)
        raise DatabaseError("statement failed: %s" % text, hint="check the database privileges and the server log")
