# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one retry/backoff helper and the one waiter, both with an injectable clock.

Every retry in the collection goes through :func:`retry_call`; every wait through :func:`wait_until`.
Tests pass a :class:`FakeClock` so nothing sleeps for real.
"""

from __future__ import annotations

import random
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    RetriesExhaustedError,
    TransientError,
    WaitTimeoutError,
)


class Clock:
    """Real time: monotonic seconds and sleep."""

    def monotonic(self):
        return time.monotonic()

    def sleep(self, seconds):
        if seconds > 0:
            time.sleep(seconds)


class FakeClock(Clock):
    """Deterministic time for tests: sleeping advances the clock instantly."""

    def __init__(self, start=0.0):
        self.now = float(start)
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)


class Backoff:
    """Capped exponential delays: ``initial * factor**n`` up to ``maximum``, with optional full jitter."""

    def __init__(self, initial=1.0, factor=2.0, maximum=30.0, jitter=False, rng=None):
        if initial < 0 or factor < 1 or maximum < initial:
            raise ValueError("backoff needs 0 <= initial <= maximum and factor >= 1")
        self.initial = initial
        self.factor = factor
        self.maximum = maximum
        self.jitter = jitter
        self.rng = rng or random.Random()

    def delays(self):
        delay = self.initial
        while True:
            yield self.rng.uniform(0, delay) if self.jitter else delay
            delay = min(delay * self.factor, self.maximum)


def retry_call(func, attempts=5, backoff=None, clock=None, is_retryable=None, on_retry=None, max_retry_after=300.0):
    """Call ``func()`` until it succeeds, retrying retryable errors with capped backoff.

    A :class:`TransientError` is retryable by default; its ``retry_after`` (for example from a 429's
    ``Retry-After``) replaces the backoff delay when larger. ``on_retry(attempt, error, delay)`` sees each retry.
    Raises :class:`RetriesExhaustedError` carrying the last error when every attempt failed.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    clock = clock or Clock()
    backoff = backoff or Backoff()
    is_retryable = is_retryable or (lambda error: isinstance(error, TransientError))
    delays = backoff.delays()
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except Exception as error:  # pylint: disable=broad-except
            if not is_retryable(error):
                raise
            if attempt == attempts:
                raise RetriesExhaustedError(
                    "gave up after %d attempts: %s" % (attempts, error),
                    last_error=error,
                    attempts=attempts,
                    hint=getattr(error, "hint", None),
                )
            delay = next(delays)
            retry_after = getattr(error, "retry_after", None)
            if retry_after is not None:
                delay = max(delay, min(float(retry_after), max_retry_after))
            if on_retry:
                on_retry(attempt, error, delay)
            clock.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def wait_until(poll, is_done, timeout, backoff=None, clock=None, on_progress=None, describe=None):
    """Poll until ``is_done(state)`` is true or ``timeout`` seconds pass.

    Returns ``(state, elapsed_seconds, polls)``. On timeout raises :class:`WaitTimeoutError` whose result
    holds the last state. ``on_progress(state, elapsed)`` runs after every poll, so long waits show progress.
    """
    clock = clock or Clock()
    backoff = backoff or Backoff(initial=2.0, factor=1.5, maximum=15.0)
    started = clock.monotonic()
    delays = backoff.delays()
    polls = 0
    while True:
        state = poll()
        polls += 1
        elapsed = clock.monotonic() - started
        if on_progress:
            on_progress(state, elapsed)
        if is_done(state):
            return state, elapsed, polls
        remaining = timeout - elapsed
        if remaining <= 0:
            what = describe(state) if describe else repr(state)
            raise WaitTimeoutError(
                "timed out after %.0f s waiting; last state: %s" % (elapsed, what),
                hint="raise the wait timeout, or inspect why it is stuck",
                last_state=state,
                elapsed_s=round(elapsed, 3),
                polls=polls,
            )
        clock.sleep(min(next(delays), remaining))
