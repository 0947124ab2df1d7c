"""The artisan runner: argv shape, secrets out of cmd, preflight guards (real php where it matters)."""

import os
import shutil

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError, LaravelError, MissingDependencyError)
from ansible_collections.facturino.release.plugins.module_utils.common.process import SubprocessCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.laravel import runner as artisan_runner

needs_php = pytest.mark.skipif(shutil.which("php") is None, reason="php is not installed")


class RecordingRunner(SubprocessCommandRunner):
    """Records what would run; answers like an artisan that printed nothing."""

    def __init__(self):
        self.calls = []

    def run(self, argv, env=None, cwd=None, timeout=None, data=None):
        from ansible_collections.facturino.release.plugins.module_utils.common.process import CommandResult
        self.calls.append({"argv": argv, "env": env, "cwd": cwd, "timeout": timeout})
        return CommandResult(argv, 0, "", "", 1.0)


def test_argv_is_non_interactive_and_forced_only_where_confirmable():
    artisan = artisan_runner.ArtisanRunner(None, "/app")
    assert artisan.argv("migrate") == ["php", "artisan", "migrate", "--no-interaction", "--no-ansi", "--force"]
    assert artisan.argv("migrate:rollback", ["--force"]).count("--force") == 1
    assert "--force" not in artisan.argv("config:cache")


def test_run_injects_environment_and_wide_columns():
    recorder = RecordingRunner()
    environment = {"APP_ENV": "production", "DB_PORT": 5432, "APP_DEBUG": False, "X": None}
    artisan = artisan_runner.ArtisanRunner(recorder, "/app", php="/usr/bin/php8.2", environment=environment, timeout=30)
    artisan.run("config:cache", extra_env={"APP_CONFIG_CACHE": "/tmp/x.php"})
    call = recorder.calls[0]
    assert call["argv"][:3] == ["/usr/bin/php8.2", "artisan", "config:cache"] and call["cwd"] == "/app"
    assert call["env"] == {"APP_ENV": "production", "DB_PORT": "5432", "APP_DEBUG": "false", "X": "",
                           "APP_CONFIG_CACHE": "/tmp/x.php", "COLUMNS": "1000"}
    assert call["timeout"] == 30


def test_secret_values_never_reach_cmd():
    assert artisan_runner.redact(["php", "artisan", "down", "--secret=hunter2", "--retry=60"]) == [
        "php", "artisan", "down", "--secret=********", "--retry=60"]
    assert artisan_runner.redact(["down", "--secret", "hunter2"]) == ["down", "--secret", "********"]


def _fake_app(tmp_path, autoload=None):
    (tmp_path / "artisan").write_text("<?php\nrequire __DIR__.'/vendor/autoload.php';\necho \"ok\\n\";\n")
    if autoload is not None:
        (tmp_path / "vendor").mkdir()
        (tmp_path / "vendor" / "autoload.php").write_text(autoload)
    return str(tmp_path)


def test_preflight_names_what_is_missing(tmp_path):
    subprocess_runner = SubprocessCommandRunner()
    with pytest.raises(InvalidInputError, match="not a directory"):
        artisan_runner.ArtisanRunner(subprocess_runner, str(tmp_path / "nope")).preflight()
    with pytest.raises(InvalidInputError, match="no `artisan` file"):
        artisan_runner.ArtisanRunner(subprocess_runner, str(tmp_path)).preflight()
    app = _fake_app(tmp_path)
    with pytest.raises(MissingDependencyError, match="PHP executable 'php-does-not-exist' was not found"):
        artisan_runner.ArtisanRunner(subprocess_runner, app, php="php-does-not-exist").preflight()


@needs_php
def test_missing_framework_fails_before_running(tmp_path):
    with pytest.raises(MissingDependencyError, match="vendor/autoload.php is missing") as error:
        artisan_runner.ArtisanRunner(SubprocessCommandRunner(), _fake_app(tmp_path)).preflight()
    assert "composer install" in error.value.hint


@needs_php
def test_broken_framework_install_fails_with_cause_from_real_php(tmp_path):
    app = _fake_app(tmp_path, autoload="<?php\nrequire '/nonexistent/Illuminate/autoload.php';\n")
    artisan = artisan_runner.ArtisanRunner(SubprocessCommandRunner(), app)
    artisan.preflight()
    with pytest.raises(LaravelError, match="framework could not be loaded"):
        artisan.run("migrate:status")


@needs_php
def test_fields_carry_the_redacted_cmd(tmp_path):
    app = _fake_app(tmp_path, autoload="<?php\n")
    result = artisan_runner.ArtisanRunner(SubprocessCommandRunner(), app).run("down", ["--secret=hunter2"])
    shown = artisan_runner.fields(result)
    assert shown["rc"] == 0 and shown["stdout"] == "ok\n" and "hunter2" not in repr(shown["cmd"])
    assert set(shown) == {"cmd", "rc", "stdout", "stderr", "duration_ms"} and os.path.isdir(app)
