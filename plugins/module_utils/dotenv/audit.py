# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit without AnsibleModule: environment checks, drift, and the repository (Security Checklist)."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.dotenv import checks, drift
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import Finding
from ansible_collections.facturino.release.plugins.module_utils.dotenv.rules import default_severity
from ansible_collections.facturino.release.plugins.module_utils.git import checks as git_checks
from ansible_collections.facturino.release.plugins.module_utils.git import credentials
from ansible_collections.facturino.release.plugins.module_utils.git.repository import (
    GitRepository,
    NotARepositoryError,
)


def audit_environment(document, profile_name="production", laravel_major=None, required=(), forbidden=(),
                      app_reads=None, reference=None, reference_name="reference"):
    context = checks.Context(document, profile_name, laravel_major, required, forbidden, app_reads)
    findings = checks.run_all(context)
    if reference is not None:
        findings.extend(drift.compare(document, reference, reference_name))
    return findings


def _finding(rule, key, message, line=None):
    return Finding(rule, key, line, default_severity(rule), message)


def audit_repository(app_path, runner):
    """``(findings, facts, literals)``; ``literals`` are hard-coded secrets found, for masking only."""
    repo = GitRepository(app_path, runner)
    try:
        toplevel = repo.toplevel()
    except NotARepositoryError as error:
        return [_finding("git-repository", None, error.message)], {"git": False}, []
    findings = []
    # History is scanned from the top: an app in a subdirectory must not hide a .env committed elsewhere.
    env_files = git_checks.committed_env_files(GitRepository(toplevel, runner))
    for item in env_files:
        state = "is still tracked" if item["tracked"] else "was deleted later but stays in the history"
        message = "%s was committed in %s and %s: rotate every secret it held and purge it from history" % (
            item["path"], item["first_commit"][:12], state)
        findings.append(_finding("env-file-committed", item["path"], message))
    gaps = git_checks.gitignore_gaps(repo)
    for name in gaps:
        findings.append(_finding("gitignore-env", name, "%s is not ignored by .gitignore (add '.env' and '.env.*' "
                                 "with '!.env.example')" % name))
    hits, literals = credentials.scan_files(app_path, git_checks.tracked_files(repo, credentials.SCAN_DIRECTORIES))
    for hit in hits:
        findings.append(_finding("hardcoded-credential", hit["path"], "a literal %s in %s line %d; read it with "
                                 "env() in config/ instead" % (hit["name"], hit["path"], hit["line"]), hit["line"]))
    for name in git_checks.missing_agpl_files(app_path):
        findings.append(_finding("agpl-files", name, "%s is missing at the application root" % name))
    changes = git_checks.working_tree_changes(repo)
    if changes["modified"] or changes["untracked"]:
        shown = (changes["modified"] + changes["untracked"])[:5]
        findings.append(_finding("dirty-tree", None, "the working tree is not clean: %d modified, %d untracked (%s); "
                                 "commit or stash first" % (len(changes["modified"]), len(changes["untracked"]),
                                                            ", ".join(shown))))
    facts = {"git": True, "toplevel": toplevel, "env_files_in_history": [item["path"] for item in env_files],
             "gitignore_gaps": gaps, "modified": len(changes["modified"]), "untracked": len(changes["untracked"]),
             "hardcoded_credentials": len(hits)}
    return findings, facts, literals
