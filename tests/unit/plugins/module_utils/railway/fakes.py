"""An in-memory Railway for unit tests: a requests-like session that answers GraphQL by operation name.

It keeps deployments whose status advances one step per ``deployment(id)`` poll along a scripted path, checks the
auth headers like Railway does, records every request, and can serve injected faults first.
"""

import json
import uuid

PROJECT_TOKEN = "proj-token-1"
ACCOUNT_TOKEN = "acct-token-1"
SUCCESS_PATH = ["BUILDING", "DEPLOYING", "SUCCESS"]


class FakeResponse:
    def __init__(self, status_code=200, payload=None, text=None, headers=None):
        self.status_code = status_code
        self.headers = headers or {}
        if payload is not None:
            self.text = json.dumps(payload)
            self.headers.setdefault("Content-Type", "application/json")
        else:
            self.text = text or ""

    def json(self):
        return json.loads(self.text)


class FakeRailway:
    def __init__(self):
        self.project = {"id": str(uuid.uuid4()), "name": "facturino"}
        self.environments = [{"id": str(uuid.uuid4()), "name": "production"},
                             {"id": str(uuid.uuid4()), "name": "staging"}]
        self.services = [{"id": str(uuid.uuid4()), "name": "facturino-app"},
                         {"id": str(uuid.uuid4()), "name": "worker"}]
        self.env = self.environments[0]
        self.service = self.services[0]
        self.deployments = []          # newest last
        self.paths = {}                # id -> remaining statuses
        self.active_id = None
        self.variables = {"APP_ENV": "production", "APP_KEY": "base64:secretkey", "APP_DEBUG": "false"}
        self.requests = []             # (operation, variables, headers)
        self.faults = []               # FakeResponse or Exception to serve before handling
        self.next_paths = []           # status paths for the next deployments
        self.clock = 0
        self.logs = {"build": ["step 1", "PHP Parse error: syntax error in app/Broken.php"], "deploy": ["booted"]}
        self.domain = "facturino-app-production.up.railway.app"
        self.uploads = []
        self.rollback_creates = True
        self.log_error = None

    # -- helpers ---------------------------------------------------------------------------------------------
    def now(self):
        self.clock += 1
        return "2026-11-26T10:%02d:%02d.000Z" % (self.clock // 60, self.clock % 60)

    def add_deployment(self, commit, status="SUCCESS", active=False, can_rollback=True, path=None):
        dep = {"id": str(uuid.uuid4()), "status": status, "createdAt": self.now(), "updatedAt": self.now(),
               "statusUpdatedAt": None, "canRedeploy": True, "canRollback": can_rollback, "deploymentStopped": False,
               "meta": {"commitHash": commit}, "staticUrl": self.domain, "url": None, "snapshotId": None,
               "serviceId": self.service["id"], "environmentId": self.env["id"], "projectId": self.project["id"]}
        self.deployments.append(dep)
        if path:
            self.paths[dep["id"]] = list(path)
        if active:
            self.activate(dep)
        return dep

    def activate(self, dep):
        if self.active_id and self.active_id != dep["id"]:
            self.get(self.active_id)["status"] = "REMOVED"
        self.active_id = dep["id"]

    def get(self, dep_id):
        for dep in self.deployments:
            if dep["id"] == dep_id:
                return dep
        raise LookupError("Deployment not found")

    def new_deployment(self, commit):
        path = self.next_paths.pop(0) if self.next_paths else list(SUCCESS_PATH)
        dep = self.add_deployment(commit, status="QUEUED", path=path)
        dep["canRollback"] = False
        return dep

    def operations(self):
        return [r[0] for r in self.requests]

    # -- transport (requests.Session.post) ----------------------------------------------------------------------
    def request(self, method, url, json=None, data=None, headers=None, timeout=None, **_kwargs):  # noqa: A002
        assert method == "POST"
        return self.post(url, json=json, data=data, headers=headers, timeout=timeout)

    def post(self, url, json=None, data=None, headers=None, timeout=None, verify=True):  # noqa: A002
        body = json
        op = body.get("operationName") if body else "upload"
        self.requests.append((op, (body or {}).get("variables"), dict(headers or {})))
        if self.faults:
            fault = self.faults.pop(0)
            if isinstance(fault, Exception):
                raise fault
            return fault
        if body is None:
            return self.upload(url, data, headers)
        return self.graphql(op, body.get("variables") or {}, headers or {})

    def upload(self, url, data, headers):
        self.uploads.append((url, data))
        dep = self.new_deployment(None)
        return FakeResponse(200, {"deploymentId": dep["id"], "url": "https://x", "logsUrl": "https://l",
                                  "deploymentDomain": self.domain})

    def _auth(self, op, headers):
        if "Project-Access-Token" in headers:
            ok = headers["Project-Access-Token"] == PROJECT_TOKEN
            if op == "ProjectToken" and not ok:
                return "project token not found"
            return None if ok else "Not Authorized"
        bearer = headers.get("Authorization", "")
        if op == "ProjectToken":
            return "Not Authorized"
        return None if bearer == "Bearer " + ACCOUNT_TOKEN else "Not Authorized"

    def graphql(self, op, v, headers):
        error = self._auth(op, headers)
        if error:
            return FakeResponse(200, {"data": None, "errors": [{"message": error}]})
        handler = getattr(self, "op_" + op)
        try:
            return FakeResponse(200, {"data": handler(v)})
        except LookupError as err:
            return FakeResponse(200, {"data": None, "errors": [{"message": str(err)}]})

    # -- operations ---------------------------------------------------------------------------------------------
    def op_ProjectToken(self, v):
        return {"projectToken": {"id": "t1", "projectId": self.project["id"], "environmentId": self.env["id"],
                                 "project": dict(self.project), "environment": dict(self.env)}}

    def op_Projects(self, v):
        page = {"hasNextPage": False, "endCursor": None}
        return {"projects": {"edges": [{"node": dict(self.project)}], "pageInfo": page}}

    def op_WorkspaceProjects(self, v):
        return {"me": {"workspaces": []}}

    def op_Project(self, v):
        if v["id"] != self.project["id"]:
            raise LookupError("Project not found")
        return {"project": dict(self.project, deletedAt=None,
                                environments={"edges": [{"node": dict(e, deletedAt=None)} for e in self.environments]},
                                services={"edges": [{"node": dict(s, deletedAt=None)} for s in self.services]})}

    def op_ServiceInstance(self, v):
        latest = self.deployments[-1] if self.deployments else None
        active = [self.get(self.active_id)] if self.active_id else []
        return {"serviceInstance": {"id": "si", "serviceName": self.service["name"], "latestDeployment": latest,
                                    "activeDeployments": active,
                                    "domains": {"serviceDomains": [{"id": "d1", "domain": self.domain, "suffix": None,
                                                                    "targetPort": 8080, "syncStatus": "ACTIVE"}],
                                                "customDomains": []},
                                    "source": {"repo": "acme/facturino", "image": None}}}

    def op_Deployment(self, v):
        dep = self.get(v["id"])
        path = self.paths.get(dep["id"])
        if path:
            dep["status"] = path.pop(0)
            if dep["status"] == "SUCCESS":
                dep["canRollback"] = True
                self.activate(dep)
        return {"deployment": dict(dep)}

    def op_Deployments(self, v):
        nodes = list(reversed(self.deployments))[: v.get("first") or 100]
        return {"deployments": {"edges": [{"node": dict(d)} for d in nodes],
                                "pageInfo": {"hasNextPage": False, "endCursor": None}}}

    def op_ServiceInstanceDeployV2(self, v):
        return {"serviceInstanceDeployV2": self.new_deployment(v.get("commitSha") or "f" * 40)["id"]}

    def op_DeploymentRedeploy(self, v):
        return {"deploymentRedeploy": dict(self.new_deployment(self.get(v["id"])["meta"]["commitHash"]))}

    def op_DeploymentRollback(self, v):
        if self.rollback_creates:
            self.new_deployment(self.get(v["id"])["meta"]["commitHash"])
        return {"deploymentRollback": True}

    def op_DeploymentRestart(self, v):
        return {"deploymentRestart": True}

    def op_DeploymentCancel(self, v):
        self.get(v["id"])["status"] = "REMOVED"
        self.paths.pop(v["id"], None)
        return {"deploymentCancel": True}

    def op_DeploymentRemove(self, v):
        self.get(v["id"])["status"] = "REMOVED"
        if self.active_id == v["id"]:
            self.active_id = None
        return {"deploymentRemove": True}

    def op_DeploymentApprove(self, v):
        return {"deploymentApprove": True}

    def op_BuildLogs(self, v):
        if self.log_error:
            raise LookupError(self.log_error)
        return {"buildLogs": [{"timestamp": "t", "message": m, "severity": "info"} for m in self.logs["build"]]}

    def op_DeploymentLogs(self, v):
        if self.log_error:
            raise LookupError(self.log_error)
        return {"deploymentLogs": [{"timestamp": "t", "message": m, "severity": "info"} for m in self.logs["deploy"]]}

    def op_Variables(self, v):
        return {"variables": dict(self.variables)}

    def op_VariableCollectionUpsert(self, v):
        self.variables.update(v["input"]["variables"])
        self.last_upsert = v["input"]
        return {"variableCollectionUpsert": True}

    def op_VariableDelete(self, v):
        self.variables.pop(v["input"]["name"], None)
        return {"variableDelete": True}
