# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument_spec of http_health (kept in step with the module's DOCUMENTATION)."""

from __future__ import annotations

import copy

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
THRESHOLD_NAMES = ["error_rate_pct", "p95_ms", "consecutive_failures", "inaccessible_after"]

LOGIN_SPEC = dict(
    url=dict(type="str", required=True),
    username=dict(type="str", required=True),
    password=dict(type="str", required=True, no_log=True),
    username_field=dict(type="str", default="email"),
    password_field=dict(type="str", default="password", no_log=False),
    csrf_field=dict(type="str", default="_token"),
    success_redirect=dict(type="str"),
    logout_url=dict(type="str"),
)

CHECK_SPEC = dict(
    name=dict(type="str"),
    url=dict(type="str", required=True),
    method=dict(type="str", default="GET", choices=METHODS),
    headers=dict(type="dict", no_log=True),
    body=dict(type="raw"),
    status=dict(type="list", elements="int", default=[200]),
    json=dict(type="list", elements="str", default=[]),
    contains=dict(type="list", elements="str", default=[]),
    regex=dict(type="list", elements="str", default=[]),
    max_latency_ms=dict(type="float"),
    timeout=dict(type="float", default=10.0),
    validate_certs=dict(type="bool", default=True),
    follow_redirects=dict(type="bool", default=True),
    login=dict(type="dict", options=LOGIN_SPEC),
)

THRESHOLDS_SPEC = dict(
    error_rate_pct=dict(type="float", default=5.0),
    p95_ms=dict(type="float", default=5000.0),
    consecutive_failures=dict(type="int"),
    inaccessible_after=dict(type="float"),
)

MONITOR_SPEC = dict(
    duration=dict(type="float", required=True),
    interval=dict(type="float", default=5.0),
    endpoints=dict(type="list", elements="str"),
    thresholds=dict(type="dict", options=THRESHOLDS_SPEC),
    rollback_on=dict(type="list", elements="str", choices=THRESHOLD_NAMES,
                     default=["error_rate_pct", "inaccessible_after"]),
    windows=dict(type="int", default=1),
    stop_file=dict(type="path"),
)


def http_health_argument_spec():
    return dict(
        checks=dict(type="list", elements="dict", required=True, options=copy.deepcopy(CHECK_SPEC)),
        base_url=dict(type="str"),
        retries=dict(type="int", default=0),
        delay=dict(type="float", default=2.0),
        backoff=dict(type="float", default=2.0),
        max_delay=dict(type="float", default=30.0),
        concurrency=dict(type="int", default=8),
        fail_on_unhealthy=dict(type="bool", default=True),
        monitor=dict(type="dict", options=copy.deepcopy(MONITOR_SPEC)),
    )
