# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turning a failed pg_dump/pg_restore/psql run into an error that names the cause and the fix."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import BackupError
from ansible_collections.facturino.release.plugins.module_utils.postgres.connection import classify_connect_error

STDERR_TAIL = 2000


def tool_failure(tool, result, conn, action):
    """BackupError (or DatabaseError for connection problems) for a non-zero exit of ``tool``."""
    stderr = conn.redact((result.stderr or "").strip())[-STDERR_TAIL:]
    data = {"rc": result.rc, "stderr": stderr, "cmd": result.argv}
    lowered = stderr.lower()
    if result.timed_out:
        return BackupError("%s timed out while %s" % (tool, action),
                           hint="raise the timeout option, or check what blocks it (locks, a slow disk)", **data)
    if "no space left on device" in lowered:
        return BackupError("%s ran out of disk space while %s; the partial output was removed" % (tool, action),
                           hint="free space on the destination or choose a dest with room for the dump", **data)
    if "server version mismatch" in lowered or "aborting because of server version mismatch" in lowered:
        return BackupError("%s is older than the server: %s" % (tool, stderr.splitlines()[-1] if stderr else ""),
                           hint="install the client tools of the server's major version and set pg_bin_dir", **data)
    if "connection to server" in lowered and ("failed" in lowered or "refused" in lowered) \
            or "authentication failed" in lowered:
        error = classify_connect_error(conn, stderr)
        error.result.update(data)
        return error
    if "terminating connection" in lowered or "server closed the connection" in lowered \
            or "connection to server was lost" in lowered:
        return BackupError("%s was interrupted while %s: the server ended its connection" % (tool, action),
                           hint="rerun the task; check for pg_terminate_backend, a restart or a crash in the server log",
                           **data)
    if result.rc is not None and (result.rc < 0 or result.rc in (137, 143)):
        return BackupError("%s was killed (exit %s) while %s" % (tool, result.rc, action),
                           hint="rerun the task; check for the OOM killer or an operator kill", **data)
    last = stderr.splitlines()[-1] if stderr else "no error output"
    return BackupError("%s failed (exit %s) while %s: %s" % (tool, result.rc, action, last),
                       hint="read stderr in the task result; fix the cause it names and rerun", **data)
