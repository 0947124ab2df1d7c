"""railway_deploy against the sandbox's Railway emulator: real deployments (php -l builds, real processes, the domain
proxy), injected faults, and the request budget. The module's teardown leaves the base commit active."""

import json
import re
import secrets
import subprocess
import urllib.error
import urllib.request

import pytest

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

MODULE = "railway_deploy"


class Railway:
    def __init__(self, sandbox, run_module):
        self.sb = sandbox
        self.run_module = run_module
        self.commits = sandbox["commits"]

    def args(self, **args):
        base = {"api_url": self.sb["api_url"], "token": self.sb["project_token"], "service": self.sb["service_name"],
                "poll_interval_max": 3, "wait_timeout": 240}
        base.update(args)
        return base

    def module(self, check_mode=False, diff=False, **args):
        return self.run_module(MODULE, self.args(**args), check_mode=check_mode, diff=diff)

    def admin(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.sb["admin_url"] + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read().decode())

    def fault(self, **spec):
        return self.admin("POST", "/faults", spec)

    def clear_faults(self):
        self.admin("DELETE", "/faults")

    def deployments(self):
        return self.admin("GET", "/state")["deployments"]

    def active(self):
        state = self.admin("GET", "/state")
        return next((d for d in state["deployments"] if d["id"] == state["active_deployment_id"]), None)

    def get(self, path="/"):
        try:
            with urllib.request.urlopen(self.sb["domain_url"] + path, timeout=15) as resp:
                return resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def served_version(self):
        status, body = self.get("/")
        match = re.search(r"v(\d+\.\d+\.\d+)", body)
        return status, match.group(1) if match else None

    def ensure(self, commit_key):
        result = self.module(state="deployed", commit_sha=self.commits[commit_key])
        assert result.get("status") == "SUCCESS", result.get("msg")
        return result


@pytest.fixture(scope="module")
def rw(sandbox):
    from tests.support.modules import run_module

    railway = Railway(sandbox, run_module)
    railway.clear_faults()
    yield railway
    railway.clear_faults()
    railway.ensure("base")  # other suites share the sandbox: leave the base commit active


@pytest.fixture(autouse=True)
def no_leftover_faults(rw):
    yield
    rw.clear_faults()  # a failed test must not leave faults for the next one


# 1 ------------------------------------------------------------------------------------------------------------------
def test_deploy_migration_commit_reaches_success_and_serves_it(rw):
    rw.ensure("base")
    result = rw.module(state="deployed", commit_sha=rw.commits["migration"])
    assert result.changed and not result.failed, result.get("msg")
    assert result["status"] == "SUCCESS"
    assert result["commit_sha"] == rw.commits["migration"]
    assert result["deployment_id"] == rw.active()["id"]
    assert result["url"] == rw.sb["domain_url"]
    assert [t["status"] for t in result["timeline"]][-1] == "SUCCESS"
    assert "BUILDING" in [t["status"] for t in result["timeline"]]
    assert result["previous"]["commit_sha"] == rw.commits["base"]
    assert rw.served_version() == (200, "1.0.0")
    assert rw.get("/api/health")[0] == 200


# 5 ------------------------------------------------------------------------------------------------------------------
def test_second_deploy_is_unchanged_and_check_mode_mutates_nothing(rw):
    rw.ensure("migration")
    before = len(rw.deployments())
    again = rw.module(state="deployed", commit_sha=rw.commits["migration"])
    assert again.changed is False and again["status"] == "SUCCESS"
    checked = rw.module(check_mode=True, state="deployed", commit_sha=rw.commits["base"])
    assert checked.changed is True and "would deploy commit" in checked["msg"]
    assert "timeline" not in checked  # no polling in check mode
    rollback_plan = rw.module(check_mode=True, state="rolled_back")
    assert rollback_plan.changed and rollback_plan["rollback_target"]["commit_sha"] == rw.commits["base"]
    assert len(rw.deployments()) == before
    assert rw.active()["meta"]["commitHash"] == rw.commits["migration"]


