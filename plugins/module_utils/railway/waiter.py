# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Waiting on one deployment: poll ``deployment(id)`` only, with capped backoff, through ``common.wait_until``."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    DeploymentFailedError,
    RailwayError,
    WaitTimeoutError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, Clock, wait_until
from ansible_collections.facturino.release.plugins.module_utils.railway import documents, status as st
from ansible_collections.facturino.release.plugins.module_utils.railway.logs import fetch_logs, tail_lines


class WaitOutcome:
    def __init__(self, deployment, elapsed, polls, timeline):
        self.deployment = deployment
        self.status = deployment.get("status")
        self.category = st.classify(self.status)
        self.elapsed = elapsed
        self.polls = polls
        self.timeline = timeline


class DeploymentWaiter:
    """Polls a deployment until it is terminal (or, with ``stable_for``, has stayed successful that long)."""

    def __init__(self, client, timeout=600, approve=False, clock=None, poll_initial=1.0, poll_max=15.0, stable_for=0):
        self.client = client
        self.timeout = timeout
        self.approve = approve
        self.clock = clock or Clock()
        self.poll_initial = min(poll_initial, poll_max)
        self.poll_max = poll_max
        self.stable_for = stable_for

    def backoff(self):
        return Backoff(initial=self.poll_initial, factor=1.5, maximum=self.poll_max)

    def wait(self, deployment_id):
        timeline = []
        approved = []
        success_since = [None]
        started = self.clock.monotonic()

        def poll():
            return self.client.execute(documents.DEPLOYMENT, {"id": deployment_id})["deployment"]

        def on_progress(deployment, elapsed):
            status = deployment.get("status")
            if not timeline or timeline[-1]["status"] != status:
                timeline.append({"status": status, "label": st.label(status), "elapsed_s": round(elapsed, 1)})

        def is_done(deployment):
            category = st.classify(deployment.get("status"))
            if category == "blocked" and self.approve and not approved:
                self.client.execute(documents.DEPLOYMENT_APPROVE, {"id": deployment_id})
                approved.append(True)
                timeline.append({"status": "NEEDS_APPROVAL", "label": "approved by this task",
                                 "elapsed_s": round(self.clock.monotonic() - started, 1)})
                return False
            if category == "success" and self.stable_for > 0:
                now = self.clock.monotonic()
                if success_since[0] is None:
                    success_since[0] = now
                return now - success_since[0] >= self.stable_for
            success_since[0] = None
            return category in ("success", "failure", "ended") or (category == "blocked" and not self.approve)

        try:
            deployment, elapsed, polls = wait_until(poll, is_done, self.timeout, backoff=self.backoff(), clock=self.clock,
                                                    on_progress=on_progress, describe=lambda d: d.get("status"))
        except WaitTimeoutError as error:
            last = error.result.get("last_state") or {}
            raise WaitTimeoutError(
                "deployment %s is still %s after %.0f s"
                % (deployment_id, st.label(last.get("status")), error.result.get("elapsed_s", 0)),
                hint="raise wait_timeout, or inspect the deployment with state=logs",
                deployment_id=deployment_id, status=last.get("status"), timeline=timeline,
                api_requests=self.client.requests_made)
        return WaitOutcome(deployment, elapsed, polls, timeline)


def raise_for_outcome(client, outcome, log_lines=40, result=None):
    """Raise when the awaited deployment did not succeed; the failure keeps the tail of its logs."""
    if outcome.category == "success":
        return
    deployment_id = outcome.deployment.get("id")
    data = dict(result or {})
    data.update(deployment_id=deployment_id, status=outcome.status, timeline=outcome.timeline,
                duration_s=round(outcome.elapsed, 1))
    if outcome.category == "blocked":
        data["api_requests"] = client.requests_made
        raise RailwayError("deployment %s needs approval" % deployment_id,
                           hint="approve it in the Railway dashboard, or run with approve: true", **data)
    logs, errors = fetch_logs(client, deployment_id, limit=log_lines)
    data["logs"] = {kind: tail_lines(entries) for kind, entries in logs.items()}
    if errors:
        data["logs_errors"] = errors
    data["api_requests"] = client.requests_made
    if outcome.category == "failure":
        where = "build or deploy" if outcome.status == "FAILED" else "running container"
        last = _last_line(data["logs"].get("build" if outcome.status == "FAILED" else "deploy"))
        raise DeploymentFailedError(
            "deployment %s ended %s (the %s failed)%s"
            % (deployment_id, outcome.status, where, ": " + last if last else ""),
            hint="read logs.build / logs.deploy in this result; the previously active deployment keeps serving", **data)
    raise DeploymentFailedError("deployment %s ended %s: %s"
                                % (deployment_id, outcome.status, st.ENDED_REASONS.get(outcome.status, "")),
                                hint="check the service's newer deployments (state=inspected) before retrying", **data)


def _last_line(lines):
    for line in reversed(lines or []):
        if line.strip():
            return line.strip()[:300]
    return ""


def find_new_deployment(list_deployments, known_ids, commit=None, timeout=60, clock=None, newer_than=None):
    """Wait for a deployment not in ``known_ids``, created after ``newer_than`` and of ``commit``; return the newest.

    For mutations that return no id (``deploymentRollback``) or whose answer was lost (a dropped connection).
    """
    def pick(deployments):
        for deployment in deployments:
            if deployment.get("id") in known_ids:
                continue
            if newer_than and (deployment.get("createdAt") or "") <= newer_than:
                continue
            if commit and not commit_matches(deployment, commit):
                continue
            return deployment
        return None

    try:
        deployments, _elapsed, _polls = wait_until(list_deployments, lambda deps: pick(deps) is not None, timeout,
                                                   backoff=Backoff(initial=1.0, factor=2.0, maximum=5.0), clock=clock,
                                                   describe=lambda deps: "%d deployments, none new" % len(deps))
    except WaitTimeoutError as error:
        raise RailwayError("no new deployment%s appeared within %d s" % (" of commit %s" % commit if commit else "", timeout),
                           hint="check the service's deployments in Railway (state=inspected)", elapsed_s=error.result.get("elapsed_s"),
                           none_found=True)
    return pick(deployments)


def commit_of(deployment):
    meta = (deployment or {}).get("meta") or {}
    return meta.get("commitHash") if isinstance(meta, dict) else None


def commit_matches(deployment, commit_sha):
    """A full or abbreviated (>= 7 hex digits) sha names the deployment's commit."""
    full = (commit_of(deployment) or "").lower()
    return bool(full and commit_sha and full.startswith(commit_sha.lower()))
