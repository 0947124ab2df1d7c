# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Dotenv parsing with the phpdotenv 5 rules Laravel uses; values stay inside :class:`Secret`.

Syntax problems are collected as ``(rule, key, line, message)`` issues instead of raising, so one
audit reports all of them. Messages name keys and lines only.
"""

from __future__ import annotations

import os
import re
import stat

from ansible_collections.facturino.release.plugins.module_utils.common.errors import AuditError
from ansible_collections.facturino.release.plugins.module_utils.dotenv.secret import Secret

MAX_FILE_BYTES = 1024 * 1024
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
REFERENCE_PATTERN = re.compile(r"\$\{([^}]*)\}")
BOM = "\ufeff"


class Entry:
    """One assignment: key, masked value, first line, quote style (``"``, ``'`` or empty)."""

    __slots__ = ("key", "value", "line", "quote", "end_line")

    def __init__(self, key, value, line, quote="", end_line=None):
        self.key = key
        self.value = value if isinstance(value, Secret) else Secret(value)
        self.line = line
        self.quote = quote
        self.end_line = end_line or line

    def __repr__(self):
        return "Entry(%s, line=%s)" % (self.key, self.line)


class Document:
    """Parsed environment: ``entries`` in file order, ``values`` by key (the last assignment wins)."""

    def __init__(self, entries, issues=None, origin="file", path=None):
        self.entries = list(entries)
        self.issues = list(issues or [])
        self.origin = origin
        self.path = path
        self.values = {}
        for entry in self.entries:
            self.values[entry.key] = entry

    def has(self, key):
        """Set and not empty."""
        entry = self.values.get(key)
        return entry is not None and not entry.value.is_empty()

    def raw(self, key, default=None):
        """The value as text, for rule evaluation only; never put it in a message."""
        entry = self.values.get(key)
        return entry.value.reveal().strip() if entry is not None else default

    def line(self, key):
        entry = self.values.get(key)
        return entry.line if entry is not None else None

    def keys(self):
        return list(self.values)

    def secrets(self):
        return [entry.value for entry in self.entries]


def from_mapping(mapping, origin="variables"):
    """A document from a dict (for example Railway's variables); no lines, no syntax to check."""
    issues = []
    entries = []
    for key in sorted(mapping):
        if not KEY_PATTERN.match(str(key)):
            issues.append(("invalid-key-name", str(key), None, "key name is not a valid environment variable name"))
        value = mapping[key]
        if isinstance(value, bool):
            value = "true" if value else "false"
        entries.append(Entry(str(key), Secret(value), None))
    return Document(entries, issues, origin=origin)


def read_file(path, max_bytes=MAX_FILE_BYTES):
    """Read ``path`` as UTF-8 text; every bad input becomes an :class:`AuditError` naming cause and fix."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise AuditError("dotenv file %s does not exist" % path, hint="check 'path', or pass 'variables' instead")
    except OSError as error:
        raise AuditError("cannot stat dotenv file %s (%s)" % (path, error.strerror),
                         hint="check the path and its permissions")
    if stat.S_ISDIR(info.st_mode):
        raise AuditError("%s is a directory, not a dotenv file" % path, hint="point 'path' at the .env file itself")
    if not stat.S_ISREG(info.st_mode):
        raise AuditError("%s is not a regular file" % path, hint="point 'path' at a regular .env file")
    if info.st_size > max_bytes:
        raise AuditError("dotenv file %s is %d bytes, over the %d byte limit" % (path, info.st_size, max_bytes),
                         hint="check that 'path' is a dotenv file, or raise 'max_bytes'")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise AuditError("cannot read dotenv file %s (%s)" % (path, error.strerror),
                         hint="make it readable by the user running the task")
    if b"\x00" in data:
        raise AuditError("dotenv file %s is binary (it contains NUL bytes)" % path,
                         hint="point 'path' at the text .env file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        # Name the line only: the offending bytes may be part of a secret.
        line = data[:error.start].count(b"\n") + 1
        raise AuditError("dotenv file %s is not valid UTF-8 (line %d)" % (path, line),
                         hint="re-save the file as UTF-8")


def parse_file(path, max_bytes=MAX_FILE_BYTES):
    return parse_text(read_file(path, max_bytes), path=path)


def parse_text(text, path=None):
    issues = []
    if text.startswith(BOM):
        issues.append(("bom", None, 1, "the file starts with a UTF-8 byte order mark; the first key name gets corrupted"))
        text = text[len(BOM):]
    crlf_lines = [number for number, line in enumerate(text.split("\n"), 1) if line.endswith("\r")]
    if crlf_lines:
        issues.append(("crlf", None, crlf_lines[0],
                       "%d line(s) end with CRLF; unquoted values keep a trailing carriage return" % len(crlf_lines)))
    lines = text.replace("\r\n", "\n").split("\n")
    entries = []
    number = 0
    while number < len(lines):
        line_no = number + 1
        stripped = lines[number].strip()
        number += 1
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("export "):
            stripped = stripped[len("export "):].lstrip()
        if "=" not in stripped:
            issues.append(("malformed-line", None, line_no, "line is not KEY=VALUE"))
            continue
        key, rest = stripped.split("=", 1)
        key = key.strip()
        rest = rest.strip()
        if not KEY_PATTERN.match(key):
            issues.append(("invalid-key-name", None, line_no,
                           "key name must match [A-Za-z_][A-Za-z0-9_.]* (phpdotenv rejects the file)"))
            continue
        if rest[:1] in ('"', "'"):
            value, end_index, closed = _quoted(lines, number - 1, rest)
            if not closed:
                issues.append(("unbalanced-quotes", key, line_no, "the opening quote is never closed"))
                number = len(lines)
                continue
            if end_index > number - 1:
                issues.append(("multiline-value", key, line_no,
                               "value spans lines %d-%d; many tools (Railway's bulk editor, shells) mangle it"
                               % (line_no, end_index + 1)))
            number = end_index + 1
            if not _only_comment(value[1]):
                issues.append(("malformed-line", key, line_no, "unexpected text after the closing quote"))
            entries.append(Entry(key, Secret(value[0]), line_no, rest[0], end_index + 1))
            continue
        value = _strip_inline_comment(rest)
        if '"' in value or "'" in value:
            issues.append(("unbalanced-quotes", key, line_no, "quote character inside an unquoted value"))
        elif re.search(r"\s", value):
            issues.append(("unquoted-whitespace", key, line_no,
                           "unquoted value contains whitespace; phpdotenv 5 refuses the file (quote the value)"))
        entries.append(Entry(key, Secret(value), line_no, ""))
    document = Document(entries, issues, origin="file", path=path)
    document.issues.extend(_duplicate_issues(entries))
    document.issues.extend(_reference_issues(entries, document))
    return document


def _quoted(lines, index, rest):
    """Return ``((value, trailing_text), end_line_index, closed)`` for a value starting with a quote."""
    quote = rest[0]
    buffer = rest[1:]
    current = index
    while True:
        position = _closing_quote(buffer, quote)
        if position is not None:
            text = buffer[:position]
            if quote == '"':
                text = text.replace('\\"', '"').replace("\\\\", "\\")
            return (text, buffer[position + 1:]), current, True
        current += 1
        if current >= len(lines):
            return ("", ""), current, False
        buffer = buffer + "\n" + lines[current]


def _closing_quote(text, quote):
    escaped = False
    for position, char in enumerate(text):
        if quote == '"' and char == "\\" and not escaped:
            escaped = True
            continue
        if char == quote and not escaped:
            return position
        escaped = False
    return None


def _only_comment(trailing):
    trailing = trailing.strip()
    return not trailing or trailing.startswith("#")


def _strip_inline_comment(value):
    match = re.search(r"\s#", value)
    if match:
        value = value[:match.start()]
    return value.strip()


def _duplicate_issues(entries):
    first_line = {}
    issues = []
    for entry in entries:
        if entry.key in first_line:
            issues.append(("duplicate-key", entry.key, entry.line,
                           "also set on line %s; the last assignment wins" % first_line[entry.key]))
        else:
            first_line[entry.key] = entry.line
    return issues


def _reference_issues(entries, document):
    issues = []
    for entry in entries:
        if entry.quote == "'":
            continue  # single quotes are literal in phpdotenv
        undefined = [name for name in REFERENCE_PATTERN.findall(entry.value.reveal()) if name not in document.values]
        if undefined:
            # The name is part of the value, so it is counted, not shown.
            issues.append(("undefined-reference", entry.key, entry.line,
                           "%d ${...} reference(s) to variables this file does not define" % len(undefined)))
    return issues
