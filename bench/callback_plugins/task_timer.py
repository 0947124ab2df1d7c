# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aggregate callback for bench/release.py: writes per-task wall times to $TASK_TIMER_OUT (JSON lines)."""
from __future__ import annotations

DOCUMENTATION = r"""
name: task_timer
type: aggregate
short_description: per-task wall time for the release benchmark
description: Writes one JSON line per finished task (name, action, seconds, status) to the file in TASK_TIMER_OUT.
requirements: [enable in callbacks_enabled]
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "task_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._start = {}
        self._out = os.environ.get("TASK_TIMER_OUT")
        self._origin = time.monotonic()

    def _write(self, result, status):
        task = result._task
        began = self._start.pop(task._uuid, None)
        if began is None or not self._out:
            return
        with open(self._out, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"task": task.get_name(), "action": task.action, "status": status,
                                     "seconds": round(time.monotonic() - began, 3),
                                     "started": round(began - self._origin, 3),
                                     "item": bool(result._result.get("_ansible_item_result"))}) + "\n")
        if result._result.get("_ansible_item_result"):
            self._start[task._uuid] = time.monotonic()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start[task._uuid] = time.monotonic()

    def v2_playbook_on_handler_task_start(self, task):
        self._start[task._uuid] = time.monotonic()

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._write(result, "skipped")

    def v2_runner_item_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_item_on_failed(self, result):
        self._write(result, "failed")

    def v2_runner_item_on_skipped(self, result):
        self._write(result, "skipped")
