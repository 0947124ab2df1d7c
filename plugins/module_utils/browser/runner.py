# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs browser_check steps in a real Chromium through Playwright (sync API).

Every step gets its timing and, when the page is open, a PNG screenshot; a failing step leaves a Playwright trace.
Secret values (the ``secrets`` option and what ``capture`` steps read) never reach a file name or the result:
error texts are scrubbed, captured and masked elements are blacked out in screenshots.
"""

from __future__ import annotations

import base64
import json
import os
import time

from ansible_collections.facturino.release.plugins.module_utils.browser import mailbox
from ansible_collections.facturino.release.plugins.module_utils.browser.steps import (
    BROWSER_FREE,
    READ_ONLY,
    REPEAT_LIMIT,
    Scrubber,
    captured_names,
    check_magic,
    find_chromium,
    join_url,
    needs_browser,
    normalize_steps,
    slug,
)
from ansible_collections.facturino.release.plugins.module_utils.browser.totp import decode_base32_secret, seconds_left, totp
from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    BrowserCheckError,
    FacturinoError,
    InvalidInputError,
    MissingDependencyError,
    WaitTimeoutError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.fileio import atomic_write
from ansible_collections.facturino.release.plugins.module_utils.common.validate import (
    check_count,
    check_number,
    check_path,
    check_timeout,
    check_url,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, Clock, wait_until


MASK_JS = """(selectors) => {
  let count = 0;
  for (const selector of selectors) {
    for (const el of document.querySelectorAll(selector)) {
      const r = el.getBoundingClientRect();
      const box = document.createElement('div');
      box.setAttribute('data-facturino-mask', '');
      box.style.cssText = `position:fixed;left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px;`
        + 'background:#000;z-index:2147483647;pointer-events:none';
      document.documentElement.appendChild(box);
      count++;
    }
  }
  return count;
}"""
UNMASK_JS = "() => document.querySelectorAll('[data-facturino-mask]').forEach((el) => el.remove())"


class StepFailed(Exception):
    """A step did not meet its expectation; the message is shown to the user (after scrubbing)."""


class Session:
    """One Chromium, one context and one page at a time; started lazily by the first browser step."""

    def __init__(self, params, executable):
        self.params = params
        self.executable = executable
        self.playwright = None
        self.browser = None
        self.context = None
        self.page = None
        self.cdp = None
        self.console_errors = []
        self.failed_responses = []
        self.downloads = []
        self.launch_ms = 0

    def start(self, storage_state=None):
        if self.page is not None:
            return
        if self.browser is not None:
            self.open_context(storage_state=storage_state)  # after a failed step's trace closed the context
            return
        from playwright.sync_api import Error as PlaywrightError, sync_playwright  # lazy: sanity imports run without it
        started = time.monotonic()
        self.playwright = sync_playwright().start()
        try:
            self.browser = self.playwright.chromium.launch(executable_path=self.executable,
                                                           args=list(self.params["launch_args"]), headless=True)
        except PlaywrightError as error:
            raise MissingDependencyError("Chromium %s did not start: %s" % (self.executable, str(error).splitlines()[0]),
                                         hint="check that the binary runs (`%s --headless --version`) or set "
                                              "executable_path to another Chromium" % self.executable)
        self.open_context(storage_state=storage_state)
        self.launch_ms = int((time.monotonic() - started) * 1000)

    def open_context(self, storage_state=None):
        self.context = self.browser.new_context(viewport=self.params["viewport"], accept_downloads=True,
                                                storage_state=storage_state)
        self.context.set_default_timeout(self.params["timeout"] * 1000)
        if self.params["trace"] == "on_failure":
            self.context.tracing.start(snapshots=True, screenshots=False, sources=False)
        self.page = self.context.new_page()
        self.cdp = None
        self.page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("download", self._on_download)
        self.page.on("response", self._on_response)

    def capture(self, masks, image_format="png"):
        """A PNG or JPEG of the viewport with every element matching ``masks`` covered by a black box.

        Chromium's own capture with ``optimizeForSpeed`` (a faster encoder) takes half the time of Playwright's
        screenshot, which matters at one screenshot per step; a JPEG is faster still and a fifth of the size.
        """
        if self.cdp is None:
            self.cdp = self.context.new_cdp_session(self.page)
        covered = 0
        if masks:
            covered = self.page.evaluate(MASK_JS, masks)
        try:
            options = {"format": image_format, "optimizeForSpeed": True}
            if image_format == "jpeg":
                options["quality"] = 70
            shot = self.cdp.send("Page.captureScreenshot", options)
        finally:
            if covered:
                self.page.evaluate(UNMASK_JS)
        return base64.b64decode(shot["data"])

    def _on_download(self, download):
        self.downloads.append(download)

    def _on_response(self, response):
        if response.status >= 400 and response.request.is_navigation_request():
            self.failed_responses.append((response.status, response.url))

    def reopen(self):
        """A new context with the saved cookies and storage, as a browser reopened by the user."""
        state = self.context.storage_state()
        self.close_context(trace_path=None)
        self.open_context(storage_state=state)
        return len(state.get("cookies", []))

    def close_context(self, trace_path=None, keep_state=False):
        """Close the context (saving the trace when asked); with keep_state, return its cookies and storage."""
        if self.context is None:
            return None
        state = None
        try:
            if keep_state:
                try:
                    state = self.context.storage_state()
                except Exception:  # pylint: disable=broad-except
                    state = None  # a crashed page: the cleanup starts from a fresh context
            if self.params["trace"] == "on_failure":
                if trace_path:
                    self.context.tracing.stop(path=trace_path)
                    os.chmod(trace_path, 0o600)
                else:
                    self.context.tracing.stop()
        finally:
            self.context.close()
            self.context = None
            self.page = None
            self.cdp = None
        return state

    def close(self):
        try:
            self.close_context()
        finally:
            if self.browser is not None:
                self.browser.close()
            if self.playwright is not None:
                self.playwright.stop()


class StepRunner:
    def __init__(self, params, session, secrets, scrub, results_dir, since, clock, recovery=None):
        self.params = params
        self.session = session
        self.secrets = secrets
        self.scrub = scrub
        self.results_dir = results_dir
        self.since = since
        self.clock = clock
        self.recovery = recovery
        self.masked = []
        self.last_shot = None  # (url, masks, path) of the last screenshot, shared by read-only steps
        self.screenshots_taken = 0
        self.resume_state = None  # cookies of a context closed for a trace, for the cleanup

    def timeout_ms(self, step):
        return float(step.get("timeout", self.params["timeout"])) * 1000

    def skip_reason(self, step):
        """Why a conditional step does not run (its if_url or if_selector does not hold right now), or None."""
        if "if_url" not in step and "if_selector" not in step:
            return None
        if self.page is None:
            self.session.start(storage_state=self.resume_state)
        if "if_url" in step and step["if_url"] not in self.page.url:
            return "the browser is at %s, not %s" % (self.page.url, step["if_url"])
        if "if_selector" in step and self.page.locator(step["if_selector"]).count() == 0:
            return "nothing on %s matches %s" % (self.page.url, step["if_selector"])
        return None

    def run(self, step, index):
        action = step["action"]
        if action != "wait_mail":
            self.session.start(storage_state=self.resume_state)
        handler = getattr(self, "do_" + action)
        return handler(step, index) or {}

    def secret(self, name):
        if name not in self.secrets:
            raise StepFailed("the secret %r is unknown: no step captured it in this run and no recovery file holds it" % name)
        return self.secrets[name]

    @property
    def page(self):
        return self.session.page

    def do_goto(self, step, _index):
        url = join_url(self.params["base_url"], step["url"])
        response = self.page.goto(url, wait_until="load", timeout=self.timeout_ms(step))
        status = response.status if response is not None else None
        if status is not None and status >= 400:
            raise StepFailed("%s answered HTTP %s" % (url, status))
        return {"url": self.page.url, "status": status}

    def do_fill(self, step, _index):
        value = self.secret(step["secret"]) if "secret" in step else str(step["value"])
        self.page.locator(step["selector"]).first.fill(str(value), timeout=self.timeout_ms(step))
        return {"selector": step["selector"], "secret": step.get("secret")} if "secret" in step else {"selector": step["selector"]}

    def do_click(self, step, _index):
        if not step.get("repeat"):
            self._click(step["selector"], step)
            return {"url": self.page.url}
        # click the first match until none is left (each click may load a new page), e.g. every delete button
        clicks = 0
        while self.page.locator(step["selector"]).count() > 0:
            if clicks >= REPEAT_LIMIT:
                raise StepFailed("%s still matches after %d clicks" % (step["selector"], clicks))
            self._click(step["selector"], step)
            clicks += 1
        return {"url": self.page.url, "clicks": clicks}

    def _click(self, selector, step):
        self.page.locator(selector).first.click(timeout=self.timeout_ms(step))
        self.page.wait_for_load_state("load", timeout=self.timeout_ms(step))
        self._raise_on_failed_navigation()

    def do_form(self, step, _index):
        """Fill a whole form in one step (values, secrets, checkboxes, options), then click ``submit``."""
        timeout = self.timeout_ms(step)
        filled = []
        for selector, value in step["fields"].items():
            locator = self.page.locator(selector).first
            if not isinstance(value, dict):
                locator.fill(str(value), timeout=timeout)
            elif "secret" in value:
                locator.fill(str(self.secret(value["secret"])), timeout=timeout)
            elif "check" in value:
                if value["check"]:
                    locator.check(timeout=timeout)
                else:
                    locator.uncheck(timeout=timeout)
            elif "label" in value:
                locator.select_option(label=str(value["label"]), timeout=timeout)
            else:
                locator.fill(str(value["value"]), timeout=timeout)
            filled.append(selector)
        detail = {"fields": filled}
        if step.get("submit"):
            self.page.locator(step["submit"]).first.click(timeout=timeout)
            self.page.wait_for_load_state("load", timeout=timeout)
            self._raise_on_failed_navigation()
            detail["url"] = self.page.url
        return detail

    def do_check(self, step, _index):
        self.page.locator(step["selector"]).first.check(timeout=self.timeout_ms(step))
        return {}

    def do_select(self, step, _index):
        locator = self.page.locator(step["selector"]).first
        if "label" in step:
            chosen = locator.select_option(label=str(step["label"]), timeout=self.timeout_ms(step))
        else:
            chosen = locator.select_option(value=str(step["value"]), timeout=self.timeout_ms(step))
        return {"selected": chosen}

    def do_expect_text(self, step, _index):
        selector = step.get("selector") or "body"
        locator = self.page.locator(selector).filter(has_text=str(step["text"])).first
        try:
            locator.wait_for(state="attached", timeout=self.timeout_ms(step))
        except Exception as error:  # playwright's TimeoutError; named lazily
            if type(error).__name__ != "TimeoutError":
                raise
            raise StepFailed("expected the text %r in %s within %.0f s; the page %s shows: %s"
                             % (step["text"], selector, self.timeout_ms(step) / 1000, self.page.url, self._page_text()))
        return {"url": self.page.url}

    def do_expect_selector(self, step, _index):
        state = step.get("state", "visible")
        try:
            self.page.locator(step["selector"]).first.wait_for(state=state, timeout=self.timeout_ms(step))
        except Exception as error:
            if type(error).__name__ != "TimeoutError":
                raise
            raise StepFailed("%s did not become %s within %.0f s on %s; the page shows: %s"
                             % (step["selector"], state, self.timeout_ms(step) / 1000, self.page.url, self._page_text()))
        return {"url": self.page.url}

    def do_expect_url(self, step, _index):
        wanted = step["url"]
        try:
            self.page.wait_for_url(lambda url: wanted in url, timeout=self.timeout_ms(step))
        except Exception as error:
            if type(error).__name__ != "TimeoutError":
                raise
            raise StepFailed("expected a URL containing %r; the browser is at %s" % (wanted, self.page.url))
        return {"url": self.page.url}

    def do_download(self, step, index):
        kind = step.get("expect_type", "any")
        min_bytes = int(step.get("min_bytes", 1))
        self.session.downloads[:] = []
        self.session.failed_responses[:] = []
        self.page.locator(step["selector"]).first.click(timeout=self.timeout_ms(step))
        deadline = self.clock.monotonic() + self.timeout_ms(step) / 1000
        # the page's event loop runs only inside Playwright calls: wait in short slices for either outcome
        while not self.session.downloads:
            self._raise_on_failed_navigation("instead of a %s download" % kind)
            if self.clock.monotonic() >= deadline:
                raise StepFailed("no download started within %.0f s after clicking %s (the browser is at %s)"
                                 % (self.timeout_ms(step) / 1000, step["selector"], self.page.url))
            self.page.wait_for_timeout(50)
        download = self.session.downloads[0]
        failure = download.failure()
        if failure:
            raise StepFailed("the download of %s failed: %s" % (download.url, failure))
        suggested = download.suggested_filename or "download"
        ext = os.path.splitext(suggested)[1][:8]
        target_dir = os.path.join(self.results_dir, "downloads")
        os.makedirs(target_dir, mode=0o750, exist_ok=True)
        target = os.path.join(target_dir, "%02d-%s%s" % (index, slug(step["name"]), slug(ext) and "." + slug(ext)))
        download.save_as(target)
        size = os.path.getsize(target)
        with open(target, "rb") as handle:
            head = handle.read(16)
        detail = {"file": target, "suggested_filename": suggested, "bytes": size, "type": kind,
                  "magic_ok": check_magic(head, kind)}
        if not detail["magic_ok"]:
            raise StepFailed("the download %s is not a %s file (it starts with %r)" % (suggested, kind, head[:8]), detail)
        if size < min_bytes:
            raise StepFailed("the download %s has %d bytes, fewer than min_bytes %d" % (suggested, size, min_bytes), detail)
        return detail

    def do_upload(self, step, _index):
        locator = self.page.locator(step["selector"]).first
        if "content" in step:
            data = str(step["content"]).encode("utf-8")
            payload = {"name": step["filename"], "mimeType": step.get("mime_type") or "text/plain", "buffer": data}
            locator.set_input_files(payload, timeout=self.timeout_ms(step))
            return {"file": step["filename"], "bytes": len(data)}
        locator.set_input_files(step["file"], timeout=self.timeout_ms(step))
        return {"file": os.path.basename(step["file"]), "bytes": os.path.getsize(step["file"])}

    def do_totp(self, step, _index):
        key = decode_base32_secret(self.secret(step["secret"]))
        period = int(step.get("period", 30))
        now = time.time()
        if seconds_left(now, period) < 1.5:
            # a code typed in the last instant of its window may reach the server in the next one
            self.clock.sleep(seconds_left(now, period) + 0.05)
            now = time.time()
        code = totp(key, now, period=period, digits=int(step.get("digits", 6)), algorithm=step.get("algorithm", "sha1"))
        self.scrub.add(code)
        self.masked.append(step["selector"])
        self.page.locator(step["selector"]).first.fill(code, timeout=self.timeout_ms(step))
        return {"selector": step["selector"], "secret": step["secret"], "seconds_left": round(seconds_left(now, period), 1)}

    def do_capture(self, step, _index):
        locator = self.page.locator(step["selector"]).first
        if step.get("attribute"):
            value = locator.get_attribute(step["attribute"], timeout=self.timeout_ms(step))
        else:
            value = locator.inner_text(timeout=self.timeout_ms(step))
        value = (value or "").strip()
        if not value:
            raise StepFailed("%s is empty: nothing to capture as %s" % (step["selector"], step["save_as"]))
        self.secrets[step["save_as"]] = value
        self.scrub.add(value)
        self.masked.append(step["selector"])
        if self.recovery is not None:
            self.recovery.keep(step["save_as"], value)
        return {"captured": step["save_as"], "chars": len(value)}

    def do_new_context(self, _step, _index):
        return {"cookies": self.session.reopen()}

    def do_wait_mail(self, step, _index):
        def poll():
            return mailbox.find_message(step["inbox"], since=self.since, subject=step.get("subject"),
                                        to=step.get("to"), body=step.get("body"))
        try:
            message, elapsed, _polls = wait_until(poll, lambda found: found is not None, self.timeout_ms(step) / 1000,
                                                  backoff=Backoff(initial=0.05, factor=1.5, maximum=0.2), clock=self.clock)
        except WaitTimeoutError:
            raise StepFailed("no mail matching subject=%r to=%r arrived in %s within %.0f s"
                             % (step.get("subject"), step.get("to"), step["inbox"], self.timeout_ms(step) / 1000))
        return dict(message, waited_s=round(elapsed, 2))

    def _raise_on_failed_navigation(self, what=""):
        if self.session.failed_responses:
            status, url = self.session.failed_responses[0]
            self.session.failed_responses[:] = []
            raise StepFailed("%s answered HTTP %s%s" % (url, status, " " + what if what else ""))

    def _page_text(self, limit=200):
        try:
            text = " ".join(self.page.locator("body").inner_text(timeout=1000).split())
        except Exception:  # pylint: disable=broad-except
            return "(no readable page)"
        return text[:limit] + ("..." if len(text) > limit else "")

    def screenshot(self, step, index, failed=False):
        """The step's screenshot; a read-only step on an unchanged page shares the previous one."""
        if not self.params["screenshots"] or self.page is None or step["action"] in BROWSER_FREE:
            return None
        masks = self.masked + list(step.get("mask") or [])
        try:
            url = self.page.url
        except Exception:  # pylint: disable=broad-except
            url = None
        if (not failed and step["action"] in READ_ONLY and self.last_shot is not None
                and self.last_shot[:2] == (url, sorted(masks))):
            return self.last_shot[2]
        image_format = self.params.get("screenshot_format") or "png"
        suffix = "jpg" if image_format == "jpeg" else "png"
        name = "%02d-%s%s.%s" % (index, slug(step["name"]), "-failed" if failed else "", suffix)
        path = os.path.join(self.results_dir, name)
        try:
            data = self.session.capture(masks, image_format)
        except Exception:  # pylint: disable=broad-except
            return None  # a page that cannot be drawn must not hide the step's own outcome
        atomic_write(path, data, mode=0o644)
        self.screenshots_taken += 1
        self.last_shot = (url, sorted(masks), path)
        return path


