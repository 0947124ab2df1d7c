# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Verification of a dump: size, checksum, archive structure, and optionally a scratch restore."""

from __future__ import annotations

import os
import threading

from ansible_collections.facturino.release.plugins.module_utils.postgres.manifest import checksum_of, dump_size

PLAIN_TRAILER = b"-- PostgreSQL database dump complete"
TAIL_BYTES = 4096


def plain_is_complete(path):
    """pg_dump ends every plain dump with a trailer line; a truncated file lacks it."""
    if path.endswith(".gz"):
        import gzip  # pylint: disable=import-outside-toplevel
        import zlib  # pylint: disable=import-outside-toplevel
        try:
            tail = b""
            with gzip.open(path, "rb") as handle:
                for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                    tail = (tail + chunk)[-TAIL_BYTES:]
        except (OSError, EOFError, zlib.error):
            return False
    else:
        with open(path, "rb") as handle:
            handle.seek(max(0, os.path.getsize(path) - TAIL_BYTES))
            tail = handle.read()
    return PLAIN_TRAILER in tail


def structure_check(runner, tools, path, fmt, expected_tables=None):
    """Return None when the archive parses, else a reason. Custom/directory: ``pg_restore --list``."""
    if fmt == "plain":
        return None if plain_is_complete(path) else "plain dump has no completion trailer (truncated?)"
    result = runner.run([tools.path("pg_restore"), "--list", path])
    if result.rc != 0:
        last = (result.stderr or "").strip().splitlines()
        return "pg_restore --list cannot read the archive: %s" % (last[-1] if last else "exit %s" % result.rc)
    entries = sum(1 for line in result.stdout.splitlines() if " TABLE DATA " in line and not line.startswith(";"))
    if expected_tables is not None and entries != expected_tables:
        return "archive lists %d table data entries, the manifest counts %d tables" % (entries, expected_tables)
    return None


class BackgroundChecksum(threading.Thread):
    """``checksum_of(path)`` in a thread: reading and hashing release the GIL, so it overlaps a pg_restore run."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path = path
        self.value = None
        self.error = None

    def run(self):
        try:
            self.value = checksum_of(self.path)
        except Exception as error:  # pylint: disable=broad-except
            self.error = error  # raised in the caller's thread by result()

    def result(self):
        self.join()
        if self.error is not None:
            raise self.error
        return self.value


def integrity_reasons(path, manifest, digest=None):
    """Presence, size and checksum against the manifest; each problem is one reason naming the file.

    ``digest`` is a ``checksum_of(path)`` result computed already (for example by :class:`BackgroundChecksum`).
    """
    if manifest is None:
        return ["%s has no manifest: the dump never completed or the manifest was removed" % path]
    if not os.path.exists(path):
        return ["%s is missing (the manifest exists)" % path]
    reasons = []
    size = dump_size(path)
    if size != manifest.get("size_bytes"):
        kind = "truncated" if size < (manifest.get("size_bytes") or 0) else "changed size"
        reasons.append("%s is %s: %d bytes, the manifest says %s" % (path, kind, size, manifest.get("size_bytes")))
    checksum, files = digest if digest is not None else checksum_of(path)
    expected = (manifest.get("checksum") or {}).get("value")
    if checksum != expected:
        if files is not None and manifest.get("files"):
            bad = sorted(name for name in set(files) | set(manifest["files"])
                         if files.get(name) != manifest["files"].get(name))
            reasons.append("sha256 mismatch in %s: %s" % (path, ", ".join(bad)))
        else:
            reasons.append("sha256 mismatch for %s: got %s, the manifest says %s" % (path, checksum, expected))
    return reasons


def verify_backup(runner, tools, path, manifest):
    """(verified, reasons, checks) without touching any database.

    The checksum runs in a thread while ``pg_restore --list`` (or the plain trailer check) runs, so verification
    costs about the hashing alone. The structure result counts only when size and checksum are right.
    """
    checks = ["manifest", "size", "checksum"]
    if manifest is None or not os.path.exists(path):
        return False, integrity_reasons(path, manifest), checks
    hashing = BackgroundChecksum(path)
    hashing.start()
    try:
        problem = structure_check(runner, tools, path, manifest.get("format"), len(manifest.get("row_counts") or {}))
    finally:
        hashing.join()
    reasons = integrity_reasons(path, manifest, hashing.result())
    if not reasons:
        checks.append("pg_restore --list" if manifest.get("format") != "plain" else "plain trailer")
        if problem:
            reasons.append(problem)
    return not reasons, reasons, checks


def compare_counts(expected, actual):
    """List of human-readable mismatches between two {table: rows} maps."""
    mismatches = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want != got:
            mismatches.append({"table": table, "expected": want, "actual": got})
    return mismatches
