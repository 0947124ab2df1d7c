# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The artisan module's handler: validate input, guard production, dispatch to one operation."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common import validate as validate_common
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.process import ModuleCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.laravel import (
    caches, detectors, guards, maintenance, migrations, output, queue)
from ansible_collections.facturino.release.plugins.module_utils.laravel.argspec import CACHE_COMMANDS, check_common_options
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import ArtisanRunner, fields, redact

# Read-only or key-independent commands skip the APP_KEY guard.
NO_KEY_NEEDED = ("version", "raw", "migrate_status", "queue_failed")


def version(artisan):
    result = artisan.run("--version")
    outcome = fields(result)
    outcome.update(changed=False, laravel_version=output.parse_version(result.stdout))
    return outcome


def raw(artisan, argv, check_mode):
    """Any other artisan command (``backup:run``...): always reported changed; not run in check mode."""
    if check_mode:
        return {"changed": False, "cmd": redact(artisan.argv(argv[0], argv[1:])), "stdout": "",
                "stderr": "", "duration_ms": 0, "skipped_in_check_mode": True}
    result = artisan.run(argv[0], argv[1:])
    outcome = fields(result)
    detectors.raise_for_key_generate(artisan.app_path, argv, result, **outcome)
    outcome["changed"] = True
    return outcome


def validate(params):
    command = params["command"]
    check_common_options(params)
    for key in ("step", "retry", "refresh"):
        validate_common.check_count(key, params.get(key), minimum=0, maximum=100000)
    for key in ("queue", "connection"):
        validate_common.check_line(key, params.get(key))
    validate_common.check_line("secret", params.get("secret"), secret=True)
    for arg in params.get("argv") or []:
        validate_common.check_line("argv", arg)
    if command == "raw" and not params["argv"]:
        raise InvalidInputError("command=raw needs `argv`, the artisan command and its arguments",
                                hint="for example argv: ['backup:run', '--only-db']")
    if command != "raw" and params["argv"]:
        raise InvalidInputError("`argv` is only used with command=raw (got command=%s)" % command,
                                hint="drop `argv`, or set command: raw")
    if command == "rollback" and params["step"] < 1:
        raise InvalidInputError("step must be 1 or more (got %d)" % params["step"], hint="set step: 1 to undo the last migration")
    if params["timeout"] is not None and params["timeout"] < 1:
        raise InvalidInputError("timeout must be a positive number of seconds", hint="set timeout: 600, for example")
    if command != "down" and any(params.get(key) is not None for key in ("secret", "retry", "refresh")):
        raise InvalidInputError("secret, retry and refresh only apply to command=down", hint="remove them from this task")
    if command != "queue_work_once" and (params.get("queue") or params.get("connection")):
        raise InvalidInputError("queue and connection only apply to command=queue_work_once", hint="remove them from this task")


def dispatch(artisan, params, check_mode, diff):
    command = params["command"]
    if command in CACHE_COMMANDS:
        return caches.run_cache_command(artisan, command, check_mode, diff)
    if command == "migrate_status":
        return migrations.migrate_status(artisan)
    if command == "migrate":
        return migrations.migrate(artisan, check_mode)
    if command == "rollback":
        return migrations.rollback(artisan, params["step"], check_mode)
    if command == "down":
        args = maintenance.down_args(params.get("secret"), params.get("retry"), params.get("refresh"))
        return maintenance.set_maintenance(artisan, "down", args, check_mode, diff)
    if command == "up":
        return maintenance.set_maintenance(artisan, "up", [], check_mode, diff)
    if command == "queue_work_once":
        return queue.work_once(artisan, params.get("queue"), params.get("connection"), check_mode)
    if command == "queue_restart":
        return queue.restart(artisan, check_mode)
    if command == "queue_failed":
        return queue.failed(artisan)
    if command == "version":
        return version(artisan)
    return raw(artisan, params["argv"], check_mode)


def handle(module, runner=None):
    """``common.module.run_module`` handler: module params in, result dict out."""
    params = module.params
    validate(params)
    artisan = ArtisanRunner(runner or ModuleCommandRunner(module), params["app_path"], params["php"],
                            params["environment"], params["timeout"])
    artisan.preflight()
    command = params["command"]
    if command not in NO_KEY_NEEDED:
        guards.check_app_key(params["app_path"], params["environment"])
    result = dispatch(artisan, params, module.check_mode, module._diff)
    warnings = result.pop("warnings", []) + guards.config_cache_warnings(params["app_path"], params["environment"], command)
    for warning in warnings:
        module.warn(warning)
    return result
