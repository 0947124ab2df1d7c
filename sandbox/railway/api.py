"""GraphQL: the served SDL subset, resolvers, authentication and request execution."""
import os

from graphql import GraphQLError, build_schema, execute_sync, parse, validate
from graphql.error import GraphQLSyntaxError

from .engine import RUNNING_STATUSES, DeploymentError
from .store import TCP_PROXY_DOMAIN
from .util import iso, new_id

SCHEMA_PATH = os.path.join(os.path.dirname(__file__), "schema.graphql")
NOT_AUTHORIZED = "Not Authorized"


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as fh:
        return build_schema(fh.read())


# ---------------------------------------------------------------------------------------------------- auth
class Auth:
    """Who is calling, from the headers Railway reads."""

    def __init__(self, kind=None, token=None, error=None, label="anonymous"):
        self.kind, self.token, self.error, self.label = kind, token, error, label

    @classmethod
    def from_headers(cls, store, headers):
        pat = (headers.get("Project-Access-Token") or "").strip()
        authz = (headers.get("Authorization") or "").strip()
        if pat:
            tok = store.token(pat, "project")
            if tok:
                return cls("project", tok, None, f"project:{pat[:8]}")
            if store.token(pat, "account"):
                return cls(None, None, NOT_AUTHORIZED, f"invalid:{pat[:8]}")
            return cls(None, None, "project token not found", f"invalid:{pat[:8]}")
        if authz:
            scheme, value = (authz.split(None, 1) + [""])[:2]
            value = value.strip()
            if scheme.lower() == "bearer" and value:
                tok = store.token(value, "account")
                if tok:
                    return cls("account", tok, None, f"account:{value[:8]}")
            return cls(None, None, NOT_AUTHORIZED, f"invalid:{value[:8]}")
        return cls(None, None, NOT_AUTHORIZED, "anonymous")


class Ctx:
    def __init__(self, store, engine, cfg, auth):
        self.store, self.engine, self.cfg, self.auth = store, engine, cfg, auth

    def require(self):
        if self.auth.error:
            raise GraphQLError(self.auth.error)

    def project_ok(self, pid):
        if self.auth.kind == "account":
            return self.store.project(pid) is not None
        if self.auth.kind == "project":
            return self.auth.token["projectId"] == pid
        return False

    def env_ok(self, eid):
        env = self.store.environment(eid)
        if env is None or not self.project_ok(env["projectId"]):
            return False
        return self.auth.kind == "account" or self.auth.token["environmentId"] == eid

    # lookups raising Railway-style errors
    def get_project(self, pid):
        self.require()
        if not pid or not self.project_ok(pid):
            raise GraphQLError("Project not found")
        return self.store.project(pid)

    def get_env(self, eid):
        self.require()
        env = self.store.environment(eid)
        if env is None:
            raise GraphQLError("Environment not found")
        if not self.env_ok(eid):
            raise GraphQLError(NOT_AUTHORIZED)
        return env

    def get_service(self, sid):
        self.require()
        svc = self.store.service(sid)
        if svc is None:
            raise GraphQLError("Service not found")
        if not self.project_ok(svc["projectId"]):
            raise GraphQLError(NOT_AUTHORIZED)
        return svc

    def get_instance(self, eid, sid):
        env = self.get_env(eid)
        svc = self.get_service(sid)
        if env["projectId"] != svc["projectId"]:
            raise GraphQLError("ServiceInstance not found")
        return env, svc

    def get_deployment(self, did):
        self.require()
        dep = self.store.deployment(did)
        if dep is None:
            raise GraphQLError("Deployment not found")
        if not self.env_ok(dep["environmentId"]):
            raise GraphQLError(NOT_AUTHORIZED)
        return dep

    def creator(self):
        u = self.store.data["user"]
        return {"id": u["id"], "email": u["email"], "name": u.get("name"), "avatar": None}


