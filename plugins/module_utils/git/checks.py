# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runbook's Security Checklist as repository checks. Each returns plain dicts, never file contents."""

from __future__ import annotations

import os
import posixpath

ENV_PATHSPECS = (":(glob)**/.env", ":(glob)**/.env.*")
ALLOWED_ENV_FILES = (".env.example",)
# Names .gitignore must cover, relative to the app.
IGNORE_PROBES = (".env", ".env.production", ".env.staging", ".env.local", ".env.backup", ".env.production.local")
AGPL_FILES = ("LICENSE", "LEGAL_NOTES")
COMMIT_MARK = "\x01"


def committed_env_files(repo):
    """Every .env/.env.* path (not .env.example) in any commit of any ref, with first/last commits and status."""
    if not repo.has_commits():
        return []
    out = repo.run("log", "--all", "--full-history", "--format=" + COMMIT_MARK + "%H", "--name-only", "--",
                   *ENV_PATHSPECS).stdout
    touched = {}
    commit = None
    for line in out.splitlines():
        if line.startswith(COMMIT_MARK):
            commit = line[1:].strip()
            continue
        path = line.strip()
        if not path or posixpath.basename(path) in ALLOWED_ENV_FILES:
            continue
        touched.setdefault(path, []).append(commit)
    if not touched:
        return []
    tracked = set(repo.run("ls-files", "--", *sorted(touched)).stdout.splitlines())
    reports = []
    for path in sorted(touched):
        commits = touched[path]  # newest first
        reports.append({"path": path, "first_commit": commits[-1], "last_commit": commits[0],
                        "commits": len(commits), "tracked": path in tracked})
    return reports


def gitignore_gaps(repo, probes=IGNORE_PROBES):
    """The probe names that .gitignore (and excludes) would NOT ignore."""
    result = repo.run("check-ignore", "--no-index", "--", *probes, ok_codes=(0, 1))
    ignored = set(line.strip() for line in result.stdout.splitlines())
    return [name for name in probes if name not in ignored]


def working_tree_changes(repo):
    """``{"modified": [...], "untracked": [...]}`` from ``git status --porcelain`` (ignored files excluded)."""
    out = repo.run("status", "--porcelain=v1", "--untracked-files=normal").stdout
    changes = {"modified": [], "untracked": []}
    for line in out.splitlines():
        if len(line) < 4:
            continue
        kind = "untracked" if line.startswith("??") else "modified"
        changes[kind].append(line[3:])
    return changes


def tracked_files(repo, directories):
    out = repo.run("ls-files", "-z", "--", *directories).stdout
    return [path for path in out.split("\x00") if path]


def missing_agpl_files(app_path, names=AGPL_FILES):
    """Names with no file starting with that name (LICENSE, LICENSE.md, ...) at the app root."""
    present = os.listdir(app_path)
    return [name for name in names if not any(entry.startswith(name) and os.path.isfile(os.path.join(app_path, entry))
                                              for entry in present)]
