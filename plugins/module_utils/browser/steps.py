# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Step validation: every step is checked before a browser starts, so a typo fails in well under a second."""

from __future__ import annotations

import os
import re
import shutil

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError,
    MissingDependencyError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.validate import check_timeout

# action -> (required keys, optional keys)
ACTIONS = {
    "goto": (("url",), ()),
    "fill": (("selector",), ("value", "secret")),
    "click": (("selector",), ("repeat",)),
    "check": (("selector",), ()),
    "select": (("selector",), ("value", "label")),
    "form": (("fields",), ("submit",)),
    "expect_text": (("text",), ("selector",)),
    "expect_selector": (("selector",), ("state",)),
    "expect_url": (("url",), ()),
    "download": (("selector",), ("expect_type", "min_bytes")),
    "upload": (("selector",), ("file", "content", "filename", "mime_type")),
    "totp": (("selector", "secret"), ("digits", "period", "algorithm")),
    "capture": (("selector", "save_as"), ("attribute",)),
    "new_context": ((), ()),
    "wait_mail": (("inbox",), ("subject", "to", "body")),
}
COMMON_KEYS = ("name", "action", "timeout", "mask", "if_url", "if_selector")
BROWSER_FREE = ("wait_mail",)
# Steps that only look at the page: when the page did not change since the last screenshot, they share it.
READ_ONLY = ("expect_text", "expect_selector", "expect_url", "capture", "download")
SCREENSHOT_FORMATS = ("png", "jpeg")
REPEAT_LIMIT = 50
MAGIC = {"pdf": b"%PDF", "png": b"\x89PNG\r\n\x1a\n", "zip": b"PK\x03\x04", "gzip": b"\x1f\x8b", "any": b""}
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
SELECTOR_STATES = ("attached", "detached", "visible", "hidden")


