# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What each ``state`` of railway_deploy does: pick the deployment, decide idempotence, act, wait, shape the result."""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    AmbiguousRequestError,
    FacturinoError,
    InvalidInputError,
    RailwayAuthError,
    RailwayError,
    RequestBudgetExceeded,
)
from ansible_collections.facturino.release.plugins.module_utils.railway import documents, status as st
from ansible_collections.facturino.release.plugins.module_utils.railway.client import RailwayClient
from ansible_collections.facturino.release.plugins.module_utils.railway.deployments import (
    DeploymentService,
    domains_of,
    summarize,
    with_scheme,
)
from ansible_collections.facturino.release.plugins.module_utils.railway.logs import fetch_logs
from ansible_collections.facturino.release.plugins.module_utils.railway.network import (
    read_runtime,
    read_service_config,
    set_pre_deploy_command,
)
from ansible_collections.facturino.release.plugins.module_utils.railway.lookup import resolve_target
from ansible_collections.facturino.release.plugins.module_utils.railway.upload import pack
from ansible_collections.facturino.release.plugins.module_utils.railway.variables import (
    VariablePlan,
    apply_plan,
    read_variables,
)
from ansible_collections.facturino.release.plugins.module_utils.railway.waiter import (
    DeploymentWaiter,
    commit_matches,
    commit_of,
    raise_for_outcome,
)

SHA_RE = re.compile(r"^[0-9a-fA-F]{7,40}$")
WAITABLE = ("in_progress", "blocked", "unknown")


class Context:
    """The task: its options and Ansible's modes, without AnsibleModule (so the logic is testable alone)."""

    def __init__(self, params, check_mode=False, diff=False, no_log=False, clock=None, warn=None):
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.no_log = no_log
        self.clock = clock
        self.warnings = []
        self._warn = warn

    def warn(self, text):
        """Warnings go out at once (module.warn), so a later failure still shows them."""
        self.warnings.append(text)
        if self._warn:
            self._warn(text)


def validate_options(params):
    """Every Railway option that can be wrong in form, checked before any request is sent."""
    validate.check_url("api_url", params.get("api_url"))
    validate.check_line("token", params.get("token"), secret=True)
    validate.check_count("http_timeout", params.get("http_timeout"), minimum=1, maximum=3600, unit="seconds")
    validate.check_count("wait_timeout", params.get("wait_timeout"), minimum=0, maximum=86400, unit="seconds")
    validate.check_count("request_budget", params.get("request_budget"), minimum=1, maximum=100000)
    validate.check_count("retries", params.get("retries"), minimum=0, maximum=100)
    validate.check_count("stable_for", params.get("stable_for"), minimum=0, maximum=86400, unit="seconds")
    validate.check_count("log_lines", params.get("log_lines"), minimum=0, maximum=100000)
    validate.check_count("limit", params.get("limit"), minimum=1, maximum=1000)
    validate.check_timeout("poll_interval_max", params.get("poll_interval_max"), maximum=3600.0)
    for key in ("project", "environment", "service", "commit_sha", "deployment_id", "filter", "deploy_message"):
        validate.check_line(key, params.get(key))
    validate.check_path("source", params.get("source"))
    for name in (params.get("variables") or {}):
        validate.check_line("variables (a name)", name)
    for name in params.get("variables_absent") or []:
        validate.check_line("variables_absent", name)


def build_client(params, clock=None, session=None):
    validate_options(params)
    return RailwayClient(token=params.get("token"), api_url=params["api_url"], token_type=params["token_type"],
                         timeout=params["http_timeout"], request_budget=params["request_budget"],
                         attempts=params["retries"] + 1, validate_certs=params["validate_certs"], clock=clock,
                         session=session)


