# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""POST a JSON notification to a webhook (Slack/Discord/Teams-compatible `text`), retrying 429/5xx/connection errors."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common import http
from ansible_collections.facturino.release.plugins.module_utils.common.errors import HttpError, TransientError
from ansible_collections.facturino.release.plugins.module_utils.common.errors import RetriesExhaustedError
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, retry_call
from ansible_collections.facturino.release.plugins.module_utils.common.errors import NotifyError


def default_payload(subject, body, event):
    return {"text": "%s\n\n%s" % (subject, body), "subject": subject, "event": event}


MAX_ANSWER_BYTES = 64 * 1024  # a webhook answers "ok" or a short error; nothing of it is parsed


def _post_once(session, params, payload):
    try:
        response = http.exchange(session, "POST", params["webhook_url"], params["timeout"], json_body=payload,
                                 headers=params.get("webhook_headers") or {}, max_body=MAX_ANSWER_BYTES,
                                 truncate=True, server="the webhook")
    except HttpError as error:
        # the message names the failure, never the URL (it holds the hook's secret)
        raise TransientError("webhook unreachable: %s" % error.kind,
                             hint="check webhook_url, the network, and timeout (%s s for the whole exchange)"
                                  % params["timeout"]) from None
    status = response.status_code
    if http.retryable_status(status):
        raise TransientError("webhook answered HTTP %d" % status,
                             retry_after=http.parse_retry_after(response.headers.get("Retry-After")))
    if status >= 400:
        raise NotifyError("webhook rejected the notification with HTTP %d" % status,
                          hint="check webhook_url (a revoked or mistyped hook answers 4xx) and webhook_payload")
    return status


def post(params, payload, clock=None, session=None):
    session = session or http.new_session(validate_certs=params["validate_certs"])
    try:
        status = retry_call(lambda: _post_once(session, params, payload), attempts=max(1, params["attempts"]),
                            backoff=Backoff(initial=1.0, factor=2.0, maximum=10.0), clock=clock,
                            max_retry_after=30.0)
    except RetriesExhaustedError as error:
        last = error.last_error
        raise NotifyError("%s (after %d attempts)" % (getattr(last, "message", last), error.attempts),
                          hint=getattr(last, "hint", None)) from None
    return {"sent": True, "status": status}
