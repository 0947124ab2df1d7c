# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Snapshots of Laravel's cache files, so ``changed`` is measured on disk instead of assumed."""

from __future__ import annotations

import hashlib
import os
import re

from ansible_collections.facturino.release.plugins.module_utils.common.fileio import sha256_file

# scope -> files (relative to app_path) or directories (trailing slash, read recursively)
SCOPES = {
    "config": ("bootstrap/cache/config.php",),
    "routes": ("bootstrap/cache/routes-v7.php", "bootstrap/cache/routes.php"),
    "events": ("bootstrap/cache/events.php",),
    "compiled": ("bootstrap/cache/services.php", "bootstrap/cache/packages.php", "bootstrap/cache/compiled.php"),
    "views": ("storage/framework/views/",),
    "cache": ("storage/framework/cache/",),
    "maintenance": ("storage/framework/down", "storage/framework/maintenance.php"),
}

COMMAND_SCOPES = {
    "config:clear": ("config",),
    "config:cache": ("config",),
    "route:clear": ("routes",),
    "route:cache": ("routes",),
    "view:clear": ("views",),
    "view:cache": ("views",),
    "cache:clear": ("cache",),
    "optimize": ("config", "routes", "events", "views"),
    "optimize:clear": ("config", "routes", "events", "views", "cache", "compiled"),
}

IGNORED_NAMES = (".gitignore", ".gitkeep")
# route:cache writes per-run noise: unnamed routes get "generated::<16 random chars>", and serialized
# closures carry their object id ("self") and an HMAC of it ("hash").
ROUTE_CACHE_NOISE = (
    (re.compile(br"generated::[A-Za-z0-9]{16}"), b"generated::"),
    (re.compile(br's:4:\\?"self\\?";s:32:\\?"[0-9a-f]{32}\\?"'), b"self"),
    (re.compile(br's:4:\\?"hash\\?";s:44:\\?"[A-Za-z0-9+/=]{44}\\?"'), b"hash"),
)


def file_digest(path, relpath):
    """sha256 of a cache file; route-cache noise is blanked so an unchanged route table compares equal."""
    if not relpath.startswith("bootstrap/cache/routes"):
        return sha256_file(path)
    with open(path, "rb") as handle:
        data = handle.read()
    for pattern, replacement in ROUTE_CACHE_NOISE:
        data = pattern.sub(replacement, data)
    return hashlib.sha256(data).hexdigest()


def _files(app_path, entry):
    path = os.path.join(app_path, entry)
    if not entry.endswith("/"):
        return [entry] if os.path.isfile(path) else []
    found = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        for name in sorted(names):
            if name not in IGNORED_NAMES:
                found.append(os.path.relpath(os.path.join(root, name), app_path))
    return found


def snapshot(app_path, scopes):
    """{relative path: sha256} of every cache file in ``scopes``."""
    state = {}
    for scope in scopes:
        for entry in SCOPES[scope]:
            for relpath in _files(app_path, entry):
                try:
                    state[relpath] = file_digest(os.path.join(app_path, relpath), relpath)
                except (IOError, OSError):
                    continue  # removed while we looked: it is simply absent
    return state


def compare(before, after):
    """{added, removed, modified} lists of relative paths; all empty when nothing changed."""
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "modified": sorted(path for path in set(before) & set(after) if before[path] != after[path]),
    }


def is_changed(changes):
    return any(changes[key] for key in ("added", "removed", "modified"))
