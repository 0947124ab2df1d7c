# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The five states of pg_backup, each a function ``(params, runner, check_mode, diff, warn) -> result``.

Idempotence of ``dumped``: when ``dest`` already holds a backup with the same label, database and format whose
manifest says verified and whose size and sha256 still match, nothing is dumped (changed=false). Otherwise
(none, or not good any more) it is dumped again under the same name; ``force`` always dumps.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    BackupError,
    DatabaseError,
    InvalidInputError,
)
from ansible_collections.facturino.release.plugins.module_utils.postgres import catalog, listing, manifest as mf
from ansible_collections.facturino.release.plugins.module_utils.postgres import retention, s3
from ansible_collections.facturino.release.plugins.module_utils.common.process import ModuleCommandRunner
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import connect, conn_params_from_options, url_password
from ansible_collections.facturino.release.plugins.module_utils.postgres.dump import dump_database
from ansible_collections.facturino.release.plugins.module_utils.postgres.restore import (
    check_restorable,
    drop_extra,
    plan_clean,
    restore_into,
    restore_test,
)
from ansible_collections.facturino.release.plugins.module_utils.postgres.tools import Tools
from ansible_collections.facturino.release.plugins.module_utils.postgres.verify import integrity_reasons, verify_backup

DEFAULT_COMPRESSION = 1  # measured: gzip 1 is 2.4-2.8x faster than pg_dump's default 6 for 10-38% more bytes


def summary(path, manifest):
    """The keys a release ledger records."""
    manifest = manifest or {}
    return {
        "dump_path": path,
        "manifest_path": mf.manifest_path(path),
        "checksum_path": mf.checksum_path(path),
        "checksum": (manifest.get("checksum") or {}).get("value"),
        "size_bytes": manifest.get("size_bytes"),
        "label": manifest.get("label"),
        "format": manifest.get("format"),
        "created_at": manifest.get("created_at"),
        "row_counts": manifest.get("row_counts"),
        "total_rows": manifest.get("total_rows"),
        "server_version": manifest.get("server_version"),
        "pg_dump_version": manifest.get("pg_dump_version"),
        "verified": bool((manifest.get("verification") or {}).get("verified")),
        "manifest": manifest,
    }


def _check_dest(dest, check_mode):
    """Create ``dest`` (0700) when missing; refuse a dest we cannot write. Returns True when created."""
    if os.path.exists(dest) and not os.path.isdir(dest):
        raise InvalidInputError("dest %s exists but is not a directory" % dest, hint="point dest at a directory")
    if not os.path.isdir(dest):
        if check_mode:
            return True
        try:
            os.makedirs(dest, 0o700)
        except OSError as error:
            raise BackupError("cannot create dest %s: %s" % (dest, error.strerror),
                              hint="create it, or choose a dest the remote user may write")
        return True
    if not os.access(dest, os.W_OK | os.X_OK):
        raise BackupError("dest %s is not writable by this user" % dest,
                          hint="fix its permissions/ownership, or choose another dest")
    return False


def _compression(params):
    level = params.get("compression")
    if level is None:
        return 0 if params["format"] == "plain" else DEFAULT_COMPRESSION
    if not 0 <= level <= 9:
        raise InvalidInputError("compression must be 0..9 (got %d)" % level, hint="use 0 (none) to 9 (smallest)")
    return level


def _jobs(params):
    if params.get("jobs", 1) < 1:
        raise InvalidInputError("jobs must be at least 1", hint="use jobs: 1, or the number of cores to use")
    if params.get("jobs", 1) > 1 and params.get("state") == "dumped" and params["format"] != "directory":
        raise InvalidInputError("jobs > 1 needs format=directory for dumps (pg_dump parallelises only that format)",
                                hint="set format: directory, or jobs: 1")
    return params.get("jobs", 1)


