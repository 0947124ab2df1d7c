"""State logic of railway_deploy against the in-memory Railway (FakeClock: nothing sleeps)."""

import pytest
import requests

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    DeploymentFailedError,
    InvalidInputError,
    RailwayAuthError,
    RailwayError,
    WaitTimeoutError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import FakeClock
from ansible_collections.facturino.release.plugins.module_utils.railway import documents
from ansible_collections.facturino.release.plugins.module_utils.railway.argspec import railway_deploy_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.railway.runner import Context, build_client, run
from tests.unit.plugins.module_utils.railway.fakes import ACCOUNT_TOKEN, PROJECT_TOKEN, FakeRailway, FakeResponse

OLD = "a" * 40
NEW = "b" * 40
OLDER = "c" * 40


def params(**overrides):
    spec = railway_deploy_argument_spec()
    values = {name: opts.get("default") for name, opts in spec.items()}
    values.update(token=PROJECT_TOKEN, service="facturino-app")
    values.update(overrides)
    return values


@pytest.fixture
def railway():
    fake = FakeRailway()
    fake.add_deployment(OLDER, status="REMOVED")
    fake.add_deployment(OLD, active=True)
    return fake


def execute(railway, check_mode=False, diff=False, no_log=False, clock=None, **overrides):
    clock = clock or FakeClock()
    ctx = Context(params(**overrides), check_mode=check_mode, diff=diff, no_log=no_log, clock=clock)
    client = build_client(ctx.params, clock=clock, session=railway)
    return run(ctx, client)


MUTATIONS = {documents.operation_name(doc) for name, doc in documents.all_documents().items()
             if doc.strip().startswith("mutation")}


def mutations_sent(railway):
    return [op for op in railway.operations() if op in MUTATIONS or op == "upload"]


# -- deployed -----------------------------------------------------------------------------------------------------
def test_deploy_commit_waits_for_success_and_reports(railway):
    result = execute(railway, state="deployed", commit_sha=NEW)
    assert result["changed"] is True
    assert result["status"] == "SUCCESS"
    assert result["commit_sha"] == NEW
    assert [t["status"] for t in result["timeline"]] == ["BUILDING", "DEPLOYING", "SUCCESS"]
    assert result["url"] == "https://" + railway.domain
    assert result["previous"]["commit_sha"] == OLD
    assert result["api_requests"] == len(railway.requests)
    assert railway.get(railway.active_id)["meta"]["commitHash"] == NEW


def test_deploy_sends_only_one_poll_per_tick(railway):
    execute(railway, state="deployed", commit_sha=NEW)
    ops = railway.operations()
    after_trigger = ops[ops.index("ServiceInstanceDeployV2") + 1:]
    assert set(after_trigger) == {"Deployment"}
    assert len(after_trigger) == 3


def test_deploy_is_idempotent_when_commit_is_active(railway):
    result = execute(railway, state="deployed", commit_sha=OLD)
    assert result["changed"] is False
    assert result["deployment_id"] == railway.active_id
    assert mutations_sent(railway) == []


def test_deploy_accepts_abbreviated_sha_for_idempotence(railway):
    result = execute(railway, state="deployed", commit_sha=OLD[:8])
    assert result["changed"] is False


def test_deploy_adopts_in_flight_deployment_of_same_commit(railway):
    dep = railway.add_deployment(NEW, status="BUILDING", path=["BUILDING", "SUCCESS"])
    result = execute(railway, state="deployed", commit_sha=NEW)
    assert mutations_sent(railway) == []
    assert result["deployment_id"] == dep["id"] and result["status"] == "SUCCESS"
    assert result["changed"] is False


def test_check_mode_sends_no_mutation_and_does_not_poll(railway):
    clock = FakeClock()
    result = execute(railway, check_mode=True, clock=clock, state="deployed", commit_sha=NEW)
    assert result["changed"] is True
    assert "would deploy commit" in result["msg"]
    assert mutations_sent(railway) == []
    assert "Deployment" not in railway.operations()
    assert clock.sleeps == []


@pytest.mark.parametrize("path,status,fragment", [
    (["BUILDING", "FAILED"], "FAILED", "PHP Parse error"),
    (["BUILDING", "DEPLOYING", "CRASHED"], "CRASHED", "booted"),
])
def test_failed_deployment_raises_with_log_tail(railway, path, status, fragment):
    railway.next_paths = [path]
    with pytest.raises(DeploymentFailedError) as info:
        execute(railway, state="deployed", commit_sha=NEW)
    err = info.value
    assert err.result["status"] == status
    assert fragment in str(err) or fragment in " ".join(err.result["logs"]["build"] + err.result["logs"]["deploy"])
    assert err.result["deployment_id"] == railway.deployments[-1]["id"]
    assert err.result["api_requests"] == len(railway.requests)
    assert "keeps serving" in err.hint


