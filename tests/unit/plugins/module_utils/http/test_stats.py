import pytest

from ansible_collections.facturino.release.plugins.module_utils.http.stats import (
    Sample, endpoint_stats, longest_failing_span, max_consecutive_failures, percentile, window_stats,
)


def test_nearest_rank_percentiles_by_hand():
    values = sorted(float(v) for v in range(1, 101))  # 1..100
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([10.0, 20.0, 30.0], 50) == 20.0
    assert percentile([10.0, 20.0, 30.0], 95) == 30.0
    assert percentile([7.5], 99) == 7.5
    assert percentile([], 50) is None


@pytest.mark.parametrize("flags, expected", [
    ([True] * 5, 0), ([False] * 4, 4), ([True, False, False, True, False], 2), ([False, True] * 3, 1),
])
def test_max_consecutive_failures(flags, expected):
    assert max_consecutive_failures(flags) == expected


def test_failing_span_runs_until_the_next_success_or_the_window_end():
    times = [0, 5, 10, 15, 20, 25]
    assert longest_failing_span(times, [False] * 6, 30) == 0  # nothing failed
    assert longest_failing_span(times, [False, True, True, True, False, True], 30) == 15  # 5..20
    assert longest_failing_span(times, [False, False, False, False, True, True], 30) == 10  # open until the end
    assert longest_failing_span(times, [True] * 6, 30) == 30


def samples(pattern, latencies=None, step=5.0):
    latencies = latencies or [10.0] * len(pattern)
    return [Sample(i * step, ch == ".", status=200 if ch == "." else (500 if ch == "x" else None),
                   latency_ms=None if ch == "t" else latencies[i], error_kind="timeout" if ch == "t" else None)
            for i, ch in enumerate(pattern)]


def test_endpoint_stats_counts_errors_and_excludes_transport_errors_from_latency():
    stats = endpoint_stats(samples(".x.tt.", latencies=[1.0, 50.0, 2.0, 0, 0, 3.0]), 30.0)
    assert stats["samples"] == 6 and stats["errors"] == 3 and stats["error_rate_pct"] == 50.0
    assert stats["status_counts"] == {"200": 3, "500": 1, "timeout": 2}
    assert (stats["p50_ms"], stats["p95_ms"], stats["max_ms"]) == (2.0, 50.0, 50.0)
    assert stats["max_consecutive_failures"] == 2 and stats["inaccessible_s"] == 10.0
    assert stats["last_error"]["t"] == 20.0


def test_window_inaccessible_needs_every_endpoint_down():
    a, b = samples("..xxx."), samples("...xx.")
    ticks = [(a[i].t, [a[i], b[i]]) for i in range(6)]
    stats = window_stats(ticks, ["a", "b"], 30.0)
    assert stats["inaccessible_s"] == 10.0  # ticks 3-4 only
    assert stats["endpoints"]["a"]["inaccessible_s"] == 15.0
    assert stats["samples"] == 12 and stats["errors"] == 5 and stats["error_rate_pct"] == round(500 / 12, 2)
