# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a response must look like: status, JMESPath assertions on JSON, contains/regex on the body, latency.

Each failed assertion is a dict naming the assertion, what was expected and the actual value.
"""

from __future__ import annotations

import json
import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError,
    MissingDependencyError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.module import has_library

BODY_EXCERPT_CHARS = 300
_OPERATORS = {"eq": "==", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}


def compile_jmespath(expression, what="check"):
    if not has_library("jmespath"):
        raise MissingDependencyError("the jmespath library is required for json assertions", hint="pip install jmespath")
    import jmespath  # pylint: disable=import-outside-toplevel
    from jmespath.exceptions import JMESPathError  # pylint: disable=import-outside-toplevel

    try:
        return jmespath.compile(expression)
    except JMESPathError as error:
        raise InvalidInputError("%s: invalid JMESPath %r: %s" % (what, expression, str(error).replace("\n", " ")),
                                hint="fix the expression, e.g. \"status == 'ok'\"")


def is_truthy(value):
    """JMESPath truthiness: false, null and empty string/list/object are false; 0 is true."""
    return not (value is None or value is False or (isinstance(value, (str, list, dict)) and not value))


def _render(node):
    kind = node.get("type")
    if kind == "field":
        return node["value"]
    if kind == "subexpression":
        return ".".join(_render(c) for c in node["children"])
    if kind == "index_expression":
        return "".join(_render(c) for c in node["children"])
    if kind == "index":
        return "[%s]" % node["value"]
    if kind == "function_expression":
        return "%s(%s)" % (node["value"], ", ".join(_render(c) for c in node["children"]))
    if kind == "current":
        return "@"
    if kind == "literal":
        return "`%s`" % json.dumps(node["value"])
    return kind


def _operand_values(node, data, out):
    """Collect the values of non-literal comparison operands, so a failure shows what was actually there."""
    from jmespath.visitor import TreeInterpreter  # pylint: disable=import-outside-toplevel

    kind = node.get("type")
    if kind == "comparator":
        for child in node["children"]:
            if child.get("type") != "literal":
                try:
                    out[_render(child)] = TreeInterpreter().visit(child, data)
                except Exception:  # pylint: disable=broad-except
                    out[_render(child)] = None
    elif kind in ("and_expression", "or_expression", "not_expression"):
        for child in node["children"]:
            _operand_values(child, data, out)
    return out


def evaluate_json(assertions, data):
    failures = []
    for expression, compiled in assertions:
        try:
            result = compiled.search(data)
        except Exception as error:  # pylint: disable=broad-except
            failures.append({"assertion": "json", "expression": expression, "error": str(error)})
            continue
        if not is_truthy(result):
            actual = _operand_values(compiled.parsed, data, {}) or result
            failures.append({"assertion": "json", "expression": expression, "result": result, "actual": actual})
    return failures


_TOKEN_TAG = re.compile(r"<(?:meta|input)\b[^>]*>", re.IGNORECASE)
_TOKEN_NAME = re.compile(r"""\bname\s*=\s*["'][^"']*(?:csrf|token|secret|password)""", re.IGNORECASE)
_TOKEN_VALUE = re.compile(r"""(\b(?:content|value)\s*=\s*)(["'])[^"']*\2""", re.IGNORECASE)


def redact(text):
    """Blank the values of CSRF/token/password fields in HTML (a session-bound token is a secret too)."""
    def blank(match):
        tag = match.group(0)
        if not _TOKEN_NAME.search(tag):
            return tag
        return _TOKEN_VALUE.sub(lambda m: m.group(1) + m.group(2) + "********" + m.group(2), tag)
    return _TOKEN_TAG.sub(blank, text)


def excerpt(text, limit=BODY_EXCERPT_CHARS):
    """The start of a body for failure reports, with token fields redacted."""
    if text is None:
        return None
    text = redact(text[:limit * 4])
    return text if len(text) <= limit else text[:limit] + "...[more]"


def evaluate(check, response, apply_latency=True):
    """Failed assertions for ``response`` (a :class:`probe.Response`); empty when the check passes."""
    if response.error:
        return [{"assertion": "request", "error_kind": response.error_kind, "error": response.error}]
    failures = []
    if response.status not in check.status:
        failures.append({"assertion": "status", "expected": list(check.status), "actual": response.status})
    if check.json_assertions:
        try:
            data = json.loads(response.text)
        except ValueError as error:
            failures.append({"assertion": "json", "expected": "a JSON body", "error": "body is not JSON: %s" % error})
        else:
            failures.extend(evaluate_json(check.json_assertions, data))
    for needle in check.contains:
        if needle not in response.text:
            failures.append({"assertion": "contains", "expected": needle, "actual": "not found in body"})
    for pattern, compiled in check.regex:
        if not compiled.search(response.text):
            failures.append({"assertion": "regex", "expected": pattern, "actual": "no match in body"})
    if apply_latency and check.max_latency_ms is not None and response.latency_ms > check.max_latency_ms:
        failures.append({"assertion": "max_latency_ms", "expected": check.max_latency_ms,
                         "actual": response.latency_ms})
    return failures


def summarize(failures):
    """One line for the first failed assertion (for window samples)."""
    if not failures:
        return None
    first = failures[0]
    kind = first.get("assertion")
    if "error" in first:
        text = "%s: %s" % (kind, first["error"])
    elif kind == "json":
        text = "json: %s (actual %s)" % (first["expression"], json.dumps(first.get("actual"), default=str))
    else:
        text = "%s: expected %s, got %s" % (kind, first.get("expected"), first.get("actual"))
    return excerpt(text, 200)
