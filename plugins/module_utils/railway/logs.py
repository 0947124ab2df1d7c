# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build and deployment logs, fetched best-effort: a log failure never decides a deployment's outcome."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import FacturinoError
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

KINDS = {"build": ("buildLogs", documents.BUILD_LOGS), "deploy": ("deploymentLogs", documents.DEPLOYMENT_LOGS)}


def fetch_logs(client, deployment_id, kinds=("build", "deploy"), limit=100, log_filter=None):
    """Return ``({kind: [entries]}, {kind: error text})``; the API may return limit+1 entries, so keep the last N."""
    found, errors = {}, {}
    for kind in kinds:
        field, document = KINDS[kind]
        variables = {"deploymentId": deployment_id, "limit": limit}
        if log_filter:
            variables["filter"] = log_filter
        try:
            entries = client.execute(document, variables).get(field) or []
        except FacturinoError as error:
            errors[kind] = str(error)
            continue
        entries = entries[-limit:] if limit else entries
        found[kind] = [{"timestamp": e.get("timestamp"), "severity": e.get("severity"), "message": e.get("message", "")}
                       for e in entries]
    return found, errors


def tail_lines(entries):
    return [e["message"] for e in entries]