class RecoveryFile:
    """Captured values the cleanup needs (the key of a 2FA set-up), kept in a 0600 file until the cleanup passed.

    A run that dies between switching 2FA on and off leaves the file; the next run reads it and its cleanup can
    still log in with a code and switch 2FA off.
    """

    def __init__(self, path):
        self.path = path
        self.values = {}

    def load(self):
        if not self.path or not os.path.exists(self.path):
            return {}
        try:
            with open(self.path, encoding="utf-8") as handle:
                loaded = json.load(handle)
        except (OSError, ValueError) as error:
            raise InvalidInputError("recovery_file %s cannot be read: %s" % (self.path, type(error).__name__),
                                    hint="remove it once the test user's 2FA is off (it holds a captured key)")
        if not isinstance(loaded, dict):
            raise InvalidInputError("recovery_file %s does not hold a JSON object" % self.path,
                                    hint="remove it once the test user's 2FA is off")
        self.values = {str(key): str(value) for key, value in loaded.items()}
        return dict(self.values)

    def keep(self, name, value):
        if not self.path:
            return
        self.values[name] = value
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), mode=0o700, exist_ok=True)
        atomic_write(self.path, json.dumps(self.values, sort_keys=True), mode=0o600)

    def remove(self):
        if self.path and os.path.exists(self.path):
            os.unlink(self.path)
            return True
        return False


