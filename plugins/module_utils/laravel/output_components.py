# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsers for the component-style artisan output (Laravel 9.21 to 12).

Lines are badges (``   INFO  text``), two-column details (``  name ..... [1] Ran  ``) and tasks
(``  name ..... 12ms DONE``; 9/10 print ``12ms``, 11/12 ``12.34ms``). Dot counts depend on the width,
so no pattern relies on them. Every non-blank line must be understood, else ``OutputParseError``.
"""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError

BADGE = re.compile(r"^\s{3}(?P<level>INFO|WARN|WARNING|ERROR)\s{2}(?P<text>\S.*?)\s*$")
RUNTIME = r"(?:[\d.,]+ms|\d+(?:\.\d+)?s|\d+[dhm](?: \d+[dhms])*)"
TASK = re.compile(r"^  (?P<desc>\S.*?) \.* ?(?P<time>" + RUNTIME + r") (?P<result>DONE|FAIL|SKIPPED)\s*$")
STATUS_ROW = re.compile(r"^  (?P<name>\S+) \.* ?(?:\[(?P<batch>\d+)\] )?(?P<status>Ran|Pending)\s*$")
STATUS_HEADER = re.compile(r"^  Migration name \.* ?Batch / Status\s*$")
DETAIL_ONLY = re.compile(r"^  (?P<name>\S+) \.*\s*$")
NOT_FOUND_ROW = re.compile(r"^  (?P<name>\S+) \.* ?Migration not found\s*$")
BULLET = re.compile(u"^\\s+\u21c2 (?P<text>.*?)\\s*$")
QUEUE_ROW = re.compile(
    r"^  (?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<job>\S+) \.* ?(?:(?P<time>" + RUNTIME + r") )?"
    r"(?P<result>RUNNING|DONE|FAIL)\s*$"
)
FAILED_ROW = re.compile(
    r"^  (?P<failed_at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (?P<id>\S+) \.* ?(?P<connection>[^@\s]+)@(?P<queue>\S+)\s*$"
)


def _lines(text):
    return [line.rstrip("\n") for line in (text or "").splitlines() if line.strip()]


def _unknown(kind, line):
    return OutputParseError(
        "unrecognised line in %s output (component format): %r" % (kind, line.strip()),
        hint="report the artisan version and this output; the parser refuses to guess",
    )


def _badge(line):
    match = BADGE.match(line)
    return (match.group("level"), match.group("text")) if match else (None, None)


def parse_status(text):
    migrations, table_missing = [], False
    for line in _lines(text):
        level, message = _badge(line)
        row = STATUS_ROW.match(line)
        if row:
            batch = row.group("batch")
            migrations.append({"name": row.group("name"), "ran": row.group("status") == "Ran",
                               "batch": int(batch) if batch else None})
        elif STATUS_HEADER.match(line):
            continue
        elif message == "Migration table not found.":
            table_missing = True
        elif message in ("No migrations found.", "No pending migrations."):
            continue
        else:
            raise _unknown("migrate:status", line)
    return {"table_missing": table_missing, "migrations": migrations}


def _tasks(text, kind, known_messages, strict):
    """Task rows -> [(desc, result)]; badges must be in ``known_messages``."""
    tasks = []
    for line in _lines(text):
        level, message = _badge(line)
        task = TASK.match(line)
        if task:
            tasks.append((task.group("desc"), task.group("result")))
        elif level and message in known_messages:
            continue
        elif NOT_FOUND_ROW.match(line):
            tasks.append((NOT_FOUND_ROW.match(line).group("name"), "NOT_FOUND"))
        elif strict:
            raise _unknown(kind, line)
        else:
            break
    return tasks


def parse_migrate(text, strict=True):
    known = ("Preparing database.", "Running migrations.", "Nothing to migrate.", "Seeding database.")
    tasks = _tasks(text, "migrate", known, strict)
    table_created = any(desc == "Creating migration table" and res == "DONE" for desc, res in tasks)
    applied = [desc for desc, res in tasks if res == "DONE" and desc != "Creating migration table"]
    skipped = [desc for desc, res in tasks if res == "SKIPPED"]
    return {"applied": applied, "table_created": table_created, "skipped": skipped}


def parse_rollback(text, strict=True):
    known = ("Rolling back migrations.", "Nothing to rollback.", "Rolling back migrations")
    tasks = _tasks(text, "migrate:rollback", known, strict)
    return {"rolled_back": [desc for desc, res in tasks if res == "DONE"],
            "missing": [desc for desc, res in tasks if res == "NOT_FOUND"]}


def parse_pretend(text):
    queries, current = [], None
    for line in _lines(text):
        level, message = _badge(line)
        bullet = BULLET.match(line)
        detail = DETAIL_ONLY.match(line)
        if bullet and current:
            queries.append({"migration": current, "query": bullet.group("text")})
        elif detail:
            current = detail.group("name")
        elif message in ("Running migrations.", "Rolling back migrations.", "Nothing to migrate.", "Nothing to rollback."):
            continue
        else:
            raise _unknown("--pretend", line)
    return queries


def parse_queue_work(text):
    jobs = []
    for line in _lines(text):
        level, message = _badge(line)
        row = QUEUE_ROW.match(line)
        if row:
            result = row.group("result")
            if result == "RUNNING":
                jobs.append({"job": row.group("job"), "id": None, "status": "running"})
            elif jobs and jobs[-1]["status"] == "running" and jobs[-1]["job"] == row.group("job"):
                jobs[-1]["status"] = "processed" if result == "DONE" else "failed"
            else:
                jobs.append({"job": row.group("job"), "id": None,
                             "status": "processed" if result == "DONE" else "failed"})
        elif level == "INFO" and message.startswith("Processing jobs from the"):
            continue
        else:
            raise _unknown("queue:work", line)
    return jobs


def parse_queue_failed(text):
    jobs = []
    for line in _lines(text):
        level, message = _badge(line)
        row = FAILED_ROW.match(line)
        if row:
            jobs.append(dict((key, row.group(key)) for key in ("id", "connection", "queue", "failed_at")))
        elif message in ("No failed jobs found.", "No failed jobs!"):
            continue
        else:
            raise _unknown("queue:failed", line)
    return jobs