# 2 ------------------------------------------------------------------------------------------------------------------
def test_lint_broken_commit_fails_with_build_log_and_old_version_keeps_serving(rw):
    rw.ensure("migration")
    result = rw.module(state="deployed", commit_sha=rw.commits["lint_broken"])
    assert result.failed
    assert result["status"] == "FAILED"
    assert any("InvoiceNumberFormatter" in line for line in result["logs"]["build"]), result["logs"]
    assert "php -l" in result["msg"] or "Parse error" in result["msg"] or "syntax" in result["msg"].lower()
    assert result["api_requests"] > 0
    assert rw.served_version() == (200, "1.0.0")
    assert rw.active()["meta"]["commitHash"] == rw.commits["migration"]


# 3 ------------------------------------------------------------------------------------------------------------------
def test_crash_after_start_ends_crashed(rw):
    rw.ensure("migration")
    rw.fault(crash_next_deploy_after=2)
    result = rw.module(state="deployed", commit_sha=rw.commits["base"], stable_for=8)
    assert result.failed, result.get("msg")
    assert result["status"] == "CRASHED"
    assert result["timeline"][-1]["status"] == "CRASHED" and "CRASHED" in result["msg"]
    history = next(d["history"] for d in rw.deployments() if d["id"] == result["deployment_id"])
    assert [h[0] for h in history][-2:] == ["SUCCESS", "CRASHED"]  # it started, then crashed
    rw.ensure("base")  # recover: the crashed deployment is not SUCCESS, so this deploys again


# 4 ------------------------------------------------------------------------------------------------------------------
def test_rollback_restores_previous_commit_verified_over_http(rw):
    rw.ensure("base")
    rw.ensure("migration")
    assert rw.served_version() == (200, "1.0.0")
    result = rw.module(state="rolled_back")
    assert result.changed and not result.failed, result.get("msg")
    assert result["rollback_target"]["commit_sha"] == rw.commits["base"]
    assert result["commit_sha"] == rw.commits["base"] and result["status"] == "SUCCESS"
    assert result["deployment_id"] not in (result["rollback_target"]["id"], result["previous"]["id"])
    assert rw.active()["id"] == result["deployment_id"]
    assert rw.served_version() == (200, "0.9.0")
    again = rw.module(state="rolled_back", commit_sha=rw.commits["base"])
    assert again.changed is False


def test_inspected_lists_deployments_and_domain(rw):
    result = rw.module(state="inspected", limit=3)
    assert not result.changed and len(result["deployments"]) == 3
    assert result["domains"][0]["url"] == rw.sb["domain_url"]
    assert result["active"][0]["id"] == rw.active()["id"]
    assert {"status", "commit_sha", "created_at", "can_rollback", "can_redeploy"} <= set(result["deployments"][0])


def test_logs_state_reads_build_logs(rw):
    result = rw.module(state="logs", log_type="build", limit=20)
    assert not result.failed and result["logs"]["build"]
    assert all(set(e) == {"timestamp", "severity", "message"} for e in result["logs"]["build"])


