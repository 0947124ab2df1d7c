# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release ledger: one JSON file per environment with one entry per release run.

An entry is found by its ``run_id`` and merged into (a shallow merge, like Jinja's ``combine``); a run's
sections are a list ``sections`` of {name, status, started_at, finished_at, duration_s}, recorded when a section
starts (status ``started``) and updated when it ends, so an interrupted run shows where it stopped.

Every update is a read-modify-write under an exclusive ``flock`` of the ledger's directory (concurrent writers
never lose each other's entries) and is written twice through ``common/fileio``: ``<ledger>.bak`` first, then the
ledger, each whole (temp file, fsync, rename). A ledger that does not parse is never overwritten: reading it
raises ``StateFileError`` naming the file, its ``.bak`` and the fix.
"""

from __future__ import annotations

import calendar
import contextlib
import fcntl
import json
import os
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, StateFileError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write

LEDGER_VERSION = 1
# entry statuses that make a deployment a rollback target, or never one
GOOD = ("good",)
BAD = ("bad", "rolled_back")


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def parse_iso(text):
    try:
        return calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
    except (TypeError, ValueError):
        return None


def empty(environment):
    return {"version": LEDGER_VERSION, "environment": environment, "releases": []}


def render(doc):
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def targets(doc):
    """Rollback targets: the newest entry marked good that has a deployment, and the deployments marked bad."""
    releases = [r for r in doc.get("releases", []) if isinstance(r, dict)]
    good = [r for r in releases if r.get("status") in GOOD and r.get("deployment_id")]
    bad = [r["deployment_id"] for r in releases if r.get("status") in BAD and r.get("deployment_id")]
    return {"last_good": good[-1] if good else None, "bad_deployments": bad}


def record_section(entry, section, status, now):
    """Start (``started``) or end (any other status) the section ``section`` of ``entry``, in place."""
    sections = [dict(s) for s in entry.get("sections") or [] if isinstance(s, dict)]
    if status == "started":
        sections.append({"name": section, "status": "started", "started_at": iso(now)})
    else:
        open_ones = [s for s in sections if s.get("name") == section and s.get("status") == "started"]
        item = open_ones[-1] if open_ones else None
        if item is None:                      # ended without a recorded start (a section run before this ledger)
            item = {"name": section}
            sections.append(item)
        started = parse_iso(item.get("started_at"))
        item.update(status=status, finished_at=iso(now))
        if started is not None:
            item["duration_s"] = int(round(max(now - started, 0)))   # started_at has whole seconds
    entry["sections"] = sections
    entry["section"] = section


def merge(doc, run_id, environment, fields, now, section=None, section_status=None, keep=200):
    """A new ledger document with ``fields`` merged into ``run_id``'s entry; returns (doc, entry before, entry)."""
    releases = [r for r in doc.get("releases", []) if isinstance(r, dict)]
    before = next((r for r in releases if r.get("run_id") == run_id), None)
    new_entry = {"run_id": run_id, "environment": environment, "started_at": iso(now), "status": "started"}
    entry = dict(before) if before else new_entry
    entry.update(fields)
    if section:
        record_section(entry, section, section_status or "started", now)
    if before is not None and entry == before:
        return doc, before, before            # nothing new: the file is left as it is
    entry["updated_at"] = iso(now)
    others = [r for r in releases if r.get("run_id") != run_id]
    merged = sorted(others + [entry], key=lambda r: str(r.get("started_at") or ""))
    if keep > 0:
        merged = merged[-keep:]
    new_doc = dict(doc, releases=merged)
    new_doc.setdefault("version", LEDGER_VERSION)
    new_doc.setdefault("environment", environment)
    return new_doc, before, entry


class Ledger:
    """The ledger at ``path``; ``clock`` is injectable for tests."""

    def __init__(self, path, environment="production", keep=200, clock=time.time):
        if not path or not os.path.isabs(path):
            raise InvalidInputError("ledger_path must be an absolute path, got %r" % (path,),
                                    hint="give the ledger file as an absolute path, e.g. "
                                         "{{ playbook_dir }}/.release/production/ledger.json")
        if keep < 0:
            raise InvalidInputError("keep must be 0 (keep all) or a positive number of entries, got %s" % keep,
                                    hint="set keep to how many release entries the ledger holds, e.g. 200")
        self.path = os.path.normpath(path)
        self.backup = self.path + ".bak"
        self.environment = environment
        self.keep = keep
        self.clock = clock

    def _corrupt(self, reason):
        kept = ("its last good version is %s (written with every update); " % self.backup
                if os.path.isfile(self.backup) else "there is no %s to restore from; " % self.backup)
        return StateFileError(
            "the release ledger %s is corrupt: %s. It was left as found (nothing was overwritten)" % (self.path, reason),
            hint="%scompare the two, then restore it (cp %s %s) or repair the JSON by hand, and run again"
                 % (kept, self.backup, self.path),
            path=self.path, backup=self.backup)

    def read(self):
        """The ledger document (an empty one when the file does not exist)."""
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            return empty(self.environment)
        except OSError as error:
            raise StateFileError("cannot read the release ledger %s: %s" % (self.path, error.strerror),
                                 hint="make the file readable by the user running the release", path=self.path)
        try:
            doc = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError as error:
            raise self._corrupt("not UTF-8 text (byte %d)" % error.start)
        except ValueError as error:
            raise self._corrupt("not JSON (%s)" % error)
        if not isinstance(doc, dict) or not isinstance(doc.get("releases", []), list):
            raise self._corrupt("not a ledger (a JSON object with a list 'releases')")
        doc.setdefault("releases", [])
        return doc

    @contextlib.contextmanager
    def locked(self, check_mode=False):
        """Exclusive flock of the ledger's directory for one read-modify-write (created 0700 when missing)."""
        directory = os.path.dirname(self.path)
        if check_mode and not os.path.isdir(directory):
            yield
            return
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            fd = os.open(directory, os.O_RDONLY)
        except OSError as error:
            raise StateFileError("cannot create or open the ledger's directory %s: %s" % (directory, error.strerror),
                                 hint="make the release state directory writable by the user running the release",
                                 path=self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)              # closing drops the flock

    def write(self, doc, check_mode=False):
        """Write ``doc`` to ``<ledger>.bak`` and to the ledger, each atomically; True when the ledger changed."""
        text = render(doc)
        if check_mode:
            return atomic_write(self.path, text, check_mode=True)
        try:
            atomic_write(self.backup, text, mode=0o600)
            return atomic_write(self.path, text, mode=0o600)
        except OSError as error:
            raise StateFileError("cannot write the release ledger %s: %s" % (self.path, error.strerror),
                                 hint="free space or make %s writable; the ledger was left whole"
                                      % os.path.dirname(self.path), path=self.path)

    def record(self, run_id, fields=None, section=None, section_status=None, check_mode=False):
        """Merge ``fields`` (and a section's start or end) into ``run_id``'s entry and write the ledger."""
        if not run_id:
            raise InvalidInputError("run_id is empty", hint="pass the run's id (release_run_id)")
        if section_status and not section:
            raise InvalidInputError("section_status needs section", hint="name the section that starts or ends")
        with self.locked(check_mode):
            doc = self.read()
            new_doc, before, entry = merge(doc, run_id, self.environment, fields or {}, self.clock(),
                                           section=section, section_status=section_status, keep=self.keep)
            changed = new_doc is not doc and self.write(new_doc, check_mode)
        return {"changed": bool(changed), "ledger": new_doc, "entry": entry, "entry_before": before,
                "path": self.path, **targets(new_doc)}

    def inspect(self):
        doc = self.read()
        return {"changed": False, "ledger": doc, "path": self.path, **targets(doc)}
