# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A finding names a rule, a key and a line; it never carries a value."""

from __future__ import annotations

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 1, "warning": 2, "error": 3}


class Finding:
    __slots__ = ("rule", "key", "line", "severity", "message")

    def __init__(self, rule, key, line, severity, message):
        if severity not in SEVERITY_RANK:
            raise ValueError("unknown severity %r" % (severity,))
        self.rule = rule
        self.key = key
        self.line = line
        self.severity = severity
        self.message = message

    def with_severity(self, severity):
        return Finding(self.rule, self.key, self.line, severity, self.message)

    def as_dict(self):
        return {"rule": self.rule, "key": self.key, "line": self.line, "severity": self.severity,
                "message": self.message}

    def __repr__(self):
        return "Finding(%s, %s, line=%s, %s)" % (self.rule, self.key, self.line, self.severity)


def count_by_severity(findings):
    counts = dict((severity, 0) for severity in SEVERITIES)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def sort_findings(findings):
    """Errors first, then by line (file order), then by rule and key."""
    return sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.line or 0, f.rule, f.key or ""))
