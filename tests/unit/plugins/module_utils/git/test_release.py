"""git_release's steps against real repositories (an origin and a clone) built in tmp dirs."""

import json
import os
import subprocess

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.process import SubprocessCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.git.release import ReleaseRepository, identity_env
from ansible_collections.facturino.release.plugins.module_utils.git.task import run

GIT_ENV = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
IDENTITY = {"author_name": "Release Bot", "author_email": "bot@facturino.test"}


def git(cwd, *args):
    return subprocess.run(["git", "-C", str(cwd)] + list(args), env=GIT_ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_file(repo, path, content, message):
    full = os.path.join(str(repo), path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8") as handle:
        handle.write(content)
    git(repo, "add", path)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repos(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin))
    app = tmp_path / "app"
    git(tmp_path, "clone", "-q", str(origin), str(app))
    base = commit_file(app, "database/migrations/0001_create_users.php", "<?php\n", "base")
    commit_file(app, "composer.lock", json.dumps({"packages": [{"name": "laravel/framework", "version": "v8.83.27"}]}),
                "lock")
    git(app, "push", "-q", "origin", "main")
    git(app, "checkout", "-q", "-b", "release/v1.0.0")
    release = commit_file(app, "database/migrations/2025_11_16_233237_add_two_factor.php", "<?php\n", "2fa")
    git(app, "checkout", "-q", "main")
    return {"app": str(app), "origin": str(origin), "base": base, "release": release, "tmp": tmp_path}


def params(repos, **values):
    out = {"app_path": repos["app"], "ref": "HEAD", "tag": None, "git_message": None, "remote": "origin", "branch": None,
           "tags": [], "rollback_tag": None, "dest": None, "migrations_dir": "database/migrations", "probe_paths": [],
           "composer_packages": [], "npm_packages": [], "query_remote": False, "require_clean": True}
    out.update(IDENTITY)
    out.update(values)
    return out


def execute(repos, check_mode=False, **values):
    return run(params(repos, **values), check_mode, SubprocessCommandRunner())


def test_facts_read_the_release_commit_tag_migrations_and_dependencies(repos):
    out = execute(repos, operation="facts", ref="release/v1.0.0", tag="v1.0.0", query_remote=True,
                  composer_packages=[{"name": "laravel/framework", "version": "8", "min": None, "max": "9"},
                                     {"name": "spatie/laravel-backup", "version": None, "min": None, "max": None}])
    assert out["commit"] == repos["release"] and out["branch"] == "main" and out["clean"]
    assert out["tag"] == {"exists": False, "annotated": False, "commit": None} and out["remote_commit"] == ""
    assert out["migrations"] == ["0001_create_users", "2025_11_16_233237_add_two_factor"]
    rows = {row["name"]: row for row in out["dependencies"]["composer"]["checked"]}
    assert out["dependencies"]["composer"]["source"] == "composer.lock"
    assert rows["laravel/framework"]["ok"] and not rows["spatie/laravel-backup"]["ok"]
    assert out["dependencies"]["npm"]["source"] == "none" and not out["changed"]


def test_facts_name_a_missing_ref_and_the_fix(repos):
    with pytest.raises(InvalidInputError) as error:
        execute(repos, operation="facts", ref="release/v9", tag="v9")
    assert "ref 'release/v9' is not a commit" in str(error.value) and "git fetch origin" in str(error.value)


def test_export_builds_exactly_the_commit_once(repos):
    os.makedirs(os.path.join(repos["app"], "vendor", "bin"))
    root = str(repos["tmp"] / "builds")
    dest = os.path.join(root, "v1.0.0-" + repos["release"][:12])
    probe = ["vendor/bin", "package.json", "composer.lock"]
    assert execute(repos, check_mode=True, operation="export", ref="release/v1.0.0", tag="v1.0.0", dest=root)["changed"]
    assert not os.path.exists(root)
    out = execute(repos, operation="export", ref="release/v1.0.0", tag="v1.0.0", dest=root, probe_paths=probe)
    assert out["changed"] and out["exported"] and out["commit"] == repos["release"] and out["dest"] == dest
    assert out["migrations"][-1] == "2025_11_16_233237_add_two_factor" and out["clean"]
    assert out["paths"] == {"vendor/bin": True, "package.json": False, "composer.lock": True}
    assert os.path.isfile(os.path.join(dest, "database/migrations/2025_11_16_233237_add_two_factor.php"))
    assert os.path.islink(os.path.join(dest, "vendor")) and os.path.isdir(os.path.join(dest, "bootstrap/cache"))
    assert not os.path.exists(os.path.join(dest, ".git")) and not os.path.exists(os.path.join(dest, ".release.tar"))
    again = execute(repos, operation="export", ref="release/v1.0.0", tag="v1.0.0", dest=root)
    assert not again["changed"] and not again["exported"]
    # a damaged tree (no marker) is rebuilt whole
    os.unlink(os.path.join(dest, ".release-commit"))
    assert execute(repos, operation="export", ref="release/v1.0.0", tag="v1.0.0", dest=root)["changed"]
    assert sorted(os.listdir(root)) == [os.path.basename(dest)]


def test_tag_is_annotated_with_the_identity_and_idempotent(repos):
    assert execute(repos, check_mode=True, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="m")["changed"]
    assert git(repos["app"], "tag", "-l") == ""
    out = execute(repos, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="Facturino v1.0.0\n\n- 2FA\n")
    assert out["changed"] and out["commit"] == repos["release"]
    assert git(repos["app"], "cat-file", "-t", "v1.0.0") == "tag"
    assert git(repos["app"], "tag", "-l", "--format=%(taggername) %(contents)", "v1.0.0").startswith("Release Bot Facturino v1.0.0")
    assert not execute(repos, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="m")["changed"]


def test_tag_refuses_another_commit_and_a_dirty_tree(repos):
    execute(repos, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="m")
    with pytest.raises(InvalidInputError) as error:
        execute(repos, operation="tag", tag="v1.0.0", ref="main", git_message="m")
    assert "already exists on" in str(error.value) and "git tag -d v1.0.0" in str(error.value)
    with open(os.path.join(repos["app"], "stray.txt"), "w", encoding="utf-8") as handle:
        handle.write("x")
    with pytest.raises(InvalidInputError) as error:
        execute(repos, operation="tag", tag="v1.0.1", ref="main", git_message="m")
    assert "1 uncommitted change(s)" in str(error.value)


def test_push_sends_only_what_the_remote_lacks(repos):
    execute(repos, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="m")
    assert execute(repos, check_mode=True, operation="push", tags=["v1.0.0"])["pushed"] == ["refs/tags/v1.0.0"]
    assert git(repos["origin"], "tag", "-l") == ""
    out = execute(repos, operation="push", tags=["v1.0.0"], branch="main")
    assert out["changed"] and out["pushed"] == ["refs/tags/v1.0.0"]
    assert git(repos["origin"], "rev-parse", "v1.0.0^{commit}") == repos["release"]
    assert not execute(repos, operation="push", tags=["v1.0.0"], branch="main")["changed"]
    facts = execute(repos, operation="facts", ref="release/v1.0.0", tag="v1.0.0", query_remote=True)
    assert facts["remote_commit"] == repos["release"]


def test_revert_commits_on_the_branch_in_a_worktree_and_tags_it(repos):
    git(repos["app"], "checkout", "-q", "release/v1.0.0")
    execute(repos, operation="tag", tag="v1.0.0", ref="release/v1.0.0", git_message="m")
    git(repos["app"], "checkout", "-q", "main")
    git(repos["app"], "merge", "-q", "--no-ff", "-m", "merge release", "release/v1.0.0")
    git(repos["app"], "tag", "-f", "-a", "v1.0.0", "-m", "release", "HEAD")   # the released merge commit
    head_before = git(repos["app"], "rev-parse", "HEAD")
    out = execute(repos, operation="revert", tag="v1.0.0", branch="main", rollback_tag="v1.0.0-rollback",
                  git_message="Rollback v1.0.0 due to critical issue: health 500")
    assert out["changed"]
    assert git(repos["app"], "rev-parse", "main^") == head_before           # one revert commit on main
    assert git(repos["app"], "log", "-1", "--format=%s", "main") == "Rollback v1.0.0 due to critical issue: health 500"
    assert not os.path.exists(os.path.join(repos["app"], "database/migrations/2025_11_16_233237_add_two_factor.php")) \
        or git(repos["app"], "status", "--porcelain") == ""
    assert git(repos["app"], "ls-tree", "--name-only", "main", "database/migrations/") == \
        "database/migrations/0001_create_users.php"
    assert git(repos["app"], "rev-parse", "v1.0.0-rollback^{commit}") == git(repos["app"], "rev-parse", "main")
    assert git(repos["app"], "worktree", "list").count("\n") == 0            # the temporary worktree is gone
    assert not execute(repos, operation="revert", tag="v1.0.0", branch="main", rollback_tag="v1.0.0-rollback",
                       git_message="m")["changed"]


def test_branch_creates_the_hotfix_branch_once(repos):
    out = execute(repos, operation="branch", branch="hotfix/v1.0.1", ref="release/v1.0.0")
    assert out["changed"] and git(repos["app"], "rev-parse", "hotfix/v1.0.1") == repos["release"]
    assert not execute(repos, operation="branch", branch="hotfix/v1.0.1", ref="release/v1.0.0")["changed"]
    out = execute(repos, operation="branch", branch="hotfix/v1.0.2", ref="no-such-tag")
    assert out["commit"] == git(repos["app"], "rev-parse", "HEAD")


def test_identity_env_is_empty_without_a_name():
    assert identity_env("", "x@y") == {}
    assert identity_env("Bot", "bot@x")["GIT_COMMITTER_EMAIL"] == "bot@x"


def test_a_directory_that_is_not_a_repository_is_named(tmp_path):
    repo = ReleaseRepository(str(tmp_path), SubprocessCommandRunner())
    with pytest.raises(Exception) as error:
        repo.facts("HEAD", "v1")
    assert str(tmp_path) in str(error.value)


def test_revert_on_a_branch_not_checked_out_uses_a_temporary_worktree(repos):
    git(repos["app"], "merge", "-q", "--no-ff", "-m", "merge release", "release/v1.0.0")
    git(repos["app"], "tag", "-a", "v1.0.0", "-m", "release", "HEAD")
    git(repos["app"], "checkout", "-q", "release/v1.0.0")             # the operator works elsewhere
    out = execute(repos, operation="revert", tag="v1.0.0", branch="main", rollback_tag="v1.0.0-rollback",
                  git_message="Rollback v1.0.0")
    assert out["changed"] and git(repos["app"], "rev-parse", "--abbrev-ref", "HEAD") == "release/v1.0.0"
    assert git(repos["app"], "rev-parse", "main") == out["commit"]
    assert git(repos["app"], "worktree", "list").count("\n") == 0


def test_revert_refuses_a_dirty_checkout_of_the_branch(repos):
    git(repos["app"], "tag", "-a", "v1.0.0", "-m", "release", "release/v1.0.0")
    with open(os.path.join(repos["app"], "composer.lock"), "a", encoding="utf-8") as handle:
        handle.write("\n")
    with pytest.raises(InvalidInputError) as error:
        execute(repos, operation="revert", tag="v1.0.0", branch="main", rollback_tag="v1.0.0-rollback", git_message="m")
    assert "uncommitted changes" in str(error.value)
