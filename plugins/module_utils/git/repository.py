# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only access to a git work tree through the common command runner (argument lists only)."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    CommandError,
    MissingDependencyError,
    NotARepositoryError,
)

# Read-only: no index refresh by status, no pager, stable English output.
GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": "cat", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}
GIT_TIMEOUT = 120


class GitRepository:
    def __init__(self, path, runner):
        self.path = path
        self.runner = runner
        self.git = runner.which("git")
        if not self.git:
            raise MissingDependencyError("git is not on PATH", hint="install git on the host that runs the audit")

    def run(self, *args, ok_codes=(0,)):
        argv = [self.git, "-c", "core.quotepath=off", "-C", self.path] + list(args)
        result = self.runner.run(argv, env=dict(GIT_ENV), timeout=GIT_TIMEOUT)
        if result.rc not in ok_codes:
            stderr = (result.stderr or "").strip()[:500]
            raise CommandError("git %s failed in %s (rc=%s): %s" % (args[0], self.path, result.rc, stderr),
                               hint="check that the path is a readable git work tree", rc=result.rc)
        return result

    def toplevel(self):
        result = self.runner.run([self.git, "-C", self.path, "rev-parse", "--show-toplevel"], env=dict(GIT_ENV),
                                 timeout=GIT_TIMEOUT)
        if result.rc != 0:
            detail = (result.stderr or "").strip().splitlines()
            reason = detail[-1] if detail else "rc=%s" % result.rc
            raise NotARepositoryError("%s is not a git work tree (%s)" % (self.path, reason),
                                      hint="point app_path at the application's git checkout")
        return result.stdout.strip()

    def has_commits(self):
        return self.run("rev-parse", "--verify", "-q", "HEAD", ok_codes=(0, 1)).rc == 0