def plan(steps, phase="steps"):
    planned = []
    for step in steps:
        entry = {"name": step["name"], "action": step["action"], "phase": phase}
        if step.get("missing_file"):
            entry["note"] = "the upload file %s does not exist yet" % step["file"]
        if "if_url" in step or "if_selector" in step:
            entry["note"] = "runs only if %s" % " and ".join(
                "%s %s" % (key[3:], step[key]) for key in ("if_url", "if_selector") if key in step)
        planned.append(entry)
    return planned


def check_options(params):
    """The module's own options: URL, timeout, since, viewport and paths, before any file or browser is touched."""
    check_url("base_url", params["base_url"])
    check_timeout("timeout", params["timeout"], maximum=3600.0)
    check_number("since", params.get("since"), minimum=0.0, allow_equal=True, unit="seconds since the epoch")
    viewport = params.get("viewport") or {}
    for side in ("width", "height"):
        if side not in viewport:
            raise InvalidInputError("viewport has no %s" % side, hint="write viewport as {width: 1280, height: 800}")
        try:
            size = int(viewport[side])
        except (TypeError, ValueError):
            raise InvalidInputError("viewport.%s must be a whole number of pixels" % side,
                                    hint="write viewport as {width: 1280, height: 800}")
        check_count("viewport.%s" % side, size, minimum=1, maximum=10000, unit="pixels")
    for option in ("results_dir", "recovery_file", "executable_path"):
        check_path(option, params.get(option), required=option == "results_dir")


