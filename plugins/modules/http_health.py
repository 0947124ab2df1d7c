#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: http_health
short_description: Post-deploy HTTP health checks and a monitoring window that can decide a rollback
version_added: 0.1.0
description:
  - Runs a list of HTTP checks concurrently (status, JMESPath assertions on JSON, body text and regex, latency,
    form login with CSRF) and, with O(retries), waits until they all pass, reporting how long that took.
  - With O(monitor), samples the checks for one bounded window instead and returns per-endpoint statistics
    (error rate, p50/p95/p99 latency, longest failure streak) and a RV(verdict) of V(healthy), V(degraded)
    or V(rollback) with the reasons as data. Long watches are a loop of windows in the playbook.
  - Read-only. It runs in check mode too, so health gates are never silently skipped, and RV(changed) is always false.
  - Latency is measured in milliseconds with microsecond resolution; connect time (TCP and TLS) and time to
    first byte are reported per check.
  - Header values, cookies, login credentials and passwords inside URLs are never returned; CSRF token values
    are blanked in body excerpts.
author:
  - Facturino release engineers (@facturino)
requirements:
  - requests
  - jmespath (for O(checks[].json))
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: The checks are sent in check mode as well; the module never changes anything.
options:
  checks:
    description:
      - The checks. Without O(monitor) they are the health gate; with O(monitor) they are the endpoints to sample.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name used in results and in O(monitor.endpoints). Defaults to the URL path (with query). Must be unique.
        type: str
      url:
        description:
          - Absolute http(s) URL, or a path joined to O(base_url).
        type: str
        required: true
      method:
        description: HTTP method.
        type: str
        default: GET
        choices: [GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS]
      headers:
        description:
          - Request headers. Their values are secret (never logged or returned).
        type: dict
      body:
        description:
          - Request body. A dict or list is sent as JSON.
        type: raw
      status:
        description: Accepted status code(s).
        type: list
        elements: int
        default: [200]
      json:
        description:
          - JMESPath assertions on the JSON body, each must be truthy, for example V(status == 'ok').
          - A failed assertion reports the actual values of the compared fields.
        type: list
        elements: str
        default: []
      contains:
        description: Strings the body must contain, for example V(alt="Facturino logo").
        type: list
        elements: str
        default: []
      regex:
        description: Python regular expressions the body must match (C(re.search)).
        type: list
        elements: str
        default: []
      max_latency_ms:
        description:
          - Fail the check when the request (including redirects and body) took longer, in ms.
          - Not applied to monitoring samples; there latency is judged by O(monitor.thresholds.p95_ms).
        type: float
      timeout:
        description: Seconds the whole request may take (connect, headers and body), more than 0.
        type: float
        default: 10.0
      validate_certs:
        description: Verify the server's TLS certificate.
        type: bool
        default: true
      follow_redirects:
        description: Follow redirects; when false a 3xx answer is the checked response.
        type: bool
        default: true
      login:
        description:
          - Form login before the request. The login page is fetched, its CSRF token (hidden field or
            C(csrf-token) meta tag) is posted with the credentials, and the session cookie is reused for the check.
          - Success is a redirect away from the login form. The check also fails when it is redirected back to it.
        type: dict
        suboptions:
          url:
            description: Login page URL, absolute or relative to the check URL.
            type: str
            required: true
          username:
            description: User name posted in O(checks[].login.username_field).
            type: str
            required: true
          password:
            description: Password (secret).
            type: str
            required: true
          username_field:
            description: Form field of the user name.
            type: str
            default: email
          password_field:
            description: Form field of the password.
            type: str
            default: password
          csrf_field:
            description: Form field of the CSRF token; an empty string posts without a token.
            type: str
            default: _token
          success_redirect:
            description: Text the post-login redirect location must contain, for example V(/admin/dashboard).
            type: str
          logout_url:
            description:
              - After a passing check, post the logout form found on the checked page (its CSRF token) to this URL,
                expect a redirect to the login form, and confirm the checked URL then sends back to the login form.
                The runbook's "Logout, returns to login page". The next attempt or sample logs in again.
            type: str
  base_url:
    description: Base URL for checks given as paths, for example the Railway service domain.
    type: str
  retries:
    description:
      - Extra rounds for failing checks (wait until healthy). Failing checks are retried together;
        passing ones are not sent again.
    type: int
    default: 0
  delay:
    description: Seconds before the first retry round.
    type: float
    default: 2.0
  backoff:
    description: Factor applied to the delay after each round.
    type: float
    default: 2.0
  max_delay:
    description: Upper bound of the delay between rounds, in seconds.
    type: float
    default: 30.0
  concurrency:
    description: How many checks run at the same time.
    type: int
    default: 8
  fail_on_unhealthy:
    description:
      - Fail the task when a gate check still fails after the retries. Every check result is kept in the failure.
      - Ignored with O(monitor); branch on RV(verdict) instead.
    type: bool
    default: true
  monitor:
    description:
      - Sample the checks for one window and judge it. The gate is not run; O(retries) does not apply.
      - In the window a sample fails on a transport error or a failed status, body or login assertion.
    type: dict
    suboptions:
      duration:
        description: Window length in seconds. Samples are due at 0, interval, 2*interval, ... before it.
        type: float
        required: true
      interval:
        description: Seconds between samples. A late sample (slow endpoint) is not made up for.
        type: float
        default: 5.0
      endpoints:
        description: Names of the checks to sample; all checks by default.
        type: list
        elements: str
      thresholds:
        description:
          - Limits judged at the end of the window. An impossible limit (one the window can never reach) is an error.
          - Set O(monitor.thresholds.error_rate_pct) or O(monitor.thresholds.p95_ms) to null to switch it off.
        type: dict
        suboptions:
          error_rate_pct:
            description:
              - Per endpoint, failed samples divided by samples over the whole window (cumulative, like Argo
                Rollouts C(failureLimit)). Breached when the rate is above it. The runbook's "error rate > 5%".
            type: float
            default: 5.0
          p95_ms:
            description:
              - Per endpoint, the nearest-rank 95th percentile latency of samples that got an HTTP answer.
                Breached when above it. The runbook's "response time > 5 seconds".
            type: float
            default: 5000.0
          consecutive_failures:
            description:
              - Per endpoint, the longest streak of failed samples in a row (like Argo Rollouts
                C(consecutiveErrorLimit)). Breached when it reaches this count.
              - Defaults to 3, or to the window's sample count when the window is shorter.
            type: int
          inaccessible_after:
            description:
              - App level, the longest stretch in which every sampled endpoint failed, in seconds. Each sample
                stands for the time until the next one. Breached when it reaches this value.
              - Defaults to 60, or to O(monitor.duration) when the window is shorter.
            type: float
      rollback_on:
        description:
          - Thresholds whose breach means V(rollback). A breach of any other threshold means V(degraded)
            (the runbook's "investigate, do not roll back" cases).
        type: list
        elements: str
        choices: [error_rate_pct, p95_ms, consecutive_failures, inaccessible_after]
        default: [error_rate_pct, inaccessible_after]
      windows:
        description:
          - Consecutive windows of O(monitor.duration) seconds in this one task, each judged on its own; the watch
            ends at the first V(rollback) window. Meant for a watch that runs in the background (C(async)) while
            other work goes on; in the foreground, loop over one-window tasks so that progress shows.
        type: int
        default: 1
      stop_file:
        description:
          - The watch ends early, before its next sample, once this file exists (RV(stopped) is then true). A release
            that fails while a background watch runs creates it, so the watch does not outlive the release.
        type: path
notes:
  - A bounded window is one task. Watch the runbook's first hour as a loop of windows (for example 12 windows of
    300 s) so that progress shows after each, and stop the loop on V(rollback); or as one background task with
    O(monitor.windows), collected with C(async_status).