def test_log_failure_never_decides_outcome(railway):
    railway.next_paths = [["BUILDING", "FAILED"]]
    railway.log_error = "logs are unavailable"
    with pytest.raises(DeploymentFailedError) as info:
        execute(railway, state="deployed", commit_sha=NEW)
    assert info.value.result["status"] == "FAILED"
    assert "logs are unavailable" in info.value.result["logs_errors"]["build"]

    railway.next_paths = [list(["BUILDING", "SUCCESS"])]
    result = execute(railway, state="deployed", commit_sha="d" * 40)
    assert result["status"] == "SUCCESS"


@pytest.mark.parametrize("final,words", [("SKIPPED", "watch paths"), ("REMOVED", "superseded")])
def test_skipped_and_removed_are_terminal_and_explained(railway, final, words):
    railway.next_paths = [["QUEUED", final]]
    clock = FakeClock()
    with pytest.raises(DeploymentFailedError) as info:
        execute(railway, clock=clock, state="deployed", commit_sha=NEW)
    assert words in str(info.value)
    assert clock.now < 60  # ended at once, not at the timeout


def test_sleeping_counts_as_success(railway):
    railway.next_paths = [["BUILDING", "SLEEPING"]]
    assert execute(railway, state="deployed", commit_sha=NEW)["status"] == "SLEEPING"


def test_needs_approval_fails_without_approve(railway):
    railway.next_paths = [["NEEDS_APPROVAL"] * 10]
    with pytest.raises(RailwayError) as info:
        execute(railway, state="deployed", commit_sha=NEW)
    assert "approve: true" in info.value.hint
    assert "DeploymentApprove" not in railway.operations()


def test_needs_approval_is_approved_with_approve(railway):
    railway.next_paths = [["NEEDS_APPROVAL", "BUILDING", "SUCCESS"]]
    result = execute(railway, state="deployed", commit_sha=NEW, approve=True)
    assert railway.operations().count("DeploymentApprove") == 1
    assert result["status"] == "SUCCESS"


def test_waiting_is_labelled_waiting_for_ci_and_unknown_status_tolerated(railway):
    railway.next_paths = [["WAITING", "SOMETHING_NEW", "SUCCESS"]]
    result = execute(railway, state="deployed", commit_sha=NEW)
    labels = [t["label"] for t in result["timeline"]]
    assert labels[0] == "waiting for CI"
    assert "unknown status SOMETHING_NEW" in labels
    assert result["status"] == "SUCCESS"


def test_wait_timeout_reports_last_status_and_timeline(railway):
    railway.next_paths = [["BUILDING"] * 500]
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError) as info:
        execute(railway, clock=clock, state="deployed", commit_sha=NEW, wait_timeout=60, request_budget=500)
    assert info.value.result["status"] == "BUILDING"
    assert info.value.result["timeline"][0]["status"] == "BUILDING"
    assert 60 <= clock.now <= 61


def build_lasting(railway, clock, seconds):
    """The fake API reports BUILDING until ``seconds`` of fake time have passed, then SUCCESS."""
    real = railway.op_Deployment

    def build(variables):
        answer = real(variables)
        answer["deployment"]["status"] = "SUCCESS" if clock.now >= seconds else "BUILDING"
        return answer

    railway.op_Deployment = build


def test_five_minute_deploy_stays_within_request_budget(railway):
    clock = FakeClock()
    build_lasting(railway, clock, 300)
    result = execute(railway, clock=clock, state="deployed", commit_sha=NEW, wait_timeout=600)
    assert result["status"] == "SUCCESS" and result["duration_s"] >= 300
    assert result["api_requests"] <= 60, result["api_requests"]  # Hobby: 1000 requests an hour
    assert result["api_requests"] == len(railway.requests)
    assert max(clock.sleeps) == 15 and clock.sleeps[0] == 1


def test_request_budget_stops_polling(railway):
    railway.next_paths = [["BUILDING"] * 100]
    with pytest.raises(RailwayError) as info:
        execute(railway, state="deployed", commit_sha=NEW, request_budget=10)
    assert "request budget of 10" in str(info.value)
    assert len(railway.requests) == 10


def test_stable_for_catches_crash_after_success(railway):
    railway.next_paths = [["BUILDING", "SUCCESS", "SUCCESS", "CRASHED"]]
    with pytest.raises(DeploymentFailedError) as info:
        execute(railway, state="deployed", commit_sha=NEW, stable_for=20)
    assert info.value.result["status"] == "CRASHED"


