"""Status classification and the deployment waiter's polling schedule."""

import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.common.retry import FakeClock
from ansible_collections.facturino.release.plugins.module_utils.railway import status as st
from ansible_collections.facturino.release.plugins.module_utils.railway.variables import VariablePlan, normalize
from ansible_collections.facturino.release.plugins.module_utils.railway.waiter import DeploymentWaiter


@pytest.mark.parametrize("status,category", [
    ("SUCCESS", "success"), ("SLEEPING", "success"), ("FAILED", "failure"), ("CRASHED", "failure"),
    ("SKIPPED", "ended"), ("REMOVED", "ended"), ("REMOVING", "ended"), ("NEEDS_APPROVAL", "blocked"),
    ("WAITING", "in_progress"), ("QUEUED", "in_progress"), ("INITIALIZING", "in_progress"),
    ("BUILDING", "in_progress"), ("DEPLOYING", "in_progress"), ("CANCELLED", "unknown"), (None, "unknown"),
])
def test_classify(status, category):
    assert st.classify(status) == category


class Polls:
    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.requests_made = 0

    def execute(self, document, variables=None, **kwargs):
        self.requests_made += 1
        return {"deployment": {"id": variables["id"], "status": self.statuses.pop(0)}}


def test_poll_backoff_grows_from_2_to_15_seconds():
    clock = FakeClock()
    waiter = DeploymentWaiter(Polls(["BUILDING"] * 9 + ["SUCCESS"]), timeout=600, clock=clock)
    outcome = waiter.wait("d1")
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 15.0, 15.0]
    assert outcome.polls == 10 and outcome.status == "SUCCESS"
    assert [t["status"] for t in outcome.timeline] == ["BUILDING", "SUCCESS"]


def test_poll_interval_max_caps_the_pause():
    clock = FakeClock()
    DeploymentWaiter(Polls(["BUILDING"] * 6 + ["SUCCESS"]), clock=clock, poll_max=5).wait("d1")
    assert max(clock.sleeps) == 5


def test_normalize_and_plan():
    assert normalize("A", True) == "true" and normalize("B", 3) == "3"
    with pytest.raises(InvalidInputError):
        normalize("bad name", "x")
    with pytest.raises(InvalidInputError):
        VariablePlan({}, {"A": "1"}, ["A"])
    plan = VariablePlan({"A": "1", "B": "2"}, {"A": "1", "B": "3", "C": "4"}, ["Z"])
    assert (plan.added, plan.changed, plan.removed, plan.unchanged) == (["C"], ["B"], [], ["A"])
    diff = plan.diff("vars")
    assert "B=<value hidden> (changed)" in diff["after"] and "3" not in diff["after"] + diff["before"]
