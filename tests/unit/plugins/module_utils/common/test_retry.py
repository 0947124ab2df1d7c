import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError, RetriesExhaustedError, TransientError, WaitTimeoutError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import (
    Backoff, FakeClock, retry_call, wait_until,
)


def test_backoff_is_capped_exponential():
    delays = Backoff(initial=2, factor=2, maximum=15).delays()
    assert [next(delays) for _round in range(6)] == [2, 4, 8, 15, 15, 15]


def test_retry_call_retries_transient_errors_then_succeeds():
    clock = FakeClock()
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise TransientError("503")
        return "ok"

    assert retry_call(flaky, attempts=5, backoff=Backoff(1, 2, 10), clock=clock) == "ok"
    assert len(calls) == 3
    assert clock.sleeps == [1, 2]


def test_retry_after_overrides_shorter_backoff():
    clock = FakeClock()
    attempts = iter([TransientError("429", retry_after=7), None])

    def limited():
        error = next(attempts)
        if error:
            raise error
        return 1

    retry_call(limited, backoff=Backoff(1, 2, 10), clock=clock)
    assert clock.sleeps == [7.0]


def test_non_retryable_error_is_raised_at_once():
    clock = FakeClock()

    def bad():
        raise InvalidInputError("bad option")

    with pytest.raises(InvalidInputError):
        retry_call(bad, clock=clock)
    assert clock.sleeps == []


def test_exhausted_retries_keep_last_error():
    clock = FakeClock()

    def down():
        raise TransientError("connection refused")

    with pytest.raises(RetriesExhaustedError) as caught:
        retry_call(down, attempts=3, backoff=Backoff(1, 1, 1), clock=clock)
    assert caught.value.attempts == 3
    assert "connection refused" in str(caught.value.last_error)


def test_wait_until_reports_progress_and_polls():
    clock = FakeClock()
    states = iter(["QUEUED", "BUILDING", "SUCCESS"])
    seen = []
    state, elapsed, polls = wait_until(lambda: next(states), lambda s: s == "SUCCESS", timeout=60,
                                       backoff=Backoff(2, 2, 15), clock=clock,
                                       on_progress=lambda s, e: seen.append(s))
    assert state == "SUCCESS" and polls == 3 and elapsed == 6
    assert seen == ["QUEUED", "BUILDING", "SUCCESS"]


def test_wait_until_times_out_with_last_state():
    clock = FakeClock()
    with pytest.raises(WaitTimeoutError) as caught:
        wait_until(lambda: "BUILDING", lambda s: False, timeout=10, backoff=Backoff(4, 1, 4), clock=clock)
    assert caught.value.result["last_state"] == "BUILDING"
    assert clock.now == 10
