# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of the release_state module (the run's own state: the lock, the ledger, the report files)."""

from __future__ import annotations

LOCK_OPERATIONS = ["lock_acquire", "lock_release", "lock_force", "lock_inspect"]
LEDGER_OPERATIONS = ["ledger_inspect", "ledger_record"]
OPERATIONS = LOCK_OPERATIONS + LEDGER_OPERATIONS + ["report_write"]
SECTION_STATUSES = ["started", "ok", "changed", "failed", "skipped", "interrupted"]


def release_state_argument_spec():
    return dict(
        operation=dict(type="str", required=True, choices=OPERATIONS),
        lock_path=dict(type="path"),
        run_id=dict(type="str", default="manual"),
        owner=dict(type="str", default="unknown"),
        ttl=dict(type="int", default=3600),
        takeover_stale=dict(type="bool", default=True),
        ledger_path=dict(type="path"),
        environment_name=dict(type="str", default="production"),
        record=dict(type="dict", default={}),
        section=dict(type="str"),
        section_status=dict(type="str", choices=SECTION_STATUSES),
        keep=dict(type="int", default=200),
        files=dict(type="list", elements="dict", options=dict(
            path=dict(type="path", required=True),
            content=dict(type="str"),
            data=dict(type="raw"),
            mode=dict(type="str", default="0640"),
        ), mutually_exclusive=[["content", "data"]], required_one_of=[["content", "data"]]),
    )


def release_state_required_if():
    return ([("operation", name, ["lock_path"]) for name in LOCK_OPERATIONS]
            + [("operation", name, ["ledger_path"]) for name in LEDGER_OPERATIONS]
            + [("operation", "report_write", ["files"])])
