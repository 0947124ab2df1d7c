# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pack a source directory the way ``railway up`` does: a gzip tarball of ``./``-relative entries that honours
``.gitignore`` and ``.railwayignore`` (in every directory), always leaves out ``.git`` and ``node_modules``,
and follows symlinks."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import tarfile

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

IGNORE_FILES = (".gitignore", ".railwayignore")
ALWAYS_EXCLUDED = (".git", "node_modules")


class IgnoreRule:
    def __init__(self, base, pattern):
        self.base = base  # "" or "sub/dir/" (where the ignore file lives)
        self.negate = pattern.startswith("!")
        if self.negate:
            pattern = pattern[1:]
        self.dir_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        body = translate(pattern)
        self.regex = re.compile(body if anchored else "(?:.*/)?" + body, re.S)

    def matches(self, relpath, is_dir):
        if self.dir_only and not is_dir:
            return False
        if not relpath.startswith(self.base):
            return False
        return self.regex.fullmatch(relpath[len(self.base):]) is not None


def translate(pattern):
    """gitignore glob -> regex body (``*``/``?`` stop at ``/``; ``**`` crosses directories)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == "*":
            if pattern[i:i + 3] == "**/":
                out.append("(?:.*/)?")
                i += 3
                continue
            if pattern[i:i + 2] == "**":
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[i + 1:end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append("[" + body.replace("\\", "\\\\") + "]")
                i = end
        elif char == "\\" and i + 1 < n:
            out.append(re.escape(pattern[i + 1]))
            i += 1
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


def parse_ignore(text, base=""):
    rules = []
    for raw in text.splitlines():
        line = raw.rstrip("\n\r")
        if not line.strip() or line.startswith("#"):
            continue
        if line.endswith("\\ "):
            line = line.rstrip(" ") + " "
        else:
            line = line.rstrip(" ")
        if line.startswith("\\#") or line.startswith("\\!"):
            line = line[1:]
        rules.append(IgnoreRule(base, line))
    return rules


def is_ignored(rules, relpath, is_dir):
    ignored = False
    for rule in rules:
        if rule.matches(relpath, is_dir):
            ignored = not rule.negate
    return ignored


def collect_files(root, use_ignore_files=True):
    """``[(relative path, absolute path)]`` of the files to upload, sorted."""
    root = os.path.abspath(root)
    if not os.path.isdir(root):
        raise InvalidInputError("source %s is not a directory" % root, hint="point source at the app's root directory")
    found = []

    def walk(directory, rel, rules, seen):
        if use_ignore_files:
            rules = list(rules)
            for name in IGNORE_FILES:
                path = os.path.join(directory, name)
                if os.path.isfile(path):
                    with open(path, encoding="utf-8", errors="replace") as handle:
                        rules.extend(parse_ignore(handle.read(), rel))
        for name in sorted(os.listdir(directory)):
            full = os.path.join(directory, name)
            relpath = rel + name
            is_dir = os.path.isdir(full)
            if is_dir and name in ALWAYS_EXCLUDED:
                continue
            if is_ignored(rules, relpath, is_dir):
                continue
            if is_dir:
                real = os.path.realpath(full)
                if real not in seen:  # symlink loops
                    walk(full, relpath + "/", rules, seen | {real})
            elif os.path.isfile(full):
                found.append((relpath, full))

    walk(root, "", [], frozenset([os.path.realpath(root)]))
    return found


class Package:
    def __init__(self, data, files, digest, unpacked_bytes):
        self.data = data
        self.files = files
        self.digest = digest
        self.unpacked_bytes = unpacked_bytes

    def summary(self):
        return {"files": len(self.files), "unpacked_bytes": self.unpacked_bytes, "tarball_bytes": len(self.data),
                "sha256": self.digest}


def pack(root, use_ignore_files=True):
    """Build the gzip tarball in memory; the digest covers paths, modes and contents (not mtimes)."""
    files = collect_files(root, use_ignore_files)
    digest = hashlib.sha256()
    raw = io.BytesIO()
    total = 0
    with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for relpath, full in files:
                info_stat = os.stat(full)
                with open(full, "rb") as handle:
                    content = handle.read()
                info = tarfile.TarInfo("./" + relpath)
                info.size = len(content)
                info.mode = stat.S_IMODE(info_stat.st_mode)
                info.mtime = int(info_stat.st_mtime)
                tar.addfile(info, io.BytesIO(content))
                total += len(content)
                digest.update(("%s\0%o\0" % (relpath, info.mode & 0o111)).encode("utf-8"))
                digest.update(hashlib.sha256(content).digest())
    return Package(raw.getvalue(), [f[0] for f in files], digest.hexdigest(), total)