def test_stable_for_passes_when_success_holds(railway):
    railway.next_paths = [["BUILDING"] + ["SUCCESS"] * 20]
    clock = FakeClock()
    result = execute(railway, clock=clock, state="deployed", commit_sha=NEW, stable_for=20)
    assert result["status"] == "SUCCESS"
    success_at = [t for t in result["timeline"] if t["status"] == "SUCCESS"][0]["elapsed_s"]
    assert result["duration_s"] - success_at >= 20


def test_dropped_connection_after_deploy_mutation_finds_the_new_deployment(railway):
    real = railway.graphql

    def drop_after_applying(op, v, headers):
        answer = real(op, v, headers)
        if op == "ServiceInstanceDeployV2":
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))")
        return answer

    railway.graphql = drop_after_applying
    result = execute(railway, state="deployed", commit_sha=NEW)
    assert railway.operations().count("ServiceInstanceDeployV2") == 1  # not repeated
    assert result["status"] == "SUCCESS" and result["commit_sha"] == NEW
    assert len([d for d in railway.deployments if d["meta"]["commitHash"] == NEW]) == 1


def test_deploy_source_uploads_packed_tarball(railway, tmp_path):
    (tmp_path / "index.php").write_text("<?php echo 1;")
    (tmp_path / ".gitignore").write_text("vendor/\n")
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "big.php").write_text("x")
    result = execute(railway, state="deployed", source=str(tmp_path), deploy_message="hotfix")
    assert result["source"]["files"] == 2
    url, body = railway.uploads[0]
    assert "/project/%s/environment/%s/up?serviceId=%s&message=hotfix" % (
        railway.project["id"], railway.env["id"], railway.service["id"]) in url
    assert body[:2] == b"\x1f\x8b"
    assert result["status"] == "SUCCESS"


def test_deploy_source_check_mode_uploads_nothing(railway, tmp_path):
    (tmp_path / "index.php").write_text("<?php")
    result = execute(railway, check_mode=True, state="deployed", source=str(tmp_path))
    assert result["changed"] and result["source"]["files"] == 1
    assert railway.uploads == []


# -- auth and lookup ----------------------------------------------------------------------------------------------
def test_auto_detects_project_token_and_sends_it_in_project_header(railway):
    execute(railway, state="inspected")
    headers = [h for _op, _v, h in railway.requests]
    assert all(h.get("Project-Access-Token") == PROJECT_TOKEN and "Authorization" not in h for h in headers)


def test_auto_falls_back_to_bearer_for_account_token(railway):
    result = execute(railway, state="inspected", token=ACCOUNT_TOKEN, project="facturino", environment="production")
    assert railway.requests[0][2].get("Project-Access-Token") == ACCOUNT_TOKEN
    assert all(h.get("Authorization") == "Bearer " + ACCOUNT_TOKEN for _o, _v, h in railway.requests[1:])
    assert result["target"]["environment_name"] == "production"


def test_wrong_token_type_names_the_fix(railway):
    with pytest.raises(RailwayAuthError) as info:
        execute(railway, state="inspected", token_type="account", project=railway.project["id"], environment="production")
    assert "Not Authorized" in str(info.value)
    assert "token_type=project" in info.value.hint


def test_invalid_project_token(railway):
    with pytest.raises(RailwayAuthError) as info:
        execute(railway, state="inspected", token="nope", token_type="project")
    assert "project token not found" in str(info.value)


def test_project_token_for_other_environment_fails_clearly(railway):
    with pytest.raises(InvalidInputError) as info:
        execute(railway, state="inspected", environment="staging")
    assert "belongs to environment production" in str(info.value)


def test_unknown_service_lists_candidates(railway):
    with pytest.raises(InvalidInputError) as info:
        execute(railway, state="inspected", service="web")
    assert "facturino-app (%s)" % railway.service["id"] in info.value.hint


def test_ambiguous_service_name_lists_candidates(railway):
    railway.services.append({"id": "x-1", "name": "Worker"})
    with pytest.raises(InvalidInputError) as info:
        execute(railway, state="inspected", service="WORKER")
    assert "ambiguous" in str(info.value) and "x-1" in str(info.value)


def test_service_by_id(railway):
    assert execute(railway, state="inspected", service=railway.service["id"])["target"]["service_name"] == "facturino-app"


def test_bad_commit_sha_is_rejected_before_any_request(railway):
    with pytest.raises(InvalidInputError):
        execute(railway, state="deployed", commit_sha="main; rm -rf /")
    assert railway.requests == []


