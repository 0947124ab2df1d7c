# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""DeploymentStatus classification: what each status means for a task that waits on a deployment."""

from __future__ import annotations

IN_PROGRESS = ("QUEUED", "WAITING", "INITIALIZING", "BUILDING", "DEPLOYING")
SUCCESS = ("SUCCESS", "SLEEPING")
FAILURE = ("FAILED", "CRASHED")
ENDED = ("SKIPPED", "REMOVED", "REMOVING")
BLOCKED = ("NEEDS_APPROVAL",)

LABELS = {
    "QUEUED": "queued",
    "WAITING": "waiting for CI",
    "INITIALIZING": "initializing",
    "BUILDING": "building",
    "DEPLOYING": "deploying",
    "NEEDS_APPROVAL": "awaiting approval",
    "SUCCESS": "deployed",
    "SLEEPING": "deployed, sleeping",
    "FAILED": "failed",
    "CRASHED": "crashed",
    "SKIPPED": "skipped",
    "REMOVED": "removed",
    "REMOVING": "being removed",
}

ENDED_REASONS = {
    "SKIPPED": "Railway skipped it (no changed file matched the watch paths, or a 'Wait for CI' check failed)",
    "REMOVED": "it was removed before it succeeded (superseded by a newer deployment, cancelled or removed)",
    "REMOVING": "it is being removed before it succeeded (superseded by a newer deployment, cancelled or removed)",
}


def classify(status):
    """'success' | 'failure' | 'ended' | 'blocked' | 'in_progress' | 'unknown' (tolerated until the timeout)."""
    if status in SUCCESS:
        return "success"
    if status in FAILURE:
        return "failure"
    if status in ENDED:
        return "ended"
    if status in BLOCKED:
        return "blocked"
    if status in IN_PROGRESS:
        return "in_progress"
    return "unknown"


def label(status):
    return LABELS.get(status, "unknown status %s" % status)


def is_terminal(status):
    return classify(status) in ("success", "failure", "ended")
