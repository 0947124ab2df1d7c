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

import json
import re
import urllib.parse

from ansible_collections.facturino.release.plugins.module_utils.common import http
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    AmbiguousRequestError,
    BadAnswerError,
    HttpError,
    RailwayAuthError,
    RailwayError,
    RequestBudgetExceeded,
    RetriesExhaustedError,
    TransientError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, Clock, retry_call
from ansible_collections.facturino.release.plugins.module_utils.railway import documents

parse_retry_after = http.parse_retry_after

DEFAULT_API_URL = "https://backboard.railway.com/graphql/v2"
TOKEN_TYPES = ("auto", "project", "account")
USER_AGENT = "facturino.release railway_deploy"


def backboard_url(api_url):
    """``https://host/graphql/v2`` -> ``https://host`` (the upload endpoint lives there)."""
    base = api_url.rstrip("/")
    for suffix in ("/graphql/v2", "/graphql"):
        if base.endswith(suffix):
            return base[: -len(suffix)]
    return base


def _looks_html(response):
    return response.looks_html()


def _snippet(text, size=200):
    return http.snippet(text, size)


MAX_ANSWER_BYTES = 8 * 1024 * 1024


_TOKEN = re.compile(r"\.\.\.\s*(?:on\s+)?[A-Za-z_]\w*|[A-Za-z_]\w*|[{}():]|\$?[^\s{}():]+")
_SHAPES = {}


def selection_shape(document):
    """The shape a document asks for: ``{field: sub-shape or None (a scalar)}`` for its operation, fragments
    spread in. Railway's ``data`` is checked against it before any wing reads it."""
    if document in _SHAPES:
        return _SHAPES[document]
    tokens = _TOKEN.findall(document)
    fragments, operation = {}, None
    pos = 0

    def parse_set(pos):
        # tokens[pos] == "{"; returns (fields, spreads, next position)
        fields, spreads, pos, last = {}, [], pos + 1, None
        while pos < len(tokens) and tokens[pos] != "}":
            tok = tokens[pos]
            if tok == "(":
                depth = 0
                while pos < len(tokens):
                    depth += {"(": 1, ")": -1}.get(tokens[pos], 0)
                    pos += 1
                    if depth == 0:
                        break
                continue
            if tok.startswith("..."):
                spreads.append(tok[3:].strip())
            elif tok == "{":
                sub, sub_spreads, pos = parse_set(pos)
                fields[last] = (sub, sub_spreads)
                continue
            else:
                last = tok
                fields[last] = None
                if pos + 1 < len(tokens) and tokens[pos + 1] == ":":
                    pos += 2  # an alias: the key stays the alias, the field name after ':' is skipped
            pos += 1
        return fields, spreads, pos + 1

    while pos < len(tokens):
        tok = tokens[pos]
        if tok == "fragment":
            name = tokens[pos + 1]
            while tokens[pos] != "{":
                pos += 1
            fields, spreads, pos = parse_set(pos)
            fragments[name] = (fields, spreads)
        elif tok == "{":
            fields, spreads, pos = parse_set(pos)
            operation = (fields, spreads)
        else:
            pos += 1

    def resolve(node):
        fields, spreads = node
        out = {}
        for name in spreads:
            if name in fragments:
                out.update(resolve(fragments[name]))
        for name, sub in fields.items():
            out[name] = resolve(sub) if sub is not None else None
        return out

    shape = resolve(operation) if operation else {}
    _SHAPES[document] = shape
    return shape


def check_data_shape(data, shape, operation, path=""):
    """Raise ``RailwayError`` naming the field when ``data`` does not have the shape the document asked for."""
    if not isinstance(data, dict):
        raise _shape_error(operation, path or "data", "an object", data)
    for name, sub in shape.items():
        where = "%s.%s" % (path, name) if path else name
        if name not in data:
            if not path:
                raise RailwayError("Railway answered %s without the field '%s' it asked for" % (operation, where),
                                   hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")
            continue
        value = data[name]
        if sub is None or value is None:
            continue
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is not None:
                    check_data_shape(item, sub, operation, "%s[%d]" % (where, index))
        elif isinstance(value, dict):
            check_data_shape(value, sub, operation, where)
        else:
            raise _shape_error(operation, where, "an object", value)
    return data


def _shape_error(operation, where, expected, value):
    return RailwayError("Railway answered %s with %s where %s belongs at '%s'"
                        % (operation, type(value).__name__ if value is not None else "null", expected, where),
                        hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")


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
            self._session = http.new_session(validate_certs=self.validate_certs)
        return self._session

    def _attempt(self, url, operation, idempotent, headers, json_body=None, data=None):
        if self.requests_made >= self.request_budget:
            raise RequestBudgetExceeded(
                "request budget of %d Railway API requests used up before %s" % (self.request_budget, operation),
                hint="raise request_budget, or lower wait_timeout / raise poll_interval_max to poll less often",
                api_requests=self.requests_made)
        self.requests_made += 1
        try:
            response = http.exchange(self.session(), "POST", url, self.timeout, headers=headers, json_body=json_body,
                                     data=data, max_body=MAX_ANSWER_BYTES, server="Railway (%s)" % self.api_url)
        except HttpError as error:
            if error.kind == "too_large":
                raise RailwayError("%s during %s" % (error.message, operation), hint=error.hint)
            if idempotent or error.never_sent:
                raise TransientError("%s during %s" % (error.message, operation), hint=error.hint)
            raise AmbiguousRequestError(
                "the connection to Railway broke after %s was sent, so it may or may not have been applied: %s"
                % (operation, error.message), hint="check the service's deployments before retrying")
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
            return self._graphql_data(response, operation, token_type or self.token_type, document)

        return self._call(once, operation)

    def _graphql_data(self, response, operation, token_type, document=""):
        try:
            payload = response.json()
        except (ValueError, BadAnswerError):
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
            raise RailwayError("Railway answered %s without data" % operation if data is None else
                               "Railway answered %s with 'data' of type %s where an object belongs"
                               % (operation, type(data).__name__),
                               hint="check api_url points at Railway's GraphQL API (or a faithful proxy of it)")
        return check_data_shape(data, selection_shape(document), operation)

    def upload(self, project_id, environment_id, service_id, body, message=None):
        """POST a gzip tarball to the ``railway up`` endpoint; return its JSON (``deploymentId``...)."""
        quote = urllib.parse.quote
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
            except (ValueError, BadAnswerError):
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
