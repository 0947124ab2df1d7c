# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding pg_dump/pg_restore/psql, reading their versions, and checking them against the server."""

from __future__ import annotations

import os
import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError, MissingDependencyError

VERSION_RE = re.compile(r"\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?")


def parse_version(text):
    """'pg_dump (PostgreSQL) 15.20 (Debian ...)' -> (15, 20); None when unrecognised."""
    match = VERSION_RE.search(text or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2) or 0)


def server_major(version_num):
    """server_version_num 150020 -> 15; 90624 -> 9 (pre-10 servers keep two-part majors, treated as 9)."""
    return version_num // 10000


class Tools:
    """Resolves client programs (optionally from ``bin_dir``) and caches their versions."""

    def __init__(self, runner, bin_dir=None):
        self.runner = runner
        self.bin_dir = bin_dir
        self._versions = {}

    def path(self, name):
        if self.bin_dir:
            candidate = os.path.join(self.bin_dir, name)
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
            raise MissingDependencyError("%s not found or not executable in pg_bin_dir %s" % (name, self.bin_dir),
                                         hint="point pg_bin_dir at the PostgreSQL client bin directory")
        found = self.runner.which(name)
        if not found:
            raise MissingDependencyError("%s is not on PATH" % name,
                                         hint="install the PostgreSQL client tools (e.g. postgresql-client) "
                                              "or set pg_bin_dir")
        return found

    def version(self, name):
        if name not in self._versions:
            result = self.runner.run([self.path(name), "--version"])
            parsed = parse_version(result.stdout)
            if result.rc != 0 or parsed is None:
                raise MissingDependencyError("cannot read the version of %s: %s" % (name, (result.stderr or result.stdout).strip()),
                                             hint="check the PostgreSQL client installation")
            self._versions[name] = parsed
        return self._versions[name]

    def version_text(self, name):
        return "%d.%d" % self.version(name)

    def check_compatible(self, name, server_version_num, server_text):
        """pg_dump refuses servers of a newer major version; say so before starting, with the fix."""
        major = self.version(name)[0]
        needed = server_major(server_version_num)
        if major < needed:
            raise BackupError(
                "%s %s is older than the server (PostgreSQL %s); %s cannot read a newer major version"
                % (name, self.version_text(name), server_text, name),
                hint="install the PostgreSQL %d client tools (e.g. postgresql-client-%d) and set pg_bin_dir "
                     "to their bin directory" % (needed, needed),
                client_version=self.version_text(name), server_version=server_text)
        return major
