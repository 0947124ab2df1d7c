# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cache commands: ``changed`` comes from the cache files before and after, never from the command name.

Check mode never touches the app's caches: ``*:clear`` is predicted from the files present;
``config:cache``/``route:cache`` (and ``optimize``'s part of them) run with Laravel's cache paths
(APP_CONFIG_CACHE, APP_ROUTES_CACHE) pointed at a temporary directory and the result is compared.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from ansible_collections.facturino.release.plugins.module_utils.laravel import cache_state
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import fields

REDIRECTS = {
    "config:cache": ("APP_CONFIG_CACHE", "config.php", "bootstrap/cache/config.php"),
    "route:cache": ("APP_ROUTES_CACHE", "routes-v7.php", "bootstrap/cache/routes-v7.php"),
}


def protect_config_cache(app_path):
    """The config cache holds every configured secret (database password, APP_KEY): owner-only, like .env."""
    for relpath in cache_state.SCOPES["config"]:
        path = os.path.join(app_path, relpath)
        if os.path.isfile(path) and not os.path.islink(path):
            os.chmod(path, 0o600)


def _listing(state):
    return "".join("%s %s\n" % (path, digest[:12]) for path, digest in sorted(state.items()))


def _predict_by_redirect(artisan, command):
    """Run ``command`` writing into a temp dir; True when its file would differ from the app's."""
    variable, name, target = REDIRECTS[command]
    workdir = tempfile.mkdtemp(prefix="artisan-check-")
    try:
        artisan.run(command, extra_env={variable: os.path.join(workdir, name)})
        candidate = os.path.join(workdir, name)
        current = os.path.join(artisan.app_path, target)
        if not os.path.isfile(current):
            return True
        return cache_state.file_digest(candidate, target) != cache_state.file_digest(current, target)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _predict(artisan, command, before):
    if command.endswith(":clear"):
        return bool(before)
    if command in REDIRECTS:
        return _predict_by_redirect(artisan, command)
    if command == "optimize":
        return any([_predict_by_redirect(artisan, "config:cache"), _predict_by_redirect(artisan, "route:cache")])
    return not before  # view:cache: only an empty compiled-views directory is known to change


def run_cache_command(artisan, command, check_mode, diff):
    scopes = cache_state.COMMAND_SCOPES[command]
    before = cache_state.snapshot(artisan.app_path, scopes)
    if check_mode:
        return {"changed": _predict(artisan, command, before), "cmd": artisan.argv(command),
                "stdout": "", "stderr": "", "duration_ms": 0}
    result = artisan.run(command)
    if "config" in scopes:
        protect_config_cache(artisan.app_path)
    after = cache_state.snapshot(artisan.app_path, scopes)
    changes = cache_state.compare(before, after)
    outcome = fields(result)
    outcome.update(changed=cache_state.is_changed(changes), cache_changes=changes)
    if diff:
        outcome["diff"] = {"before": _listing(before), "after": _listing(after),
                           "before_header": "cache files", "after_header": "cache files"}
    return outcome
