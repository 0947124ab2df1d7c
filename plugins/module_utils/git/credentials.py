# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hard-coded credentials in tracked source: a password-like name assigned a string literal, not env()/config().

Hits carry path and line only; the literal is returned separately so the caller can mask it, never print it.
"""

from __future__ import annotations

import os
import re

SCAN_DIRECTORIES = ("app", "config")
MAX_SOURCE_BYTES = 2 * 1024 * 1024
ASSIGNMENT = re.compile(
    r"""(?ix)
    ['"$]?(?:[a-z0-9]+[_-])*(?P<name>password|passwd|pwd|secret|api[_-]?key|token|private[_-]?key|access[_-]?key)['"]?
    \s*(?:=>|=|:)\s*
    (?P<quote>['"])(?P<literal>[^'"]{4,})(?P=quote)
    """
)
SAFE_CALLS = re.compile(r"\b(env|config|getenv|Config::get)\s*\(")


def scan_line(line):
    """The literal of a hard-coded credential on ``line``, or ``None``."""
    if SAFE_CALLS.search(line):
        return None
    stripped = line.strip()
    if stripped.startswith(("//", "#", "*", "/*")):
        return None
    match = ASSIGNMENT.search(line)
    return match.group("literal") if match else None


def scan_files(root, paths):
    """``(hits, literals)``: hits are ``{"path", "line", "name"}``; literals are for masking only."""
    hits = []
    literals = []
    for path in paths:
        full = os.path.join(root, path)
        try:
            if os.path.getsize(full) > MAX_SOURCE_BYTES:
                continue
            with open(full, "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        if b"\x00" in data:
            continue
        for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), 1):
            literal = scan_line(line)
            if literal is not None:
                name = ASSIGNMENT.search(line).group("name").lower()
                hits.append({"path": path, "line": number, "name": name})
                literals.append(literal)
    return hits, literals
