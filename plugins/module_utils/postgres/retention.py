# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retention: which backups to delete, decided by a pure function, then applied (or only listed in check mode).

Rules: only ``verified`` backups count as good. A good backup is kept when it is among the ``keep_last``
newest good ones OR younger than ``keep_days``; the newest good backup is always kept. A backup that is not
good is deleted only when it is older than the newest good one (it was superseded). With no good backup at all,
nothing is deleted. ``partial`` temp files are never touched (the dump may still be running).
"""

from __future__ import annotations

import datetime
import os
import shutil

from ansible_collections.facturino.release.plugins.module_utils.postgres import manifest as mf


def plan(backups, keep_last=None, keep_days=None, now=None):
    """Return (keep, delete) lists of (backup, reason); ``backups`` as from listing.scan (any order)."""
    now = now or mf.utc_now()
    ordered = sorted((b for b in backups if not b.partial), key=lambda b: (b.created_at, b.name), reverse=True)
    good = [b for b in ordered if b.good]
    if not good:
        return [(b, "no verified backup exists, so nothing is pruned") for b in ordered], []
    newest_good = good[0]
    cutoff = now - datetime.timedelta(days=keep_days) if keep_days is not None else None
    keep, delete = [], []
    for backup in ordered:
        if backup.good:
            rank = good.index(backup)
            if backup is newest_good:
                keep.append((backup, "newest verified backup (always kept)"))
            elif keep_last is not None and rank < keep_last:
                keep.append((backup, "among the %d newest verified backups" % keep_last))
            elif cutoff is not None and backup.created_at >= cutoff:
                keep.append((backup, "younger than %s days" % keep_days))
            else:
                delete.append((backup, "verified, but outside keep_last/keep_days"))
        elif backup.created_at < newest_good.created_at:
            delete.append((backup, "%s and older than the newest verified backup" % backup.status))
        else:
            keep.append((backup, "%s but newer than the newest verified backup" % backup.status))
    return keep, delete


def remove_backup(backup):
    """Manifest first: a half-removed backup shows as 'incomplete', never as a good one."""
    for path in (mf.manifest_path(backup.path), mf.checksum_path(backup.path)):
        if os.path.lexists(path):
            os.unlink(path)
    if os.path.isdir(backup.path) and not os.path.islink(backup.path):
        shutil.rmtree(backup.path)
    elif os.path.lexists(backup.path):
        os.unlink(backup.path)


def apply(delete, check_mode=False):
    """Delete the planned backups (nothing in check mode); return their paths."""
    removed = []
    for backup, _reason in delete:
        if not check_mode:
            remove_backup(backup)
        removed.append(backup.path)
    return removed
