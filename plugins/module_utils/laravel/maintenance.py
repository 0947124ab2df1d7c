# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""down / up, judged by the maintenance file storage/framework/down (its content holds the secret)."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import LaravelError
from ansible_collections.facturino.release.plugins.module_utils.laravel import cache_state
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import fields, redact


def _state(app_path):
    return cache_state.snapshot(app_path, ("maintenance",))


def _is_down(state):
    return "storage/framework/down" in state


def down_args(secret=None, retry=None, refresh=None):
    args = []
    if secret:
        args.append("--secret=" + secret)
    if retry is not None:
        args.append("--retry=%d" % retry)
    if refresh is not None:
        args.append("--refresh=%d" % refresh)
    return args


def _diff(before_down, after_down):
    label = {True: "maintenance mode (storage/framework/down present)\n", False: "live (no storage/framework/down)\n"}
    return {"before": label[before_down], "after": label[after_down]}


def _apply(artisan, command, args, before):
    result = artisan.run(command, args)
    after = _state(artisan.app_path)
    outcome = fields(result)
    outcome.update(changed=before != after, maintenance=_is_down(after))
    if _is_down(after) != (command == "down"):
        raise LaravelError("`artisan %s` exited %s but storage/framework/down %s" % (
            command, result.rc, "is still there" if command == "up" else "was not written"),
            hint="check that storage/framework is writable by the user that runs artisan", **outcome)
    return outcome


def set_maintenance(artisan, command, args, check_mode, diff=False):
    """Run ``down``/``up``; ``changed`` when the maintenance file appeared, went or was rewritten."""
    before = _state(artisan.app_path)
    if check_mode:
        changed = _is_down(before) != (command == "down")
        outcome = {"changed": changed, "maintenance": command == "down" if changed else _is_down(before),
                   "cmd": redact(artisan.argv(command, args)), "stdout": "", "stderr": "", "duration_ms": 0}
    else:
        outcome = _apply(artisan, command, args, before)
    if diff:
        outcome["diff"] = _diff(_is_down(before), outcome["maintenance"])
    return outcome
