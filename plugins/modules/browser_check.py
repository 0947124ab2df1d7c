#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: browser_check
short_description: Run the runbook's browser tests in a real Chromium (Playwright)
version_added: 1.0.0
description:
  - Drives a headless Chromium through Playwright for Python, step by step, the way a person checks a release in a
    browser. It opens pages, fills forms, clicks, expects a text, a selector or a URL, downloads a file and checks its type and
    size, uploads a file, types a TOTP code computed from a secret (RFC 6238), and waits for a mail in a local inbox.
  - It drives the system Chromium through C(executable_path) and downloads no browser. On Debian
    C(apt-get install chromium); elsewhere point O(executable_path) (or the E(FACTURINO_CHROMIUM) environment variable)
    at any Chromium or Chrome binary.
  - Every step's duration and a PNG screenshot land in O(results_dir); a failing step also leaves a Playwright trace
    there (open it with C(playwright show-trace FILE)). The trace holds the pages' content and the values typed into
    them, so it is written with mode 0600.
  - Passwords and TOTP secrets go in O(secrets) (no_log) and are named by steps; neither they nor the values read by
    C(capture) steps nor the TOTP codes appear in file names, error messages or the result. Elements read by
    C(capture) or filled by C(totp) are blacked out in later screenshots; add C(mask) selectors to hide more.
  - The module reports C(changed=false). What its steps create in the app (an invoice, a customer, a 2FA set-up) is
    verification data that O(cleanup) steps undo, whether the steps passed or failed; a second run repeats the same
    check.
  - Every step has a screenshot. A read-only step (an expectation, a capture, a download) on a page that did not
    move since the last screenshot (same address, same masks) shares that screenshot instead of taking another;
    the step that failed always gets its own.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: Validates every step and cleanup step and the secrets they name, reads O(recovery_file) when it exists
      and finds the browser; starts no browser, loads no page, writes and removes no file (neither O(results_dir)
      nor O(recovery_file)). The result lists the planned steps (RV(planned)) and whether a recovery file is pending.
