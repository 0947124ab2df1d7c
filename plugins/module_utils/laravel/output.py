# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Picks the parser from the output itself (never from a guessed version) and extracts error text.

Legacy output (Laravel 8, 9.0-9.20) starts every line at column 0; component output (9.21+) indents
every line by at least two spaces. Empty output parses as empty in either format.
"""

from __future__ import annotations

import re

from ansible_collections.facturino.release.plugins.module_utils.common.errors import OutputParseError
from ansible_collections.facturino.release.plugins.module_utils.laravel import output_components, output_legacy

LEGACY = "legacy"
COMPONENTS = "components"
PARSERS = {LEGACY: output_legacy, COMPONENTS: output_components}
VERSION = re.compile(r"^Laravel Framework (?P<version>v?\d+\.\d+(?:\.\d+)?\S*)\s*$")
# The runner sets COLUMNS=1000; Symfony then wraps error lines at COLUMNS - 5 characters.
WRAP_WIDTH = 995
TRACE_LINE = re.compile(r"^\s*(?:Exception trace:|at \S+:\d+$|#\d+ |\S+(?:->|::)\S+\(\) at )")
SYMFONY_ERROR_HEADER = re.compile(r"^In \S+ line \d+:\s*$")


def detect_format(text):
    """``legacy``, ``components`` or None (no output) from the first non-blank line."""
    for line in (text or "").splitlines():
        if line.strip():
            return COMPONENTS if line.startswith("  ") else LEGACY
    return None


def parse(kind, text, **kwargs):
    """Run parser ``parse_<kind>`` of the detected format; returns (format, parsed)."""
    output_format = detect_format(text) or LEGACY
    return output_format, getattr(PARSERS[output_format], "parse_" + kind)(text, **kwargs)


def parse_version(text):
    for line in (text or "").splitlines():
        match = VERSION.match(line.strip())
        if match:
            return match.group("version").lstrip("v")
    raise OutputParseError("`artisan --version` did not print 'Laravel Framework <version>': %r" % (text or "").strip()[:200],
                           hint="check that app_path is a Laravel application")


def extract_error(text, limit=2000, wrap_width=WRAP_WIDTH):
    """The message of a failed artisan run: Symfony's ``In X.php line N:`` blocks, else the ERROR badges,
    else the non-blank lines. Symfony cuts long lines into ``wrap_width`` chunks; those are glued back."""
    lines = (text or "").splitlines()
    messages, block, in_block = [], None, False
    for line in lines:
        if SYMFONY_ERROR_HEADER.match(line.strip()):
            in_block, block = True, ""
            continue
        if not in_block:
            continue
        content = line[2:].rstrip() if line.startswith("  ") else line.strip()
        if content:
            glue = block and len(previous) >= wrap_width
            block = block + content if glue else (block + " " + content.strip()).strip()
            previous = content
        elif block:
            messages.append(block)
            in_block = False
    if in_block and block:
        messages.append(block)
    if not messages:
        messages = [text for level, text in (output_components._badge(line) for line in lines) if level in ("ERROR", "WARN")]
    if not messages:
        messages = [line.strip() for line in lines if line.strip() and not TRACE_LINE.match(line)]
    message = " | ".join(_dedupe(messages))
    return message[:limit]


def _dedupe(messages):
    seen, unique = set(), []
    for message in messages:
        if message not in seen:
            seen.add(message)
            unique.append(message)
    return unique