seealso:
  - module: ansible.builtin.uri
"""

EXAMPLES = r"""
- name: Runbook post-deployment checks, waiting up to ~2 minutes for the new deployment
  facturino.release.http_health:
    base_url: "{{ app_url }}"
    retries: 6
    delay: 5
    checks:
      - name: root
        url: /
        method: HEAD
      - name: health
        url: /api/health
        json: ["status == 'ok'", "timestamp"]
      - name: auth_ping
        url: /api/v1/auth/ping
        json: ["message == 'pong'"]
      - name: login_page
        url: /admin/login
        contains: ['alt="Facturino logo"']
      - name: dashboard
        url: /admin/dashboard
        max_latency_ms: 3000
        login:
          url: /admin/login
          username: "{{ admin_email }}"
          password: "{{ admin_password }}"
          success_redirect: /admin/dashboard
          logout_url: /admin/logout
  register: health

- name: One 5-minute monitoring window
  facturino.release.http_health:
    base_url: "{{ app_url }}"
    checks:
      - {name: health, url: /api/health, json: ["status == 'ok'"]}
      - {name: auth_ping, url: /api/v1/auth/ping}
    monitor:
      duration: 300
      interval: 5
      thresholds:
        error_rate_pct: 5
        p95_ms: 5000
        consecutive_failures: 3
        inaccessible_after: 60
  register: window