def validate(params, check_mode):
    """Every option and step list checked before a browser starts. Returns (steps, cleanup, secrets, recovery)."""
    check_options(params)
    secrets = {key: str(value) for key, value in (params.get("secrets") or {}).items()}
    recovery = RecoveryFile(params.get("recovery_file"))
    kept = recovery.load()
    names = set(secrets) | set(kept)
    seen = set()
    cleanup_raw = params.get("cleanup") or []
    steps = normalize_steps(params["steps"], names | captured_names(cleanup_raw), check_files=not check_mode, seen=seen)
    cleanup = normalize_steps(cleanup_raw, names | captured_names(params["steps"]), check_files=not check_mode,
                              option="cleanup", seen=seen, allow_empty=True)
    for name, value in kept.items():
        secrets.setdefault(name, value)
    return steps, cleanup, secrets, recovery


def run_phase(runner, session, steps, phase, first_index, results, clock, scrub):
    """Run steps in order until one fails; append their entries to results; return the failed entry or None."""
    for index, step in enumerate(steps, start=first_index):
        s0 = clock.monotonic()
        entry = {"index": index, "name": step["name"], "action": step["action"], "ok": True, "phase": phase}
        errors_before = len(session.console_errors)
        try:
            skipped = runner.skip_reason(step)
            if skipped:
                entry["skipped"] = scrub(skipped)
            else:
                entry["detail"] = runner.run(step, index)
        except StepFailed as error:
            entry.update(ok=False, error=scrub(error.args[0]))
            if len(error.args) > 1:
                entry["detail"] = error.args[1]
        except FacturinoError:
            raise
        except Exception as error:  # pylint: disable=broad-except
            # Playwright raises its own Error and TimeoutError
            entry.update(ok=False, error=scrub("%s: %s" % (type(error).__name__, str(error).split("\nCall log:", maxsplit=1)[0])))
        entry["duration_ms"] = int((clock.monotonic() - s0) * 1000)
        s1 = clock.monotonic()
        entry["screenshot"] = None if entry.get("skipped") else runner.screenshot(step, index, failed=not entry["ok"])
        entry["screenshot_ms"] = int((clock.monotonic() - s1) * 1000)
        if len(session.console_errors) > errors_before:
            entry["console_errors"] = [scrub(text)[:300] for text in session.console_errors[errors_before:]]
        results.append(entry)
        if not entry["ok"]:
            return entry
    return None