def run(ctx, client):
    """Run ``ctx.params['state']``; every result and failure carries ``api_requests`` (and ``target`` once known)."""
    target = None
    try:
        _validate(ctx.params)
        client.authenticate()
        target = resolve_target(client, ctx.params.get("project"), ctx.params.get("environment"),
                                ctx.params.get("service"))
        service = DeploymentService(client, target, check_mode=ctx.check_mode, clock=ctx.clock)
        result = HANDLERS[ctx.params["state"]](ctx, service)
        if service.reconciled:
            result["reconciled"] = service.reconciled
    except FacturinoError as error:
        error.result.setdefault("api_requests", client.requests_made)
        if target is not None:
            error.result.setdefault("target", target.as_dict())
        if client.retry_log:
            error.result.setdefault("retries", client.retry_log)
        raise
    result["target"] = target.as_dict()
    result["api_requests"] = client.requests_made
    if client.retry_log:
        result["retries"] = client.retry_log
    return result


def _validate(params):
    if params.get("state") == "runtime" and not params.get("reveal"):
        raise InvalidInputError("state=runtime returns the service's variable values and needs reveal: true",
                                hint="set reveal: true and no_log: true on the task")
    for command in params.get("pre_deploy_command") or []:
        validate.check_line("pre_deploy_command", command)
    sha = params.get("commit_sha")
    if sha and not SHA_RE.match(sha):
        raise InvalidInputError("commit_sha %r is not a commit hash" % sha, hint="give 7 to 40 hex digits of the commit")
    if params.get("poll_interval_max", 15) <= 0:
        raise InvalidInputError("poll_interval_max must be above 0 seconds, got %s" % params["poll_interval_max"],
                                hint="e.g. poll_interval_max: 15 (Railway), 0.5 (the sandbox's emulator)")


def _waiter(ctx, client):
    p = ctx.params
    return DeploymentWaiter(client, timeout=p["wait_timeout"], approve=p["approve"], clock=ctx.clock,
                            poll_max=p["poll_interval_max"], stable_for=p["stable_for"])


def _url(instance, deployment=None):
    domains = domains_of(instance)
    if domains:
        return domains[0]["url"]
    return with_scheme((deployment or {}).get("staticUrl") or (deployment or {}).get("url"))


def _wait_and_report(ctx, service, deployment_id, result, instance):
    """Wait for ``deployment_id`` unless wait=false; raise on anything but success; fill the result."""
    result["deployment_id"] = deployment_id
    if not ctx.params["wait"]:
        result.update(status=None, url=_url(instance), msg="%s; not waiting (wait=false)" % result["msg"])
        return result
    outcome = _waiter(ctx, service.client).wait(deployment_id)
    raise_for_outcome(service.client, outcome, log_lines=ctx.params["log_lines"],
                      result={"changed": result.get("changed", False), "target": service.target.as_dict()})
    deployment = outcome.deployment
    result.update(status=outcome.status, commit_sha=commit_of(deployment), url=_url(instance, deployment),
                  duration_s=round(outcome.elapsed, 1), timeline=outcome.timeline, polls=outcome.polls,
                  deployment=summarize(deployment))
    result["msg"] = "%s; deployment %s reached %s in %.0f s" % (result["msg"], deployment_id, outcome.status, outcome.elapsed)
    return result


def _active(instance):
    active = [d for d in instance.get("activeDeployments") or [] if d]
    active.sort(key=lambda d: d.get("createdAt") or "", reverse=True)
    return active


