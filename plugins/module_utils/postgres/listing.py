# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scanning ``dest``: every backup with its manifest and status, newest first.

Statuses: ``verified`` (manifest says verified, size matches), ``unverified`` (dumped with verify off),
``failed`` (a verification failed), ``corrupt`` (size differs from the manifest), ``missing`` (manifest without dump),
``incomplete`` (dump without manifest: interrupted before completion), ``partial`` (a temp file of a running or
killed dump). Only ``verified`` backups are good. Listing never reads whole dumps (``state=verified`` does).
"""

from __future__ import annotations

import os

from ansible_collections.facturino.release.plugins.module_utils.postgres import manifest as mf

DUMP_SUFFIXES = (".dump", ".dir", ".sql", ".sql.gz")


class Backup:
    def __init__(self, path, manifest, status, created_at, partial=False):
        self.path = path
        self.name = os.path.basename(path)
        self.manifest = manifest
        self.status = status
        self.created_at = created_at  # datetime (manifest created_at, else mtime)
        self.partial = partial

    @property
    def good(self):
        return self.status == "verified"

    @property
    def label(self):
        return (self.manifest or {}).get("label")

    def as_dict(self):
        manifest = self.manifest or {}
        return {
            "path": self.path,
            "name": self.name,
            "label": manifest.get("label"),
            "database": manifest.get("database"),
            "format": manifest.get("format"),
            "status": self.status,
            "created_at": mf.iso(self.created_at),
            "size_bytes": manifest.get("size_bytes"),
            "checksum": (manifest.get("checksum") or {}).get("value"),
            "manifest_path": mf.manifest_path(self.path) if self.manifest else None,
            "manifest": self.manifest,
        }


def _mtime(path):
    import datetime  # pylint: disable=import-outside-toplevel
    return datetime.datetime.fromtimestamp(os.lstat(path).st_mtime, datetime.timezone.utc)


def status_of(path, manifest):
    if manifest is None:
        return "incomplete"
    if not os.path.exists(path):
        return "missing"
    if mf.dump_size(path) != manifest.get("size_bytes"):
        return "corrupt"
    verification = manifest.get("verification") or {}
    if verification.get("verified"):
        return "verified"
    return "failed" if verification.get("reasons") else "unverified"


def scan(dest):
    """All backups in ``dest``, newest first. A missing ``dest`` has no backups."""
    if not os.path.isdir(dest):
        return []
    names = os.listdir(dest)
    dumps = set()
    for entry in names:
        if entry.endswith(mf.MANIFEST_SUFFIX):
            dumps.add(entry[: -len(mf.MANIFEST_SUFFIX)])
        elif not entry.startswith(".") and entry.endswith(DUMP_SUFFIXES):
            dumps.add(entry)
    backups = []
    for name in dumps:
        path = os.path.join(dest, name)
        manifest = mf.read_manifest(path)
        created = None
        if manifest and manifest.get("created_at"):
            try:
                created = mf.parse_iso(manifest["created_at"])
            except ValueError:
                manifest = None
        if created is None:
            created = _mtime(path) if os.path.lexists(path) else _mtime(mf.manifest_path(path))
        backups.append(Backup(path, manifest, status_of(path, manifest), created))
    for entry in names:
        if entry.startswith(".") and ".tmp-" in entry and entry.split(".tmp-")[0][1:].endswith(DUMP_SUFFIXES):
            path = os.path.join(dest, entry)
            backups.append(Backup(path, None, "partial", _mtime(path), partial=True))
    backups.sort(key=lambda backup: (backup.created_at, backup.name), reverse=True)
    return backups


def find_by_label(dest, label, database=None, fmt=None):
    """The newest backup carrying ``label`` (optionally of ``database``/``fmt``), or None."""
    for backup in scan(dest):
        manifest = backup.manifest or {}
        if manifest.get("label") != label:
            continue
        if database and manifest.get("database") != database:
            continue
        if fmt and manifest.get("format") != fmt:
            continue
        return backup
    return None
