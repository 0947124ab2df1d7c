# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile severities, the user's ``severity_overrides`` and ``ignore``, and the pass/fail decision."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import SEVERITIES, SEVERITY_RANK
from ansible_collections.facturino.release.plugins.module_utils.dotenv.profiles import profile_severity
from ansible_collections.facturino.release.plugins.module_utils.dotenv.rules import RULES

OFF = "off"
FAIL_ON = ("error", "warning", "info", "never")


def validate(ignore, severity_overrides):
    """Reject unknown rule ids and severities before auditing (a typo would silently disable nothing)."""
    for item in ignore or ():
        rule = item.split(":", 1)[0]
        if rule not in RULES:
            raise InvalidInputError("ignore lists unknown rule %r" % rule,
                                    hint="use a rule id (optionally 'rule:KEY'); known rules: %s" % ", ".join(sorted(RULES)))
    for rule, severity in (severity_overrides or {}).items():
        if rule not in RULES:
            raise InvalidInputError("severity_overrides names unknown rule %r" % rule,
                                    hint="known rules: %s" % ", ".join(sorted(RULES)))
        if severity not in SEVERITIES + (OFF,):
            raise InvalidInputError("severity_overrides gives rule %r the unknown severity %r" % (rule, severity),
                                    hint="use one of: %s" % ", ".join(SEVERITIES + (OFF,)))


def apply(findings, profile_name, ignore=(), severity_overrides=None):
    """Return ``(kept, ignored_count)`` after profile severities, overrides and ignores."""
    ignore = set(ignore or ())
    overrides = severity_overrides or {}
    kept = []
    ignored = 0
    for finding in findings:
        if finding.rule in ignore or ("%s:%s" % (finding.rule, finding.key)) in ignore:
            ignored += 1
            continue
        if finding.rule in overrides:
            severity = None if overrides[finding.rule] == OFF else overrides[finding.rule]
        else:
            severity = profile_severity(profile_name, finding.rule, finding.severity)
        if severity is None:
            ignored += 1
            continue
        kept.append(finding if severity == finding.severity else finding.with_severity(severity))
    return kept, ignored


def passed(findings, fail_on="error"):
    if fail_on == "never":
        return True
    threshold = SEVERITY_RANK[fail_on]
    return not any(SEVERITY_RANK[f.severity] >= threshold for f in findings)
