"""env_audit run as Ansible runs it (a separate process), against real files and real git repositories."""

import os
import secrets
import shutil
import subprocess
import sys

import pytest

from tests.support.modules import REPO_ROOT

FIXTURES = os.path.join(REPO_ROOT, "tests", "fixtures", "dotenv")
CLEAN = os.path.join(FIXTURES, "clean.env.production")
SANDBOX_APP = os.path.join(REPO_ROOT, "sandbox", "app")
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(path, *args):
    subprocess.run(["git", "-C", str(path)] + list(args), check=True, capture_output=True,
                   env=dict(os.environ, **GIT_ENV))


def write(root, name, text):
    path = os.path.join(str(root), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def app_repo(root, leak_env=False):
    """A small app repository; with ``leak_env`` a .env is committed and deleted in a later commit."""
    git(root, "init", "-q", "-b", "main")
    write(root, "LICENSE", "AGPL-3.0-or-later\n")
    write(root, "LEGAL_NOTES", "notes\n")
    write(root, "config/app.php", "<?php return ['name' => env('APP_NAME')];\n")
    if leak_env:
        write(root, ".env", "DB_PASSWORD=Committed-By-Mistake-1\n")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial, with .env")
        git(root, "rm", "-q", "--cached", ".env")
        os.remove(os.path.join(str(root), ".env"))
    write(root, ".gitignore", ".env\n.env.*\n!.env.example\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "ignore env files")


def test_clean_file_passes_in_check_mode(run_module):
    result = run_module("env_audit", {"path": CLEAN, "laravel_version": "8.83"}, check_mode=True)
    assert not result.failed and result["changed"] is False
    assert result["passed"] is True and result["counts"]["error"] == 0


def test_committed_then_deleted_env_file_is_caught(run_module, tmp_path):
    app_repo(tmp_path, leak_env=True)
    result = run_module("env_audit", {"path": CLEAN, "laravel_version": "8", "app_path": str(tmp_path)})
    assert result.failed and result["changed"] is False
    committed = [f for f in result["findings"] if f["rule"] == "env-file-committed"]
    assert [(f["key"], f["severity"]) for f in committed] == [(".env", "error")]
    assert result["repository"]["env_files_in_history"] == [".env"]
    assert "env-file-committed .env" in result["msg"]
    assert "Committed-By-Mistake-1" not in result["_raw_stdout"] + result["_raw_stderr"]


def test_clean_repository_passes_the_security_checklist(run_module, tmp_path):
    app_repo(tmp_path)
    result = run_module("env_audit", {"path": CLEAN, "laravel_version": "8", "app_path": str(tmp_path)})
    assert not result.failed, result["msg"]
    assert result["repository"]["git"] is True and result["repository"]["gitignore_gaps"] == []


@pytest.mark.skipif(not os.path.isdir(SANDBOX_APP), reason="sandbox/app is not in this checkout")
def test_sandbox_like_environment_passes_staging_and_detects_debian_laravel(run_module, tmp_path):
    app = tmp_path / "app"
    shutil.copytree(SANDBOX_APP, str(app))
    git(app, "init", "-q", "-b", "main")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "base")
    env_file = write(tmp_path, "env/.env.production", (
        "APP_NAME=Facturino\nAPP_ENV=production\nAPP_KEY=base64:oEqvib1piTToLqKBWE2s58Hbb8LKK5fZ+auOMo2DDOg=\n"
        "APP_DEBUG=false\nAPP_URL=http://127.0.0.1:18791\n"
        "DATABASE_URL=postgresql://facturino:Zx9-kLm2Qr7-Tt4vWp1@127.0.0.1:5432/facturino\n"
        "SESSION_DRIVER=database\nSESSION_LIFETIME=1440\nQUEUE_CONNECTION=database\nCACHE_STORE=database\n"
        "MAIL_MAILER=log\nMAIL_FROM_ADDRESS=noreply@facturino.test\nSANCTUM_STATEFUL_DOMAINS=127.0.0.1:18791\n"))
    production = run_module("env_audit", {"path": env_file, "app_path": str(app)})
    assert production.failed and {"app-url-scheme", "app-url-local"} <= {f["rule"] for f in production["findings"]}
    staging = run_module("env_audit", {"path": env_file, "app_path": str(app), "profile": "staging"})
    assert not staging.failed, staging["msg"]
    if os.path.exists("/usr/share/php/Illuminate/Foundation/Application.php"):
        assert staging["laravel_version"]["source"].startswith("debian:")
        assert staging["laravel_version"]["major"] == 8
    # the app's config/cache.php reads CACHE_STORE, so Laravel 8 does not make it an ignored key here
    assert "unsupported-key" not in {f["rule"] for f in staging["findings"]}
    overridden = run_module("env_audit", {"path": env_file, "app_path": str(app),
                                          "severity_overrides": {"app-url-scheme": "info"}, "ignore": ["app-url-local"]})
    assert not overridden.failed, overridden["msg"]


def planted_env(tmp_path):
    """Every value unique and random; secret and non-secret keys alike, several rules fire on them."""
    values = {key: "plnt%s" % secrets.token_hex(10) for key in (
        "APP_NAME", "APP_ENV", "APP_URL", "APP_KEY", "DB_HOST", "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD",
        "SESSION_DRIVER", "SESSION_LIFETIME", "QUEUE_CONNECTION", "MAIL_HOST", "MAIL_PASSWORD", "REDIS_CLIENT",
        "SANCTUM_STATEFUL_DOMAINS", "FEATURE_PARTNER_PORTAL", "CLAUDE_API_KEY", "AWS_SECRET_ACCESS_KEY")}
    text = "".join("%s=%s\n" % item for item in values.items()) + "DB_CONNECTION=pgsql\nTRUSTED_PROXIES=\"*\"\n"
    return write(tmp_path, ".env.production", text), values


def test_planted_secrets_never_reach_the_result(run_module, tmp_path):
    path, values = planted_env(tmp_path)
    result = run_module("env_audit", {"path": path, "laravel_version": "8"})
    assert result.failed and len(result["findings"]) >= 10
    output = result["_raw_stdout"] + result["_raw_stderr"]
    leaked = [key for key, value in values.items() if value in output]
    assert leaked == []


def test_planted_secrets_never_reach_ansible_vvv_output(tmp_path):
    path, values = planted_env(tmp_path)
    ansible = os.path.join(os.path.dirname(sys.executable), "ansible")
    proc = subprocess.run(
        [ansible, "localhost", "-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable,
         "-m", "facturino.release.env_audit", "-a", "path=%s laravel_version=8" % path, "-vvv"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, ".collections")),
    )
    output = proc.stdout + proc.stderr
    assert "FAILED!" in output and "findings:" in output, output[-2000:]
    assert "key: APP_URL" in output and "censored" not in output  # findings printed by key ...
    leaked = [key for key, value in values.items() if value in output]
    assert leaked == []  # ... and no value, masked or not
    assert proc.returncode != 0


def test_variables_are_no_log_yet_counts_and_messages_stay_readable(run_module):
    variables = {"APP_ENV": "production", "APP_DEBUG": "true", "SESSION_LIFETIME": "1", "REDIS_CACHE_DB": "2",
                 "DB_CONNECTION": "pgsql", "DB_PASSWORD": "Variables-Secret-42!", "APP_URL": "https://app.facturino.mk"}
    result = run_module("env_audit", {"variables": variables, "laravel_version": "8", "fail_on": "never"})
    assert all(isinstance(count, int) for count in result["counts"].values()), result["counts"]
    assert result["counts"]["error"] >= 5
    debug = [f for f in result["findings"] if f["rule"] == "app-debug"]
    assert debug and "********" not in debug[0]["message"] and "true" in debug[0]["message"]
    assert "Variables-Secret-42!" not in result["_raw_stdout"] + result["_raw_stderr"]
    assert result["invocation"]["module_args"]["variables"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
