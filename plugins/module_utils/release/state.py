# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""release_state's operations on the run's own state: the lock, the ledger and the report files."""

from __future__ import annotations

import json

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.validate import check_count, check_line, check_path
from ansible_collections.facturino.release.plugins.module_utils.release.argspec import LOCK_OPERATIONS
from ansible_collections.facturino.release.plugins.module_utils.release.ledger import Ledger
from ansible_collections.facturino.release.plugins.module_utils.release.lock import ReleaseLock
from ansible_collections.facturino.release.plugins.module_utils.release.report_files import write_files


def describe(operation, out):
    holder = out.get("holder") or {}
    who = "%s (run %s)" % (holder.get("owner", "unknown"), holder.get("run_id", "?"))
    if operation == "lock_acquire":
        if out["acquired"]:
            return "took over the stale lock of %s: %s" % (who, out["stale_reason"]) if out["took_over"] \
                else "lock %s" % ("held" if out["changed"] else "already held by this run")
        return "lock held by %s%s" % (who, " (stale: %s)" % out["stale_reason"] if out["stale"] else "")
    if operation in ("lock_release", "lock_force"):
        return "released the lock of %s" % who if out["released"] else "no lock of this run to release" \
            if operation == "lock_release" else "no lock was held"
    if holder.get("corrupt"):
        return "lock is corrupt: %s" % holder["corrupt"]
    return "lock held by %s" % who if out.get("held") else "lock is free"


def run_lock(params, check_mode):
    if params["ttl"] <= 0:
        raise InvalidInputError("ttl must be a positive number of seconds, got %s" % params["ttl"],
                                hint="set ttl to how long a release may run, e.g. 3600")
    lock = ReleaseLock(params["lock_path"])
    operation = params["operation"]
    if operation == "lock_acquire":
        out = lock.acquire(params["run_id"], params["owner"], params["ttl"], params["takeover_stale"], check_mode)
    elif operation == "lock_release":
        out = lock.release(params["run_id"], check_mode)
    elif operation == "lock_force":
        out = lock.force(params["run_id"], check_mode)
    else:
        out = lock.inspect()
    out["msg"] = describe(operation, out)
    return out


def run_ledger(params, check_mode, diff):
    ledger = Ledger(params["ledger_path"], environment=params["environment_name"], keep=params["keep"])
    if params["operation"] == "ledger_inspect":
        out = ledger.inspect()
        out["msg"] = "%d release(s) in the ledger" % len(out["ledger"]["releases"])
        return out
    out = ledger.record(params["run_id"], params["record"], params["section"], params["section_status"], check_mode)
    before = out.pop("entry_before")
    if diff and out["changed"]:
        header = "%s (run %s)" % (out["path"], params["run_id"])
        out["diff"] = {"before_header": header, "after_header": header,
                       "before": json.dumps(before, indent=2, sort_keys=True) + "\n" if before else "",
                       "after": json.dumps(out["entry"], indent=2, sort_keys=True) + "\n"}
    what = ("section %s %s" % (params["section"], params["section_status"] or "started")) if params["section"] \
        else "entry"
    out["msg"] = "%s run %s: %s" % ("recorded" if out["changed"] else "unchanged", params["run_id"], what)
    return out


def check_params(params):
    """Paths, names and counts checked before the lock, the ledger or a report file is touched."""
    for option in ("lock_path", "ledger_path"):
        check_path(option, params.get(option))
    for option in ("run_id", "owner", "environment_name", "section"):
        check_line(option, params.get(option))
    check_count("keep", params.get("keep"), minimum=1, unit="releases")
    for index, item in enumerate(params.get("files") or []):
        check_path("files[%d].path" % index, item.get("path"), required=True)


def run(params, check_mode, diff=False):
    """Run ``params['operation']``; returns the module result."""
    check_params(params)
    operation = params["operation"]
    if operation in LOCK_OPERATIONS:
        out = run_lock(params, check_mode)
    elif operation == "report_write":
        out = write_files(params["files"], check_mode=check_mode, diff=diff)
        out["msg"] = "wrote %d file(s), %d unchanged" % (len(out["written"]), len(out["unchanged"]))
    else:
        out = run_ledger(params, check_mode, diff)
    out["operation"] = operation
    return out


def handle(module):
    """``common.module.run_module`` handler of the release_state module."""
    return run(module.params, module.check_mode, module._diff)
