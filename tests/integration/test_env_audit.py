"""env_audit run as Ansible runs it (a separate process), against real files and real git repositories."""

import json
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


def laravel_app_with_env(tmp_path, text):
    """A copy of the sandbox's Laravel app (Debian's php-laravel-framework) with ``text`` as its .env."""
    app = tmp_path / "app"
    shutil.copytree(SANDBOX_APP, str(app))
    return app, write(app, ".env", text)


def artisan(app, *args):
    return subprocess.run(["php", "artisan"] + list(args) + ["--no-ansi"], cwd=str(app), capture_output=True,
                          text=True, timeout=120, check=False)


REAL_LARAVEL = pytest.mark.skipif(
    not os.path.isdir(SANDBOX_APP) or not shutil.which("php")
    or not os.path.exists("/usr/share/php/Illuminate/Foundation/Application.php"),
    reason="needs sandbox/app, php and Debian's php-laravel-framework")


@REAL_LARAVEL
def test_file_laravel_refuses_is_reported_by_line_and_reason(run_module, tmp_path):
    with open(CLEAN, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    lines[12] = 'DB_PASSWORD="Planted\\wSecret-93"'  # line 13: \w is no escape phpdotenv knows
    app, env_file = laravel_app_with_env(tmp_path, "\n".join(lines))
    booted = artisan(app, "--version")
    assert booted.returncode != 0 and "The environment file is invalid!" in booted.stdout + booted.stderr
    result = run_module("env_audit", {"path": env_file, "laravel_version": "8.83"})
    assert result.failed and result["audited"]["phpdotenv"] == "5.4"
    assert result["audited"]["laravel_loads_it"] is False
    refused = [f for f in result["findings"] if f["rule"] == "laravel-rejects-file"]
    assert [(f["key"], f["line"], f["severity"]) for f in refused] == [("DB_PASSWORD", 13, "error")]
    assert "an unexpected escape sequence" in refused[0]["message"]
    assert "laravel-rejects-file DB_PASSWORD line 13" in result["msg"]
    assert "Planted" not in result["_raw_stdout"] + result["_raw_stderr"]


@REAL_LARAVEL
def test_keys_swallowed_by_a_commented_quote_are_named(run_module, tmp_path):
    text = ("APP_KEY=base64:oEqvib1piTToLqKBWE2s58Hbb8LKK5fZ+auOMo2DDOg=\n"
            "# APP_NAME=\"the old name\n"   # 2: the quote opens here ...
            "APP_ENV=staging\n"
            "APP_DEBUG=\"false\"\n")       # 4: ... and closes here
    app, env_file = laravel_app_with_env(tmp_path, text.replace('# APP_NAME="', "# APP_NAME="))
    assert artisan(app, "env").stdout.split()[-1:] == ["staging"]  # without the stray quote Laravel sees it ...
    write(app, ".env", text)
    shown = artisan(app, "env")
    assert shown.returncode == 0 and shown.stdout.split()[-1:] == ["production"]  # ... with it, it never does
    detected = run_module("env_audit", {"path": env_file, "app_path": str(app), "fail_on": "never"})
    assert detected["audited"]["phpdotenv"] == "5.4" and detected["laravel_version"]["major"] == 8
    lost = [f for f in detected["findings"] if f["rule"] == "keys-lost"]
    assert [(f["key"], f["line"], f["severity"]) for f in lost] == [("APP_ENV", 2, "error")]
    assert "APP_ENV, APP_DEBUG" in lost[0]["message"] and "lines 2-4" in lost[0]["message"]


def run_env_role(tmp_path, extra_vars):
    """Runs the env role on Railway-like variables and returns the findings of their audit."""
    playbook = tmp_path / "env.yml"
    playbook.write_text(
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.include_role:\n        name: facturino.release.env\n"
        "    - ansible.builtin.copy:\n        content: '{{ env_railway_audit.findings | to_json }}'\n"
        "        dest: %s\n" % (tmp_path / "findings.json"))
    variables = {"APP_ENV": "production", "APP_KEY": "base64:" + "A" * 44, "APP_DEBUG": "false",
                 "APP_URL": "https://app.facturino.mk", "CACHE_STORE": "redis", "DB_CONNECTION": "pgsql"}
    reference = tmp_path / "reference.env"
    reference.write_text("".join("%s=%s\n" % item for item in variables.items()))
    extra = dict(extra_vars, env_audit_file=False, env_fail_on="never", env_runtime_variables=variables,
                 env_file=str(reference), env_network_required=False)
    playbook_bin = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    proc = subprocess.run(
        [playbook_bin, "-i", "localhost,", "-c", "local", "-e", "ansible_python_interpreter=" + sys.executable,
         "-e", json.dumps(extra), str(playbook)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, check=False,
        env=dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO_ROOT, ".collections")),
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return json.loads((tmp_path / "findings.json").read_text())


def test_env_role_reads_railway_variables_as_the_detected_laravel_does(tmp_path):
    detected = {"preflight_security": {"laravel_version": {"version": "8.83.26", "major": 8}}}
    rules = {(finding["rule"], finding.get("key")) for finding in run_env_role(tmp_path, detected)}
    assert ("unsupported-key", "CACHE_STORE") in rules  # Laravel 8 reads CACHE_DRIVER
    unknown = {(finding["rule"], finding.get("key")) for finding in run_env_role(tmp_path, {})}
    assert ("unsupported-key", "CACHE_STORE") not in unknown