def dumped(params, runner, check_mode=False, diff=False, warn=None):
    conn = conn_params_from_options(params)
    tools = Tools(runner, params.get("pg_bin_dir"))
    compression, jobs = _compression(params), _jobs(params)
    moment = mf.utc_now()
    label = params.get("label") or mf.default_label(moment)
    name = mf.dump_name(params["name_template"], conn.dbname, label, params["format"], compression, moment)
    dest = os.path.abspath(params["dest"])
    path = os.path.join(dest, name)
    # connect first: check mode must still say "unreachable" or "pg_dump too old"
    handle = connect(conn)
    try:
        version_num, version_text = catalog.server_version(handle)
    finally:
        handle.close()
    tools.check_compatible("pg_dump", version_num, version_text)
    existing = listing.find_by_label(dest, label, conn.dbname, params["format"])
    if existing is not None and not params["force"] and existing.good and not integrity_reasons(existing.path, existing.manifest):
        result = summary(existing.path, existing.manifest)
        result.update(changed=False, msg="a verified backup labelled %s already exists" % label)
        return _upload(params, result, existing.path, existing.manifest, check_mode)
    if existing is not None and not existing.good and warn:
        warn("backup %s with label %s is %s; dumping it again" % (existing.path, label, existing.status))
    _check_dest(dest, check_mode)
    if check_mode:
        result = summary(path, None)
        result.update(changed=True, label=label, format=params["format"], msg="would dump %s to %s" % (conn.dbname, path))
        return result
    manifest = dump_database(runner, tools, conn, dest, name, label, params["format"], compression, jobs,
                             params["verify"], params.get("timeout"))
    result = summary(path, manifest)
    result.update(changed=True, msg="dumped %s (%d rows in %d tables) to %s"
                  % (conn.dbname, manifest["total_rows"], len(manifest["row_counts"]), path))
    return _upload(params, result, path, manifest, check_mode)


def _upload(params, result, path, manifest, check_mode):
    """Copy a verified backup to S3 when s3_bucket is set; already-uploaded objects (same sha256) are skipped."""
    if not params.get("s3_bucket"):
        return result
    uploaded = s3.upload(params, path, manifest, check_mode=check_mode)
    result.update(s3_uploaded=uploaded, changed=result["changed"] or bool(uploaded))
    return result


def _locate(params, require_good=False, check_mode=False):
    """(path, manifest) from ``path``, or from ``dest`` + ``label`` (newest verified when no label)."""
    if params.get("path"):
        path = os.path.abspath(params["path"])
        if not os.path.lexists(path) and not os.path.exists(mf.manifest_path(path)):
            raise BackupError("backup %s does not exist" % path, hint="check path, or list backups with state=listed")
        return path, mf.read_manifest(path, strict=True)
    dest = os.path.abspath(params["dest"])
    backups = [b for b in listing.scan(dest) if not b.partial]
    if params.get("label"):
        backups = [b for b in backups if b.label == params["label"]]
    elif require_good:
        backups = [b for b in backups if b.good]
    if not backups and params.get("s3_bucket") and params.get("label"):
        # not here: fetch the newest backup with this label from S3
        name = s3.find_by_label(params, params["label"])
        if name is None:
            raise BackupError("no backup labelled %s in %s nor in s3://%s" % (params["label"], dest, params["s3_bucket"]),
                              hint="check label, s3_bucket and s3_prefix")
        if check_mode:  # check mode writes nothing into dest: fetch into a temp dir removed at exit
            dest = tempfile.mkdtemp(prefix="pg_backup_s3_")
            atexit.register(shutil.rmtree, dest, True)
        _check_dest(dest, False)
        path = s3.download(params, dest, name)
        return path, mf.read_manifest(path, strict=True)
    if not backups:
        raise BackupError("no backup%s found in %s" % (" labelled %s" % params["label"] if params.get("label") else "", dest),
                          hint="check dest and label, or list backups with state=listed")
    return backups[0].path, backups[0].manifest


def verified(params, runner, check_mode=False, diff=False, warn=None):
    tools = Tools(runner, params.get("pg_bin_dir"))
    path, manifest = _locate(params, check_mode=check_mode)
    ok, reasons, checks = verify_backup(runner, tools, path, manifest)
    restore_checked = None
    if ok and params["restore_test"]:
        conn = conn_params_from_options(params)
        mismatches, scratch = restore_test(runner, tools, conn, params["maintenance_db"], path, manifest,
                                           jobs=params.get("jobs") or 1, timeout=params.get("timeout"))
        checks.append("restore test (%s)" % scratch)
        restore_checked = not mismatches
        for mismatch in mismatches:
            reasons.append("restore test: %s" % (mismatch.get("error") or "%(table)s has %(actual)s rows, the manifest %(expected)s" % mismatch))
        ok = not mismatches
    changed = False
    if manifest is not None:
        # record the outcome in the manifest only when it changes (keeps repeated verification idempotent)
        old = manifest.get("verification") or {}
        if bool(old.get("verified")) != ok or (old.get("reasons") or []) != reasons:
            manifest = dict(manifest, verification={"verified": ok, "verified_at": mf.iso(mf.utc_now()), "checks": checks,
                                                    "reasons": reasons})
            changed = mf.write_json(mf.manifest_path(path), manifest, check_mode=check_mode)
    result = summary(path, manifest)
    result.update(changed=changed, verified=ok, reasons=reasons, checks=checks, restore_test_passed=restore_checked)
    if not ok:
        raise BackupError("backup %s failed verification: %s" % (path, "; ".join(reasons)),
                          hint="do not rely on this backup; take a new one (state=dumped, force=true)", **result)
    result["msg"] = "backup %s verified (%s)" % (path, ", ".join(checks))
    return result