options:
  base_url:
    description: URL relative step URLs are joined to, for example V(https://app.facturino.mk).
    type: str
    required: true
  steps:
    description:
      - The steps, run in order; the first failing step ends the run.
      - Every step has C(action) and may have C(name) (names the screenshot; default C(<action>-<n>)), C(timeout)
        (seconds, default O(timeout)) and C(mask) (selectors blacked out in its screenshot).
      - A step with C(if_url) runs only when the browser's address contains that text, one with C(if_selector) only
        when that selector matches the page right now (no waiting); otherwise it is reported skipped. Cleanup steps
        use them to undo only what is there.
      - V(goto) C(url); V(fill) C(selector) and C(value) or C(secret) (a key of O(secrets) or of a C(capture));
        V(click) C(selector) (with C(repeat=true), click the first match again and again until none is left, for
        example every delete button of the test records); V(check) C(selector) (a checkbox); V(select) C(selector) and C(value) or C(label);
        V(expect_text) C(text) and optional C(selector)
        (default C(body)); V(expect_selector) C(selector) and optional C(state) (attached, detached, visible, hidden);
        V(expect_url) C(url) (a substring of the address the browser must reach).
      - V(download) clicks C(selector) and expects a download; C(expect_type) (pdf, png, zip, gzip, any) is checked
        against the file's first bytes and C(min_bytes) against its size. An HTTP error page instead fails at once.
      - 'V(form) fills C(fields), a dict of selector to a value, to C({secret: NAME}), C({check: true}) (a checkbox) or
        C({label: TEXT}) (an option), then clicks C(submit) when given. One step, one screenshot, for the whole form.'
      - V(upload) sets C(file) (a path on the controller), or C(content) sent as a file named C(filename) (type
        C(mime_type), default text/plain), on the file input C(selector).
      - V(totp) fills C(selector) with the current RFC 6238 code of C(secret) (base32; C(digits) 6, C(period) 30,
        C(algorithm) sha1 by default). V(capture) reads C(selector)'s text (or C(attribute)) into the secret
        C(save_as), for example the key an authenticator set-up page shows.
      - V(new_context) closes the browser context and opens a new one with the saved cookies and storage, as a user
        who closes the browser and comes back.
      - V(wait_mail) waits for a message in the Maildir C(inbox) delivered since O(since) whose C(subject), C(to) and
        C(body) contain the given texts. It needs no browser.
    type: list
    elements: dict
    required: true
  cleanup:
    description:
      - Steps run after O(steps) whatever happened, also after a failed step (in a context with that step's cookies),
        to leave the app as the steps found it, for example switch 2FA off and delete the test records. They take the
        same actions and keys as O(steps) and may use the secrets O(steps) captured.
      - The first failing cleanup step ends the cleanup. It does not fail the task; RV(cleanup_ok) and RV(cleanup_msg)
        report it.
    type: list
    elements: dict
    default: []
  recovery_file:
    description:
      - A JSON file (mode 0600) where the values C(capture) steps read (for example the key of a 2FA set-up) are
        kept from the moment they are read until O(cleanup) passed (or, without cleanup steps, O(steps) passed); then
        it is removed.
      - When it exists at the start, its values are secrets the steps can use, so the cleanup of a run that died
        with 2FA on can still log in with a code and switch it off.
    type: path
  secrets:
    description: Named secret values the steps use (C(secret) of V(fill) and V(totp)). Never returned or logged.
    type: dict
    default: {}
  results_dir:
    description: Directory for the screenshots, the downloads, C(results-<first step>.json) (this result) and the trace of
      a failed step. Created when missing.
    type: path
    required: true
  executable_path:
    description: The Chromium binary. Default E(FACTURINO_CHROMIUM), else the first of C(chromium),
      C(chromium-browser), C(google-chrome) on E(PATH).
    type: path
  launch_args:
    description: Chromium command line flags.
    type: list
    elements: str
    default: [--headless, --no-sandbox, --disable-gpu, --disable-quic, --no-first-run, --disable-background-networking,
              --disable-component-update, --disable-sync]
  timeout:
    description: Seconds each step may take unless it sets its own C(timeout).
    type: float
    default: 10.0
  viewport:
    description: Page size in pixels (C(width), C(height)).
    type: dict
    default: {width: 1280, height: 800}
  screenshots:
    description: Take a screenshot after every step.
    type: bool
    default: true
  screenshot_format:
    description: V(png), or V(jpeg) (quality 70), which Chromium encodes in about half the time and a fifth of the size.
    type: str
    default: png
    choices: [png, jpeg]
  trace:
    description: Keep a Playwright trace of the context where a step failed (V(on_failure)), or record none (V(never)).
    type: str
    default: on_failure
    choices: [on_failure, never]
  since:
    description: Epoch seconds from which V(wait_mail) counts a message as new. Default the start of this task; pass
      RV(started_at) of an earlier task whose steps caused the mail.
    type: float
  fail_on_error:
    description: Fail the task when a step fails. With V(false) the task succeeds and RV(ok) says how the steps went.
    type: bool
    default: true
requirements:
  - playwright (Python package; no browser download needed)
  - a Chromium binary (Debian package chromium)
"""

EXAMPLES = r"""
- name: Log in, check the dashboard and the invoice PDF
  facturino.release.browser_check:
    base_url: https://app.facturino.mk
    results_dir: "{{ release_reports_dir }}/browser"
    secrets:
      admin_password: "{{ vault_admin_password }}"
    steps:
      - {name: login page, action: goto, url: /admin/login}
      - {name: logo, action: expect_selector, selector: 'img[alt="Facturino logo"]'}
      - {action: fill, selector: '#email', value: admin@facturino.mk}
      - {action: fill, selector: '#password', secret: admin_password}
      - {name: sign in, action: click, selector: 'button[type=submit]'}
      - {name: dashboard, action: expect_url, url: /admin/dashboard}
      - {name: invoice pdf, action: download, selector: 'a.invoice-pdf', expect_type: pdf, min_bytes: 1024}

- name: Log in with a two-factor code
  facturino.release.browser_check:
    base_url: https://app.facturino.mk
    results_dir: /tmp/browser-2fa
    secrets:
      totp_secret: "{{ vault_admin_totp_secret }}"
    steps:
      - {action: goto, url: /admin/two-factor-challenge}
      - {name: code, action: totp, selector: '#code', secret: totp_secret}
      - {action: click, selector: 'button[type=submit]'}
      - {action: expect_text, text: Dashboard}

- name: Use another Chromium and wait for the invoice e-mail in a local Maildir
  facturino.release.browser_check:
    base_url: http://127.0.0.1:8000
    results_dir: /tmp/browser-mail
    executable_path: /opt/google/chrome/chrome
    steps:
      - {name: invoice mail, action: wait_mail, inbox: /var/mail/facturino, subject: 'Invoice INV-', timeout: 20}
"""

RETURN = r"""
ok:
  description: Whether every step passed (null in check mode).
  returned: always
  type: bool
  sample: true
steps:
  description: One entry per step run, then per cleanup step run, with C(index), C(name), C(action), C(phase) (steps
    or cleanup), C(ok), C(duration_ms), C(screenshot) (path or null), C(screenshot_ms), C(detail) (the URL reached,
    the download's file, type and size, the mail's subject, ...), C(skipped) (why a conditional step did not run),
    C(error) for the failed step and C(console_errors) when the page logged errors.
  returned: always
  type: list
  elements: dict
  sample: [{"index": 1, "name": "login page", "action": "goto", "ok": true, "duration_ms": 182,
            "screenshot": "/srv/reports/browser/01-login-page.png", "detail": {"url": "https://app.facturino.mk/admin/login", "status": 200}}]
failed_step:
  description: Name of the step that failed, or null.
  returned: always
  type: str
  sample: invoice pdf
cleanup_ok:
  description: Whether every cleanup step passed (null without cleanup steps).
  returned: when steps ran
  type: bool
  sample: true
cleanup_failed_step:
  description: Name of the cleanup step that failed, or null.
  returned: when steps ran
  type: str
  sample: null
cleanup_msg:
  description: One line on the cleanup (which step failed and why, and whether the recovery file was kept).
  returned: when cleanup steps ran
  type: str
  sample: "13 cleanup steps passed"
recovery_file_removed:
  description: Whether O(recovery_file) was removed because the cleanup passed.
  returned: when steps ran
  type: bool
  sample: true
recovery_pending:
  description: Whether O(recovery_file) holds values of an interrupted run.
  returned: in check mode
  type: bool
  sample: false
timings:
  description: Where the time went, in C(launch_ms) (Playwright and Chromium start), C(steps_ms), C(screenshots_ms) and
    C(screenshots) (how many were taken; shared ones are not counted).
  returned: when steps ran
  type: dict
  sample: {"launch_ms": 610, "steps_ms": 5120, "screenshots_ms": 640, "screenshots": 27}
trace:
  description: Playwright trace of the failed step's browser context (mode 0600), or null.
  returned: always
  type: str
  sample: /srv/reports/browser/12-invoice-pdf-trace.zip
results_dir:
  description: Where the screenshots and downloads are.
  returned: always
  type: str
  sample: /srv/reports/browser
executable_path:
  description: The Chromium driven (null when only browser-free steps ran).
  returned: always
  type: str
  sample: /usr/bin/chromium
results_file:
  description: This result as JSON, C(results-<first step name>.json) in O(results_dir).
  returned: when steps ran
  type: str
  sample: /srv/reports/browser/results-login-page.json
started_at:
  description: Epoch seconds when the steps started (pass it as O(since) to a later V(wait_mail)).
  returned: when steps ran
  type: float
  sample: 1764844800.25
duration_ms:
  description: Time for all steps, browser start and screenshots included.
  returned: when steps ran
  type: int
  sample: 4210
planned:
  description: The steps that would run.
  returned: in check mode
  type: list
  elements: dict
  sample: [{"name": "login page", "action": "goto"}]
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: "17 browser steps passed in 4.2 s"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.browser.argspec import browser_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.browser.runner import run_browser_check
from ansible_collections.facturino.release.plugins.module_utils.browser.steps import needs_browser
from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module


def main():
    module = AnsibleModule(argument_spec=browser_argument_spec(), supports_check_mode=True)
    steps = module.params["steps"] or []
    if not module.check_mode and needs_browser([dict(s, action=s.get("action")) for s in steps if isinstance(s, dict)]):
        require_libraries(module, ("playwright", "playwright"))
    run_module(module, lambda mod: run_browser_check(mod.params, mod.check_mode))


if __name__ == "__main__":
    main()