def test_non_positive_poll_interval_is_rejected_before_any_request(railway):
    with pytest.raises(InvalidInputError, match="poll_interval_max is 0; it must be more than 0 seconds"):
        execute(railway, state="deployed", commit_sha=NEW, poll_interval_max=0)
    assert railway.requests == []


def test_half_second_polls_for_a_fast_platform(railway):
    clock = FakeClock()
    build_lasting(railway, clock, 4)
    result = execute(railway, clock=clock, state="deployed", commit_sha=NEW, poll_interval_max=0.5)
    assert set(clock.sleeps) == {0.5} and result["duration_s"] == 4.0


# -- rollback and friends -------------------------------------------------------------------------------------------
def test_rollback_targets_previous_deployment_and_finds_created_one(railway):
    railway.add_deployment(NEW, active=True)
    result = execute(railway, state="rolled_back")
    assert result["rollback_target"]["commit_sha"] == OLD
    assert result["commit_sha"] == OLD and result["status"] == "SUCCESS"
    assert result["deployment_id"] == railway.active_id
    assert result["deployment_id"] not in (result["rollback_target"]["id"], result["previous"]["id"])
    assert "DeploymentRollback" in railway.operations()


def test_rollback_to_active_commit_is_unchanged(railway):
    result = execute(railway, state="rolled_back", commit_sha=OLD)
    assert result["changed"] is False
    assert mutations_sent(railway) == []


def test_rollback_refuses_when_cannot_rollback(railway):
    target = railway.add_deployment(NEW, status="FAILED", can_rollback=False)
    with pytest.raises(RailwayError) as info:
        execute(railway, state="rolled_back", deployment_id=target["id"])
    assert "canRollback" in str(info.value)
    assert mutations_sent(railway) == []


def test_rollback_check_mode_reports_target(railway):
    railway.add_deployment(NEW, active=True)
    result = execute(railway, check_mode=True, state="rolled_back")
    assert result["changed"] and result["rollback_target"]["commit_sha"] == OLD
    assert mutations_sent(railway) == []


def test_rollback_that_creates_nothing_fails_clearly(railway):
    railway.add_deployment(NEW, active=True)
    railway.rollback_creates = False
    with pytest.raises(RailwayError) as info:
        execute(railway, state="rolled_back")
    assert "no new deployment of commit %s" % OLD in str(info.value)


def test_redeploy_latest(railway):
    result = execute(railway, state="redeployed")
    assert result["redeployed_from"]["commit_sha"] == OLD
    assert result["status"] == "SUCCESS" and result["deployment_id"] != result["redeployed_from"]["id"]


def test_cancel_is_noop_for_finished_deployment(railway):
    assert execute(railway, state="cancelled")["changed"] is False
    dep = railway.add_deployment(NEW, status="BUILDING")
    result = execute(railway, state="cancelled")
    assert result["changed"] and result["deployment_id"] == dep["id"] and result["status"] == "REMOVED"


def test_remove_then_remove_again_is_unchanged(railway):
    active = railway.active_id
    first = execute(railway, state="removed", deployment_id=active)
    assert first["changed"] and first["status"] == "REMOVED"
    assert execute(railway, state="removed", deployment_id=active)["changed"] is False


def test_restart_active(railway):
    result = execute(railway, state="restarted")
    assert result["changed"] and "DeploymentRestart" in railway.operations()


def test_info_lists_deployments_and_domains(railway):
    result = execute(railway, state="inspected", limit=5)
    assert [d["commit_sha"] for d in result["deployments"]] == [OLD, OLDER]
    assert result["active"][0]["commit_sha"] == OLD
    assert result["domains"][0]["url"] == "https://" + railway.domain
    assert mutations_sent(railway) == []


def test_logs_state(railway):
    result = execute(railway, state="logs", log_type="build", limit=1)
    assert [e["message"] for e in result["logs"]["build"]] == ["PHP Parse error: syntax error in app/Broken.php"]


# -- variables -------------------------------------------------------------------------------------------------
def test_variables_upsert_diff_without_values(railway):
    result = execute(railway, diff=True, state="variables", skip_deploys=True,
                     variables={"APP_DEBUG": True, "NEW_FLAG": "s3cr3t-value", "APP_ENV": "production"},
                     variables_absent=["APP_KEY", "MISSING"])
    assert result["changed"]
    assert result["variable_changes"] == {"added": ["NEW_FLAG"], "changed": ["APP_DEBUG"], "removed": ["APP_KEY"],
                                          "unchanged": ["APP_ENV"]}
    assert result["deploy_triggered"] is True  # the removal: variableDelete cannot skip deploys
    assert railway.last_upsert["skipDeploys"] is True
    assert railway.last_upsert["variables"] == {"NEW_FLAG": "s3cr3t-value", "APP_DEBUG": "true"}
    assert "replace" not in railway.last_upsert
    assert "APP_KEY" not in railway.variables
    text = repr(result)
    for secret in ("s3cr3t-value", "base64:secretkey", "production\"", "'true'"):
        assert secret not in text
    assert "NEW_FLAG=<value hidden>" in result["diff"]["after"]


