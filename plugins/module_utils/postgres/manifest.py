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

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
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


def read_manifest(dump_path):
    """The manifest dict, or None when absent or unreadable (an unreadable manifest makes the backup not good)."""
    path = manifest_path(dump_path)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