- name: Roll back when the window says so
  ansible.builtin.include_role:
    name: facturino.release.rollback
  when: window.verdict == 'rollback'

- name: The first hour as 12 windows of 5 minutes, so progress shows after each window
  facturino.release.http_health:
    base_url: "{{ app_url }}"
    checks:
      - {name: health, url: /api/health, json: ["status == 'ok'"]}
    monitor:
      duration: 300
      interval: 10
  loop: "{{ range(12) | list }}"
  loop_control:
    label: "window {{ item + 1 }}/12"
  register: first_hour

- name: Any window that asked for a rollback
  ansible.builtin.set_fact:
    rollback_needed: "{{ first_hour.results | selectattr('verdict', 'equalto', 'rollback') | list | length > 0 }}"
"""

RETURN = r"""
changed:
  description: Always false; the module only reads.
  returned: always
  type: bool
  sample: false
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: "5/5 checks healthy after 2 attempt(s) in 5.021 s"
healthy:
  description: Whether every gate check passed.
  returned: without monitor
  type: bool
  sample: true
healthy_after_s:
  description: Seconds from the start until the last check passed; null when they never all passed.
  returned: without monitor
  type: float
  sample: 5.021
attempts:
  description: Rounds run (1 when everything passed at once).
  returned: without monitor
  type: int
  sample: 2
checks:
  description: One result per check, in the order given.
  returned: without monitor
  type: list
  elements: dict
  contains:
    name:
      description: Check name.
      type: str
      returned: always
      sample: health
    url:
      description: Resolved URL.
      type: str
      returned: always
      sample: https://app.example.com/api/health
    method:
      description: HTTP method.
      type: str
      returned: always
      sample: GET
    ok:
      description: Whether the last attempt passed.
      type: bool
      returned: always
      sample: true
    status:
      description: HTTP status of the last attempt; null on a transport error.
      type: int
      returned: always
      sample: 200
    latency_ms:
      description: Milliseconds for the request, redirects and body (microsecond resolution).
      type: float
      returned: always
      sample: 12.345
    connect_ms:
      description: Milliseconds for TCP connect and TLS handshake; null when a kept-alive connection was reused.
      type: float
      returned: always
      sample: 0.412
    ttfb_ms:
      description: Milliseconds until the response headers arrived (time to first byte).
      type: float
      returned: always
      sample: 11.9
    redirects:
      description: Redirects followed.
      type: int
      returned: always
      sample: 0
    final_url:
      description: URL of the final response.
      type: str
      returned: always
      sample: https://app.example.com/api/health
    attempts:
      description: How many times this check was sent.
      type: int
      returned: always
      sample: 1
    healthy_after_s:
      description: Seconds from the start until this check passed; null if it did not.
      type: float
      returned: always
      sample: 0.0
    failed_assertions:
      description:
        - Failed assertions with the expected and actual values (V(status), V(json), V(contains), V(regex),
          V(max_latency_ms), V(login), V(request)). Empty when the check passed.
      type: list
      elements: dict
      returned: always
      sample: [{"assertion": "json", "expression": "status == 'ok'", "result": false, "actual": {"status": "down"}}]
    error:
      description: Transport error (timeout, refused connection, TLS), null otherwise.
      type: str
      returned: always
      sample: "TLS: certificate verify failed: self-signed certificate"
    body_excerpt:
      description: The first 300 characters of the body, only when the check failed. Never headers.
      type: str
      returned: when the check failed and had a body
      sample: '{"status": "down"}'
    login:
      description:
        - The login step (C(ok), C(status), C(latency_ms), C(redirect) path, or C(reused_session)) and, with
          O(checks[].login.logout_url), C(logout) (C(ok), C(status), C(redirect)). Never the token or cookies.
      type: dict
      returned: when the check has a login
      sample: {"ok": true, "status": 302, "latency_ms": 35.2, "redirect": "/admin/dashboard",
               "logout": {"ok": true, "status": 302, "redirect": "/admin/login"}}