# -- states ---------------------------------------------------------------------------------------------------
def state_deployed(ctx, service):
    p = ctx.params
    instance = service.instance()
    latest, active = instance.get("latestDeployment"), _active(instance)
    known = [latest] + active
    result = {"changed": True, "previous": summarize(active[0]) if active else None}
    commit = p.get("commit_sha")
    if commit:
        current = next((d for d in active if commit_matches(d, commit) and d.get("status") == "SUCCESS"), None)
        newer_in_flight = latest and current and latest["id"] != current["id"] and \
            st.classify(latest.get("status")) in WAITABLE
        if current and not newer_in_flight:
            return dict(result, changed=False, deployment_id=current["id"], status=current["status"],
                        commit_sha=commit_of(current), url=_url(instance, current), deployment=summarize(current),
                        msg="commit %s is already the active, successful deployment %s" % (commit, current["id"]))
        if latest and commit_matches(latest, commit) and st.classify(latest.get("status")) in WAITABLE:
            result.update(changed=False, msg="a deployment of commit %s was already in progress" % commit)
            return _wait_and_report(ctx, service, latest["id"], result, instance)
    if p.get("pre_deploy_command") is not None:
        result["pre_deploy_command"] = _ensure_pre_deploy(ctx, service)
    if p.get("source"):
        package = pack(p["source"], use_ignore_files=p["use_ignore_files"])
        result["source"] = package.summary()
        what = "upload %d files (%d bytes packed) from %s" % (len(package.files), len(package.data), p["source"])
        if ctx.check_mode:
            return dict(result, msg="would %s and deploy them" % what)
        deployment_id = service.deploy_upload(package, p.get("deploy_message"), known)
    else:
        what = "deploy commit %s" % commit if commit else "deploy the latest commit of the service's branch"
        if ctx.check_mode:
            return dict(result, msg="would %s" % what, would_deploy={"commit_sha": commit})
        deployment_id = service.deploy_commit(commit, known)
    result["msg"] = "triggered: %s" % what
    return _wait_and_report(ctx, service, deployment_id, result, instance)


def _ensure_pre_deploy(ctx, service):
    """Make the service's pre-deploy command O(pre_deploy_command) before the deployment is triggered.

    Railway runs it inside the private network after the build and before the new deployment takes traffic; a
    failure fails the deployment and the previous one keeps serving.  An empty list removes it."""
    wanted = [c for c in ctx.params["pre_deploy_command"] if c]
    current = read_service_config(service.client, service.target)["pre_deploy_command"]
    changed = current != wanted
    if changed and not ctx.check_mode:
        set_pre_deploy_command(service.client, service.target, wanted)
    return {"command": wanted, "previous": current, "changed": changed}


def state_redeployed(ctx, service):
    instance = service.instance()
    latest = instance.get("latestDeployment")
    deployment = service.get(ctx.params["deployment_id"]) if ctx.params.get("deployment_id") else latest
    if not deployment:
        raise RailwayError("the service has no deployment to redeploy", hint="deploy a commit_sha or source first")
    if not deployment.get("canRedeploy"):
        raise RailwayError("deployment %s (%s) cannot be redeployed" % (deployment["id"], deployment.get("status")),
                           hint="wait until it finishes, or give the deployment_id of a finished deployment",
                           deployment=summarize(deployment))
    result = {"changed": True, "redeployed_from": summarize(deployment)}
    if ctx.check_mode:
        return dict(result, msg="would redeploy deployment %s" % deployment["id"])
    new_id = service.redeploy(deployment, [latest] + _active(instance))
    result["msg"] = "redeployed %s" % deployment["id"]
    return _wait_and_report(ctx, service, new_id, result, instance)


def _rollback_target(ctx, service, deployments, active):
    p = ctx.params
    if p.get("deployment_id"):
        found = next((d for d in deployments if d["id"] == p["deployment_id"]), None)
        return found or service.get(p["deployment_id"])
    if p.get("commit_sha"):
        if active and commit_matches(active, p["commit_sha"]):
            return active
        candidates = [d for d in deployments if commit_matches(d, p["commit_sha"]) and d.get("canRollback")]
        if not candidates:
            raise RailwayError("no deployment of commit %s that can be rolled back to among the last %d"
                               % (p["commit_sha"], len(deployments)),
                               hint="deploy the commit with state=deployed instead")
        return candidates[0]
    candidates = _older_good(deployments, active)
    if not candidates:
        raise RailwayError("no earlier deployment can be rolled back to (none of the last %d has canRollback)"
                           % len(deployments), hint="give deployment_id or commit_sha, or deploy a known-good commit")
    return candidates[0]