def test_variables_second_run_is_unchanged(railway):
    execute(railway, state="variables", skip_deploys=True, variables={"APP_DEBUG": True})
    again = execute(railway, state="variables", variables={"APP_DEBUG": True})
    assert again["changed"] is False and again["deploy_triggered"] is False
    assert railway.operations().count("VariableCollectionUpsert") == 1


def test_variables_require_a_deliberate_skip_deploys(railway):
    with pytest.raises(InvalidInputError) as info:
        execute(railway, state="variables", variables={"APP_DEBUG": True})
    assert "skip_deploys" in str(info.value)
    assert "VariableCollectionUpsert" not in railway.operations()


def test_variables_check_mode_writes_nothing(railway):
    result = execute(railway, check_mode=True, state="variables", skip_deploys=False, variables={"X": "1"})
    assert result["changed"] and result["variable_changes"]["added"] == ["X"]
    assert "X" not in railway.variables


def test_reveal_requires_no_log_task(railway):
    with pytest.raises(InvalidInputError):
        execute(railway, state="variables", reveal=True)
    result = execute(railway, state="variables", reveal=True, no_log=True)
    assert result["variable_values"]["APP_KEY"] == "base64:secretkey"


def test_every_sent_document_is_a_documents_constant(railway, tmp_path):
    sent = []
    original = railway.post

    def record(url, json=None, **kwargs):
        if json:
            sent.append(json["query"])
        return original(url, json=json, **kwargs)

    railway.post = record
    railway.add_deployment(NEW, active=True)
    execute(railway, state="rolled_back")
    execute(railway, state="deployed", commit_sha=NEW)
    execute(railway, state="inspected")
    execute(railway, state="variables", skip_deploys=True, variables={"A": "1"}, variables_absent=["APP_KEY"])
    known = set(documents.all_documents().values())
    assert sent and all(doc in known for doc in sent)


def test_html_403_then_success_is_retried(railway):
    railway.faults = [FakeResponse(403, text="<!DOCTYPE html><title>Access denied</title>",
                                   headers={"Content-Type": "text/html"})]
    clock = FakeClock()
    result = execute(railway, clock=clock, state="inspected")
    assert result["retries"][0]["error"].startswith("Cloudflare answered HTTP 403")
    assert result["api_requests"] == len(railway.requests)


def test_dropped_deploy_mutation_that_never_applied_is_sent_again(railway):
    real = railway.graphql
    dropped = []

    def drop_before_applying(op, v, headers):
        if op == "ServiceInstanceDeployV2" and not dropped:
            dropped.append(op)
            raise requests.exceptions.ConnectionError("('Connection aborted.', RemoteDisconnected('closed'))")
        return real(op, v, headers)

    railway.graphql = drop_before_applying
    clock = FakeClock()
    result = execute(railway, clock=clock, state="deployed", commit_sha=NEW)
    assert railway.operations().count("ServiceInstanceDeployV2") == 2
    assert len([d for d in railway.deployments if d["meta"]["commitHash"] == NEW]) == 1
    assert result["status"] == "SUCCESS"


def test_loopback_domain_is_plain_http(railway):
    railway.domain = "127.0.0.1:18791"
    assert execute(railway, state="inspected")["url"] == "http://127.0.0.1:18791"


def test_invalid_token_in_auto_mode_says_so(railway):
    with pytest.raises(RailwayAuthError) as info:
        execute(railway, state="inspected", token="garbage-token")
    assert "project token not found" in str(info.value)
    with pytest.raises(RailwayAuthError) as info:
        execute(railway, state="inspected", token="garbage-token", project=railway.project["id"])
    assert "rejected it as a project token" in info.value.hint


def test_warnings_reach_the_module_even_when_the_task_then_fails(railway):
    railway.add_deployment(NEW, active=True)
    railway.rollback_creates = False
    seen = []
    clock = FakeClock()
    ctx = Context(params(state="rolled_back"), clock=clock, warn=seen.append)
    with pytest.raises(RailwayError):
        run(ctx, build_client(ctx.params, clock=clock, session=railway))
    assert any("restores the image and the custom variables" in text for text in seen)
