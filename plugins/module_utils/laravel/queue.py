# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""queue_work_once, queue_restart and queue_failed."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.laravel import detectors, output
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import fields, redact


def _not_run(artisan, command, args, changed):
    return {"changed": changed, "cmd": redact(artisan.argv(command, args)), "stdout": "", "stderr": "",
            "duration_ms": 0, "skipped_in_check_mode": True}


def work_once(artisan, queue=None, connection=None, check_mode=False):
    """Process at most one job. ``--sleep=0`` so an empty queue returns at once instead of after 3 s."""
    args = ([connection] if connection else []) + ["--once", "--sleep=0"] + (["--queue=" + queue] if queue else [])
    if check_mode:
        return _not_run(artisan, "queue:work", args, changed=False)
    watch = detectors.LogWatch(artisan.app_path).start()
    result = artisan.run("queue:work", args)
    output_format, jobs = output.parse("queue_work", result.stdout)
    outcome = fields(result)
    if not jobs:
        # queue:work exits 0 when the database is down; the error is only in the log (or stderr).
        detectors.raise_for_lost_connection("queue:work", watch.new_errors(result.stderr), **outcome)
    job = jobs[-1] if jobs else {}
    outcome.update(changed=bool(jobs), job_ran=bool(jobs), job_failed=job.get("status") == "failed",
                   job=job.get("job"), job_id=job.get("id"), jobs=jobs, output_format=output_format)
    return outcome


def restart(artisan, check_mode=False):
    """Workers restart after their current job; always a change (a new restart timestamp in the cache)."""
    if check_mode:
        return _not_run(artisan, "queue:restart", [], changed=True)
    outcome = fields(artisan.run("queue:restart"))
    outcome["changed"] = True
    return outcome


def failed(artisan):
    result = artisan.run("queue:failed")
    output_format, jobs = output.parse("queue_failed", result.stdout)
    outcome = fields(result)
    outcome.update(changed=False, failed_count=len(jobs), failed_ids=[job["id"] for job in jobs], failed_jobs=jobs,
                   output_format=output_format)
    return outcome
