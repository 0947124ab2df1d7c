# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs ``php artisan`` the way ``railway run -- php artisan ...`` does: in app_path, with the
environment injected, never interactive, no colours, a fixed wide terminal, secrets out of argv."""

from __future__ import annotations

import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, MissingDependencyError
from ansible_collections.facturino.release.plugins.module_utils.laravel import detectors

# Wide enough that Symfony never wraps an error line; component output caps itself at 150.
COLUMNS = "1000"
# Commands that ask "Do you really wish to run this command?" in production (ConfirmableTrait).
CONFIRMABLE = ("migrate", "migrate:fresh", "migrate:refresh", "migrate:reset", "migrate:rollback",
               "db:seed", "db:wipe", "key:generate")
SECRET_OPTIONS = ("--secret",)
REDACTED = "********"


def redact(argv):
    """argv with the values of secret options replaced (``--secret=x`` and ``--secret x``)."""
    shown, hide_next = [], False
    for arg in argv:
        if hide_next:
            shown.append(REDACTED)
            hide_next = False
        elif any(arg.startswith(option + "=") for option in SECRET_OPTIONS):
            shown.append(arg.split("=", 1)[0] + "=" + REDACTED)
        else:
            shown.append(arg)
            hide_next = arg in SECRET_OPTIONS
    return shown


def _env_value(value):
    """YAML gives booleans and numbers; the process gets what a .env file would say."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class ArtisanRunner:
    def __init__(self, runner, app_path, php="php", environment=None, timeout=None):
        self.runner = runner
        self.app_path = app_path
        self.php = php
        self.environment = dict((str(key), _env_value(value)) for key, value in (environment or {}).items())
        self.timeout = timeout

    def preflight(self):
        """Fail before running anything when php, the app or the framework is missing."""
        if not os.path.isdir(self.app_path):
            raise InvalidInputError("app_path %s is not a directory" % self.app_path, hint="point app_path at the Laravel application")
        if not os.path.isfile(os.path.join(self.app_path, "artisan")):
            raise InvalidInputError("app_path %s has no `artisan` file, so it is not a Laravel application" % self.app_path,
                                    hint="point app_path at the directory that holds artisan")
        if not self.runner.which(self.php):
            raise MissingDependencyError("the PHP executable %r was not found" % self.php,
                                         hint="install php-cli on this host, or set `php` to the executable's path")
        if not os.path.isfile(os.path.join(self.app_path, "vendor", "autoload.php")):
            raise MissingDependencyError("the Laravel framework is not installed in %s (vendor/autoload.php is missing)" % self.app_path,
                                         hint="run `composer install --no-dev` in app_path")

    def argv(self, command, args=()):
        args = list(args)
        argv = [self.php, "artisan", command] + args + ["--no-interaction", "--no-ansi"]
        if command in CONFIRMABLE and "--force" not in args:
            argv.append("--force")
        return argv

    def run(self, command, args=(), extra_env=None, check=True):
        """Run one artisan command; with ``check`` a failed run (even one exiting 0) raises ``LaravelError``."""
        env = dict(self.environment)
        env.update(extra_env or {})
        env["COLUMNS"] = COLUMNS
        result = self.runner.run(self.argv(command, args), env=env, cwd=self.app_path, timeout=self.timeout)
        if check:
            detectors.raise_for_failure(command, result, **fields(result))
        return result

    def run_php(self, code, data):
        """Run PHP ``code`` (``php -r``) in app_path with the same environment as artisan; ``data`` on stdin."""
        env = dict(self.environment)
        env["COLUMNS"] = COLUMNS
        return self.runner.run([self.php, "-r", code], env=env, cwd=self.app_path, timeout=self.timeout, data=data)


def fields(result):
    """The keys every task result carries; ``cmd`` is the argv without secrets."""
    return {"cmd": redact(result.argv), "rc": result.rc, "stdout": result.stdout, "stderr": result.stderr,
            "duration_ms": result.duration_ms}