def restored(params, runner, check_mode=False, diff=False, warn=None):
    conn = conn_params_from_options(params)
    tools = Tools(runner, params.get("pg_bin_dir"))
    path, manifest = _locate(params, require_good=True, check_mode=check_mode)
    ok, reasons, _checks = verify_backup(runner, tools, path, manifest)
    if not ok:
        raise BackupError("refusing to restore from %s: %s" % (path, "; ".join(reasons)),
                          hint="restore from a verified backup (state=listed shows them)", dump_path=path, reasons=reasons)
    check_restorable(path, manifest["format"])
    tool = "psql" if manifest["format"] == "plain" else "pg_restore"
    created = not catalog.database_exists(conn, params["maintenance_db"], conn.dbname)
    plan = None
    if not created:
        handle = connect(conn)
        try:
            version_num, version_text = catalog.server_version(handle)
            objects = catalog.user_object_count(handle)
        finally:
            handle.close()
        if tool == "pg_restore":
            tools.check_compatible(tool, version_num, version_text)
        if objects and not params["clean"]:
            raise BackupError("refusing to restore into %s: it is not empty (%d objects)" % (conn.dbname, objects),
                              hint="set clean: true to drop and recreate the dump's objects (add safety_backup: true "
                                   "to dump the target first), or restore into an empty database", dump_path=path)
        if objects:
            # relations the dump lacks (e.g. created by a migration after the dump) go first: a foreign key or view
            # of theirs on a dumped table would make the restore's DROP TABLE fail
            plan = plan_clean(runner, tools, conn, path, manifest["format"])
    result = summary(path, manifest)
    result.update(target_dbname=conn.dbname, database_created=created,
                  dropped_relations=plan["relations"] if plan else [], dropped_cascade=plan["cascade"] if plan else [])
    if check_mode:
        dropping = " after dropping %d relation(s) the dump does not contain (%s)" % (
            len(result["dropped_relations"]), ", ".join(r["name"] for r in result["dropped_relations"][:10])) \
            if result["dropped_relations"] else ""
        result.update(changed=True, msg="would restore %s into %s%s" % (path, conn.dbname, dropping))
        return result
    if created:
        catalog.create_database(conn, params["maintenance_db"], conn.dbname)
    elif params["safety_backup"]:
        safety_dest = params.get("safety_dest") or os.path.dirname(path)
        _check_dest(safety_dest, False)
        stamp = mf.default_label(mf.utc_now())
        safety_name = mf.dump_name("{dbname}_{label}", conn.dbname, "pre_restore_" + stamp, "custom", DEFAULT_COMPRESSION,
                                   mf.utc_now())
        safety = dump_database(runner, tools, conn, safety_dest, safety_name, "pre_restore_" + stamp, "custom",
                               DEFAULT_COMPRESSION, 1, True, params.get("timeout"))
        result["safety_backup"] = summary(os.path.join(safety_dest, safety_name), safety)
    if plan and plan["drop"]:
        drop_extra(conn, plan)
    try:
        out = restore_into(runner, tools, conn, path, manifest, jobs=params.get("jobs") or 1, clean=params["clean"],
                           no_owner=params["no_owner"], timeout=params.get("timeout"))
    except (BackupError, DatabaseError) as error:  # the relations are gone: say so, and where they are kept
        if plan and plan["drop"]:
            error.message += " (the %d relation(s) the dump does not contain were already dropped: %s)" % (
                len(plan["drop"]), ", ".join(name for name, _kind in plan["drop"][:10]))
            if result.get("safety_backup"):
                error.hint = "%s; the target as it was before is in the safety backup %s" % (
                    (error.hint or "check the error").rstrip("."), result["safety_backup"]["dump_path"])
            error.result.update(dropped_relations=result["dropped_relations"], dropped_cascade=result["dropped_cascade"],
                                safety_backup=result.get("safety_backup"))
        raise
    result.update(out)
    dropped = " after dropping %d relation(s) the dump does not contain" % len(plan["drop"]) if plan and plan["drop"] else ""
    result.update(changed=True, row_counts_match=True,
                  msg="restored %s into %s%s; %d tables match the manifest's row counts"
                  % (path, conn.dbname, dropped, len(out["row_counts"])))
    if out["extra_tables"] and warn:
        warn("%s still has tables the dump does not contain: %s" % (conn.dbname, ", ".join(out["extra_tables"][:20])))
    return result


