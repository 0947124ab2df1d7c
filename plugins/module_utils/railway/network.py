# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a `railway run` step can reach what the service's variables point at.

`railway run` injects the service's rendered variables (``variablesForServiceDeployment``) into a command on the
machine that runs it.  A value on Railway's private network (``<service>.railway.internal``) resolves only inside
Railway, so from a laptop or a CI runner the step fails with "could not translate host name".  This module finds
those values, the service each one belongs to (the ``${{Service.NAME}}`` reference, else the private name), and
that service's public TCP proxy (``tcpProxies``): a value can then be rewritten to the proxy's
``domain:proxyPort``, which reaches the same port from anywhere.  It never resolves or connects to anything itself.
"""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import RailwayError
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

PRIVATE_HOST_RE = re.compile(r"(?<![A-Za-z0-9.\-])([A-Za-z0-9][A-Za-z0-9\-]*)\.railway\.internal(?::(\d+))?", re.I)
REFERENCE_RE = re.compile(r"\$\{\{\s*([A-Za-z0-9_\- ]+?)\.([A-Za-z0-9_]+)\s*\}\}")
DEFAULT_PORTS = {"postgres": 5432, "postgresql": 5432, "redis": 6379, "rediss": 6379, "mysql": 3306, "http": 80,
                 "https": 443}


def slug(name):
    """Railway's private DNS label of a service: ``Postgres`` -> ``postgres``."""
    return re.sub(r"[^a-z0-9\-]+", "-", str(name or "").lower()).strip("-")


def _scheme_port(value):
    scheme = value.split("://", 1)[0].lower() if "://" in value else ""
    return DEFAULT_PORTS.get(scheme)


def find_private(rendered, unrendered, services):
    """Every variable whose rendered value names a ``*.railway.internal`` host: a list of dicts
    ``{variable, host, port, service, service_id}`` (service None when no service of the project owns the name).

    Railway's own injected ``RAILWAY_*`` variables are left out: they describe the service, no step connects to them."""
    by_slug = {slug(s["name"]): s for s in services}
    by_name = {str(s["name"]).lower(): s for s in services}
    found = []
    for name in sorted(rendered):
        if name.startswith("RAILWAY_"):
            continue
        value = rendered.get(name) or ""
        for match in PRIVATE_HOST_RE.finditer(value):
            host = match.group(0).split(":")[0].lower()
            port = int(match.group(2)) if match.group(2) else _scheme_port(value)
            owner = None
            for ref in REFERENCE_RE.finditer(unrendered.get(name) or ""):
                owner = by_name.get(ref.group(1).strip().lower())
                if owner:
                    break
            if owner is None:
                owner = by_slug.get(match.group(1).lower())
            found.append({"variable": name, "host": host, "port": port,
                          "service": owner["name"] if owner else None, "service_id": owner["id"] if owner else None})
    return found


def pick_proxy(proxies, port):
    """The active TCP proxy forwarding to ``port`` (or the only one when the port is unknown), else None."""
    usable = [p for p in proxies or [] if p and (p.get("syncStatus") or "ACTIVE") in ("ACTIVE", "CREATING")]
    for proxy in usable:
        if port is not None and int(proxy.get("applicationPort") or 0) == int(port):
            return proxy
    if port is None and len(usable) == 1:
        return usable[0]
    return None


def public_value(value, host, port, proxy):
    """``value`` with ``host[:port]`` swapped for the proxy's ``domain:proxyPort``."""
    target = "%s:%s" % (proxy["domain"], proxy["proxyPort"])
    # with a known port: "host:port" (not "host:portN"), or a bare "host" that carries no port of its own
    pattern = re.compile(re.escape(host) + (r"(?::%d(?!\d)|(?!:\d))" % port if port else r"(?::\d+)?"), re.I)
    return pattern.sub(target, value)


def controller_view(rendered, private, proxies_by_service):
    """(values, entries): the variables as a step on the controller must see them, and one entry per private value
    saying whether it is reachable (``public``: the proxy's ``domain:port``, or None)."""
    values = dict(rendered)
    entries = []
    for item in private:
        proxy = pick_proxy(proxies_by_service.get(item["service_id"]) or [], item["port"])
        entry = dict(item, public=None, reachable=False)
        if proxy:
            values[item["variable"]] = public_value(values[item["variable"]], item["host"], item["port"], proxy)
            entry.update(public="%s:%s" % (proxy["domain"], proxy["proxyPort"]), reachable=True)
        entries.append(entry)
    return values, entries


def read_service_config(client, target):
    """The service instance's settings that decide what the deployed app does: start, build, pre-deploy command."""
    data = client.execute(documents.SERVICE_CONFIG, {"environmentId": target.environment_id,
                                                     "serviceId": target.service_id})
    inst = data.get("serviceInstance") or {}
    pre = inst.get("preDeployCommand")
    if isinstance(pre, str):
        pre = [pre]
    if pre is not None and not isinstance(pre, list):
        raise RailwayError("Railway answered ServiceConfig with a preDeployCommand of type %s" % type(pre).__name__,
                           hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")
    return {"start_command": inst.get("startCommand"), "build_command": inst.get("buildCommand"),
            "pre_deploy_command": [str(c) for c in pre] if pre else [],
            "config_file": inst.get("railwayConfigFile"), "healthcheck_path": inst.get("healthcheckPath")}


def set_pre_deploy_command(client, target, commands):
    client.execute(documents.SERVICE_INSTANCE_UPDATE, {
        "environmentId": target.environment_id, "serviceId": target.service_id,
        "input": {"preDeployCommand": list(commands)}}, idempotent=True)


def read_runtime(client, target):
    """The `railway run` environment of the target service and where each private value can be reached.

    Requests: the rendered variables, the unrendered ones (to follow references), the service config, and one
    ``tcpProxies`` per service that owns a private value."""
    rendered = client.execute(documents.RUNTIME_VARIABLES, {
        "projectId": target.project_id, "environmentId": target.environment_id,
        "serviceId": target.service_id}).get("variablesForServiceDeployment") or {}
    if not isinstance(rendered, dict):
        raise RailwayError("Railway answered VariablesForServiceDeployment with a %s where an object belongs"
                           % type(rendered).__name__,
                           hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")
    rendered = {k: ("" if v is None else str(v)) for k, v in rendered.items()}
    private = []
    if any(PRIVATE_HOST_RE.search(v) for k, v in rendered.items() if not k.startswith("RAILWAY_")):
        from ansible_collections.facturino.release.plugins.module_utils.railway.variables import read_variables
        unrendered = read_variables(client, target)
        private = find_private(rendered, unrendered, target.services)
    proxies = {}
    for service_id in sorted({p["service_id"] for p in private if p["service_id"]}):
        data = client.execute(documents.TCP_PROXIES, {"environmentId": target.environment_id, "serviceId": service_id})
        proxies[service_id] = data.get("tcpProxies") or []
    values, entries = controller_view(rendered, private, proxies)
    return {"values": values, "private": entries, "service_config": read_service_config(client, target)}