# ---------------------------------------------------------------------------------------------------- helpers
def connection(items, first=None, after=None, last=None, before=None, cursor=lambda n: n.id):
    items = list(items)
    start, end = 0, len(items)
    ids = [cursor(i) for i in items]
    if after is not None and after in ids:
        start = ids.index(after) + 1
    if before is not None and before in ids:
        end = ids.index(before)
    window = items[start:end]
    has_next = has_prev = False
    if first is not None and first >= 0 and len(window) > first:
        window, has_next = window[:first], True
    if last is not None and last >= 0 and len(window) > last:
        window, has_prev = window[len(window) - last:], True
    has_prev = has_prev or start > 0
    has_next = has_next or end < len(items)
    edges = [{"cursor": cursor(n), "node": n} for n in window]
    return {"edges": edges,
            "pageInfo": {"hasNextPage": has_next, "hasPreviousPage": has_prev,
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


def _check_variables(values):
    if not isinstance(values, dict):
        raise GraphQLError("Invalid variables: expected an object of name to string value")
    for k, v in values.items():
        if not isinstance(k, str) or not k:
            raise GraphQLError("Invalid variable name")
        if not isinstance(v, str):
            raise GraphQLError(f"Invalid value for variable {k}: expected a string")
    return values


def _wrap(fn):
    """DeploymentError -> GraphQLError, so resolvers can use the engine freely."""
    def inner(*a, **kw):
        try:
            return fn(*a, **kw)
        except DeploymentError as exc:
            raise GraphQLError(str(exc)) from exc
    return inner


# ---------------------------------------------------------------------------------------------------- views
class View:
    def __init__(self, ctx, rec):
        self.ctx, self.rec = ctx, rec

    def __getattr__(self, name):
        rec = self.__dict__.get("rec") or {}
        return rec.get(name)


class UserV(View):
    username = property(lambda s: s.rec.get("username"))
    avatar = None
    has2FA = False
    isAdmin = False
    isVerified = True
    lastLogin = property(lambda s: iso())

    def workspaces(self, info):
        return [WorkspaceV(self.ctx, self.ctx.store.data["workspace"])]


class WorkspaceV(View):
    avatar = None
    updatedAt = property(lambda s: s.rec["createdAt"])

    def projects(self, info, first=None, after=None, last=None, before=None):
        ps = [ProjectV(self.ctx, p) for p in self.ctx.store.data["projects"].values()
              if p.get("workspaceId") == self.rec["id"]]
        return connection(ps, first, after, last, before)


class ProjectV(View):
    deletedAt = None
    expiredAt = None
    isPublic = False
    isTempProject = False
    prDeploys = False
    botPrEnvironments = False
    focusedPrEnvironments = False

    @property
    def primaryEnvironmentId(self):
        return self.rec.get("baseEnvironmentId")

    @property
    def baseEnvironment(self):
        e = self.ctx.store.environment(self.rec.get("baseEnvironmentId"))
        return EnvironmentV(self.ctx, e) if e else None

    @property
    def workspace(self):
        return WorkspaceV(self.ctx, self.ctx.store.data["workspace"])

    def environments(self, info, first=None, after=None, last=None, before=None, isEphemeral=None, sort=None):
        envs = [EnvironmentV(self.ctx, e) for e in self.ctx.store.environments_of(self.rec["id"])]
        if isEphemeral:
            envs = []
        if sort == "desc":
            envs.reverse()
        return connection(envs, first, after, last, before)

    def services(self, info, first=None, after=None, last=None, before=None):
        svcs = [ServiceV(self.ctx, s) for s in self.ctx.store.services_of(self.rec["id"])]
        return connection(svcs, first, after, last, before)

    def deployments(self, info, first=None, after=None, last=None, before=None):
        deps = [DeploymentV(self.ctx, d) for d in self.ctx.store.deployments_of(project_id=self.rec["id"])
                if self.ctx.env_ok(d["environmentId"])]
        return connection(deps, first, after, last, before)


class EnvironmentV(View):
    deletedAt = None
    isEphemeral = False
    unmergedChangesCount = 0

    @property
    def canAccess(self):
        return self.ctx.env_ok(self.rec["id"])

    def serviceInstances(self, info, first=None, after=None, last=None, before=None):
        out = []
        if not self.ctx.env_ok(self.rec["id"]):
            return connection(out)
        for svc in self.ctx.store.services_of(self.rec["projectId"]):
            out.append(ServiceInstanceV(self.ctx, self.ctx.store.service_instance(self.rec["id"], svc["id"])))
        return connection(out, first, after, last, before)

    def deployments(self, info, first=None, after=None, last=None, before=None):
        deps = [DeploymentV(self.ctx, d) for d in self.ctx.store.deployments_of(env_id=self.rec["id"])
                if self.ctx.env_ok(d["environmentId"])]
        return connection(deps, first, after, last, before)


class ServiceV(View):
    deletedAt = None
    icon = None
    groupId = None
    templateId = None
    isRestricted = False

    @property
    def project(self):
        return ProjectV(self.ctx, self.ctx.store.project(self.rec["projectId"]))

    def serviceInstances(self, info, first=None, after=None, last=None, before=None):
        out = [ServiceInstanceV(self.ctx, self.ctx.store.service_instance(e["id"], self.rec["id"]))
               for e in self.ctx.store.environments_of(self.rec["projectId"]) if self.ctx.env_ok(e["id"])]
        return connection(out, first, after, last, before)

    def deployments(self, info, first=None, after=None, last=None, before=None):
        deps = [DeploymentV(self.ctx, d) for d in self.ctx.store.deployments_of(service_id=self.rec["id"])
                if self.ctx.env_ok(d["environmentId"])]
        return connection(deps, first, after, last, before)


class ServiceInstanceV(View):
    deletedAt = None
    builder = "NIXPACKS"
    rootDirectory = None
    numReplicas = 1
    region = "us-west2"
    restartPolicyMaxRetries = 10
    sleepApplication = False
    isUpdatable = False
    watchPatterns = ()
    cronSchedule = None
    nextCronRunAt = None
    upstreamUrl = None
    drainingSeconds = None
    overlapSeconds = None
    nixpacksPlan = None
    dockerfilePath = None

    @property
    def _svc(self):
        return self.ctx.store.service(self.rec["serviceId"])

    @property
    def _config(self):
        dep = self.ctx.store.latest_deployment(self.rec["environmentId"], self.rec["serviceId"])
        return (dep or {}).get("config") or {}

    updatedAt = property(lambda s: s.rec["createdAt"])
    serviceName = property(lambda s: s._svc["name"])
    service = property(lambda s: ServiceV(s.ctx, s._svc))
    startCommand = property(lambda s: s._config.get("startCommand") or s._settings.get("startCommand"))
    healthcheckPath = property(lambda s: s._config.get("healthcheckPath"))
    healthcheckTimeout = property(lambda s: s._config.get("healthcheckTimeout"))
    railwayConfigFile = property(lambda s: s._config.get("_file"))
    restartPolicyType = property(lambda s: s._config.get("restartPolicyType") or "ON_FAILURE")

    @property
    def _settings(self):
        return self.ctx.store.instance_settings(self.rec["environmentId"], self.rec["serviceId"])

    @property
    def preDeployCommand(self):
        """railway.json's deploy.preDeployCommand wins over the service setting (config as code), as on Railway."""
        value = self._config.get("preDeployCommand") or self._settings.get("preDeployCommand")
        if isinstance(value, str):
            value = [value]
        return list(value) if value else None

    @property
    def buildCommand(self):
        return (self._config.get("_build") or {}).get("buildCommand") or self._settings.get("buildCommand")

    @property
    def source(self):
        src = self._svc.get("source") or {}
        return {"repo": src.get("repo"), "image": src.get("image")}

    @property
    def latestDeployment(self):
        dep = self.ctx.store.latest_deployment(self.rec["environmentId"], self.rec["serviceId"])
        return DeploymentV(self.ctx, dep) if dep else None

    @property
    def activeDeployments(self):
        did = self.ctx.store.active_id(self.rec["environmentId"], self.rec["serviceId"])
        dep = self.ctx.store.deployment(did) if did else None
        if dep and dep["status"] in RUNNING_STATUSES:
            return [DeploymentV(self.ctx, dep)]
        return []

    @property
    def domains(self):
        return all_domains(self.ctx, self.rec["environmentId"], self.rec["serviceId"])


def all_domains(ctx, env_id, service_id):
    out = []
    for d in ctx.store.domains_of(env_id, service_id):
        out.append({"id": d["id"], "domain": ctx.cfg.domain, "suffix": None, "targetPort": None,
                    "syncStatus": "ACTIVE", "environmentId": env_id, "serviceId": service_id,
                    "projectId": d.get("projectId"), "createdAt": d["createdAt"], "updatedAt": d["createdAt"],
                    "deletedAt": None, "cdnMode": None, "edgeId": None})
    return {"serviceDomains": out, "customDomains": []}


class DeploymentV(View):
    diagnosis = None
    suggestAddServiceDomain = False

    @property
    def meta(self):
        return dict(self.rec.get("meta") or {})

    @property
    def deploymentStopped(self):
        return bool(self.rec.get("deploymentStopped"))

    @property
    def _active(self):
        return self.ctx.store.active_id(self.rec["environmentId"], self.rec["serviceId"]) == self.rec["id"]

    @property
    def canRedeploy(self):
        return self.rec["status"] in ("SUCCESS", "FAILED", "CRASHED", "SLEEPING", "SKIPPED")

    @property
    def canRollback(self):
        return can_rollback(self.ctx, self.rec)

    @property
    def staticUrl(self):
        has_domain = self.ctx.store.domains_of(self.rec["environmentId"], self.rec["serviceId"])
        return self.ctx.cfg.domain if has_domain else None

    url = staticUrl

    @property
    def environment(self):
        return EnvironmentV(self.ctx, self.ctx.store.environment(self.rec["environmentId"]))

    @property
    def service(self):
        return ServiceV(self.ctx, self.ctx.store.service(self.rec["serviceId"]))

    @property
    def instances(self):
        st = self.rec.get("instanceStatus")
        return [{"id": self.rec["instanceId"], "status": st}] if st else []


def can_rollback(ctx, rec):
    """Railway: any earlier deployment that ran successfully and whose image (snapshot) is retained."""
    return (rec["status"] in ("SUCCESS", "REMOVED") and bool(rec.get("succeededAt")) and bool(rec.get("snapshot"))
            and not rec.get("imageExpired")
            and ctx.store.active_id(rec["environmentId"], rec["serviceId"]) != rec["id"]
            and _source_available(rec))


def _source_available(rec):
    src = rec.get("source") or {}
    if src.get("kind") == "upload":
        return os.path.isfile(src.get("archive", ""))
    return src.get("kind") == "git"


def tcp_proxy_view(rec):
    return {"id": rec["id"], "applicationPort": rec["applicationPort"], "proxyPort": rec["proxyPort"],
            "domain": rec["domain"], "environmentId": rec["environmentId"], "serviceId": rec["serviceId"],
            "syncStatus": "ACTIVE", "createdAt": rec.get("createdAt"), "updatedAt": rec.get("updatedAt"),
            "deletedAt": None}


def _log_view(ctx, dep, entry):
    return {"timestamp": entry["timestamp"], "message": entry["message"], "severity": entry.get("severity"),
            "attributes": entry.get("attributes") or [],
            "tags": {"deploymentId": dep["id"], "deploymentInstanceId": dep.get("instanceId"),
                     "environmentId": dep["environmentId"], "projectId": dep["projectId"],
                     "serviceId": dep["serviceId"], "snapshotId": dep.get("snapshotId"), "pluginId": None}}


# ---------------------------------------------------------------------------------------------------- roots
class Query:
    def __init__(self, ctx):
        self.ctx = ctx

    def projectToken(self, info):
        c = self.ctx
        c.require()
        if c.auth.kind != "project":
            raise GraphQLError(NOT_AUTHORIZED)
        t = c.auth.token
        return {"id": t["id"], "name": t["name"], "projectId": t["projectId"], "environmentId": t["environmentId"],
                "createdAt": t["createdAt"], "displayToken": t["token"][:4] + "…" + t["token"][-4:],
                "project": ProjectV(c, c.store.project(t["projectId"])),
                "environment": EnvironmentV(c, c.store.environment(t["environmentId"]))}

    def me(self, info):
        c = self.ctx
        c.require()
        if c.auth.kind != "account":
            raise GraphQLError(NOT_AUTHORIZED)
        return UserV(c, c.store.data["user"])

    def projects(self, info, first=None, after=None, last=None, before=None, includeDeleted=None, orderBy=None,
                 userId=None, workspaceId=None):
        c = self.ctx
        c.require()
        if c.auth.kind != "account":
            raise GraphQLError(NOT_AUTHORIZED)
        ps = list(c.store.data["projects"].values())
        if workspaceId is not None:
            ps = [p for p in ps if p.get("workspaceId") == workspaceId]
        if orderBy == "NAME_ASC":
            ps.sort(key=lambda p: p["name"])
        elif orderBy == "UPDATED_AT_DESC":
            ps.sort(key=lambda p: p["updatedAt"], reverse=True)
        else:
            ps.sort(key=lambda p: p["createdAt"], reverse=True)
        return connection([ProjectV(c, p) for p in ps], first, after, last, before)

    def project(self, info, id):
        return ProjectV(self.ctx, self.ctx.get_project(id))

    def environment(self, info, id, projectId=None):
        env = self.ctx.get_env(id)
        if projectId is not None and env["projectId"] != projectId:
            raise GraphQLError("Environment not found")
        return EnvironmentV(self.ctx, env)

    def environments(self, info, projectId, first=None, after=None, last=None, before=None, isEphemeral=None):
        c = self.ctx
        c.get_project(projectId)
        envs = [EnvironmentV(c, e) for e in c.store.environments_of(projectId) if c.env_ok(e["id"])]
        if isEphemeral:
            envs = []
        return connection(envs, first, after, last, before)

    def service(self, info, id):
        return ServiceV(self.ctx, self.ctx.get_service(id))

    def serviceInstance(self, info, environmentId, serviceId):
        self.ctx.get_instance(environmentId, serviceId)
        return ServiceInstanceV(self.ctx, self.ctx.store.service_instance(environmentId, serviceId))

    def deployment(self, info, id):
        return DeploymentV(self.ctx, self.ctx.get_deployment(id))

    def deployments(self, info, input, first=None, after=None, last=None, before=None):
        c = self.ctx
        c.require()
        pid, eid, sid = input.get("projectId"), input.get("environmentId"), input.get("serviceId")
        if pid is not None:
            c.get_project(pid)
        if eid is not None:
            c.get_env(eid)
        if sid is not None:
            c.get_service(sid)
        deps = [d for d in c.store.deployments_of(eid, sid, pid) if c.env_ok(d["environmentId"])]
        status = input.get("status") or {}
        if status.get("in") is not None:
            deps = [d for d in deps if d["status"] in status["in"]]
        if status.get("notIn") is not None:
            deps = [d for d in deps if d["status"] not in status["notIn"]]
        return connection([DeploymentV(c, d) for d in deps], first, after, last, before)

    def deploymentEvents(self, info, id, first=None, after=None, last=None, before=None):
        dep = self.ctx.get_deployment(id)
        evs = [dict(e, payload=e.get("payload") or None) for e in dep.get("events") or []]
        return connection(evs, first, after, last, before, cursor=lambda e: e["id"])

    def deploymentSnapshot(self, info, deploymentId):
        dep = self.ctx.get_deployment(deploymentId)
        snap = dep.get("snapshot")
        return dict(snap) if snap else None

    def variables(self, info, projectId, environmentId, serviceId=None, unrendered=None):
        c = self.ctx
        c.get_project(projectId)
        env = c.get_env(environmentId)
        if env["projectId"] != projectId:
            raise GraphQLError("Environment not found")
        if serviceId is not None:
            c.get_instance(environmentId, serviceId)
        values = c.store.get_variables(environmentId, serviceId)
        if unrendered:
            return values
        from .engine import render
        if serviceId is None:
            return render(values, c.engine, environmentId, None)
        return render(values, c.engine, environmentId, serviceId)

    def variablesForServiceDeployment(self, info, projectId, environmentId, serviceId):
        c = self.ctx
        c.get_project(projectId)
        c.get_instance(environmentId, serviceId)
        from .engine import render
        out = dict(c.store.get_variables(environmentId, None))
        out.update(c.engine.injected_vars(environmentId, serviceId))
        out.update(render(c.store.get_variables(environmentId, serviceId), c.engine, environmentId, serviceId))
        return out

    def tcpProxies(self, info, environmentId, serviceId):
        c = self.ctx
        c.get_instance(environmentId, serviceId)
        return [tcp_proxy_view(p) for p in c.store.tcp_proxies_of(environmentId, serviceId)]

    def domains(self, info, projectId, environmentId, serviceId):
        c = self.ctx
        c.get_project(projectId)
        c.get_instance(environmentId, serviceId)
        return all_domains(c, environmentId, serviceId)

    def _logs(self, kind, deploymentId, limit, filter, startDate, endDate):
        c = self.ctx
        dep = c.get_deployment(deploymentId)
        entries = c.store.logs.query(deploymentId, kind, limit, filter, startDate, endDate)
        return [_log_view(c, dep, e) for e in entries]

    def buildLogs(self, info, deploymentId, limit=None, filter=None, startDate=None, endDate=None):
        return self._logs("build", deploymentId, limit, filter, startDate, endDate)

    def deploymentLogs(self, info, deploymentId, limit=None, filter=None, startDate=None, endDate=None):
        return self._logs("deploy", deploymentId, limit, filter, startDate, endDate)


class Mutation:
    def __init__(self, ctx):
        self.ctx = ctx

    # -- deploy -----------------------------------------------------------------------------------------------
    def _deploy_commit(self, environmentId, serviceId, commitSha):
        c = self.ctx
        c.get_instance(environmentId, serviceId)
        source, meta = c.engine.git_source(serviceId, commitSha)
        variables = c.store.get_variables(environmentId, serviceId)
        return c.engine.create(environmentId, serviceId, source=source, variables=variables, meta=meta,
                               reason="deploy", creator=c.creator())

    @_wrap
    def serviceInstanceDeployV2(self, info, environmentId, serviceId, commitSha=None):
        return self._deploy_commit(environmentId, serviceId, commitSha)["id"]

    @_wrap
    def serviceInstanceDeploy(self, info, environmentId, serviceId, commitSha=None, latestCommit=None):
        self._deploy_commit(environmentId, serviceId, commitSha)
        return True

    @_wrap
    def environmentTriggersDeploy(self, info, input):
        c = self.ctx
        c.get_project(input["projectId"])
        self._deploy_commit(input["environmentId"], input["serviceId"], None)
        return True

    def _redeploy(self, dep, variables, reason, skip_build):
        c = self.ctx
        meta = {k: v for k, v in (dep.get("meta") or {}).items()
                if k not in ("reason", "redeployedFrom", "rollbackTargetDeploymentId")}
        if reason == "rollback":
            meta["rollbackTargetDeploymentId"] = dep["id"]
        else:
            meta["redeployedFrom"] = dep["id"]
        return c.engine.create(dep["environmentId"], dep["serviceId"], source=dep["source"], variables=variables,
                               meta=meta, reason=reason, skip_build=skip_build, creator=c.creator(),
                               config=dep.get("config"))

    @_wrap
    def deploymentRedeploy(self, info, id, usePreviousImageTag=None):
        c = self.ctx
        dep = c.get_deployment(id)
        if not DeploymentV(c, dep).canRedeploy:
            raise GraphQLError(f"Cannot redeploy a deployment with status {dep['status']}")
        new = self._redeploy(dep, dep["snapshot"]["variables"], "redeploy",
                             bool(usePreviousImageTag) and bool(dep.get("succeededAt")))
        return DeploymentV(c, new)

    @_wrap
    def serviceInstanceRedeploy(self, info, environmentId, serviceId):
        c = self.ctx
        c.get_instance(environmentId, serviceId)
        dep = c.store.latest_deployment(environmentId, serviceId)
        if dep is None:
            raise GraphQLError("No deployment found for this service instance")
        self._redeploy(dep, c.store.get_variables(environmentId, serviceId), "redeploy", False)
        return True

    @_wrap
    def deploymentRollback(self, info, id):
        c = self.ctx
        dep = c.get_deployment(id)
        if not can_rollback(c, dep):
            raise GraphQLError("Deployment cannot be rolled back")
        variables = dict(dep["snapshot"]["variables"])
        c.store.set_variables(dep["environmentId"], dep["serviceId"], variables)
        self._redeploy(dep, variables, "rollback", True)
        return True

    @_wrap
    def deploymentRestart(self, info, id):
        self.ctx.get_deployment(id)
        return self.ctx.engine.restart(id)

    @_wrap
    def deploymentCancel(self, info, id):
        self.ctx.get_deployment(id)
        return self.ctx.engine.cancel(id)

    @_wrap
    def deploymentRemove(self, info, id):
        self.ctx.get_deployment(id)
        return self.ctx.engine.remove(id)

    @_wrap
    def deploymentStop(self, info, id):
        self.ctx.get_deployment(id)
        return self.ctx.engine.stop(id)

    @_wrap
    def deploymentApprove(self, info, id):
        self.ctx.get_deployment(id)
        return self.ctx.engine.approve(id)

    # -- service settings and networking -----------------------------------------------------------------------
    def serviceInstanceUpdate(self, info, serviceId, input, environmentId=None):
        c = self.ctx
        svc = c.get_service(serviceId)
        envs = [environmentId] if environmentId else [e["id"] for e in c.store.environments_of(svc["projectId"])]
        kept = ("preDeployCommand", "startCommand", "buildCommand", "healthcheckPath", "healthcheckTimeout")
        values = {k: input[k] for k in kept if k in input}
        for env_id in envs:
            c.get_instance(env_id, serviceId)
            c.store.update_instance_settings(env_id, serviceId, values)
        return True

    def tcpProxyCreate(self, info, input):
        c = self.ctx
        env_id, sid = input["environmentId"], input["serviceId"]
        c.get_instance(env_id, sid)
        with c.store.lock:
            used = {p["proxyPort"] for p in (c.store.data.get("tcpProxies") or {}).values()}
            port = c.cfg.tcp_proxy_port if c.cfg.tcp_proxy_port and c.cfg.tcp_proxy_port not in used else None
            if port is None:
                port = c.engine.reserve_port()
            now = iso()
            rec = {"id": new_id(), "environmentId": env_id, "serviceId": sid,
                   "applicationPort": int(input["applicationPort"]), "proxyPort": int(port),
                   "domain": TCP_PROXY_DOMAIN, "createdAt": now, "updatedAt": now}
            c.store.data.setdefault("tcpProxies", {})[rec["id"]] = rec
            c.store.save()
        c.engine.sync_network()
        return tcp_proxy_view(rec)

    def tcpProxyDelete(self, info, id):
        c = self.ctx
        c.require()
        rec = (c.store.data.get("tcpProxies") or {}).get(id)
        if rec is None:
            raise GraphQLError("TCP proxy not found")
        c.get_instance(rec["environmentId"], rec["serviceId"])
        with c.store.lock:
            c.store.data["tcpProxies"].pop(id, None)
            c.store.save()
        c.engine.sync_network()
        return True

    # -- variables --------------------------------------------------------------------------------------------
    def _scope(self, inp):
        c = self.ctx
        c.get_project(inp["projectId"])
        env = c.get_env(inp["environmentId"])
        if env["projectId"] != inp["projectId"]:
            raise GraphQLError("Environment not found")
        sid = inp.get("serviceId")
        if sid is not None:
            c.get_instance(inp["environmentId"], sid)
        return inp["environmentId"], sid

    def _after_change(self, env_id, service_id, skip):
        """Railway redeploys the affected service(s) after a variable change unless skipDeploys."""
        if skip:
            return
        c = self.ctx
        env = c.store.environment(env_id)
        targets = [service_id] if service_id else [s["id"] for s in c.store.services_of(env["projectId"])]
        for sid in targets:
            did = c.store.active_id(env_id, sid)
            base = c.store.deployment(did) if did else c.store.latest_deployment(env_id, sid)
            if base is None:
                continue
            self._redeploy(base, c.store.get_variables(env_id, sid), "redeploy", False)

    @_wrap
    def variableCollectionUpsert(self, info, input):
        c = self.ctx
        env_id, sid = self._scope(input)
        values = _check_variables(input["variables"])
        with c.store.lock:
            before = c.store.get_variables(env_id, sid)
            after = dict(values) if input.get("replace") else dict(before, **values)
            c.store.set_variables(env_id, sid, after)
        if after != before:
            self._after_change(env_id, sid, input.get("skipDeploys"))
        return True

    @_wrap
    def variableUpsert(self, info, input):
        c = self.ctx
        env_id, sid = self._scope(input)
        _check_variables({input["name"]: input["value"]})
        with c.store.lock:
            before = c.store.get_variables(env_id, sid)
            after = dict(before, **{input["name"]: input["value"]})
            c.store.set_variables(env_id, sid, after)
        if after != before:
            self._after_change(env_id, sid, input.get("skipDeploys"))
        return True

    @_wrap
    def variableDelete(self, info, input):
        c = self.ctx
        env_id, sid = self._scope(input)
        with c.store.lock:
            values = c.store.get_variables(env_id, sid)
            existed = values.pop(input["name"], None) is not None
            c.store.set_variables(env_id, sid, values)
        if existed:
            self._after_change(env_id, sid, False)
        return True


class Root:
    """root_value: Query and Mutation fields resolved by the default resolver through this object."""

    def __init__(self, ctx):
        q, m = Query(ctx), Mutation(ctx)
        for name in dir(q):
            if not name.startswith("_") and name != "ctx":
                setattr(self, name, getattr(q, name))
        for name in dir(m):
            if not name.startswith("_") and name != "ctx":
                setattr(self, name, getattr(m, name))


# ---------------------------------------------------------------------------------------------------- execution
class GraphQLService:
    def __init__(self, store, engine, cfg):
        self.schema = load_schema()
        self.store, self.engine, self.cfg = store, engine, cfg

    def execute(self, body, auth):
        """Returns (http_status, response_dict, operation_label)."""
        if not isinstance(body, dict):
            return 400, {"errors": [{"message": "POST body must be a JSON object"}]}, "invalid"
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            return 400, {"errors": [{"message": "Must provide query string.",
                                     "extensions": {"code": "BAD_REQUEST"}}]}, "invalid"
        variables = body.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return 400, {"errors": [{"message": "Variables must be provided as an Object where each property "
                                                "is a variable value.", "extensions": {"code": "BAD_REQUEST"}}]}, \
                "invalid"
        op_name = body.get("operationName") or None
        try:
            doc = parse(query)
        except GraphQLSyntaxError as exc:
            err = exc.formatted
            err["extensions"] = {"code": "GRAPHQL_PARSE_FAILED"}
            return 400, {"errors": [err]}, "invalid"
        errors = validate(self.schema, doc)
        if errors:
            out = []
            for e in errors:
                f = e.formatted
                f["extensions"] = {"code": "GRAPHQL_VALIDATION_FAILED"}
                out.append(f)
            return 400, {"errors": out}, "invalid"
        label = op_name or _operation_label(doc)
        ctx = Ctx(self.store, self.engine, self.cfg, auth)
        result = execute_sync(self.schema, doc, root_value=Root(ctx), context_value=ctx,
                              variable_values=variables, operation_name=op_name)
        resp = {}
        if result.errors:
            resp["errors"] = [e.formatted for e in result.errors]
            if result.data is None and all(not e.path for e in result.errors):
                # request errors (variables coercion, unknown operation): no execution took place
                return 400, resp, label
        resp["data"] = result.data
        return 200, resp, label


def _operation_label(doc):
    for d in doc.definitions:
        if getattr(d, "operation", None) is not None:
            if d.name:
                return d.name.value
            fields = [s.name.value for s in d.selection_set.selections if hasattr(s, "name")]
            return f"{d.operation.value}:{','.join(fields)}"
    return "unknown"
