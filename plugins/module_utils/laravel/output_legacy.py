# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for the legacy artisan output (Laravel 8 and 9.0-9.20): ASCII tables and ``Migrating:`` lines.

Every non-blank line must be understood; an unknown line raises ``OutputParseError`` naming it.
"""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError

TABLE_BORDER = re.compile(r"^\+[-+]+\+$")
MIGRATED = re.compile(r"^Migrated:\s+(?P<name>\S+) \((?P<ms>[\d.,]+)ms\)$")
MIGRATING = re.compile(r"^Migrating: (?P<name>\S+)$")
ROLLING_BACK = re.compile(r"^Rolling back: (?P<name>\S+)$")
ROLLED_BACK = re.compile(r"^Rolled back:\s+(?P<name>\S+) \((?P<ms>[\d.,]+)ms\)$")
NOT_FOUND = re.compile(r"^Migration not found: (?P<name>\S+)$")
PRETEND = re.compile(r"^(?P<name>[\w\\]+): (?P<query>.+)$")
QUEUE_LINE = re.compile(r"^\[(?P<date>[\d\- :]+)\]\[(?P<id>[^\]]*)\] (?P<state>Processing|Processed|Failed):\s+(?P<job>\S.*)$")


def _lines(text):
    return [line.rstrip() for line in (text or "").splitlines() if line.strip()]


def _unknown(kind, line):
    return OutputParseError(
        "unrecognised line in %s output (legacy format): %r" % (kind, line),
        hint="report the artisan version and this output; the parser refuses to guess",
    )


def parse_table(text, kind):
    """ASCII table -> (headers, rows as lists of cell strings)."""
    headers, rows = None, []
    for line in _lines(text):
        if TABLE_BORDER.match(line):
            continue
        if not (line.startswith("|") and line.endswith("|")):
            raise _unknown(kind, line)
        cells = [cell.strip() for cell in line[1:-1].split("|")]
        if headers is None:
            headers = cells
        elif len(cells) != len(headers):
            raise _unknown(kind, line)
        else:
            rows.append(cells)
    return headers or [], rows


def parse_status(text):
    lines = _lines(text)
    if lines == ["Migration table not found."]:
        return {"table_missing": True, "migrations": []}
    if lines in (["No migrations found"], ["No migrations found."]):
        return {"table_missing": False, "migrations": []}
    headers, rows = parse_table(text, "migrate:status")
    if headers[:2] != ["Ran?", "Migration"]:
        raise _unknown("migrate:status", lines[0] if lines else "")
    migrations = []
    for cells in rows:
        if cells[0] not in ("Yes", "No"):
            raise _unknown("migrate:status", "| %s |" % " | ".join(cells))
        batch = cells[2] if len(cells) > 2 else ""
        migrations.append({"name": cells[1], "ran": cells[0] == "Yes", "batch": int(batch) if batch else None})
    return {"table_missing": False, "migrations": migrations}


def parse_migrate(text, strict=True):
    """``migrate`` -> applied names, in order. Non-strict mode stops at the first unknown line (a failure)."""
    applied, table_created = [], False
    for line in _lines(text):
        match = MIGRATED.match(line)
        if match:
            applied.append(match.group("name"))
        elif line == "Migration table created successfully.":
            table_created = True
        elif MIGRATING.match(line) or line in ("Nothing to migrate.", "Database seeding completed successfully."):
            continue
        elif strict:
            raise _unknown("migrate", line)
        else:
            break
    return {"applied": applied, "table_created": table_created}


def parse_rollback(text, strict=True):
    rolled_back, missing = [], []
    for line in _lines(text):
        match = ROLLED_BACK.match(line)
        not_found = NOT_FOUND.match(line)
        if match:
            rolled_back.append(match.group("name"))
        elif not_found:
            missing.append(not_found.group("name"))
        elif ROLLING_BACK.match(line) or line == "Nothing to rollback.":
            continue
        elif strict:
            raise _unknown("migrate:rollback", line)
        else:
            break
    return {"rolled_back": rolled_back, "missing": missing}


def parse_pretend(text):
    """``--pretend`` -> [{migration, query}]; a line without a ``name:`` prefix continues the previous query."""
    queries = []
    for line in _lines(text):
        if line in ("Nothing to migrate.", "Nothing to rollback.") or ROLLING_BACK.match(line) or MIGRATING.match(line):
            continue
        match = PRETEND.match(line)
        if match:
            queries.append({"migration": match.group("name"), "query": match.group("query")})
        elif queries:
            queries[-1]["query"] += "\n" + line
        else:
            raise _unknown("--pretend", line)
    return queries


def parse_queue_work(text):
    jobs = []
    for line in _lines(text):
        match = QUEUE_LINE.match(line)
        if not match:
            raise _unknown("queue:work", line)
        state = match.group("state")
        if state == "Processing":
            jobs.append({"job": match.group("job").strip(), "id": match.group("id"), "status": "running"})
        elif jobs and jobs[-1]["id"] == match.group("id"):
            jobs[-1]["status"] = "processed" if state == "Processed" else "failed"
        else:
            raise _unknown("queue:work", line)
    return jobs


def parse_queue_failed(text):
    lines = _lines(text)
    if lines in (["No failed jobs!"], ["No failed jobs found."]):
        return []
    headers, rows = parse_table(text, "queue:failed")
    keys = {"ID": "id", "Connection": "connection", "Queue": "queue", "Class": "class", "Failed At": "failed_at"}
    if not headers or any(header not in keys for header in headers):
        raise _unknown("queue:failed", lines[0] if lines else "")
    return [dict((keys[header], cell) for header, cell in zip(headers, cells)) for cells in rows]
