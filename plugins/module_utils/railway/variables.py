# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Service variables: read unrendered values, plan key-only diffs, upsert in one batch with an explicit skipDeploys."""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    AmbiguousRequestError,
    InvalidInputError,
    RailwayError,
)
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
HIDDEN = "<value hidden>"


def normalize(name, value):
    """Railway stores strings; YAML booleans become 'true'/'false' so a second run compares equal."""
    if not NAME_RE.match(name or ""):
        raise InvalidInputError("variable name %r is not valid" % name, hint="use letters, digits and underscores")
    if value is None:
        raise InvalidInputError("variable %s has no value" % name, hint="list it in variables_absent to delete it")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return value
    raise InvalidInputError("variable %s must be a string, number or boolean, not %s" % (name, type(value).__name__),
                            hint="quote the value")


class VariablePlan:
    def __init__(self, current, desired, absent):
        self.current = current
        self.desired = {name: normalize(name, value) for name, value in (desired or {}).items()}
        clash = sorted(set(self.desired) & set(absent or []))
        if clash:
            raise InvalidInputError("variables and variables_absent both name %s" % ", ".join(clash),
                                    hint="keep each key in one of them")
        self.added = sorted(k for k in self.desired if k not in current)
        self.changed = sorted(k for k in self.desired if k in current and current[k] != self.desired[k])
        self.removed = sorted(k for k in set(absent or []) if k in current)
        self.unchanged = sorted(k for k in self.desired if k in current and current[k] == self.desired[k])

    @property
    def has_changes(self):
        return bool(self.added or self.changed or self.removed)

    def upserts(self):
        return {k: self.desired[k] for k in self.added + self.changed}

    def keys_after(self):
        return sorted((set(self.current) - set(self.removed)) | set(self.desired))

    def summary(self):
        return {"added": self.added, "changed": self.changed, "removed": self.removed, "unchanged": self.unchanged}

    def diff(self, header):
        """Diff mode: one line per key, values never shown."""
        before = ["%s=%s" % (k, HIDDEN) for k in sorted(self.current)]
        after = []
        for key in self.keys_after():
            mark = " (changed)" if key in self.changed else ""
            after.append("%s=%s%s" % (key, HIDDEN, mark))
        return {"before_header": header, "after_header": header,
                "before": "\n".join(before) + "\n", "after": "\n".join(after) + "\n"}


def read_variables(client, target):
    data = client.execute(documents.VARIABLES, {"projectId": target.project_id, "environmentId": target.environment_id,
                                                "serviceId": target.service_id})
    values = data.get("variables") or {}
    if not isinstance(values, dict):
        raise RailwayError("Railway answered Variables with 'variables' of type %s where an object belongs"
                           % type(values).__name__,
                           hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")
    return {k: ("" if v is None else str(v)) for k, v in values.items()}


def apply_plan(client, target, plan, skip_deploys):
    """Write the plan (never ``replace``): one collection upsert, then one delete per removed key. A write whose
    answer was lost is reconciled by reading the variables back: when they already hold the write, it is not sent
    again (a second upsert without skipDeploys would make Railway deploy twice). Returns what was reconciled."""
    scope = {"projectId": target.project_id, "environmentId": target.environment_id, "serviceId": target.service_id}
    reconciled = []

    def once(document, variables, applied):
        try:
            client.execute(document, variables, idempotent=False)
        except AmbiguousRequestError as lost:
            now = read_variables(client, target)
            done = applied(now)
            reconciled.append({"error": lost.message, "found": "applied" if done else None})
            if not done:
                client.execute(document, variables, idempotent=False)

    upserts = plan.upserts()
    if upserts:
        once(documents.VARIABLE_COLLECTION_UPSERT, {"input": dict(scope, variables=upserts,
                                                                  skipDeploys=bool(skip_deploys))},
             lambda now: all(now.get(k) == v for k, v in upserts.items()))
    for name in plan.removed:
        once(documents.VARIABLE_DELETE, {"input": dict(scope, name=name)}, lambda now, name=name: name not in now)
    return reconciled
