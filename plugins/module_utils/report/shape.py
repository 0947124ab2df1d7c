# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shape report_html reads from report.json, checked before a page is built (one message per fault, by path)."""

from __future__ import annotations

import datetime
import math

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

NUMBER = "number"
TIME = "time"
PATH = "path"
ANY = None

# A dict maps keys to shapes ("*" for every key), a one-item list is a list of that shape, a type is that type.
STEP = {"duration_ms": NUMBER, "screenshot": PATH}
WINDOW = {"index": NUMBER, "monitor": {"error_rate_pct": NUMBER, "thresholds": {"error_rate_pct": NUMBER},
                                       "endpoints": {"*": {"p50_ms": NUMBER, "p95_ms": NUMBER}}}}
TIMED = {"started_at": TIME, "duration_s": NUMBER}
REPORT = {
    "failure": dict,
    "timeline": [TIMED],
    "sections": {"*": dict, "monitor": {"windows": [WINDOW]}, "verify": {"browser": {"steps": [STEP]}}},
    "checklist": {"*": [dict]},
}
FIX = "build the report with the release playbooks (report.json), or correct that field"


def _number(value):
    if isinstance(value, bool):
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _time(value):
    if isinstance(value, (int, float)) or _number(value):
        return _number(value)
    try:
        datetime.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def check_shape(value, shape, where):
    """Raise InvalidInputError naming the first field of ``value`` that does not have ``shape``."""
    if value is None or value == "" or shape is ANY:
        return
    if shape == PATH:
        if not isinstance(value, str) or "\0" in value:
            raise InvalidInputError("%s is not a file path" % where, hint=FIX)
        return
    if shape == NUMBER or shape == TIME:
        if not (_number(value) if shape == NUMBER else _time(value)):
            raise InvalidInputError("%s is not a %s" % (where, "number" if shape == NUMBER else "time"), hint=FIX)
        return
    if isinstance(shape, list):
        if not isinstance(value, list):
            raise InvalidInputError("%s must be a list, not %s" % (where, type(value).__name__), hint=FIX)
        for index, item in enumerate(value):
            check_shape(item, shape[0], "%s[%d]" % (where, index))
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise InvalidInputError("%s must be a mapping, not %s" % (where, type(value).__name__), hint=FIX)
        for key, item in value.items():
            inner = shape.get(key, shape.get("*", ANY))
            if inner is not ANY:
                check_shape(item, inner, "%s.%s" % (where, key))
        return
    if not isinstance(value, shape):
        raise InvalidInputError("%s must be a %s, not %s" % (where, "mapping" if shape is dict else shape.__name__,
                                                             type(value).__name__), hint=FIX)


def check_report(report, background):
    check_shape(report, REPORT, "report")
    check_shape(background, [TIMED], "background")
