# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Railway transport: auth headers, retries, the request budget and error mapping.

``RailwayClient.execute(document, variables)`` returns the GraphQL ``data``. Every HTTP attempt counts
against ``request_budget``; 429 (honouring ``Retry-After``), 5xx, Cloudflare HTML 403/429 pages and
connection errors are retried through ``common.retry.retry_call``. GraphQL errors (HTTP 200) become
``RailwayError``/``RailwayAuthError`` with a hint naming the fix.
"""

from __future__ import annotations

import email.utils
import json
import time

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    RailwayAuthError,
    RailwayError,
    RetriesExhaustedError,
    TransientError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, Clock, retry_call
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

DEFAULT_API_URL = "https://backboard.railway.com/graphql/v2"
TOKEN_TYPES = ("auto", "project", "account")
USER_AGENT = "facturino.release railway_deploy"


class RequestBudgetExceeded(RailwayError):
    """The task spent its request budget (stops runaway polling)."""


class AmbiguousRequestError(RailwayError):
    """The connection broke after a mutation was sent: Railway may or may not have applied it."""


def _requests():
    # lazy import: the module checks it with common.module.require_libraries
    import requests  # pylint: disable=import-outside-toplevel
    return requests


def backboard_url(api_url):
    """``https://host/graphql/v2`` -> ``https://host`` (the upload endpoint lives there)."""
    base = api_url.rstrip("/")
    for suffix in ("/graphql/v2", "/graphql"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def parse_retry_after(value, now=None):
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date); None when absent or unparsable."""
    if value is None or str(value).strip() == "":
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def _looks_html(response):
    ctype = (response.headers.get("Content-Type") or "").lower()
    head = (response.text or "")[:200].lstrip().lower()
    return "html" in ctype or head.startswith("<!doctype") or head.startswith("<html")


def _snippet(text, size=200):
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[:size] + "..."


def map_graphql_errors(errors, operation, token_type):
    """Turn a GraphQL ``errors`` list into the error to raise (message names the cause, hint the fix)."""
    first = errors[0] if errors and isinstance(errors[0], dict) else {"message": str(errors)}
    message = str(first.get("message") or "unknown error")
    lowered = message.lower()
    extra = {"graphql_errors": [str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors][:5]}
    if "project token not found" in lowered:
        return RailwayAuthError(
            "Railway rejected the project token in %s: project token not found" % operation,
            hint="set RAILWAY_TOKEN/token to a project token of this project and environment (Project Settings > "
                 "Tokens); if it is an account or workspace token, set token_type=account", **extra)
    if "two factor" in lowered or "2fa" in lowered:
        workspace = (first.get("extensions") or {}).get("workspaceName")
        return RailwayAuthError(
            "Railway answered '%s' to %s%s" % (message, operation, " (workspace %s)" % workspace if workspace else ""),
            hint="enable 2FA on the account that owns the token, or use a project token", **extra)
    if "not authorized" in lowered or "unauthorized" in lowered or "not authorised" in lowered:
        if token_type == "project":
            hint = ("a project token only works for its own project and environment; if this is an account or workspace "
                    "token, set token_type=account (RAILWAY_API_TOKEN)")
        else:
            hint = ("the account/workspace token must be valid and have access to this project; if this is a project "
                    "token, set token_type=project (RAILWAY_TOKEN)")
        return RailwayAuthError("Railway answered '%s' to %s (wrong token type, invalid token or missing scope)"
                                % (message, operation), hint=hint, **extra)
    if "project not found" in lowered:
        return RailwayError("Railway answered 'Project not found' to %s" % operation,
                            hint="check the project id/name and that the token can see that project", **extra)
    if "rate limit" in lowered or "too many requests" in lowered:
        return TransientError("Railway rate-limited %s: %s" % (operation, message), **extra)
    return RailwayError("Railway API error in %s: %s" % (operation, message), **extra)


class RailwayClient:
    """One task's connection to Railway's public GraphQL API."""

    def __init__(self, token, api_url=DEFAULT_API_URL, token_type="auto", timeout=30, request_budget=100,
                 attempts=5, validate_certs=True, clock=None, backoff=None, session=None, max_retry_after=120.0):
        if not token:
            raise RailwayAuthError("no Railway token was given",
                                   hint="set token, or RAILWAY_TOKEN (project token) / RAILWAY_API_TOKEN (account token)")
        if token_type not in TOKEN_TYPES:
            raise ValueError("token_type must be one of %s" % ", ".join(TOKEN_TYPES))
        self.token = token
        self.api_url = api_url
        self.token_type = token_type
        self.timeout = timeout
        self.request_budget = request_budget
        self.attempts = attempts
        self.validate_certs = validate_certs
        self.clock = clock or Clock()
        self.backoff = backoff or Backoff(initial=1.0, factor=2.0, maximum=20.0, jitter=True)
        self.max_retry_after = max_retry_after
        self._session = session
        self.requests_made = 0
        self.retry_log = []
        self.token_info = None
        self.auth_probe_error = None

    # -- auth ---------------------------------------------------------------------------------------------
    def headers(self, token_type=None):
        kind = token_type or self.token_type
        headers = {"User-Agent": USER_AGENT}
        if kind == "project":
            headers["Project-Access-Token"] = self.token
        else:
            headers["Authorization"] = "Bearer " + self.token
        return headers

    def authenticate(self):
        """Settle the token type; for a project token return its ``projectToken`` (project and environment)."""
        if self.token_type == "account":
            return None
        try:
            data = self.execute(documents.PROJECT_TOKEN, token_type="project")
        except RailwayAuthError as error:
            if self.token_type == "project":
                raise
            # auto: not a project token, so it goes in Authorization: Bearer from now on
            self.token_type = "account"
            self.auth_probe_error = error
            return None
        self.token_type = "project"
        self.token_info = data.get("projectToken") or {}
        return self.token_info

    # -- HTTP ---------------------------------------------------------------------------------------------
    def session(self):
        if self._session is None:
            self._session = _requests().Session()
        return self._session

    def _attempt(self, url, operation, idempotent, headers, json_body=None, data=None):
        if self.requests_made >= self.request_budget:
            raise RequestBudgetExceeded(
                "request budget of %d Railway API requests used up before %s" % (self.request_budget, operation),
                hint="raise request_budget, or lower wait_timeout / raise poll_interval_max to poll less often",
                api_requests=self.requests_made)
        self.requests_made += 1
        requests = _requests()
        try:
            response = self.session().post(url, json=json_body, data=data, headers=headers, timeout=self.timeout,
                                           verify=self.validate_certs)
        except requests.exceptions.ConnectTimeout as error:
            raise TransientError("connecting to %s timed out during %s: %s" % (url, operation, error))
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError) as error:
            if idempotent or _never_sent(error):
                raise TransientError("connection to %s failed during %s: %s" % (url, operation, _snippet(str(error))))
            raise AmbiguousRequestError(
                "the connection to Railway broke after %s was sent, so it may or may not have been applied: %s"
                % (operation, _snippet(str(error))), hint="check the service's deployments before retrying")
        return self._check_status(response, operation)

    def _check_status(self, response, operation):
        status = response.status_code
        if status == 429:
            raise TransientError("Railway rate-limited %s (HTTP 429)" % operation,
                                 retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status in (403, 429) and _looks_html(response):
            raise TransientError("Cloudflare answered HTTP %d with an HTML page ('Access denied') to %s"
                                 % (status, operation),
                                 retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status >= 500:
            raise TransientError("Railway answered HTTP %d to %s: %s" % (status, operation, _snippet(response.text)))
        return response

    def _call(self, func, operation):
        def on_retry(attempt, error, delay):
            self.retry_log.append({"operation": operation, "attempt": attempt, "error": str(error),
                                   "delay_s": round(delay, 2)})
        try:
            return retry_call(func, attempts=self.attempts, backoff=self.backoff, clock=self.clock,
                              on_retry=on_retry, max_retry_after=self.max_retry_after)
        except RetriesExhaustedError as error:
            raise RailwayError(
                "Railway kept failing %s: %d attempts, last error: %s" % (operation, error.attempts, error.last_error),
                hint="Railway or the network is unhealthy or rate-limiting this token; retry later, or raise retries",
                api_requests=self.requests_made)

    def execute(self, document, variables=None, idempotent=True, token_type=None):
        """POST one GraphQL document; return its ``data`` dict. Mutations that must not repeat pass idempotent=False."""
        operation = documents.operation_name(document) or "a GraphQL request"
        body = {"query": document, "variables": variables or {}, "operationName": operation}
        headers = self.headers(token_type)
        headers["Content-Type"] = "application/json"

        def once():
            response = self._attempt(self.api_url, operation, idempotent, headers, json_body=body)
            return self._graphql_data(response, operation, token_type or self.token_type)

        return self._call(once, operation)

    def _graphql_data(self, response, operation, token_type):
        try:
            payload = response.json()
        except ValueError:
            if response.status_code >= 400:
                raise RailwayError("Railway answered HTTP %d to %s: %s"
                                   % (response.status_code, operation, _snippet(response.text)))
            raise TransientError("Railway answered %s with a non-JSON body: %s" % (operation, _snippet(response.text)))
        if not isinstance(payload, dict):
            raise RailwayError("Railway answered %s with unexpected JSON: %s" % (operation, _snippet(json.dumps(payload))))
        if payload.get("errors"):
            error = map_graphql_errors(payload["errors"], operation, token_type)
            if isinstance(error, RailwayAuthError) and self.auth_probe_error is not None:
                error.hint = ("check the token: Railway rejected it as a project token (%s) and as an account token"
                              % self.auth_probe_error.message)
            raise error
        if response.status_code >= 400:
            error = RailwayAuthError if response.status_code in (401, 403) else RailwayError
            raise error("Railway answered HTTP %d to %s: %s" % (response.status_code, operation, _snippet(response.text)))
        data = payload.get("data")
        if not isinstance(data, dict):
            raise RailwayError("Railway answered %s without data" % operation)
        return data

    def upload(self, project_id, environment_id, service_id, body, message=None):
        """POST a gzip tarball to the ``railway up`` endpoint; return its JSON (``deploymentId``...)."""
        requests = _requests()
        quote = requests.utils.quote
        url = "%s/project/%s/environment/%s/up" % (backboard_url(self.api_url), quote(project_id, safe=""),
                                                   quote(environment_id, safe=""))
        params = "serviceId=" + quote(service_id or "", safe="")
        if message:
            params += "&message=" + quote(message, safe="")
        headers = self.headers()
        headers["Content-Type"] = "application/gzip"

        def once():
            response = self._attempt(url + "?" + params, "upload", False, headers, data=body)
            if response.status_code == 413:
                raise RailwayError("Railway refused the upload as too large (HTTP 413): %s" % _snippet(response.text),
                                   hint="exclude build output and large files with .railwayignore, or deploy a commit_sha")
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if response.status_code in (401, 403):
                raise RailwayAuthError("Railway refused the upload (HTTP %d): %s"
                                       % (response.status_code, _snippet(response.text)),
                                       hint="the token needs access to this project and environment")
            if response.status_code != 200 or not isinstance(payload, dict) or not payload.get("deploymentId"):
                detail = payload.get("message") if isinstance(payload, dict) else response.text
                raise RailwayError("Railway refused the upload (HTTP %d): %s" % (response.status_code, _snippet(detail)))
            return payload

        return self._call(once, "upload")


def _never_sent(error):
    """True when the connection failed before the request went out (refused, DNS), so a retry cannot double-apply."""
    text = repr(error)
    return "NewConnectionError" in text or "Failed to establish a new connection" in text or "NameResolution" in text
