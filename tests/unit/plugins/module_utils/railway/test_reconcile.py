"""Lost answers and failing rollbacks against the in-memory Railway: the client reconciles a mutation whose answer
was lost instead of sending it again, and a rollback with fallback checks its target and tries the next one."""

import pytest
import requests

from ansible_collections.facturino.release.plugins.module_utils.common.errors import AmbiguousRequestError, RailwayError
from tests.unit.plugins.module_utils.railway.fakes import FakeResponse
from tests.unit.plugins.module_utils.railway.test_runner import NEW, OLD, OLDER, execute, mutations_sent  # noqa: F401 (fixture)
from tests.unit.plugins.module_utils.railway.test_runner import railway  # noqa: F401  pylint: disable=unused-import

LOST = requests.exceptions.ConnectionError("('Connection aborted.', ConnectionResetError(104, 'reset by peer'))")
TIMEOUT = requests.exceptions.ReadTimeout("read timed out")


def lose_answer_of(railway, operation, error=LOST, times=1):
    """Apply ``operation`` and then lose its answer (``times`` times)."""
    real = railway.graphql
    left = [times]

    def graphql(op, v, headers):
        answer = real(op, v, headers)
        if op == operation and left[0] > 0:
            left[0] -= 1
            raise error
        return answer

    railway.graphql = graphql


def of_commit(railway, commit):
    return [d for d in railway.deployments if d["meta"]["commitHash"] == commit]


@pytest.mark.parametrize("error", [LOST, TIMEOUT], ids=["reset", "timeout"])
def test_lost_deploy_answer_adopts_the_deployment_it_created(railway, error):
    lose_answer_of(railway, "ServiceInstanceDeployV2", error)
    result = execute(railway, state="deployed", commit_sha=NEW)
    assert mutations_sent(railway) == ["ServiceInstanceDeployV2"]
    assert len(of_commit(railway, NEW)) == 1
    assert result["status"] == "SUCCESS" and result["reconciled"][0]["found"] == result["deployment_id"]


def test_lost_rollback_answer_is_not_rolled_back_twice(railway):
    railway.add_deployment(NEW, active=True)
    before = len(railway.deployments)
    lose_answer_of(railway, "DeploymentRollback", TIMEOUT)
    result = execute(railway, state="rolled_back")
    assert mutations_sent(railway) == ["DeploymentRollback"]
    assert len(railway.deployments) == before + 1
    assert result["commit_sha"] == OLD and result["reconciled"][0]["found"] == result["deployment_id"]


def test_lost_answer_of_a_mutation_that_never_applied_is_sent_once_more(railway):
    real = railway.graphql
    dropped = [False]

    def graphql(op, v, headers):
        if op == "ServiceInstanceDeployV2" and not dropped[0]:
            dropped[0] = True
            raise LOST   # lost before Railway applied it
        return real(op, v, headers)

    railway.graphql = graphql
    result = execute(railway, state="deployed", commit_sha=NEW)
    assert mutations_sent(railway) == ["ServiceInstanceDeployV2", "ServiceInstanceDeployV2"]
    assert len(of_commit(railway, NEW)) == 1
    assert result["reconciled"][0]["found"] is None


def test_lost_answer_when_railway_cannot_be_asked_fails_without_resending(railway):
    real = railway.graphql
    state = {"lost": False}

    def graphql(op, v, headers):
        if op == "ServiceInstanceDeployV2":
            real(op, v, headers)
            state["lost"] = True
            raise LOST
        if state["lost"] and op == "Deployments":
            return FakeResponse(200, {"data": None, "errors": [{"message": "Not Authorized"}]})
        return real(op, v, headers)

    railway.graphql = graphql
    with pytest.raises(RailwayError) as info:
        execute(railway, state="deployed", commit_sha=NEW)
    assert mutations_sent(railway) == ["ServiceInstanceDeployV2"]
    assert isinstance(info.value, RailwayError)


def test_lost_answer_of_a_variable_upsert_is_read_back_not_repeated(railway):
    lose_answer_of(railway, "VariableCollectionUpsert")
    result = execute(railway, state="variables", variables={"NEW_FLAG": "on"}, skip_deploys=False)
    assert mutations_sent(railway) == ["VariableCollectionUpsert"]
    assert railway.variables["NEW_FLAG"] == "on"
    assert result["reconciled"] == [{"error": result["reconciled"][0]["error"], "found": "applied"}]


def test_lost_answer_of_a_variable_delete_is_read_back_not_repeated(railway):
    lose_answer_of(railway, "VariableDelete")
    execute(railway, state="variables", variables_absent=["APP_DEBUG"], skip_deploys=True)
    assert mutations_sent(railway) == ["VariableDelete"]
    assert "APP_DEBUG" not in railway.variables


