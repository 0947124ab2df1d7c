# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backup naming, checksums and the JSON manifest written beside every dump.

Layout in ``dest`` for a dump named N: ``N`` (file, or directory for the directory format), ``N.sha256``
(sha256sum format) and ``N.manifest.json``. The manifest is written last: it is the completion marker.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError, InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write, sha256_file

MANIFEST_SUFFIX = ".manifest.json"
CHECKSUM_SUFFIX = ".sha256"
MANIFEST_VERSION = 1
LABEL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
EXTENSIONS = {"custom": ".dump", "directory": ".dir", "plain": ".sql"}
PG_DUMP_FORMAT_FLAG = {"custom": "c", "directory": "d", "plain": "p"}


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc)


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


def default_label(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def extension(fmt, compression):
    if fmt == "plain" and compression:
        return ".sql.gz"
    return EXTENSIONS[fmt]


def dump_name(template, dbname, label, fmt, compression, moment):
    """Render ``template`` ({dbname}, {label}, {timestamp}) and add the format's extension."""
    if not LABEL_RE.match(label):
        raise InvalidInputError("label %r may only contain letters, digits, '.', '_' and '-'" % label,
                                hint="use a label such as pre_v1.0.0")
    try:
        base = template.format(dbname=dbname, label=label, timestamp=default_label(moment))
    except (KeyError, IndexError, ValueError) as error:
        raise InvalidInputError("name_template %r is invalid (%s)" % (template, error),
                                hint="use only the placeholders {dbname}, {label} and {timestamp}")
    if not base or "/" in base or base.startswith(".") or not LABEL_RE.match(base):
        raise InvalidInputError("name_template renders to %r, which is not a safe file name" % base,
                                hint="keep the template to letters, digits, '.', '_', '-' and placeholders")
    return base + extension(fmt, compression)


def manifest_path(dump_path):
    return dump_path + MANIFEST_SUFFIX


def checksum_path(dump_path):
    return dump_path + CHECKSUM_SUFFIX


def directory_checksums(path):
    """{relative file name: sha256} for a directory-format dump (flat: toc.dat + one file per table)."""
    return {name: sha256_file(os.path.join(path, name)) for name in sorted(os.listdir(path))}


def dump_size(path):
    if os.path.isdir(path):
        return sum(os.path.getsize(os.path.join(path, name)) for name in os.listdir(path))
    return os.path.getsize(path)


def checksum_of(path):
    """(aggregate sha256, per-file dict or None). A directory's aggregate hashes its sha256sum listing."""
    if os.path.isdir(path):
        files = directory_checksums(path)
        listing = "".join("%s  %s\n" % (digest, name) for name, digest in sorted(files.items()))
        return hashlib.sha256(listing.encode("utf-8")).hexdigest(), files
    return sha256_file(path), None


def checksum_text(name, checksum, files=None):
    """sha256sum-compatible sidecar: ``sha256sum -c`` works from inside ``dest``."""
    if files:
        return "".join("%s  %s/%s\n" % (digest, name, rel) for rel, digest in sorted(files.items()))
    return "%s  %s\n" % (checksum, name)


def write_json(path, data, check_mode=False):
    return atomic_write(path, json.dumps(data, indent=2, sort_keys=True) + "\n", check_mode=check_mode)


# field -> the JSON types it may have (None: may be null); fields not named here are not read
MANIFEST_FIELDS = {
    "label": (str,), "database": (str,), "format": (str,), "created_at": (str,), "size_bytes": (int,),
    "checksum": (dict,), "row_counts": (dict, type(None)), "total_rows": (int, type(None)), "files": (dict, type(None)),
    "verification": (dict, type(None)), "server_version": (str, type(None)), "pg_dump_version": (str, type(None)),
}


def manifest_problem(data):
    """What is wrong with a manifest's field types (a sentence), or None when every field it has is well-typed."""
    if not isinstance(data, dict):
        return "it is JSON of type %s, not an object" % type(data).__name__
    for key, types in MANIFEST_FIELDS.items():
        if key in data and (not isinstance(data[key], types) or isinstance(data[key], bool) and bool not in types):
            return "field '%s' is %s, not %s" % (key, type(data[key]).__name__,
                                                 " or ".join("null" if t is type(None) else
                                                             {"str": "text", "int": "an integer",
                                                              "dict": "an object"}[t.__name__] for t in types))
    checksum = data.get("checksum") or {}
    if "value" in checksum and not isinstance(checksum["value"], str):
        return "field 'checksum.value' is %s, not text" % type(checksum["value"]).__name__
    for key, value in (data.get("row_counts") or {}).items():
        if isinstance(value, bool) or not isinstance(value, int):
            return "field 'row_counts.%s' is %s, not an integer" % (key, type(value).__name__)
    verification = data.get("verification") or {}
    if "reasons" in verification and not isinstance(verification["reasons"], (list, type(None))):
        return "field 'verification.reasons' is %s, not a list" % type(verification["reasons"]).__name__
    if data.get("created_at") is not None:
        try:
            parse_iso(data["created_at"])
        except ValueError:
            return "field 'created_at' is not an ISO 8601 time"
    return None


def read_manifest(dump_path, strict=False):
    """The manifest dict, or None when absent or unreadable (an unreadable manifest makes the backup not good).

    ``strict=True`` (a backup the task was pointed at) raises ``BackupError`` naming the manifest and what is wrong
    with it instead of returning None for a manifest that exists but is not valid JSON of the right types."""
    path = manifest_path(dump_path)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        if strict:
            raise BackupError("manifest %s cannot be read: %s" % (path, type(error).__name__),
                              hint="the backup's manifest is damaged; take a new backup") from None
        return None
    problem = manifest_problem(data)
    if problem:
        if strict:
            raise BackupError("manifest %s is not a valid backup manifest: %s" % (path, problem),
                              hint="the manifest was edited or damaged; take a new backup, or restore that field")
        return None
    return data
