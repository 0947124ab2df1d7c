# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The runbook's git steps on the app's repository: the release facts, a build tree of exactly the release commit,
the annotated tag, the push, Option 2's revert and the hotfix branch.

Every step is idempotent (a second run finds its work done and changes nothing) and never touches the operator's
checkout, index or current branch: the revert is made in a temporary worktree.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tarfile
import tempfile

from ansible_collections.facturino.release.plugins.module_utils.common.errors import CommandError, InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import AtomicFile
from ansible_collections.facturino.release.plugins.module_utils.git.repository import GitRepository

# What `railway run` would find beside the code: the operator's installed dependencies, and Laravel's writable dirs.
LINKED_DIRS = ("vendor", "node_modules")
WRITABLE_DIRS = ("storage/logs", "storage/framework/cache/data", "storage/framework/sessions",
                 "storage/framework/views", "bootstrap/cache")
COMMIT_MARKER = ".release-commit"


def identity_env(name, email):
    """Author and committer for tags and reverts (empty: git's own configuration decides)."""
    if not name:
        return {}
    return {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email or "", "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email or ""}


def safe_name(text):
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


class ReleaseRepository(GitRepository):
    """The app's repository, with the runbook's write steps."""

    def __init__(self, path, runner, identity=None):
        super().__init__(path, runner)
        self.identity = identity or {}

    def run_as_author(self, *args, cwd_path=None):
        argv = [self.git, "-c", "core.quotepath=off", "-C", cwd_path or self.path] + list(args)
        env = dict(self.identity)
        env.update({"GIT_PAGER": "cat", "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
        result = self.runner.run(argv, env=env, timeout=120)
        if result.rc != 0:
            raise CommandError("git %s failed in %s (rc=%s): %s" % (args[0], cwd_path or self.path, result.rc,
                                                                    (result.stderr or "").strip()[:500]),
                               hint="read git's message above; fix the repository state it names and rerun")
        return result

    # -- facts --------------------------------------------------------------------------------------------------
    def commit_of(self, ref):
        """The commit ``ref`` names, or None."""
        result = self.run("rev-parse", "--verify", "--quiet", ref + "^{commit}", ok_codes=(0, 1, 128))
        return result.stdout.strip() if result.rc == 0 else None

    def require_commit(self, ref, option):
        commit = self.commit_of(ref)
        if not commit:
            raise InvalidInputError("%s '%s' is not a commit in %s" % (option, ref, self.path),
                                    hint="fetch it (git fetch origin) or set %s to an existing branch, tag or commit" % option)
        return commit

    def tag_info(self, name):
        fields = self.run("for-each-ref", "--format=%(objecttype) %(objectname) %(*objectname)",
                          "refs/tags/" + name).stdout.split()
        if not fields:
            return {"exists": False, "annotated": False, "commit": None}
        return {"exists": True, "annotated": fields[0] == "tag", "commit": fields[2] if len(fields) > 2 else fields[1]}

    def remote_tag_commit(self, remote, name):
        """The commit the remote's tag points at ('' when absent or the remote cannot be reached)."""
        result = self.run("ls-remote", "--tags", remote, "refs/tags/%s^{}" % name, "refs/tags/" + name,
                          ok_codes=(0, 1, 2, 128))
        lines = sorted((line.split() for line in result.stdout.splitlines() if line.strip()),
                       key=lambda parts: parts[1], reverse=True)     # the peeled ^{} entry first
        return lines[0][0] if result.rc == 0 and lines else ""

    def status(self):
        lines = self.run("status", "--porcelain=v1", "--branch", "--untracked-files=normal").stdout.splitlines()
        branch = lines[0][3:].split("...")[0] if lines and lines[0].startswith("## ") else None
        dirty = [line[3:] for line in lines[1:]]
        return branch, dirty

    def json_file(self, commit, path):
        result = self.run("show", "%s:%s" % (commit, path), ok_codes=(0, 128))
        if result.rc != 0:
            return None
        try:
            return json.loads(result.stdout)
        except ValueError:
            return None

    def migrations(self, commit, directory):
        listing = self.run("ls-tree", "--name-only", commit, directory.rstrip("/") + "/").stdout.splitlines()
        return sorted(os.path.basename(p)[:-4] for p in listing if p.endswith(".php"))

    def facts(self, ref, tag, remote=None, migrations_dir="database/migrations"):
        commit = self.require_commit(ref, "ref")
        branch, dirty = self.status()
        return {
            "app_path": self.path, "ref": ref, "tag_name": tag, "branch": branch, "dirty": dirty, "clean": not dirty,
            "commit": commit, "commit_subject": self.run("log", "-1", "--format=%s", commit).stdout.strip(),
            "tag": self.tag_info(tag) if tag else {"exists": False, "annotated": False, "commit": None},
            "remote_commit": self.remote_tag_commit(remote, tag) if remote and tag else "",
            "migrations": self.migrations(commit, migrations_dir),
        }

    # -- the build tree -----------------------------------------------------------------------------------------
    def export(self, ref, dest, check_mode=False):
        """A tree of exactly ``ref``'s commit at ``dest`` (whole or absent); True when it was (re)built."""
        commit = self.require_commit(ref, "ref")
        try:
            with open(os.path.join(dest, COMMIT_MARKER), encoding="utf-8") as handle:
                if handle.read().strip() == commit:
                    return commit, False
        except OSError:
            pass
        if check_mode:
            return commit, True
        os.makedirs(os.path.dirname(dest), mode=0o700, exist_ok=True)
        with AtomicFile(dest, directory=True) as tree:
            archive = os.path.join(tree.temp_path, ".release.tar")
            self.run("archive", "--format=tar", "-o", archive, commit)
            with tarfile.open(archive) as handle:
                if hasattr(tarfile, "tar_filter"):
                    handle.extractall(tree.temp_path, filter="tar")
                else:  # Python without extraction filters: git archive writes no absolute or parent paths
                    handle.extractall(tree.temp_path)  # nosec B202
            os.unlink(archive)
            for name in LINKED_DIRS:
                source = os.path.join(self.path, name)
                if os.path.isdir(source) and not os.path.exists(os.path.join(tree.temp_path, name)):
                    os.symlink(os.path.abspath(source), os.path.join(tree.temp_path, name))
            for sub in WRITABLE_DIRS:
                os.makedirs(os.path.join(tree.temp_path, sub), exist_ok=True)
            with open(os.path.join(tree.temp_path, COMMIT_MARKER), "w", encoding="utf-8") as handle:
                handle.write(commit + "\n")
            tree.commit()
        return commit, True

    # -- tag and push -------------------------------------------------------------------------------------------
    def tag(self, name, ref, message, require_clean=True, check_mode=False):
        commit = self.require_commit(ref, "ref")
        existing = self.tag_info(name)
        if existing["exists"]:
            if existing["commit"] != commit:
                raise InvalidInputError(
                    "tag %s already exists on %s, not on %s (%s)" % (name, existing["commit"][:12], ref, commit[:12]),
                    hint="choose a new version, or delete the tag deliberately (git tag -d %s) if it was never "
                         "published" % name)
            return commit, False
        if require_clean:
            _branch, dirty = self.status()
            if dirty:
                raise InvalidInputError(
                    "the working tree of %s has %d uncommitted change(s)" % (self.path, len(dirty)),
                    hint="commit or stash them first (runbook: \"nothing to commit, working tree clean\")")
        if not check_mode:
            self.run_with_message(message, "tag", "--annotate", "--cleanup=verbatim", name, commit)
        return commit, True

    def run_with_message(self, message, *args, cwd_path=None):
        """A git command whose message comes from a private temporary file (``--file``), never from argv."""
        fd, path = tempfile.mkstemp(prefix=".git-message-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(message if message.endswith("\n") else message + "\n")
            return self.run_as_author(*(list(args[:1]) + ["--file=" + path] + list(args[1:])), cwd_path=cwd_path)
        finally:
            os.unlink(path)

    def push(self, remote, branch, tags, check_mode=False):
        """Push ``branch`` and ``tags`` where the remote differs; returns the refs pushed."""
        refs = []
        for tag in tags:
            if self.remote_tag_commit(remote, tag) != (self.tag_info(tag)["commit"] or ""):
                refs.append("refs/tags/" + tag)
        if branch:
            local = self.commit_of("refs/heads/" + branch)
            result = self.run("ls-remote", "--heads", remote, "refs/heads/" + branch, ok_codes=(0, 2, 128))
            remote_commit = result.stdout.split()[0] if result.rc == 0 and result.stdout.strip() else ""
            if local and local != remote_commit:
                refs.insert(0, "refs/heads/%s:refs/heads/%s" % (branch, branch))
        if refs and not check_mode:
            self.run_as_author("push", remote, *refs)
        return refs

    # -- Option 2 and the hotfix branch ---------------------------------------------------------------------------
    def checked_out_at(self, branch):
        """The work tree that has ``branch`` checked out, or None."""
        path = None
        for line in self.run("worktree", "list", "--porcelain").stdout.splitlines():
            if line.startswith("worktree "):
                path = line[len("worktree "):]
            elif line == "branch refs/heads/" + branch:
                return path
        return None

    def revert(self, tag, branch, rollback_tag, message, check_mode=False):
        """Revert ``tag``'s commit on ``branch`` and tag the result ``rollback_tag``.

        Where ``branch`` is checked out (the operator's clean checkout), the revert is made there, as the runbook
        does; otherwise in a temporary worktree, so no checkout changes.
        """
        existing = self.tag_info(rollback_tag)
        if existing["exists"]:
            return existing["commit"], False
        target = self.require_commit(tag, "tag")
        self.require_commit("refs/heads/" + branch, "branch")
        checkout = self.checked_out_at(branch)
        if checkout:
            dirty = self.run("-C", checkout, "status", "--porcelain", "--untracked-files=no").stdout.strip()
            if dirty:
                raise InvalidInputError("%s has %s checked out with uncommitted changes" % (checkout, branch),
                                        hint="commit or stash them, then rerun the rollback")
        if check_mode:
            return None, True
        scratch = None if checkout else tempfile.mkdtemp(prefix="facturino-revert-")
        tree = checkout or os.path.join(scratch, "tree")
        try:
            if scratch:
                self.run_as_author("worktree", "add", "--quiet", tree, branch)
            parents = self.run("rev-list", "--parents", "-n1", target).stdout.split()
            mainline = ["-m", "1"] if len(parents) > 2 else []
            self.run_as_author(*(["revert", "--no-commit"] + mainline + [target]), cwd_path=tree)
            self.run_with_message(message, "commit", "--quiet", cwd_path=tree)
            commit = self.run_as_author("rev-parse", "HEAD", cwd_path=tree).stdout.strip()
            self.run_with_message("Rollback of %s" % tag, "tag", "--annotate", rollback_tag, commit)
            return commit, True
        finally:
            if scratch:
                self.runner.run([self.git, "-C", self.path, "worktree", "remove", "--force", tree], timeout=60)
                shutil.rmtree(scratch, ignore_errors=True)

    def branch(self, name, start, check_mode=False):
        """Create branch ``name`` at ``start`` (HEAD when ``start`` names no commit); False when it exists."""
        if self.commit_of("refs/heads/" + name):
            return self.commit_of("refs/heads/" + name), False
        commit = self.commit_of(start) if start else None
        commit = commit or self.require_commit("HEAD", "start")
        if not check_mode:
            self.run_as_author("branch", name, commit)
        return commit, True


def export_dir(root, tag, commit):
    """Where the build tree of ``tag`` at ``commit`` lives under ``root``."""
    return os.path.join(root, "%s-%s" % (safe_name(tag or "release"), commit[:12]))


def present_in_tree(tree, paths):
    """{path: exists in the build tree} (the operator's linked vendor/ and node_modules/ included)."""
    return {path: os.path.lexists(os.path.join(tree, path)) for path in paths}