def _older_good(deployments, bad):
    """Railway's deployments that ran successfully, are older than ``bad``, of another commit, with canRollback;
    newest first."""
    return [d for d in deployments if d.get("canRollback") and (bad is None or (
        d["id"] != bad["id"] and (d.get("createdAt") or "") < (bad.get("createdAt") or "")
        and not (commit_of(d) and commit_of(d) == commit_of(bad))))]


def _unusable(target, bad, service):
    """Why ``target`` cannot be rolled back to (checked against what Railway says now), or None."""
    if target.get("serviceId") not in (None, service.target.service_id):
        return "it belongs to another service"
    if not target.get("canRollback"):
        return "Railway says canRollback is false (its image is gone or it never ran successfully)"
    if bad and target["id"] == bad["id"]:
        return "it is the deployment being rolled back"
    if bad and (target.get("createdAt") or "") >= (bad.get("createdAt") or ""):
        return "it is not older than the deployment being rolled back (%s)" % bad["id"]
    return None


def _given_target(service, deployments, deployment_id):
    found = next((d for d in deployments if d["id"] == deployment_id), None)
    if found:
        return found, None
    try:
        return service.get(deployment_id), None
    except RailwayError as error:
        if isinstance(error, (RailwayAuthError, RequestBudgetExceeded)):
            raise
        return None, "Railway does not know it (%s)" % error.message


def state_rolled_back(ctx, service):
    if ctx.params.get("fallback"):
        return _rolled_back_with_fallback(ctx, service)
    instance = service.instance()
    deployments = service.list(first=max(20, ctx.params.get("limit") or 0))
    active_list = _active(instance)
    active = active_list[0] if active_list else next((d for d in deployments if d.get("status") == "SUCCESS"), None)
    target = _rollback_target(ctx, service, deployments, active)
    result = {"changed": True, "rollback_target": summarize(target), "previous": summarize(active)}
    if active and (target["id"] == active["id"] or (
            commit_of(target) and commit_of(target) == commit_of(active) and active.get("status") == "SUCCESS")):
        return dict(result, changed=False, deployment_id=active["id"], status=active.get("status"),
                    commit_sha=commit_of(active), url=_url(instance, active), deployment=summarize(active),
                    msg="deployment %s (commit %s) is already active" % (active["id"], commit_of(active)))
    if not target.get("canRollback"):
        raise RailwayError("deployment %s cannot be rolled back to (canRollback is false: its image is gone or it never "
                           "built)" % target["id"], hint="pick another deployment, or deploy its commit_sha again",
                           rollback_target=summarize(target))
    ctx.warn("a rollback restores the image and the custom variables of deployment %s" % target["id"])
    if ctx.check_mode:
        return dict(result, msg="would roll back to deployment %s (commit %s)" % (target["id"], commit_of(target)))
    new_id = service.rollback(target, deployments + [instance.get("latestDeployment")])
    result["msg"] = "rolled back to deployment %s (commit %s)" % (target["id"], commit_of(target))
    return _wait_and_report(ctx, service, new_id, result, instance)


