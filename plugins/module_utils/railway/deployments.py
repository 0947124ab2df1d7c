# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deployment reads and mutations for one service instance. Check mode is decided here, at the write call."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import RailwayError
from ansible_collections.facturino.release.plugins.module_utils.railway import documents
from ansible_collections.facturino.release.plugins.module_utils.common.errors import AmbiguousRequestError
from ansible_collections.facturino.release.plugins.module_utils.railway.waiter import commit_of, find_new_deployment


def summarize(deployment):
    """The fields a task returns for one deployment."""
    if not deployment:
        return None
    return {
        "id": deployment.get("id"),
        "status": deployment.get("status"),
        "commit_sha": commit_of(deployment),
        "created_at": deployment.get("createdAt"),
        "status_updated_at": deployment.get("statusUpdatedAt"),
        "can_rollback": deployment.get("canRollback"),
        "can_redeploy": deployment.get("canRedeploy"),
        "static_url": deployment.get("staticUrl"),
    }


LOOPBACK = ("localhost", "127.", "[::1]")


def with_scheme(domain):
    """Railway domains are bare host names served over HTTPS; a loopback one (a local emulator) is plain HTTP."""
    if not domain:
        return None
    if "://" in domain:
        return domain
    return ("http://" if domain.startswith(LOOPBACK) else "https://") + domain


def domains_of(instance):
    domains = (instance or {}).get("domains") or {}
    out = []
    for kind, key in (("service", "serviceDomains"), ("custom", "customDomains")):
        for item in domains.get(key) or []:
            out.append({"kind": kind, "domain": item.get("domain"), "url": with_scheme(item.get("domain")),
                        "target_port": item.get("targetPort"), "sync_status": item.get("syncStatus")})
    return out


def _sort_newest(deployments):
    return sorted(deployments, key=lambda d: d.get("createdAt") or "", reverse=True)


class DeploymentService:
    def __init__(self, client, target, check_mode=False, clock=None, find_timeout=60, verify_timeout=10):
        self.client = client
        self.target = target
        self.check_mode = check_mode
        self.clock = clock
        self.find_timeout = find_timeout
        self.verify_timeout = verify_timeout
        self.reconciled = []   # mutations whose answer was lost, and what the lookup found

    # -- reads ----------------------------------------------------------------------------------------------
    def instance(self):
        return self.client.execute(documents.SERVICE_INSTANCE, {"environmentId": self.target.environment_id,
                                                                "serviceId": self.target.service_id})["serviceInstance"]

    def get(self, deployment_id):
        return self.client.execute(documents.DEPLOYMENT, {"id": deployment_id})["deployment"]

    def list(self, first=20):
        data = self.client.execute(documents.DEPLOYMENTS, {
            "input": {"projectId": self.target.project_id, "environmentId": self.target.environment_id,
                      "serviceId": self.target.service_id}, "first": first})["deployments"]
        nodes = [edge["node"] for edge in data.get("edges") or [] if edge.get("node")]
        return _sort_newest([n for n in nodes if n.get("serviceId") in (None, self.target.service_id)])

    def find_new(self, known, commit=None, timeout=None):
        """``known``: the deployments listed before the mutation; the new one is absent from them and newer."""
        known = [d for d in known if d]
        newest = max((d.get("createdAt") or "" for d in known), default=None)
        return find_new_deployment(lambda: self.list(first=5), {d.get("id") for d in known}, commit=commit,
                                   timeout=timeout or self.find_timeout, clock=self.clock, newer_than=newest)

    def _send_once(self, send, known, commit=None):
        """Send a mutation that must not double-apply. If its answer was lost (a reset or a timeout after it was
        sent), reconcile: look for the deployment it created since the request started. Only when Railway was
        asked and none appeared (Railway creates the record inside the mutation) did it never apply, and it is
        sent once more. When Railway cannot even be asked, fail rather than risk a second deployment."""
        try:
            return send()
        except AmbiguousRequestError as lost:
            self.reconciled.append({"error": lost.message})
            try:
                found = self.find_new(known, commit, timeout=self.verify_timeout)
            except AmbiguousRequestError:
                raise
            except RailwayError as error:
                if not error.result.get("none_found"):
                    raise AmbiguousRequestError(
                        "%s; and Railway could not be asked whether it applied: %s" % (lost.message, error.message),
                        hint="look at the service's deployments (state=inspected) before running this again")
                self.reconciled[-1]["found"] = None
                return send()
            self.reconciled[-1]["found"] = found["id"]
            return found["id"]

    # -- writes (check mode stops here) -----------------------------------------------------------------------
    def deploy_commit(self, commit_sha, known):
        """serviceInstanceDeployV2 -> new deployment id (None in check mode)."""
        if self.check_mode:
            return None
        variables = {"environmentId": self.target.environment_id, "serviceId": self.target.service_id}
        if commit_sha:
            variables["commitSha"] = commit_sha
        return self._send_once(lambda: self.client.execute(documents.SERVICE_INSTANCE_DEPLOY_V2, variables,
                                                           idempotent=False)["serviceInstanceDeployV2"],
                               known, commit_sha)

    def deploy_upload(self, package, message, known):
        if self.check_mode:
            return None
        return self._send_once(lambda: self.client.upload(self.target.project_id, self.target.environment_id,
                                                          self.target.service_id, package.data,
                                                          message=message)["deploymentId"], known)

    def redeploy(self, deployment, known):
        if self.check_mode:
            return None
        return self._send_once(lambda: self.client.execute(documents.DEPLOYMENT_REDEPLOY, {"id": deployment["id"]},
                                                           idempotent=False)["deploymentRedeploy"]["id"],
                               known, commit_of(deployment))

    def rollback(self, deployment, known):
        """deploymentRollback returns a Boolean: find the deployment it created (new, same service, same commit)."""
        if self.check_mode:
            return None
        commit = commit_of(deployment)

        def send():
            self.client.execute(documents.DEPLOYMENT_ROLLBACK, {"id": deployment["id"]}, idempotent=False)
            return None

        found = self._send_once(send, known, commit)
        return found or self.find_new(known, commit)["id"]

    def simple_mutation(self, document, deployment_id):
        """restart / cancel / remove / approve: Boolean answers, safe to repeat."""
        if self.check_mode:
            return None
        field = documents.operation_name(document)
        data = self.client.execute(document, {"id": deployment_id})
        return data.get(field[0].lower() + field[1:])
