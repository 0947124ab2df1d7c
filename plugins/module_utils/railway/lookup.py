# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find the project, environment and service by id or name (Railway has no name filters: match client-side)."""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    FacturinoError,
    InvalidInputError,
    RailwayAuthError,
)
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class Target:
    """The resolved service instance a task works on."""

    def __init__(self, project, environment, service, services=None):
        self.project_id, self.project_name = project["id"], project.get("name")
        self.environment_id, self.environment_name = environment["id"], environment.get("name")
        self.service_id, self.service_name = service["id"], service.get("name")
        self.services = [{"id": s["id"], "name": s.get("name")} for s in services or [] if s and s.get("id")]

    def as_dict(self):
        return {"project_id": self.project_id, "project_name": self.project_name,
                "environment_id": self.environment_id, "environment_name": self.environment_name,
                "service_id": self.service_id, "service_name": self.service_name}


def match_one(kind, wanted, candidates, parent=""):
    """Pick ``wanted`` (id, exact name, then case-insensitive name) from ``[{id, name}]``; fail listing candidates."""
    live = [c for c in candidates if not c.get("deletedAt")]
    listing = ", ".join("%s (%s)" % (c.get("name"), c.get("id")) for c in live) or "none"
    if wanted is None:
        if len(live) == 1:
            return live[0]
        raise InvalidInputError("%s is not set and %s has %d %ss" % (kind, parent or "the project", len(live), kind),
                                hint="set %s to one of: %s" % (kind, listing))
    for rule in (lambda c: c.get("id") == wanted, lambda c: c.get("name") == wanted,
                 lambda c: (c.get("name") or "").lower() == wanted.lower()):
        found = [c for c in live if rule(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InvalidInputError("%s name %r is ambiguous: %s" % (kind, wanted, ", ".join(
                "%s (%s)" % (c.get("name"), c.get("id")) for c in found)), hint="give the %s id instead" % kind,
                candidates=[{"id": c.get("id"), "name": c.get("name")} for c in found])
    raise InvalidInputError("no %s %r in %s" % (kind, wanted, parent or "Railway"), hint="use one of: %s" % listing)


def _edges(connection):
    return [edge["node"] for edge in ((connection or {}).get("edges") or []) if edge.get("node")]


def _list_projects(client):
    projects, after = [], None
    for _page in range(20):
        data = client.execute(documents.PROJECTS, {"first": 100, "after": after})["projects"]
        projects.extend(_edges(data))
        page = data.get("pageInfo") or {}
        if not page.get("hasNextPage"):
            break
        after = page.get("endCursor")
    return projects


def _find_project_id(client, wanted):
    if UUID_RE.match(wanted):
        return wanted
    projects = _list_projects(client)
    names = {p.get("name", "").lower() for p in projects}
    if wanted.lower() not in names:
        # workspace projects are not always listed by projects(); me{} needs an account token, so best effort
        try:
            me = client.execute(documents.WORKSPACE_PROJECTS)["me"]
            for workspace in me.get("workspaces") or []:
                projects.extend(_edges(workspace.get("projects")))
        except FacturinoError:
            pass
    unique = {p["id"]: p for p in projects}
    return match_one("project", wanted, list(unique.values()), "the projects this token can see")["id"]


def resolve_target(client, project=None, environment=None, service=None):
    """Return a :class:`Target`; ``client.authenticate()`` must have run (it sets ``client.token_info``)."""
    info = client.token_info
    if info:
        token_project, token_env = info.get("project") or {}, info.get("environment") or {}
        token_project.setdefault("id", info.get("projectId"))
        token_env.setdefault("id", info.get("environmentId"))
        for kind, wanted, bound in (("project", project, token_project), ("environment", environment, token_env)):
            if wanted and wanted not in (bound.get("id"), bound.get("name")) and \
                    wanted.lower() != (bound.get("name") or "").lower():
                raise InvalidInputError(
                    "the project token belongs to %s %s (%s), not %r" % (kind, bound.get("name"), bound.get("id"), wanted),
                    hint="use a project token of that %s, or an account token with token_type=account" % kind)
        project_id = token_project["id"]
    else:
        if not project:
            probe = client.auth_probe_error
            if probe is not None:
                raise RailwayAuthError("Railway does not accept this token as a project token (%s), and project is not "
                                       "set, so it cannot be used as an account token either" % probe.message,
                                       hint="check RAILWAY_TOKEN; for an account token also set project")
            raise InvalidInputError("project is required with an account or workspace token",
                                    hint="set project to the project's id or name, or use a project token")
        project_id = _find_project_id(client, project)
    data = client.execute(documents.PROJECT, {"id": project_id})["project"]
    project_name = data.get("name")
    if info:
        env = match_one("environment", info["environmentId"], _edges(data.get("environments")), project_name)
    else:
        env = match_one("environment", environment, _edges(data.get("environments")), "project %s" % project_name)
    svc = match_one("service", service, _edges(data.get("services")), "project %s" % project_name)
    return Target(data, env, svc, _edges(data.get("services")))