# 6 ------------------------------------------------------------------------------------------------------------------
def test_variables_upsert_diff_and_no_value_in_any_output(rw):
    secret = "sk_test_" + secrets.token_hex(12)
    key = "FACTURINO_IT_SECRET"
    before = len(rw.deployments())
    first = rw.module(diff=True, state="variables", variables={key: secret}, skip_deploys=True)
    assert first.changed and first["variable_changes"]["added"] == [key]
    assert "%s=<value hidden>" % key in first["diff"]["after"]
    second = rw.module(diff=True, state="variables", variables={key: secret}, skip_deploys=True)
    assert second.changed is False
    changed = rw.module(check_mode=True, state="variables", variables={key: secret + "x"}, skip_deploys=True)
    assert changed.changed and changed["variable_changes"]["changed"] == [key]
    assert not first["deploy_triggered"] and len(rw.deployments()) == before  # skip_deploys honoured
    removed = rw.module(state="variables", variables_absent=[key], skip_deploys=True)
    assert removed.changed and removed["variable_changes"]["removed"] == [key]
    assert key not in removed["variable_keys"] and "APP_KEY" in removed["variable_keys"]
    # variableDelete cannot skip deploys: the module says so, and Railway redeployed
    assert removed["deploy_triggered"] and "removing variables cannot skip deploys" in json.dumps(removed["warnings"])
    assert len(rw.deployments()) == before + 1
    for result in (first, second, changed, removed):
        raw = result["_raw_stdout"] + result["_raw_stderr"]
        assert secret not in raw
        assert rw.sb["app_key"] not in raw and rw.sb["project_token"] not in raw
    rw.ensure("base")  # waits for that redeploy (an in-flight deployment of the commit is adopted, not repeated)


def test_reveal_needs_a_no_log_task(rw):
    refused = rw.module(state="variables", reveal=True)
    assert refused.failed and "no_log" in refused["msg"]
    revealed = rw.module(state="variables", reveal=True, _ansible_no_log=True)
    assert revealed["variable_values"]["APP_ENV"] == "production"


# 7 ------------------------------------------------------------------------------------------------------------------
def test_wrong_token_type_fails_naming_the_fix(rw):
    result = rw.module(state="inspected", token_type="account", project=rw.sb["project_id"],
                       environment=rw.sb["environment_name"])
    assert result.failed
    assert "Not Authorized" in result["msg"] and "token_type=project" in result["msg"]


def test_invalid_token_fails_clearly(rw):
    result = rw.module(state="inspected", token="not-a-railway-token", token_type="project")
    assert result.failed and "project token not found" in result["msg"]
    auto = rw.module(state="inspected", token="not-a-railway-token")
    assert auto.failed and "project token" in auto["msg"] and "Traceback" not in auto["msg"]


def test_account_token_finds_project_environment_and_service_by_name(rw):
    result = rw.module(state="inspected", token=rw.sb["account_token"], project=rw.sb["project_name"],
                       environment=rw.sb["environment_name"], service=rw.sb["service_name"].upper())
    assert not result.failed, result.get("msg")
    assert result["target"]["service_id"] == rw.sb["service_id"]
    assert result["target"]["project_id"] == rw.sb["project_id"]


# 8 ------------------------------------------------------------------------------------------------------------------
def test_faults_during_a_deploy_are_retried_to_success(rw):
    rw.ensure("base")
    poll = "query Deployment("
    rw.fault(rate_limit={"count": 1, "retry_after": 2, "match": poll})
    rw.fault(http_5xx={"count": 2, "status": 503, "match": poll})
    rw.fault(cloudflare_403={"count": 1, "match": poll})
    rw.fault(drop={"count": 1, "match": poll})
    rw.fault(slow={"count": 1, "seconds": 4, "match": poll})
    rw.fault(drop={"count": 1, "match": "mutation ServiceInstanceDeployV2"})
    before = {d["id"] for d in rw.deployments()}
    result = rw.module(state="deployed", commit_sha=rw.commits["migration"], retries=7, http_timeout=2)
    assert not result.failed, result.get("msg")
    assert result["status"] == "SUCCESS"
    errors = " | ".join(entry["error"] for entry in result["retries"])
    assert "HTTP 429" in errors and "HTTP 503" in errors and "Cloudflare" in errors and "connection" in errors
    assert "timed out" in errors.lower()
    assert any(e["delay_s"] >= 2 for e in result["retries"] if "429" in e["error"])  # Retry-After honoured
    created = [d for d in rw.deployments() if d["id"] not in before]
    assert len(created) == 1  # the dropped deploy mutation was not applied twice
    assert rw.admin("GET", "/faults")["http"] == []


