# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Production guards checked before artisan runs: APP_KEY, and the config-cache trap."""

from __future__ import annotations

import base64
import binascii
import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import LaravelError
from ansible_collections.facturino.release.plugins.module_utils.laravel.detectors import read_dotenv_key

CONFIG_CACHE = os.path.join("bootstrap", "cache", "config.php")
KEY_HINT = ("set APP_KEY in `environment` or as a Railway variable; generate one with "
            "`php artisan key:generate --show`")


def config_is_cached(app_path):
    return os.path.isfile(os.path.join(app_path, CONFIG_CACHE))


def effective_app_key(app_path, environment):
    """APP_KEY as Laravel would see it without a config cache: process env over .env."""
    for source in (environment or {}, os.environ):
        if source.get("APP_KEY"):
            return source["APP_KEY"]
    return read_dotenv_key(app_path)


def _key_length(key):
    if key.startswith("base64:"):
        try:
            return len(base64.b64decode(key[len("base64:"):], validate=True))
        except (binascii.Error, ValueError):
            return -1
    return len(key.encode("utf-8"))


def check_app_key(app_path, environment):
    """Raise when APP_KEY is missing or cannot be a valid key (16 or 32 bytes). The key is never shown."""
    if config_is_cached(app_path):
        return  # the cached config holds the key; the environment is ignored anyway
    key = effective_app_key(app_path, environment)
    if not key:
        raise LaravelError("APP_KEY is not set (not in `environment`, the process environment or %s)"
                           % os.path.join(app_path, ".env"), hint=KEY_HINT)
    if _key_length(key) not in (16, 32):
        raise LaravelError("APP_KEY is set but is not a valid 16- or 32-byte key (expected 'base64:' and 44 characters)",
                           hint=KEY_HINT)


def config_cache_warnings(app_path, environment, command):
    """Warnings for the one trap where artisan silently ignores what the task passed."""
    warnings = []
    if environment and command in ("config:cache", "optimize"):
        warnings.append("`%s` bakes the environment into %s; from now on `environment` overrides are ignored "
                        "until `config:clear`" % (command, CONFIG_CACHE))
    elif environment and config_is_cached(app_path) and command not in ("config:clear", "optimize:clear"):
        warnings.append("%s exists, so Laravel ignores the `environment` passed to this task; "
                        "run `config:clear` first if the overrides matter" % CONFIG_CACHE)
    return warnings