def _rolled_back_with_fallback(ctx, service):
    """Roll ``bad_deployment_id`` (default: the active deployment) back: first to ``deployment_id`` when Railway
    confirms it can be (same service, older than the bad one, canRollback), then to Railway's newest deployment
    older than the bad one that ran successfully and has canRollback. A target Railway refuses, or whose new
    deployment does not reach SUCCESS, makes the next one be tried; every attempt is in ``attempts``."""
    p = ctx.params
    instance = service.instance()
    deployments = service.list(first=max(20, p.get("limit") or 0))
    active_list = _active(instance)
    active = active_list[0] if active_list else None
    bad = active
    if p.get("bad_deployment_id"):
        bad, why = _given_target(service, deployments, p["bad_deployment_id"])
        if bad is None:
            raise RailwayError("bad_deployment_id %s: %s" % (p["bad_deployment_id"], why),
                               hint="give the id of the deployment to roll back, or leave it out for the active one")
    result = {"changed": True, "previous": summarize(active), "bad_deployment": summarize(bad), "attempts": []}
    if bad is None:
        raise RailwayError("the service has no active deployment to roll back", hint="deploy a known-good commit")
    if active is not None and active["id"] != bad["id"] and not commit_matches(active, commit_of(bad) or "-"):
        # the bad deployment no longer serves (rolled back already, or replaced): nothing to do, never twice
        return dict(result, changed=False, deployment_id=active["id"], status=active.get("status"),
                    commit_sha=commit_of(active), url=_url(instance, active), deployment=summarize(active),
                    rollback_target=summarize(active),
                    msg="deployment %s is not active: deployment %s (commit %s) serves"
                        % (bad["id"], active["id"], commit_of(active)))
    candidates, skipped = [], []
    if p.get("deployment_id"):
        given, why = _given_target(service, deployments, p["deployment_id"])
        why = why or _unusable(given, bad, service)
        if why:
            skipped.append({"id": p["deployment_id"], "source": "given", "reason": why})
        else:
            candidates.append((given, "given"))
    for deployment in _older_good(deployments, bad):
        if all(deployment["id"] != c["id"] for c, _src in candidates):
            candidates.append((deployment, "railway"))
    result["skipped"] = skipped
    if not candidates:
        raise RailwayError("no deployment can be rolled back to: %s; and none of Railway's last %d deployments older "
                           "than %s ran successfully with canRollback"
                           % ("; ".join("%s: %s" % (s["id"], s["reason"]) for s in skipped) or "no target was given",
                              len(deployments), bad["id"]),
                           hint="deploy a known-good commit with state=deployed (the bad deployment %s still serves)"
                                % bad["id"], **result)
    if ctx.check_mode:
        target, source = candidates[0]
        return dict(result, rollback_target=summarize(target), target_source=source,
                    msg="would roll back to deployment %s (commit %s, %s)" % (target["id"], commit_of(target), source))
    known = deployments + [instance.get("latestDeployment")]
    for target, source in candidates[:3]:
        ctx.warn("a rollback restores the image and the custom variables of deployment %s" % target["id"])
        attempt = {"target": summarize(target), "source": source}
        result["attempts"].append(attempt)
        try:
            new_id = service.rollback(target, known)
            attempt["deployment_id"] = new_id
            text = "rolled back to deployment %s (commit %s, %s)" % (target["id"], commit_of(target), source)
            done = _wait_and_report(ctx, service, new_id, dict(result, msg=text), instance)
        except (RailwayAuthError, RequestBudgetExceeded, AmbiguousRequestError):
            raise
        except RailwayError as error:
            attempt["error"] = error.message
            attempt["status"] = error.result.get("status")
            if error.result.get("deployment_id"):
                known = known + [{"id": error.result["deployment_id"]}]   # never taken for the next one
            continue
        attempt["status"] = done.get("status")
        done.update(rollback_target=summarize(target), target_source=source)
        return done
    raise RailwayError("every rollback target failed: %s" % "; ".join(
        "%s (%s): %s" % (a["target"]["id"], a["source"], a.get("error")) for a in result["attempts"]),
        hint="the bad deployment %s may still serve: check state=inspected, then deploy a known-good commit"
             % bad["id"], **result)