# -- rollback with fallback ------------------------------------------------------------------------------------------
def test_fallback_uses_the_given_target_when_railway_confirms_it(railway):
    given = railway.deployments[0]            # OLDER, REMOVED, canRollback
    bad = railway.add_deployment(NEW, active=True)
    result = execute(railway, state="rolled_back", fallback=True, deployment_id=given["id"], bad_deployment_id=bad["id"])
    assert result["target_source"] == "given" and result["commit_sha"] == OLDER
    assert [a["status"] for a in result["attempts"]] == ["SUCCESS"]


def test_fallback_skips_a_target_whose_image_is_gone(railway):
    given = railway.deployments[0]
    given["canRollback"] = False
    bad = railway.add_deployment(NEW, active=True)
    result = execute(railway, state="rolled_back", fallback=True, deployment_id=given["id"], bad_deployment_id=bad["id"])
    assert result["skipped"][0]["id"] == given["id"] and "canRollback" in result["skipped"][0]["reason"]
    assert result["target_source"] == "railway" and result["commit_sha"] == OLD
    assert mutations_sent(railway) == ["DeploymentRollback"]


def test_fallback_skips_a_target_railway_does_not_know(railway):
    bad = railway.add_deployment(NEW, active=True)
    result = execute(railway, state="rolled_back", fallback=True, deployment_id="0" * 8 + "-gone",
                     bad_deployment_id=bad["id"])
    assert "does not know" in result["skipped"][0]["reason"]
    assert result["commit_sha"] == OLD


def test_fallback_tries_the_next_target_when_railway_refuses_the_first(railway):
    given = railway.deployments[0]
    bad = railway.add_deployment(NEW, active=True)
    real = railway.graphql
    refused = []

    def graphql(op, v, headers):
        if op == "DeploymentRollback" and v["id"] == given["id"]:
            refused.append(v["id"])
            return FakeResponse(200, {"data": None, "errors": [{"message": "Deployment cannot be rolled back"}]})
        return real(op, v, headers)

    railway.graphql = graphql
    result = execute(railway, state="rolled_back", fallback=True, deployment_id=given["id"], bad_deployment_id=bad["id"])
    assert refused == [given["id"]]
    assert [a["source"] for a in result["attempts"]] == ["given", "railway"]
    assert "cannot be rolled back" in result["attempts"][0]["error"]
    assert result["commit_sha"] == OLD and railway.get(railway.active_id)["meta"]["commitHash"] == OLD


def test_fallback_tries_the_next_target_when_the_rollback_deployment_fails(railway):
    bad = railway.add_deployment(NEW, active=True)
    railway.next_paths = [["BUILDING", "FAILED"]]
    result = execute(railway, state="rolled_back", fallback=True, bad_deployment_id=bad["id"])
    assert [a["target"]["commit_sha"] for a in result["attempts"]] == [OLD, OLDER]
    assert result["attempts"][0]["status"] == "FAILED"
    assert result["commit_sha"] == OLDER


def test_fallback_when_nothing_can_be_rolled_back_to_names_the_bad_deployment(railway):
    for dep in railway.deployments:
        dep["canRollback"] = False
    bad = railway.add_deployment(NEW, active=True)
    with pytest.raises(RailwayError) as info:
        execute(railway, state="rolled_back", fallback=True, bad_deployment_id=bad["id"])
    assert bad["id"] in str(info.value) and mutations_sent(railway) == []


def test_fallback_never_rolls_back_a_deployment_that_no_longer_serves(railway):
    bad = railway.add_deployment(NEW)
    railway.add_deployment(OLD, active=True)      # someone rolled back already
    result = execute(railway, state="rolled_back", fallback=True, bad_deployment_id=bad["id"])
    assert result["changed"] is False and mutations_sent(railway) == []


def test_fallback_ambiguous_rollback_that_cannot_be_checked_stops(railway):
    bad = railway.add_deployment(NEW, active=True)
    real = railway.graphql
    state = {"lost": False}

    def graphql(op, v, headers):
        if op == "DeploymentRollback":
            state["lost"] = True
            raise LOST
        if state["lost"] and op == "Deployments":
            return FakeResponse(200, {"data": None, "errors": [{"message": "Not Authorized"}]})
        return real(op, v, headers)

    railway.graphql = graphql
    with pytest.raises(AmbiguousRequestError):
        execute(railway, state="rolled_back", fallback=True, bad_deployment_id=bad["id"])
    assert mutations_sent(railway) == ["DeploymentRollback"]
