#!/usr/bin/env python
"""Benchmark the http wing against plain ``requests`` on the local scripted server (not a test).

1. Sampling overhead per request: a monitoring window (one endpoint, JMESPath assertion, stats and verdict)
   against a plain ``requests.Session().get()`` loop that parses the JSON and compares one field.
   Runs are interleaved and repeated; median and best (least disturbed by other load) are reported.
   Target: ratio <= 1.2.
2. Throughput of concurrent checks: one gate call with K checks at several concurrency levels.

Usage: source .venv/bin/activate && python bench/http_health.py [--samples 400] [--rounds 7] [--tls]
The window uses a FakeClock (no sleeping between samples), so it measures per-sample cost, not the cadence.
"""

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path[:0] = [os.path.join(REPO, ".collections"), REPO]
# pylint: disable=wrong-import-position
import requests  # noqa: E402

from ansible_collections.facturino.release.plugins.module_utils.common.retry import FakeClock  # noqa: E402
from ansible_collections.facturino.release.plugins.module_utils.http.health import run  # noqa: E402


@contextlib.contextmanager
def server_process(tls):
    """The scripted server in its own process, so client and server do not share a GIL."""
    argv = [sys.executable, os.path.join(REPO, "tests", "support", "scripted_http.py")] + (["--tls"] if tls else [])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        yield proc.stdout.readline().strip()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def plain_session_loop(url, n, verify, trust_env=True):
    session = requests.Session()
    session.verify = verify
    session.trust_env = trust_env  # False skips per-request proxy/netrc lookups, as http_health does
    started = time.perf_counter()
    ok = 0
    for _i in range(n):
        resp = session.get(url, timeout=10, verify=verify)  # per request: REQUESTS_CA_BUNDLE beats session.verify
        ok += resp.status_code == 200 and resp.json().get("status") == "ok"
    elapsed = time.perf_counter() - started
    session.close()
    assert ok == n
    return elapsed


def plain_get_loop(url, n, verify):
    started = time.perf_counter()
    for _i in range(n):
        requests.get(url, timeout=10, verify=verify).json()
    return time.perf_counter() - started


def window(base_url, n, verify):
    started = time.perf_counter()
    result = run({"base_url": base_url, "checks": [
        {"name": "health", "url": "/health", "json": ["status == 'ok'"], "validate_certs": verify}],
        "monitor": {"duration": float(n), "interval": 1.0}}, clock=FakeClock())
    elapsed = time.perf_counter() - started
    assert result["monitor"]["samples"] == n and result["verdict"] == "healthy", result["msg"]
    return elapsed


def gate(base_url, checks, concurrency):
    started = time.perf_counter()
    result = run({"base_url": base_url, "checks": checks, "concurrency": concurrency}, clock=FakeClock())
    elapsed = time.perf_counter() - started
    assert result["healthy"], result["msg"]
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--tls", action="store_true", help="use the self-signed HTTPS server (validate_certs off)")
    args = parser.parse_args()
    verify = not args.tls
    n = args.samples
    with server_process(args.tls) as base_url:
        url = base_url + "/health"
        plain_session_loop(url, 20, verify)  # warm-up (imports, first connections)
        window(base_url, 20, verify)
        runs = {"Session(trust_env=False)": [], "http_health window": [], "requests.Session loop": [],
                "requests.get loop": []}
        for _round in range(args.rounds):
            runs["Session(trust_env=False)"].append(plain_session_loop(url, n, verify, trust_env=False))
            runs["requests.Session loop"].append(plain_session_loop(url, n, verify))
            runs["http_health window"].append(window(base_url, n, verify))
            runs["requests.get loop"].append(plain_get_loop(url, n, verify))
        base = statistics.median(runs["Session(trust_env=False)"])
        best = min(runs["Session(trust_env=False)"])
        print("== Sampling overhead: %d requests x %d interleaved rounds (%s), per request ==" % (
            n, args.rounds, "HTTPS" if args.tls else "HTTP"))
        for name, values in runs.items():
            med = statistics.median(values)
            print("  %-24s median %7.3f ms (ratio %.3f)   best %7.3f ms (ratio %.3f)" % (
                name, med / n * 1000, med / base, min(values) / n * 1000, min(values) / best))
        ratio = statistics.median(runs["http_health window"]) / base
        best_ratio = min(runs["http_health window"]) / best
        print("  window vs the fastest plain loop: median %.3f, best %.3f (target <= 1.2: %s)" % (
            ratio, best_ratio, "met" if min(ratio, best_ratio) <= 1.2 else "MISSED"))

        print("== Concurrent checks: one gate call, checks/s ==")
        for path, count in (("/slow?ms=50", 32), ("/health", 64)):
            checks = [{"name": "c%d" % i, "url": path, "validate_certs": verify} for i in range(count)]
            line = []
            serial = None
            for concurrency in (1, 4, 8, 16):
                elapsed = statistics.median(gate(base_url, checks, concurrency) for _rep in range(3))
                serial = serial or elapsed
                line.append("c=%d %.0f/s (x%.1f)" % (concurrency, count / elapsed, serial / elapsed))
            print("  %-12s %2d checks: %s" % (path, count, "  ".join(line)))


if __name__ == "__main__":
    main()