def state_restarted(ctx, service):
    instance = service.instance()
    active = _active(instance)
    deployment = service.get(ctx.params["deployment_id"]) if ctx.params.get("deployment_id") else \
        (active[0] if active else None)
    if not deployment:
        raise RailwayError("the service has no active deployment to restart", hint="deploy it first")
    result = {"changed": True, "msg": "restarted deployment %s" % deployment["id"]}
    if ctx.check_mode:
        return dict(result, msg="would restart deployment %s" % deployment["id"], deployment_id=deployment["id"])
    service.simple_mutation(documents.DEPLOYMENT_RESTART, deployment["id"])
    return _wait_and_report(ctx, service, deployment["id"], result, instance)


def state_cancelled(ctx, service):
    instance = service.instance()
    deployment = service.get(ctx.params["deployment_id"]) if ctx.params.get("deployment_id") else \
        instance.get("latestDeployment")
    if not deployment or st.classify(deployment.get("status")) not in WAITABLE:
        status = deployment.get("status") if deployment else None
        why = "deployment %s is %s" % (deployment["id"], status) if deployment else "the service has no deployment"
        return {"changed": False, "deployment_id": deployment and deployment["id"], "status": status,
                "msg": "nothing to cancel: %s" % why}
    if ctx.check_mode:
        return {"changed": True, "deployment_id": deployment["id"], "status": deployment["status"],
                "msg": "would cancel deployment %s (%s)" % (deployment["id"], deployment["status"])}
    service.simple_mutation(documents.DEPLOYMENT_CANCEL, deployment["id"])
    after = service.get(deployment["id"])
    return {"changed": True, "deployment_id": deployment["id"], "status": after.get("status"),
            "deployment": summarize(after), "msg": "cancelled deployment %s" % deployment["id"]}


def state_removed(ctx, service):
    instance = service.instance()
    active = _active(instance)
    deployment = service.get(ctx.params["deployment_id"]) if ctx.params.get("deployment_id") else \
        (active[0] if active else None)
    if not deployment or deployment.get("status") in ("REMOVED", "REMOVING"):
        return {"changed": False, "deployment_id": deployment and deployment["id"],
                "status": deployment and deployment.get("status"), "msg": "nothing to remove"}
    if ctx.check_mode:
        return {"changed": True, "deployment_id": deployment["id"], "status": deployment.get("status"),
                "msg": "would remove deployment %s" % deployment["id"]}
    service.simple_mutation(documents.DEPLOYMENT_REMOVE, deployment["id"])
    after = service.get(deployment["id"])
    return {"changed": True, "deployment_id": deployment["id"], "status": after.get("status"),
            "deployment": summarize(after), "msg": "removed deployment %s" % deployment["id"]}


def state_inspected(ctx, service):
    instance = service.instance()
    deployments = service.list(first=ctx.params.get("limit") or 10)
    active = _active(instance)
    latest = instance.get("latestDeployment")
    return {"changed": False, "latest": summarize(latest), "active": [summarize(d) for d in active],
            "deployments": [summarize(d) for d in deployments], "domains": domains_of(instance),
            "url": _url(instance, active[0] if active else None), "source": instance.get("source"),
            "msg": "latest deployment %s is %s" % (latest["id"], latest.get("status")) if latest else "no deployments"}


def state_logs(ctx, service):
    p = ctx.params
    deployment_id = p.get("deployment_id")
    if not deployment_id:
        latest = service.instance().get("latestDeployment")
        if not latest:
            raise RailwayError("the service has no deployment to read logs from", hint="deploy it first")
        deployment_id = latest["id"]
    kinds = ("build", "deploy") if p["log_type"] == "all" else (p["log_type"],)
    logs, errors = fetch_logs(service.client, deployment_id, kinds=kinds, limit=p.get("limit") or 100,
                              log_filter=p.get("filter"))
    if errors and not logs:
        raise RailwayError("could not read the logs of deployment %s: %s" % (deployment_id, "; ".join(errors.values())),
                           hint="check the deployment id and the token's access", deployment_id=deployment_id)
    for kind, text in errors.items():
        ctx.warn("could not read %s logs: %s" % (kind, text))
    return {"changed": False, "deployment_id": deployment_id, "logs": logs,
            "msg": ", ".join("%d %s log lines" % (len(v), k) for k, v in logs.items())}


