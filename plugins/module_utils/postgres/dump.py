# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One dump: exported snapshot, exact row counts in that snapshot, pg_dump --snapshot, atomic commit, manifest.

Row counts run in a thread on the snapshot-exporting session while pg_dump runs, so they cost (almost)
no wall time and match the dumped data exactly even under concurrent writes.
"""

from __future__ import annotations

import os
import threading
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import AtomicFile, atomic_write
from ansible_collections.facturino.release.plugins.module_utils.postgres import catalog, manifest as mf
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import connect, query
from ansible_collections.facturino.release.plugins.module_utils.postgres.errors_map import tool_failure
from ansible_collections.facturino.release.plugins.module_utils.postgres.verify import BackgroundChecksum, structure_check


class _Counter(threading.Thread):
    """Counts rows on the snapshot session; cancellable when pg_dump fails."""

    def __init__(self, handle, tables):
        super().__init__(daemon=True)
        self.handle = handle
        self.tables = tables
        self.counts = None
        self.error = None

        self.seconds = None

    def run(self):
        started = time.monotonic()
        try:
            self.counts = catalog.count_rows(self.handle, self.tables)
        except Exception as error:  # pylint: disable=broad-except
            self.error = error
        self.seconds = round(time.monotonic() - started, 3)

    def cancel(self):
        """Cancel until the thread ends (a cancel sent between two count queries is lost)."""
        while self.is_alive():
            try:
                self.handle.cancel()
            except Exception:  # pylint: disable=broad-except
                pass
            self.join(0.2)


def pg_dump_argv(tools, fmt, compression, jobs, snapshot, output):
    argv = [tools.path("pg_dump"), "--format=%s" % mf.PG_DUMP_FORMAT_FLAG[fmt], "--compress=%d" % compression,
            "--no-password", "--snapshot=%s" % snapshot, "--file=%s" % output]
    if fmt == "directory" and jobs > 1:
        argv.append("--jobs=%d" % jobs)
    if fmt == "plain":
        # plain dumps carry their own DROP ... IF EXISTS so `clean` can restore them over existing objects
        argv += ["--clean", "--if-exists"]
    return argv


def dump_database(runner, tools, conn, dest, name, label, fmt="custom", compression=1, jobs=1, verify=True,
                  timeout=None):
    """Write ``dest/name`` (+ .sha256 + .manifest.json); return the manifest. Nothing under ``name`` on failure."""
    path = os.path.join(dest, name)
    started = mf.utc_now()
    clock = time.monotonic()
    handle = connect(conn)
    counter = None
    try:
        version_num, version_text = catalog.server_version(handle)
        tools.check_compatible("pg_dump", version_num, version_text)
        handle.rollback()
        handle.set_session(isolation_level="REPEATABLE READ", readonly=True)
        snapshot = query(handle, "SELECT pg_export_snapshot()", conn=conn)[0][0]
        # counts overlap pg_dump; parallel workers would only fight it for the same cores
        query(handle, "SET LOCAL max_parallel_workers_per_gather = 0", conn=conn)
        tables = catalog.list_tables(handle)
        sequences = catalog.sequence_values(handle)
        counter = _Counter(handle, tables)
        with AtomicFile(path, directory=(fmt == "directory")) as tmp:
            counter.start()
            result = runner.run(pg_dump_argv(tools, fmt, compression, jobs, snapshot, tmp.temp_path),
                                env=conn.env(), timeout=timeout)
            if result.rc != 0:
                counter.cancel()
                raise tool_failure("pg_dump", result, conn, "dumping %s" % conn.dbname)
            mark = time.monotonic()
            counter.join()
            timings = {"pg_dump_s": round(result.duration_ms / 1000.0, 3), "row_counts_s": counter.seconds,
                       "row_counts_wait_s": round(time.monotonic() - mark, 3)}
            if counter.error is not None:
                raise counter.error
            # the checksum (in a thread) overlaps the structure check
            mark = time.monotonic()
            hashing = BackgroundChecksum(tmp.temp_path)
            hashing.start()
            try:
                size = mf.dump_size(tmp.temp_path)
                problem = structure_check(runner, tools, tmp.temp_path, fmt, len(tables)) if verify else None
                timings["verify_s"] = round(time.monotonic() - mark, 3)
            finally:
                hashing.join()
            checksum, files = hashing.result()
            timings["checksum_s"] = round(time.monotonic() - mark, 3)
            reasons = []
            if problem:
                raise BackupError("the new dump failed its verification (%s); it was discarded" % problem,
                                  hint="rerun; if it repeats, check the disk and the pg_dump/pg_restore versions")
            # the previous manifest goes first, so a crash below leaves an 'incomplete' backup, never a wrong manifest
            for stale in (mf.manifest_path(path), mf.checksum_path(path)):
                if os.path.exists(stale):
                    os.unlink(stale)
            mark = time.monotonic()
            tmp.commit()
            timings["commit_s"] = round(time.monotonic() - mark, 3)
    finally:
        if counter is not None and counter.is_alive():  # any early exit: stop counting before closing the session
            counter.cancel()
        handle.close()
    finished = mf.utc_now()
    manifest = {
        "manifest_version": mf.MANIFEST_VERSION,
        "label": label,
        "database": conn.dbname,
        "host": conn.host,
        "port": conn.port,
        "file": name,
        "format": fmt,
        "compression": compression,
        "size_bytes": size,
        "checksum": {"algorithm": "sha256", "value": checksum},
        "files": files,
        "created_at": mf.iso(started),
        "finished_at": mf.iso(finished),
        "duration_s": round(time.monotonic() - clock, 3),
        "timings": timings,
        "server_version": version_text,
        "pg_dump_version": tools.version_text("pg_dump"),
        "snapshot": snapshot,
        "row_counts": counter.counts,
        "total_rows": sum(counter.counts.values()),
        "sequences": sequences,
        "verification": {"verified": bool(verify) and not reasons, "verified_at": mf.iso(finished) if verify else None,
                         "checks": ["checksum", "structure"] if verify else [], "reasons": reasons},
    }
    atomic_write(mf.checksum_path(path), mf.checksum_text(name, checksum, files), mode=0o600)
    mf.write_json(mf.manifest_path(path), manifest)
    return manifest