verdict:
  description: V(healthy), V(degraded) (investigate) or V(rollback), from the window's thresholds (the worst window's).
  returned: with monitor
  type: str
  sample: healthy
windows:
  description: Every window sampled, in order, each with C(index), C(verdict), C(verdict_reasons) and C(monitor) (as RV(monitor)).
  returned: with monitor
  type: list
  elements: dict
  sample: [{"index": 1, "verdict": "healthy", "verdict_reasons": [], "monitor": {"samples": 120, "errors": 0}}]
stopped:
  description: Whether the watch ended early because O(monitor.stop_file) appeared.
  returned: with monitor
  type: bool
  sample: false
verdict_reasons:
  description: Every breached threshold (threshold, endpoint or null for app level, limit, actual, comparison, action, message).
  returned: with monitor
  type: list
  elements: dict
  sample: [{"threshold": "error_rate_pct", "endpoint": "health", "limit": 5.0, "actual": 25.0, "comparison": ">",
            "action": "rollback", "message": "endpoint health: error_rate_pct 25.0 > 5.0"}]
monitor:
  description: The window's statistics (the last window's with O(monitor.windows) above 1).
  returned: with monitor
  type: dict
  contains:
    duration_s:
      description: Planned window length.
      type: float
      returned: always
      sample: 300.0
    interval_s:
      description: Planned interval.
      type: float
      returned: always
      sample: 5.0
    window_s:
      description: Window end used for durations (the planned end, or the last sample's start if later).
      type: float
      returned: always
      sample: 300.0
    ticks:
      description: Sampling rounds (each samples every endpoint once).
      type: int
      returned: always
      sample: 60
    samples:
      description: Samples over all endpoints.
      type: int
      returned: always
      sample: 120
    errors:
      description: Failed samples over all endpoints.
      type: int
      returned: always
      sample: 0
    error_rate_pct:
      description: Failed samples over all endpoints, in percent.
      type: float
      returned: always
      sample: 0.0
    inaccessible_s:
      description: Longest stretch in which every endpoint failed, in seconds.
      type: float
      returned: always
      sample: 0.0
    thresholds:
      description: The limits applied, after defaults.
      type: dict
      returned: always
      sample: {"error_rate_pct": 5.0, "p95_ms": 5000.0, "consecutive_failures": 3, "inaccessible_after": 60.0}
    rollback_on:
      description: Thresholds that mean rollback.
      type: list
      elements: str
      returned: always
      sample: [error_rate_pct, inaccessible_after]
    endpoints:
      description:
        - Per endpoint name, C(samples), C(errors), C(error_rate_pct), C(p50_ms), C(p95_ms), C(p99_ms), C(max_ms)
          (nearest-rank, over samples with an HTTP answer), C(max_consecutive_failures), C(inaccessible_s),
          C(status_counts) (by status code or error kind) and C(last_error).
      type: dict
      returned: always
      sample: {"health": {"samples": 60, "errors": 0, "error_rate_pct": 0.0, "p50_ms": 3.1, "p95_ms": 5.2, "p99_ms": 7.9,
               "max_ms": 7.9, "max_consecutive_failures": 0, "inaccessible_s": 0.0, "status_counts": {"200": 60},
               "last_error": null}}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module
from ansible_collections.facturino.release.plugins.module_utils.http.argspec import http_health_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.http.health import handle


def main():
    module = AnsibleModule(argument_spec=http_health_argument_spec(), supports_check_mode=True)
    require_libraries(module, ("requests", "requests"))
    if any(check.get("json") for check in module.params["checks"]):
        require_libraries(module, ("jmespath", "jmespath"))
    run_module(module, handle)


if __name__ == "__main__":
    main()
