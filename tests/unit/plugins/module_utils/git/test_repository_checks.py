"""Security Checklist checks against real git repositories built in tmp dirs."""

import os
import subprocess

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.process import SubprocessCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_repository
from ansible_collections.facturino.release.plugins.module_utils.git import checks, credentials
from ansible_collections.facturino.release.plugins.module_utils.git.repository import (
    GitRepository,
    NotARepositoryError,
)

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
SAFE_GITIGNORE = ".env\n.env.*\n!.env.example\n"


def git(path, *args):
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", "-C", str(path)] + list(args), check=True, capture_output=True, text=True,
                          env=env).stdout


def write(root, name, text):
    path = os.path.join(str(root), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def commit(root, message, *names):
    git(root, "add", "-A", *names)
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo_path(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    write(tmp_path, ".gitignore", SAFE_GITIGNORE)
    write(tmp_path, "LICENSE", "AGPL-3.0\n")
    write(tmp_path, "LEGAL_NOTES", "notes\n")
    write(tmp_path, ".env.example", "APP_KEY=\n")
    write(tmp_path, "config/database.php", "<?php return ['password' => env('DB_PASSWORD', '')];\n")
    commit(tmp_path, "base")
    return tmp_path


def repo(path):
    return GitRepository(str(path), SubprocessCommandRunner())


def test_clean_repository_has_nothing_to_report(repo_path):
    r = repo(repo_path)
    assert checks.committed_env_files(r) == []
    assert checks.gitignore_gaps(r) == []
    assert checks.working_tree_changes(r) == {"modified": [], "untracked": []}
    assert checks.missing_agpl_files(str(repo_path)) == []


def test_env_committed_then_deleted_is_caught_across_history(repo_path):
    git(repo_path, "rm", "-q", "--cached", ".gitignore")
    write(repo_path, ".gitignore", "")
    write(repo_path, ".env", "DB_PASSWORD=Planted-History-Secret\n")
    added = commit(repo_path, "oops", ".env", ".gitignore")
    git(repo_path, "rm", "-q", ".env")
    write(repo_path, ".gitignore", SAFE_GITIGNORE)
    commit(repo_path, "remove .env")
    assert not os.path.exists(os.path.join(str(repo_path), ".env"))
    reports = checks.committed_env_files(repo(repo_path))
    assert [(r["path"], r["first_commit"], r["tracked"]) for r in reports] == [(".env", added, False)]
    assert "Planted-History-Secret" not in repr(reports)


def test_env_variant_on_another_branch_and_subdirectory_is_caught(repo_path):
    git(repo_path, "checkout", "-q", "-b", "feature")
    write(repo_path, "deploy/.env.production", "X=1\n")
    git(repo_path, "add", "-f", "deploy/.env.production")
    git(repo_path, "commit", "-q", "-m", "feature env")
    git(repo_path, "checkout", "-q", "main")
    reports = checks.committed_env_files(repo(repo_path))
    assert [(r["path"], r["tracked"]) for r in reports] == [("deploy/.env.production", False)]


def test_gitignore_gaps_name_each_uncovered_variant(repo_path):
    write(repo_path, ".gitignore", ".env\n")
    assert checks.gitignore_gaps(repo(repo_path)) == [".env.production", ".env.staging", ".env.local", ".env.backup",
                                                      ".env.production.local"]


def test_dirty_tree_reports_modified_and_untracked_but_not_ignored(repo_path):
    write(repo_path, "LICENSE", "changed\n")
    write(repo_path, "notes.txt", "new\n")
    write(repo_path, ".env.production", "IGNORED=1\n")
    assert checks.working_tree_changes(repo(repo_path)) == {"modified": ["LICENSE"], "untracked": ["notes.txt"]}


def test_status_does_not_touch_the_index(repo_path):
    index = os.path.join(str(repo_path), ".git", "index")
    os.utime(os.path.join(str(repo_path), "LICENSE"))  # stat change would make a normal status rewrite the index
    before = os.stat(index).st_mtime_ns
    checks.working_tree_changes(repo(repo_path))
    assert os.stat(index).st_mtime_ns == before


def test_missing_agpl_files(repo_path):
    os.remove(os.path.join(str(repo_path), "LEGAL_NOTES"))
    os.rename(os.path.join(str(repo_path), "LICENSE"), os.path.join(str(repo_path), "LICENSE.md"))
    assert checks.missing_agpl_files(str(repo_path)) == ["LEGAL_NOTES"]


def test_not_a_repository_is_a_clear_error(tmp_path):
    with pytest.raises(NotARepositoryError, match="is not a git work tree.*Fix: point app_path"):
        repo(tmp_path).toplevel()


def test_empty_repository_has_no_history_to_scan(tmp_path):
    git(tmp_path, "init", "-q")
    assert checks.committed_env_files(repo(tmp_path)) == []


def test_hardcoded_credentials_in_tracked_app_and_config_only(repo_path):
    services = "<?php return [\n  'stripe' => [\n    'secret' => 'sk_live_Planted99',\n    'key' => env('STRIPE_KEY'),\n  ],\n];\n"
    write(repo_path, "config/services.php", services)
    write(repo_path, "app/Models/User.php", "<?php\n$password = \"Hunter2-Planted\";\n// password = 'comment'\n")
    write(repo_path, "routes/web.php", "<?php $password = 'NotScanned1';\n")
    commit(repo_path, "code")
    files = checks.tracked_files(repo(repo_path), credentials.SCAN_DIRECTORIES)
    hits, literals = credentials.scan_files(str(repo_path), files)
    assert sorted((h["path"], h["line"], h["name"]) for h in hits) == [
        ("app/Models/User.php", 2, "password"), ("config/services.php", 3, "secret")]
    assert sorted(literals) == ["Hunter2-Planted", "sk_live_Planted99"]
    assert "Planted" not in repr(hits)


@pytest.mark.parametrize("line, hit", [
    ("'password' => env('DB_PASSWORD', 'fallback')", False),
    ("'password' => config('x.password')", False),
    ("'passwords' => 'users',", False),
    ("'password_timeout' => 10800,", False),
    ("'table' => 'password_reset_tokens',", False),
    ("'db_password' => 'literal-pass',", True),
    ("$apiKey = 'abcd1234efgh';", True),
    ("'token' => '',", False),
])
def test_scan_line(line, hit):
    assert (credentials.scan_line(line) is not None) is hit


def test_app_in_a_subdirectory_still_sees_env_files_committed_at_the_top(repo_path):
    write(repo_path, "backend/LICENSE", "x\n")
    write(repo_path, "backend/LEGAL_NOTES", "x\n")
    write(repo_path, "backend/app/Http/Kernel.php", "<?php\n")
    write(repo_path, "secrets.env/.env.staging", "X=1\n")
    git(repo_path, "add", "-f", "-A")
    commit(repo_path, "app moved to backend, staging env leaked")
    findings, facts, _literals = audit_repository(str(repo_path / "backend"), SubprocessCommandRunner())
    assert facts["env_files_in_history"] == ["secrets.env/.env.staging"]
    assert [(f.rule, f.key) for f in findings] == [("env-file-committed", "secrets.env/.env.staging")]
