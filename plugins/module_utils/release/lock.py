# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release lock: one directory per environment, created atomically, with its holder's record inside.

acquire: the lock directory is prepared under a private name (owner.json written whole) and renamed into place;
rename(2) onto an existing, non-empty directory fails, so exactly one concurrent caller wins, and the lock never
exists without its owner record. A lock is stale when its holder process no longer runs on this host (at once),
or, for a holder on another host, when its TTL has passed; a stale lock is taken over (renamed aside: one racer
wins) and the caller is told why. release: only the holder (same run id) removes the lock. force: remove whatever
is there (unlock.yml). inspect: read only; check mode inspects and predicts.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError, StateFileError
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write

OWNER_FILE = "owner.json"


def process_start_ticks(pid, proc_root="/proc"):
    """The kernel's start time of ``pid`` (clock ticks since boot), or None when no such process runs.

    A pid alone can be reused after its process died; the pair (pid, start ticks) names one process.
    """
    try:
        with open(os.path.join(proc_root, str(pid), "stat"), encoding="utf-8", errors="replace") as handle:
            stat = handle.read()
    except OSError:
        return None
    # the command name may hold spaces and parentheses: fields resume after the last ')'
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        return int(fields[19])
    except (IndexError, ValueError):
        return None


def parent_pid(pid, proc_root="/proc"):
    try:
        with open(os.path.join(proc_root, str(pid), "stat"), encoding="utf-8", errors="replace") as handle:
            stat = handle.read()
        return int(stat[stat.rfind(")") + 2:].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def command_line(pid, proc_root="/proc"):
    try:
        with open(os.path.join(proc_root, str(pid), "cmdline"), "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def release_process(pid=None, proc_root="/proc"):
    """The process that owns this release: the outermost ansible-playbook among our ancestors.

    Modules run in short-lived worker forks; the lock must name the playbook run itself, so that its death
    (Ctrl-C, a kill, a crash) makes the lock stale at once. Falls back to our own parent.
    """
    pid = pid or os.getpid()
    found = None
    seen = set()
    while pid and pid > 1 and pid not in seen:
        seen.add(pid)
        if "ansible-playbook" in command_line(pid, proc_root):
            found = pid
        pid = parent_pid(pid, proc_root)
    return found or os.getppid()


def holder_staleness(holder, now, hostname, proc_root="/proc"):
    """Why the holder's lock is stale ("" when it is live)."""
    if holder.get("host") == hostname and holder.get("pid"):
        ticks = process_start_ticks(holder["pid"], proc_root)
        if ticks is None:
            return "its process %s no longer runs on %s" % (holder["pid"], hostname)
        if holder.get("pid_start_ticks") is not None and ticks != holder["pid_start_ticks"]:
            return "its process %s ended on %s (the pid now belongs to another process)" % (holder["pid"], hostname)
        return ""
    expires = holder.get("expires_at") or 0
    if expires and now > expires:
        return "its TTL of %s s ran out (holder on host %s)" % (holder.get("ttl", "?"), holder.get("host", "?"))
    return ""


class ReleaseLock:
    """The lock at ``path``; ``clock``, ``hostname`` and ``proc_root`` are injectable for tests."""

    def __init__(self, path, clock=time.time, hostname=None, proc_root="/proc"):
        if not path or not os.path.isabs(path):
            raise InvalidInputError("lock_path must be an absolute path, got %r" % (path,),
                                    hint="give the lock directory as an absolute path, e.g. {{ playbook_dir }}/.release/production/release.lock")
        self.path = os.path.normpath(path)
        self.backup = self.path + ".bak"
        self.clock = clock
        self.hostname = hostname or socket.gethostname()
        self.proc_root = proc_root

    def read_holder(self):
        """The holder's record; None when the lock is free; ``{"corrupt": reason, ...}`` when unreadable."""
        owner = os.path.join(self.path, OWNER_FILE)
        try:
            with open(owner, "rb") as handle:
                raw = handle.read()
        except FileNotFoundError:
            if not os.path.isdir(self.path):
                return None
            return {"owner": "unknown", "run_id": "unknown", "corrupt": "it has no owner record %s" % owner}
        except OSError as error:
            return {"owner": "unknown", "run_id": "unknown", "corrupt": "cannot read %s: %s" % (owner, error.strerror)}
        try:
            holder = json.loads(raw.decode("utf-8"))
        except ValueError as error:      # UnicodeDecodeError is a ValueError
            return {"owner": "unknown", "run_id": "unknown",
                    "corrupt": "its owner record %s is not JSON (%s)" % (owner, error)}
        if not isinstance(holder, dict):
            return {"owner": "unknown", "run_id": "unknown", "corrupt": "its owner record %s is not a JSON object" % owner}
        return holder

    def corrupt_error(self, holder):
        return StateFileError(
            "the release lock %s is corrupt: %s. It was left as found, so no release can tell whether its holder "
            "still runs" % (self.path, holder["corrupt"]),
            hint="if no release of this environment is running, remove it with "
                 "`ansible-playbook playbooks/unlock.yml -e unlock_confirm=true` (release_state operation=lock_force); "
                 "the removal keeps its owner record in %s" % self.backup, path=self.path, backup=self.backup)

    def keep_backup(self):
        """Copy the owner record aside (``<lock>.bak``) before a forced removal; True when one was kept."""
        try:
            with open(os.path.join(self.path, OWNER_FILE), "rb") as handle:
                raw = handle.read()
        except OSError:
            return False
        atomic_write(self.backup, raw, mode=0o600)
        return True

    def _outcome(self, holder):
        now = self.clock()
        live = holder and not holder.get("corrupt")
        stale = holder_staleness(holder, now, self.hostname, self.proc_root) if live else ""
        return {"path": self.path, "acquired": False, "released": False, "took_over": False, "stale": bool(stale),
                "stale_reason": stale, "holder": holder, "changed": False}

    def _record(self, run_id, owner, ttl):
        now = self.clock()
        pid = release_process(proc_root=self.proc_root)
        return {"owner": owner, "run_id": run_id, "host": self.hostname, "pid": pid,
                "pid_start_ticks": process_start_ticks(pid, self.proc_root), "started_at": now,
                "started_at_iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                "ttl": ttl, "expires_at": now + ttl}

    def _create(self, record):
        staging = "%s.new.%s.%d" % (self.path, record["run_id"], os.getpid())
        os.mkdir(staging, 0o700)
        try:
            atomic_write(os.path.join(staging, OWNER_FILE), json.dumps(record, indent=2, sort_keys=True) + "\n")
            os.rename(staging, self.path)
            return True
        except OSError:
            return False
        finally:
            if os.path.isdir(staging):
                shutil.rmtree(staging, ignore_errors=True)

    def _remove(self, tag):
        aside = "%s.gone.%s.%d" % (self.path, tag, os.getpid())
        try:
            os.rename(self.path, aside)
        except FileNotFoundError:
            return False
        shutil.rmtree(aside, ignore_errors=True)
        return True

    def inspect(self):
        out = self._outcome(self.read_holder())
        out["held"] = out["holder"] is not None
        return out

    def acquire(self, run_id, owner, ttl, takeover_stale=True, check_mode=False):
        holder = self.read_holder()
        if holder is not None and holder.get("corrupt"):
            raise self.corrupt_error(holder)
        out = self._outcome(holder)
        if holder is not None and holder.get("run_id") == run_id:
            out["acquired"] = True                       # re-entrant within one run
            return out
        if check_mode:
            out["acquired"] = holder is None or (out["stale"] and takeover_stale)
            out["changed"] = out["acquired"]
            return out
        os.makedirs(os.path.dirname(self.path), mode=0o700, exist_ok=True)
        record = self._record(run_id, owner, ttl)
        for _attempt in range(2):
            if self._create(record):
                out.update(acquired=True, changed=True, lock=record)
                return out
            holder = self.read_holder()
            if holder is not None and holder.get("corrupt"):
                raise self.corrupt_error(holder)
            out.update(self._outcome(holder))
            if not out["stale"] or not takeover_stale:
                return out
            if self._remove("stale-" + run_id):           # one racer wins the takeover
                out["took_over"] = True
        return out

    def release(self, run_id, check_mode=False):
        holder = self.read_holder()
        out = self._outcome(holder)
        if holder is not None and holder.get("run_id") == run_id:
            out["released"] = out["changed"] = True if check_mode else self._remove("released-" + run_id)
        return out

    def force(self, run_id, check_mode=False):
        holder = self.read_holder()
        out = self._outcome(holder)
        if holder is not None:
            out["backup"] = self.backup if check_mode or self.keep_backup() else None
            out["released"] = out["changed"] = True if check_mode else self._remove("forced-" + run_id)
        return out