def state_variables(ctx, service):
    p = ctx.params
    target = service.target
    current = read_variables(service.client, target)
    plan = VariablePlan(current, p.get("variables"), p.get("variables_absent"))
    if plan.has_changes and p.get("skip_deploys") is None:
        raise InvalidInputError("skip_deploys must be chosen when variables change",
                                hint="skip_deploys: true stores them for the next deploy; false lets Railway redeploy now")
    # variableDelete has no skipDeploys: removing a key always makes Railway redeploy the service
    triggers = bool(plan.removed) or (bool(plan.upserts()) and not p.get("skip_deploys"))
    if triggers:
        why = "removing variables cannot skip deploys" if plan.removed else "skip_deploys is false"
        ctx.warn("Railway %s the service: %s" % ("would redeploy" if ctx.check_mode else "redeploys", why))
    if plan.has_changes and not ctx.check_mode:
        service.reconciled.extend(apply_plan(service.client, target, plan, p["skip_deploys"]))
    result = {"changed": plan.has_changes, "deploy_triggered": triggers,
              "variable_keys": plan.keys_after(), "variable_changes": plan.summary(),
              "msg": "%d added, %d changed, %d removed%s" % (len(plan.added), len(plan.changed), len(plan.removed),
                                                             " (check mode)" if ctx.check_mode and plan.has_changes else "")}
    if ctx.diff:
        result["diff"] = plan.diff("variables of %s/%s" % (target.environment_name, target.service_name))
    if p.get("reveal"):
        if not ctx.no_log:
            raise InvalidInputError("reveal: true returns secret values, but the task does not set no_log",
                                    hint="add no_log: true to the task (the registered result still holds the values)")
        values = dict(current)
        values.update(plan.upserts())
        for name in plan.removed:
            values.pop(name, None)
        result["variable_values"] = values
    return result


def state_runtime(ctx, service):
    """The `railway run` environment: rendered variables, private values made reachable through TCP proxies."""
    if not ctx.no_log:
        raise InvalidInputError("reveal: true returns secret values, but the task does not set no_log",
                                hint="add no_log: true to the task (the registered result still holds the values)")
    runtime = read_runtime(service.client, service.target)
    unreachable = [e for e in runtime["private"] if not e["reachable"]]
    msg = "%d variables; %d on Railway's private network (%d reachable through a TCP proxy)" % (
        len(runtime["values"]), len(runtime["private"]), len(runtime["private"]) - len(unreachable))
    return {"changed": False, "variable_values": runtime["values"], "variable_keys": sorted(runtime["values"]),
            "private": runtime["private"], "unreachable_variables": [e["variable"] for e in unreachable],
            "service_config": runtime["service_config"], "msg": msg}


HANDLERS = {
    "deployed": state_deployed,
    "redeployed": state_redeployed,
    "rolled_back": state_rolled_back,
    "restarted": state_restarted,
    "cancelled": state_cancelled,
    "removed": state_removed,
    "inspected": state_inspected,
    "logs": state_logs,
    "variables": state_variables,
    "runtime": state_runtime,
}


def handle(module, clock=None, session=None):
    """``common.module.run_module`` handler for railway_deploy."""
    ctx = Context(module.params, check_mode=module.check_mode, diff=module._diff,  # pylint: disable=protected-access
                  no_log=module.no_log, clock=clock, warn=module.warn)
    return run(ctx, build_client(module.params, clock=clock, session=session))


def handle_info(module, clock=None, session=None):
    """``common.module.run_module`` handler for railway_deploy_info: state inspected, read-only."""
    params = dict(module.params, state="inspected")
    ctx = Context(params, check_mode=module.check_mode, diff=False, no_log=module.no_log, clock=clock, warn=module.warn)
    return run(ctx, build_client(params, clock=clock, session=session))
