# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drift between two environments, reported by key name only."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import Finding
from ansible_collections.facturino.release.plugins.module_utils.dotenv.rules import default_severity


def compare(document, reference, reference_name="reference"):
    """Findings for keys missing from ``document``, extra in it, or holding a different value."""
    findings = []
    ours = document.values
    theirs = reference.values
    for key in sorted(set(theirs) - set(ours)):
        findings.append(Finding("drift-missing", key, None, default_severity("drift-missing"),
                                "%s is set in the %s but not here" % (key, reference_name)))
    for key in sorted(set(ours) - set(theirs)):
        findings.append(Finding("drift-extra", key, ours[key].line, default_severity("drift-extra"),
                                "%s is set here but not in the %s" % (key, reference_name)))
    for key in sorted(set(ours) & set(theirs)):
        if ours[key].value.reveal().strip() != theirs[key].value.reveal().strip():
            findings.append(Finding("drift-differs", key, ours[key].line, default_severity("drift-differs"),
                                    "%s differs from the %s" % (key, reference_name)))
    return findings


def summary(findings):
    """Key names per drift kind, for the result."""
    kinds = {"drift-missing": "missing", "drift-extra": "extra", "drift-differs": "differs"}
    result = {"missing": [], "extra": [], "differs": []}
    for finding in findings:
        if finding.rule in kinds:
            result[kinds[finding.rule]].append(finding.key)
    return result