def pruned(params, runner, check_mode=False, diff=False, warn=None):
    if params.get("keep_last") is None and params.get("keep_days") is None:
        raise InvalidInputError("state=pruned needs keep_last and/or keep_days", hint="e.g. keep_last: 7")
    if (params.get("keep_last") or 0) < 0 or (params.get("keep_days") or 0) < 0:
        raise InvalidInputError("keep_last and keep_days cannot be negative", hint="use 0 or more")
    dest = os.path.abspath(params["dest"])
    backups = listing.scan(dest)
    keep, delete = retention.plan(backups, params.get("keep_last"), params.get("keep_days"))
    if backups and not any(b.good for b in backups) and warn:
        warn("no verified backup in %s: nothing was pruned" % dest)
    removed = retention.apply(delete, check_mode=check_mode)
    result = {
        "changed": bool(removed),
        "deleted": [{"path": b.path, "status": b.status, "reason": why} for b, why in delete],
        "kept": [{"path": b.path, "status": b.status, "reason": why} for b, why in keep],
        "msg": "%s %d backup(s), kept %d" % ("would delete" if check_mode else "deleted", len(removed), len(keep)),
    }
    if diff:
        before = sorted(b.name for b in backups if not b.partial)
        gone = set(os.path.basename(p) for p in removed)
        result["diff"] = {"before_header": dest, "after_header": dest,
                          "before": "\n".join(before) + "\n", "after": "\n".join(n for n in before if n not in gone) + "\n"}
    return result


def listed(params, runner, check_mode=False, diff=False, warn=None):
    dest = os.path.abspath(params["dest"])
    backups = [b.as_dict() for b in listing.scan(dest)]
    return {"changed": False, "backups": backups, "count": len(backups),
            "verified_count": sum(1 for b in backups if b["status"] == "verified")}


HANDLERS = {"dumped": dumped, "verified": verified, "restored": restored, "pruned": pruned, "listed": listed}


def validate_options(params):
    """Every pg_backup option that can be wrong in form, checked before any command runs or file is touched."""
    validate.check_url("database_url", params.get("database_url"), schemes=("postgres", "postgresql"), secret=True,
                       required=False)
    validate.check_line("host", params.get("host"))
    validate.check_count("port", params.get("port"), minimum=1, maximum=65535)
    for key in ("user", "dbname", "label", "name_template", "maintenance_db", "s3_bucket", "s3_prefix", "s3_region"):
        validate.check_line(key, params.get(key))
    validate.check_line("password", params.get("password"), secret=True)
    validate.check_count("connect_timeout", params.get("connect_timeout"), minimum=1, maximum=3600, unit="seconds")
    validate.check_count("timeout", params.get("timeout"), minimum=1, maximum=7 * 86400, unit="seconds")
    validate.check_count("jobs", params.get("jobs"), minimum=1, maximum=64)
    validate.check_count("compression", params.get("compression"), minimum=0, maximum=9)
    validate.check_count("keep_last", params.get("keep_last"), minimum=0, maximum=100000)
    validate.check_number("keep_days", params.get("keep_days"), minimum=0.0, allow_equal=True, maximum=36500.0,
                          unit="days")
    for key in ("dest", "path", "safety_dest", "pg_bin_dir"):
        validate.check_path(key, params.get(key))
    validate.check_url("s3_endpoint_url", params.get("s3_endpoint_url"), required=False)


def run_state(params, runner, check_mode=False, diff=False, warn=None):
    validate_options(params)
    return HANDLERS[params["state"]](params, runner, check_mode=check_mode, diff=diff, warn=warn)


def handle(module):
    """``common.module.run_module`` handler of the pg_backup module."""
    # no_log masks the whole URL; mask the password inside it wherever it could appear alone
    secret = url_password(module.params.get("database_url"))
    if secret:
        module.no_log_values.add(secret)
    return run_state(module.params, ModuleCommandRunner(module), check_mode=module.check_mode,
                     diff=module._diff, warn=module.warn)
