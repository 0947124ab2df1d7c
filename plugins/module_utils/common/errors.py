# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one exception hierarchy of the collection.

Wings raise these; only the module layer turns them into ``fail_json``. Each error carries a
message that names the cause, an optional ``hint`` that names the fix, and ``result`` data that
the failed task still returns (for example the deployment id that failed).
"""

from __future__ import annotations


class FacturinoError(Exception):
    """Base of every error this collection raises on purpose."""

    def __init__(self, message, hint=None, **result):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.result = result

    def __str__(self):
        if self.hint:
            return "%s. Fix: %s" % (self.message.rstrip("."), self.hint)
        return self.message


class InvalidInputError(FacturinoError):
    """The task's options are wrong; nothing was changed."""


class MissingDependencyError(FacturinoError):
    """A program or library the task needs is not installed."""


class TransientError(FacturinoError):
    """A failure worth retrying: a timeout, a dropped connection, a 5xx, a rate limit."""

    def __init__(self, message, retry_after=None, hint=None, **result):
        super().__init__(message, hint=hint, **result)
        self.retry_after = retry_after


class HttpError(TransientError):
    """An HTTP exchange failed: ``kind`` is timeout, connection_error, tls_error, too_many_redirects, too_large or
    request_error; ``never_sent`` is True when the request cannot have reached the server."""

    def __init__(self, message, kind="request_error", never_sent=False, retry_after=None, hint=None, **result):
        super().__init__(message, retry_after=retry_after, hint=hint, **result)
        self.kind = kind
        self.never_sent = never_sent


class BadAnswerError(FacturinoError):
    """A server answered with something of the wrong form (HTML, invalid JSON, JSON of the wrong shape)."""


class RetriesExhaustedError(FacturinoError):
    """A retried operation kept failing; ``last_error`` holds the final cause."""

    def __init__(self, message, last_error=None, attempts=0, hint=None, **result):
        super().__init__(message, hint=hint, attempts=attempts, **result)
        self.last_error = last_error
        self.attempts = attempts


class WaitTimeoutError(FacturinoError):
    """A wait ran out of time before reaching a terminal state."""


class CommandError(FacturinoError):
    """An external command failed (non-zero exit, or a failure it printed while exiting 0)."""


class RailwayError(FacturinoError):
    """Railway's API refused or failed a request."""


class RequestBudgetExceeded(RailwayError):
    """The task spent its request budget (stops runaway polling)."""


class AmbiguousRequestError(RailwayError):
    """The connection broke after a mutation was sent: Railway may or may not have applied it."""


class RailwayAuthError(RailwayError):
    """The token is missing, invalid, of the wrong type, or lacks the scope."""


class DeploymentFailedError(RailwayError):
    """A deployment reached a failure state (FAILED, CRASHED, ...)."""


class NotARepositoryError(CommandError):
    """The path is not inside a git work tree."""


class NotifyError(FacturinoError):
    """A notification could not be delivered."""


class LaravelError(CommandError):
    """``php artisan`` failed, or its output says it failed."""


class OutputParseError(FacturinoError):
    """Output of an external tool could not be understood; never silently dropped."""


class BackupError(FacturinoError):
    """A backup, verification, restore or prune step failed."""


class DatabaseError(FacturinoError):
    """PostgreSQL is unreachable, refused the login, or failed a statement."""


class HttpCheckError(FacturinoError):
    """An HTTP check could not be performed (bad URL, bad assertion)."""


class AuditError(FacturinoError):
    """The environment audit could not read its input."""


class AuditFindingsError(FacturinoError):
    """The environment audit ran and found problems at or above ``fail_on``; ``result`` holds the findings."""


class HealthCheckFailedError(HttpCheckError):
    """Health checks ran and did not pass (after their retries); the result holds every check."""


class BrowserCheckError(FacturinoError):
    """A browser step failed: a page did not show what it should, a download or a mail did not arrive."""


class StateFileError(FacturinoError):
    """A file of the run's own state (the ledger, the lock's owner record) is unreadable or corrupt; it is left as
    found, and the message names the file, its kept copy and the fix."""
