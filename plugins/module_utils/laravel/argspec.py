# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs of the laravel wing (kept in step with plugins/doc_fragments/laravel.py)."""

from __future__ import annotations

import copy
import re

from ansible_collections.facturino.release.plugins.module_utils.common import validate as validate_common
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

CACHE_COMMANDS = ("config:clear", "config:cache", "cache:clear", "route:clear", "route:cache",
                  "view:clear", "view:cache", "optimize", "optimize:clear")
COMMANDS = ("migrate_status", "migrate", "rollback", "down", "up", "queue_work_once", "queue_restart",
            "queue_failed", "version", "raw") + CACHE_COMMANDS

LARAVEL_COMMON_ARGS = {
    "app_path": {"type": "path", "required": True},
    "php": {"type": "str", "default": "php"},
    "environment": {"type": "dict", "default": {}, "no_log": True},
    "timeout": {"type": "int", "default": 600},
}


def check_common_options(params):
    """The options every Laravel module shares (LARAVEL_COMMON_ARGS), checked before any file or process."""
    validate_common.check_path("app_path", params.get("app_path"), required=True)
    validate_common.check_line("php", params.get("php"))
    validate_common.check_count("timeout", params.get("timeout"), minimum=1, maximum=86400, unit="seconds")
    for name in params.get("environment") or {}:
        if not isinstance(name, str) or not name or "=" in name or "\0" in name or "\n" in name:
            raise InvalidInputError("environment has a variable name that cannot be one (empty, or holding '=', a "
                                    "line break or NUL)", hint="use names such as APP_ENV")


# Values that cannot be secrets and would, once masked, corrupt every rc, batch and name in the result.
NOT_SECRET = re.compile(r"^(?:|true|false|null|none|yes|no|on|off|\d{1,5})$", re.IGNORECASE)
# Well-known Laravel settings that are not secrets; masking "database" or "production" would garble
# every message. Any other variable (APP_KEY, DB_PASSWORD, DATABASE_URL, ...) stays masked.
PUBLIC_VARIABLES = frozenset((
    "APP_ENV", "APP_DEBUG", "APP_NAME", "APP_URL", "APP_LOCALE", "LOG_CHANNEL", "LOG_LEVEL", "LOG_STACK",
    "DB_CONNECTION", "DB_HOST", "DB_PORT", "DB_DATABASE", "DB_USERNAME", "DB_SSLMODE",
    "CACHE_DRIVER", "CACHE_STORE", "QUEUE_CONNECTION", "SESSION_DRIVER", "SESSION_LIFETIME", "SESSION_ENCRYPT",
    "FILESYSTEM_DISK", "BROADCAST_DRIVER", "MAIL_MAILER", "MAIL_DRIVER", "MAIL_PORT", "MAIL_ENCRYPTION",
    "REDIS_CLIENT", "REDIS_PORT", "REDIS_DB", "REDIS_CACHE_DB", "REDIS_SESSION_DB", "REDIS_QUEUE_DB",
))


def laravel_common_argument_spec():
    return copy.deepcopy(LARAVEL_COMMON_ARGS)


def artisan_argument_spec():
    spec = laravel_common_argument_spec()
    spec.update(
        command={"type": "str", "required": True, "choices": list(COMMANDS)},
        argv={"type": "list", "elements": "str", "default": []},
        step={"type": "int", "default": 1},
        secret={"type": "str", "no_log": True},
        retry={"type": "int"},
        refresh={"type": "int"},
        queue={"type": "str"},
        connection={"type": "str"},
    )
    return spec


def laravel_probe_argument_spec():
    spec = laravel_common_argument_spec()
    spec["timeout"] = {"type": "int", "default": 60}
    spec.update(
        checks={"type": "list", "elements": "str", "default": [],
                "choices": ["db", "users", "cache", "queue", "failed_jobs"]},
        columns={"type": "dict", "default": {}},
        queries={"type": "dict", "default": {}},
        dispatch={"type": "str", "default": ""},
    )
    return spec


def prune_no_log_values(module):
    """Keep masking the secrets in ``environment`` but unmask what cannot be one: booleans, small numbers
    and the values of PUBLIC_VARIABLES. Ansible masks no_log values as substrings, so ``REDIS_DB=0`` would
    hide every 0 in the result. A value that any other variable also holds stays masked."""
    environment = module.params.get("environment") or {}
    secret_values = set(str(value) for name, value in environment.items() if name not in PUBLIC_VARIABLES)
    for name, value in environment.items():
        text = str(value)
        if NOT_SECRET.match(text) or (name in PUBLIC_VARIABLES and text not in secret_values):
            module.no_log_values.discard(text)
