# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""POST a JSON notification to a webhook (Slack/Discord/Teams-compatible `text`), retrying 429/5xx/connection errors."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import TransientError
from ansible_collections.facturino.release.plugins.module_utils.common.errors import RetriesExhaustedError
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, retry_call
from ansible_collections.facturino.release.plugins.module_utils.notify.smtp import NotifyError


def default_payload(subject, body, event):
    return {"text": "%s\n\n%s" % (subject, body), "subject": subject, "event": event}


def _post_once(session, params, payload):
    import requests  # lazy: the sanity import test runs without requests

    try:
        response = session.post(params["webhook_url"], json=payload, headers=params.get("webhook_headers") or {},
                                timeout=params["timeout"], verify=params["validate_certs"])
    except (requests.ConnectionError, requests.Timeout) as error:
        raise TransientError("webhook unreachable: %s" % type(error).__name__,
                             hint="check webhook_url and the network") from None
    if response.status_code == 429 or response.status_code >= 500:
        retry_after = response.headers.get("Retry-After")
        raise TransientError("webhook answered HTTP %d" % response.status_code,
                             retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None)
    if response.status_code >= 400:
        raise NotifyError("webhook rejected the notification with HTTP %d" % response.status_code,
                          hint="check webhook_url (a revoked or mistyped hook answers 4xx) and webhook_payload")
    return response.status_code


def post(params, payload, clock=None, session=None):
    import requests  # lazy

    session = session or requests.Session()
    try:
        status = retry_call(lambda: _post_once(session, params, payload), attempts=max(1, params["attempts"]),
                            backoff=Backoff(initial=1.0, factor=2.0, maximum=10.0), clock=clock)
    except RetriesExhaustedError as error:
        last = error.last_error
        raise NotifyError("%s (after %d attempts)" % (getattr(last, "message", last), error.attempts),
                          hint=getattr(last, "hint", None)) from None
    return {"sent": True, "status": status}
