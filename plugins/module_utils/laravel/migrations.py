# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""migrate_status, migrate and rollback: idempotent, with ``--pretend`` in check mode."""

from __future__ import annotations

import glob
import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError
from ansible_collections.facturino.release.plugins.module_utils.laravel import detectors, output
from ansible_collections.facturino.release.plugins.module_utils.laravel.runner import fields

TABLE_MISSING = "Migration table not found."


def migration_files(app_path):
    """Migration names from database/migrations, in Laravel's order (by file name)."""
    paths = glob.glob(os.path.join(app_path, "database", "migrations", "*.php"))
    return sorted(os.path.basename(path)[:-4] for path in paths)


def migrate_status(artisan):
    result = artisan.run("migrate:status", check=False)
    if TABLE_MISSING not in result.stdout:
        detectors.raise_for_failure("migrate:status", result, **fields(result))
    output_format, parsed = output.parse("status", result.stdout)
    migrations = parsed["migrations"]
    if parsed["table_missing"]:
        # A fresh database: everything on disk is pending; not an error.
        migrations = [{"name": name, "ran": False, "batch": None} for name in migration_files(artisan.app_path)]
    status = fields(result)
    status.update(changed=False, migrations=migrations, table_missing=parsed["table_missing"],
                  pending=[item["name"] for item in migrations if not item["ran"]], output_format=output_format)
    return status


def _sql(artisan, command, args):
    result = artisan.run(command, list(args) + ["--pretend"])
    return result, output.parse("pretend", result.stdout)[1]


def migrate(artisan, check_mode):
    before = migrate_status(artisan)
    pending = before["pending"]
    base = {"pending_before": pending, "applied": [], "batch": None, "output_format": before["output_format"]}
    if not pending:
        base.update(fields_of(before), changed=False)
        return base
    if check_mode:
        base.update(changed=True, applied=pending)
        if before["table_missing"]:
            # --pretend would create the migrations table: report the files, run nothing.
            base.update(fields_of(before), sql=None, warnings=["the migrations table does not exist yet, so the SQL "
                                                               "cannot be previewed without creating it"])
            return base
        result, queries = _sql(artisan, "migrate", [])
        base.update(fields(result), sql=queries)
        return base
    result = artisan.run("migrate", check=False)
    partial = output.parse("migrate", result.stdout, strict=False)[1]["applied"] if result.rc else None
    detectors.raise_for_failure("migrate", result, applied=partial or [], pending_before=pending, **fields(result))
    parsed = output.parse("migrate", result.stdout)[1]
    after = migrate_status(artisan)
    ran_now = [item for item in after["migrations"] if item["ran"] and item["name"] in pending]
    if sorted(parsed["applied"]) != sorted(item["name"] for item in ran_now):
        raise OutputParseError("`migrate` printed %s as applied but migrate:status shows %s as newly ran"
                               % (parsed["applied"], [item["name"] for item in ran_now]))
    batches = [item["batch"] for item in ran_now if item["batch"]]
    base.update(fields(result), changed=bool(parsed["applied"]), applied=parsed["applied"],
                batch=max(batches) if batches else None, pending_after=after["pending"])
    return base


def rollback(artisan, step, check_mode):
    before = migrate_status(artisan)
    ran = [item for item in before["migrations"] if item["ran"]]
    # Laravel rolls back by batch, then name, both descending.
    expected = [item["name"] for item in sorted(ran, key=lambda item: (item["batch"] or 0, item["name"]), reverse=True)][:step]
    base = {"rolled_back": [], "output_format": before["output_format"]}
    if not expected:
        base.update(fields_of(before), changed=False)
        return base
    args = ["--step=%d" % step]
    if check_mode:
        result, queries = _sql(artisan, "migrate:rollback", args)
        base.update(fields(result), changed=True, rolled_back=expected, sql=queries)
        return base
    result = artisan.run("migrate:rollback", args, check=False)
    partial = output.parse("rollback", result.stdout, strict=False)[1]["rolled_back"] if result.rc else None
    detectors.raise_for_failure("migrate:rollback", result, rolled_back=partial or [], **fields(result))
    parsed = output.parse("rollback", result.stdout)[1]
    base.update(fields(result), changed=bool(parsed["rolled_back"]), rolled_back=parsed["rolled_back"],
                missing=parsed["missing"])
    return base


def fields_of(status):
    return dict((key, status[key]) for key in ("cmd", "rc", "stdout", "stderr", "duration_ms"))