def test_faults_that_never_recover_fail_clearly(rw):
    rw.fault(cloudflare_403={"count": 50, "match": "query ProjectToken"})
    try:
        result = rw.module(state="inspected", retries=2)
    finally:
        rw.clear_faults()
    assert result.failed
    assert "kept failing ProjectToken: 3 attempts" in result["msg"] and "Cloudflare" in result["msg"]
    assert result["api_requests"] == 3


# 9 ------------------------------------------------------------------------------------------------------------------
def test_request_count_per_deploy_stays_within_budget(rw):
    rw.ensure("base")
    result = rw.module(state="deployed", commit_sha=rw.commits["migration"], poll_interval_max=15)
    assert result["status"] == "SUCCESS"
    # projectToken + project + serviceInstance + the trigger, then one deployment(id) poll per tick
    assert result["api_requests"] == 4 + result["polls"]
    # The waiter's schedule (1 s, x1.5, capped at poll_interval_max): no more polls than the sleeps that fit
    sleeps, elapsed, delay = 0, 0.0, 1.0
    while elapsed + delay <= result["duration_s"]:
        elapsed, sleeps, delay = elapsed + delay, sleeps + 1, min(delay * 1.5, 15)
    assert result["polls"] <= 1 + sleeps
    print("deploy took %.1f s, %d polls, %d API requests" % (result["duration_s"], result["polls"], result["api_requests"]))