def slug(text, limit=48):
    """A file-name-safe form of a step name."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-._").lower()
    return (cleaned or "step")[:limit]


def captured_names(steps):
    """The secret names the capture steps of ``steps`` save."""
    return set(step.get("save_as") for step in steps or [] if isinstance(step, dict) and step.get("action") == "capture")


def normalize_steps(steps, secrets, check_files=True, option="steps", seen=None, allow_empty=False):
    """Validate steps and return copies with a name each; raise InvalidInputError naming the step.

    With check_files false (check mode, where the tasks that would create them did not run) a missing upload file is
    marked missing_file instead of refused. ``secrets`` holds every name a step may use (given, kept in a recovery
    file or captured by another list of steps); ``seen`` collects the step names across lists (they name the files).
    """
    if not steps and not allow_empty:
        raise InvalidInputError("steps is empty", hint="give at least one step, for example {action: goto, url: /}")
    known_secrets = set(secrets or {})
    captured = set()
    out = []
    seen = set() if seen is None else seen
    for index, raw in enumerate(steps or [], start=1):
        where = "%s[%d]" % (option, index - 1)
        if not isinstance(raw, dict):
            raise InvalidInputError("%s is not a dict" % where, hint="write each step as {action: ..., ...}")
        action = raw.get("action")
        if action not in ACTIONS:
            raise InvalidInputError("%s: unknown action %r" % (where, action),
                                    hint="use one of: %s" % ", ".join(sorted(ACTIONS)))
        required, optional = ACTIONS[action]
        allowed = set(required) | set(optional) | set(COMMON_KEYS)
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise InvalidInputError("%s (%s): unknown keys %s" % (where, action, ", ".join(unknown)),
                                    hint="%s takes %s" % (action, ", ".join(sorted(allowed - {"action"}))))
        missing = [key for key in required if raw.get(key) in (None, "")]
        if missing:
            raise InvalidInputError("%s (%s): missing %s" % (where, action, ", ".join(missing)))
        step = dict(raw)
        step["name"] = str(raw.get("name") or "%s-%d" % (action, index))
        if step["name"] in seen:
            raise InvalidInputError("%s: the step name %r is used twice" % (where, step["name"]),
                                    hint="give every step its own name (it names the screenshot)")
        seen.add(step["name"])
        if action == "fill" and ("value" in raw) == ("secret" in raw):
            raise InvalidInputError("%s (fill): give exactly one of value or secret" % where,
                                    hint="passwords go in secrets and are named with secret:")
        for key in ("secret",):
            if key in raw and raw[key] not in known_secrets and raw[key] not in captured:
                raise InvalidInputError("%s (%s): secret %r is neither in secrets nor captured by an earlier step"
                                        % (where, action, raw[key]),
                                        hint="add it to the secrets option or capture it first (action: capture)")
        if action == "form":
            _check_form_fields(where, raw["fields"], known_secrets | captured)
        if action == "select" and ("value" in raw) == ("label" in raw):
            raise InvalidInputError("%s (select): give exactly one of value or label" % where)
        if action == "capture":
            captured.add(raw["save_as"])
        if action == "download":
            kind = raw.get("expect_type", "any")
            if kind not in MAGIC:
                raise InvalidInputError("%s (download): expect_type %r is not one of %s" % (where, kind, ", ".join(sorted(MAGIC))))
        if action == "expect_selector" and raw.get("state", "visible") not in SELECTOR_STATES:
            raise InvalidInputError("%s (expect_selector): state must be one of %s" % (where, ", ".join(SELECTOR_STATES)))
        for key in ("if_url", "if_selector"):
            if key in raw and (not isinstance(raw[key], str) or not raw[key]):
                raise InvalidInputError("%s (%s): %s must be a non-empty text" % (where, action, key),
                                        hint="if_url is a part of the address; if_selector a selector present right now")
        if "repeat" in raw and not isinstance(raw["repeat"], bool):
            raise InvalidInputError("%s (click): repeat must be true or false" % where)
        if action == "upload" and ("file" in raw) == ("content" in raw):
            raise InvalidInputError("%s (upload): give exactly one of file or content" % where,
                                    hint="file is a path on the controller; content (with filename) is sent as a file")
        if action == "upload" and "content" in raw:
            step.setdefault("filename", "upload.txt")
        elif action == "upload" and not os.path.isfile(str(raw["file"])) and not check_files:
            step["missing_file"] = True
        elif action == "upload" and not os.path.isfile(str(raw["file"])):
            raise InvalidInputError("%s (upload): file %s does not exist" % (where, raw["file"]),
                                    hint="point file at a readable file on the controller")
        if action == "totp" and raw.get("algorithm", "sha1") not in ("sha1", "sha256", "sha512"):
            raise InvalidInputError("%s (totp): algorithm must be sha1, sha256 or sha512" % where)
        if "timeout" in raw:
            try:
                step["timeout"] = float(raw["timeout"])
            except (TypeError, ValueError):
                raise InvalidInputError("%s: timeout must be a number of seconds" % where)
            check_timeout("%s: timeout" % where, step["timeout"])
        mask = raw.get("mask", [])
        step["mask"] = [mask] if isinstance(mask, str) else list(mask)
        out.append(step)
    return out


FIELD_KINDS = ("value", "secret", "check", "label")


def _check_form_fields(where, fields, secrets):
    if not isinstance(fields, dict) or not fields:
        raise InvalidInputError("%s (form): fields must be a dict of selector: value" % where,
                                hint="for example {'#email': admin@example.com, '#password': {secret: admin_password}}")
    for selector, value in fields.items():
        if isinstance(value, dict):
            kinds = [kind for kind in FIELD_KINDS if kind in value]
            if len(kinds) != 1 or len(value) != 1:
                raise InvalidInputError("%s (form): field %s needs exactly one of %s" % (where, selector, ", ".join(FIELD_KINDS)))
            if kinds[0] == "secret" and value["secret"] not in secrets:
                raise InvalidInputError("%s (form): field %s names secret %r, which is neither in secrets nor captured "
                                        "by an earlier step" % (where, selector, value["secret"]),
                                        hint="add it to the secrets option or capture it first (action: capture)")


def needs_browser(steps):
    return any(step["action"] not in BROWSER_FREE for step in steps)


def find_chromium(executable_path=None, which=shutil.which):
    """The Chromium to drive: the option, else FACTURINO_CHROMIUM, else the first on PATH."""
    candidate = executable_path or os.environ.get("FACTURINO_CHROMIUM")
    if candidate:
        if not (os.path.isfile(candidate) and os.access(candidate, os.X_OK)):
            raise MissingDependencyError("the browser %s does not exist or is not executable" % candidate,
                                         hint="point executable_path (or FACTURINO_CHROMIUM) at a Chromium binary")
        return candidate
    for name in CHROMIUM_NAMES:
        found = which(name)
        if found:
            return found
    raise MissingDependencyError("no Chromium found on PATH (looked for %s)" % ", ".join(CHROMIUM_NAMES),
                                 hint="install it (Debian: apt-get install chromium) or set executable_path")


def join_url(base_url, url):
    if re.match(r"^[a-z][a-z0-9+.-]*://", url):
        return url
    return base_url.rstrip("/") + "/" + url.lstrip("/")


def check_magic(data, kind):
    """True when data starts like a file of type kind."""
    return data.startswith(MAGIC[kind])


class Scrubber:
    """Replaces every known secret value in text (error messages from the browser may echo typed values)."""

    def __init__(self, secrets):
        self.values = set(str(v) for v in (secrets or {}).values() if v not in (None, ""))

    def add(self, value):
        if value not in (None, ""):
            self.values.add(str(value))

    def __call__(self, text):
        text = str(text)
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, "********")
        return text