def run_browser_check(params, check_mode, clock=None):
    """Run the steps, then the cleanup (always); return the module result.

    Raises BrowserCheckError on a failed step when fail_on_error. A failed cleanup step does not fail the check: it
    is reported in cleanup_ok / cleanup_msg, and the recovery file stays for the next run.
    """
    clock = clock or Clock()
    steps, cleanup, secrets, recovery = validate(params, check_mode)
    executable = find_chromium(params.get("executable_path")) if needs_browser(steps + cleanup) else None
    results_dir = params["results_dir"]
    if check_mode:
        leftover = bool(recovery.values)
        return {"changed": False, "ok": None, "steps": [], "planned": plan(steps) + plan(cleanup, "cleanup"),
                "executable_path": executable, "results_dir": results_dir, "recovery_pending": leftover,
                "msg": "check mode: %d steps and %d cleanup steps valid, browser %s%s; nothing was run"
                       % (len(steps), len(cleanup), executable or "not needed",
                          "; the recovery file of an interrupted run would be used by the cleanup" if leftover else "")}

    os.makedirs(results_dir, mode=0o750, exist_ok=True)
    scrub = Scrubber(secrets)
    started_at = time.time()
    since = params.get("since") if params.get("since") is not None else started_at
    session = Session(params, executable)
    runner = StepRunner(params, session, secrets, scrub, results_dir, since, clock, recovery)
    results = []
    failed = cleanup_failed = None
    trace = None
    t0 = clock.monotonic()
    try:
        failed = run_phase(runner, session, steps, "steps", 1, results, clock, scrub)
        if failed and session.context is not None and params["trace"] == "on_failure":
            trace = os.path.join(results_dir, "%02d-%s-trace.zip" % (failed["index"], slug(failed["name"])))
            runner.resume_state = session.close_context(trace_path=trace, keep_state=bool(cleanup))
        if cleanup:
            cleanup_failed = run_phase(runner, session, cleanup, "cleanup", len(steps) + 1, results, clock, scrub)
    finally:
        session.close()
    recovery_removed = False
    if cleanup and cleanup_failed is None:
        recovery_removed = recovery.remove()
    step_ms = sum(entry["duration_ms"] for entry in results)
    shot_ms = sum(entry["screenshot_ms"] for entry in results)
    result = {
        "changed": False,
        "ok": failed is None,
        "steps": results,
        "failed_step": failed["name"] if failed else None,
        "cleanup_ok": None if not cleanup else cleanup_failed is None,
        "cleanup_failed_step": cleanup_failed["name"] if cleanup_failed else None,
        "trace": trace,
        "results_dir": results_dir,
        "executable_path": executable,
        "started_at": started_at,
        "duration_ms": int((clock.monotonic() - t0) * 1000),
        "timings": {"launch_ms": session.launch_ms, "steps_ms": step_ms, "screenshots_ms": shot_ms,
                    "screenshots": runner.screenshots_taken},
        "recovery_file_removed": recovery_removed,
    }
    if failed:
        result["msg"] = "browser step %d %r failed: %s" % (failed["index"], failed["name"], failed["error"])
    else:
        result["msg"] = "%d browser steps passed in %.1f s" % (len([e for e in results if e["phase"] == "steps"]),
                                                               result["duration_ms"] / 1000.0)
    if cleanup_failed:
        result["cleanup_msg"] = ("cleanup step %d %r failed: %s%s" % (
            cleanup_failed["index"], cleanup_failed["name"], cleanup_failed["error"],
            "; %s is kept for the next run" % recovery.path if recovery.values else ""))
    elif cleanup:
        result["cleanup_msg"] = "%d cleanup steps passed" % len([e for e in results if e["phase"] == "cleanup"])
    result["results_file"] = os.path.join(results_dir, "results-%s.json" % slug(steps[0]["name"]))
    atomic_write(result["results_file"], json.dumps(result, indent=2, sort_keys=True) + "\n", mode=0o644)
    if failed and params.get("fail_on_error", True):
        raise BrowserCheckError(result["msg"], hint="see the step screenshots and the trace (playwright show-trace FILE) in %s" % results_dir,
                                **{k: v for k, v in result.items() if k != "msg"})
    return result