def test_upload_source_directory_deploys_it(rw, tmp_path):
    rw.ensure("base")
    checkout = rw.sb["app_repo"]
    plan = rw.module(check_mode=True, state="deployed", source=checkout)
    assert plan.changed and "would upload" in plan["msg"]
    # git's own view of the checkout (tracked + untracked, .gitignore applied) is the oracle for the packer
    listed = subprocess.run(["git", "-C", checkout, "ls-files", "--cached", "--others", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert ".env.production" not in listed and plan["source"]["files"] == len(listed)
    result = rw.module(state="deployed", source=checkout, deploy_message="it: upload")
    assert not result.failed, result.get("msg")
    assert result["status"] == "SUCCESS" and result["source"]["sha256"] == plan["source"]["sha256"]
    assert rw.active()["source"] == "upload"
    assert rw.get("/api/health")[0] == 200


def test_redeploy_and_cancel(rw):
    rw.ensure("base")
    redeployed = rw.module(state="redeployed")
    assert not redeployed.failed, redeployed.get("msg")
    assert redeployed["status"] == "SUCCESS" and redeployed["commit_sha"] == rw.commits["base"]
    assert redeployed["deployment_id"] != redeployed["redeployed_from"]["id"]
    started = rw.module(state="deployed", commit_sha=rw.commits["migration"], wait=False)
    assert started.changed and started["status"] is None and "timeline" not in started
    cancelled = rw.module(state="cancelled")
    assert cancelled.changed and cancelled["deployment_id"] == started["deployment_id"]
    assert cancelled["status"] == "REMOVED"
    assert rw.module(state="cancelled")["changed"] is False
    assert rw.active()["meta"]["commitHash"] == rw.commits["base"]


def test_skipped_and_needs_approval_end_the_wait_with_a_reason(rw):
    rw.ensure("base")
    rw.fault(skip_next_deploy=True)
    skipped = rw.module(state="deployed", commit_sha=rw.commits["migration"])
    assert skipped.failed and skipped["status"] == "SKIPPED" and "watch paths" in skipped["msg"]
    assert skipped["duration_s"] < 30  # terminal at once, not at wait_timeout
    rw.fault(needs_approval_next=True)
    blocked = rw.module(state="deployed", commit_sha=rw.commits["migration"])
    assert blocked.failed and blocked["status"] == "NEEDS_APPROVAL" and "approve: true" in blocked["msg"]
    approved = rw.module(state="deployed", commit_sha=rw.commits["migration"], approve=True)
    assert approved["status"] == "SUCCESS", approved.get("msg")
    assert approved["deployment_id"] == blocked["deployment_id"]  # the waiting deployment was adopted and approved
    assert "approved by this task" in [t["label"] for t in approved["timeline"]]


# Ambiguous mutations (issue 14): applied by Railway, answer lost --------------------------------------------------
@pytest.mark.parametrize("mode", ["reset", "timeout"])
def test_lost_deploy_answer_is_reconciled_into_one_deployment(rw, mode):
    rw.ensure("base")
    before = {d["id"] for d in rw.deployments()}
    rw.fault(lose_answer={"count": 1, "mode": mode, "seconds": 4, "match": "mutation ServiceInstanceDeployV2"})
    result = rw.module(state="deployed", commit_sha=rw.commits["migration"], http_timeout=2)
    assert not result.failed, result.get("msg")
    created = [d for d in rw.deployments() if d["id"] not in before]
    assert len(created) == 1, "the lost deploy answer made a second deployment"
    assert result["deployment_id"] == created[0]["id"] == rw.active()["id"]
    assert result["reconciled"][0]["found"] == created[0]["id"]


def test_lost_rollback_answer_rolls_back_once(rw):
    rw.ensure("base")
    rw.ensure("migration")
    before = {d["id"] for d in rw.deployments()}
    rw.fault(lose_answer={"count": 1, "mode": "timeout", "seconds": 4, "match": "mutation DeploymentRollback"})
    result = rw.module(state="rolled_back", http_timeout=2)
    assert not result.failed, result.get("msg")
    created = [d for d in rw.deployments() if d["id"] not in before]
    assert len(created) == 1 and created[0]["reason"] == "rollback", "no double rollback"
    assert result["commit_sha"] == rw.commits["base"] and rw.served_version() == (200, "0.9.0")


def test_lost_variables_answer_is_read_back_and_deploys_once(rw):
    rw.ensure("base")
    before = {d["id"] for d in rw.deployments()}
    marker = "lost-" + secrets.token_hex(4)
    rw.fault(lose_answer={"count": 1, "mode": "reset", "match": "mutation VariableCollectionUpsert"})
    result = rw.module(state="variables", variables={"FACTURINO_MARKER": marker}, skip_deploys=False)
    assert not result.failed, result.get("msg")
    assert result["reconciled"][0]["found"] == "applied"
    created = [d for d in rw.deployments() if d["id"] not in before]
    assert len(created) == 1, "the upsert without skipDeploys was sent twice (two redeploys)"
    rw.module(state="variables", variables_absent=["FACTURINO_MARKER"], skip_deploys=True)
    rw.ensure("base")


def test_rollback_fallback_skips_an_expired_target_and_a_refused_one(rw):
    rw.ensure("base")
    refused = rw.module(state="redeployed")["deployment_id"]     # a second deployment of base, newer
    rw.ensure("migration")
    rw.module(state="rolled_back")                              # base again, as a rollback deployment
    middle = rw.active()["id"]
    bad = rw.module(state="deployed", commit_sha=rw.commits["migration"])["deployment_id"]
    rw.admin("POST", "/expire_image", {"deployment_id": middle})   # the ledger's target is gone
    rw.fault(graphql_error={"count": 1, "message": "Deployment cannot be rolled back",
                            "match": '"id": "%s"' % refused})
    result = rw.module(state="rolled_back", fallback=True, deployment_id=middle, bad_deployment_id=bad)
    assert not result.failed, result.get("msg")
    assert result["skipped"][0]["id"] == middle and "canRollback" in result["skipped"][0]["reason"]
    assert result["commit_sha"] == rw.commits["base"] and rw.served_version() == (200, "0.9.0")
    assert [a["target"]["id"] for a in result["attempts"]][0] == refused
    assert "cannot be rolled back" in result["attempts"][0]["error"]
    assert result["attempts"][-1]["status"] == "SUCCESS"
    again = rw.module(state="rolled_back", fallback=True, deployment_id=middle, bad_deployment_id=bad)
    assert again.changed is False, "a second run must not roll back twice"
