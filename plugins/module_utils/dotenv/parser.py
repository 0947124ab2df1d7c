# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A .env file as Laravel gets it (``phpdotenv.py`` models the loader); values stay inside :class:`Secret`.

Syntax problems are collected as ``(rule, key, line, message)`` issues instead of raising, so one
audit reports all of them. Messages name keys and lines only.
"""

from __future__ import annotations

import os
import re
import stat

from ansible_collections.facturino.release.plugins.module_utils.common.errors import AuditError
from ansible_collections.facturino.release.plugins.module_utils.dotenv import phpdotenv
from ansible_collections.facturino.release.plugins.module_utils.dotenv.secret import Secret

MAX_FILE_BYTES = 1024 * 1024
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
# Lost names are shown only when they look like variable names: a swallowed line may be part of a secret.
LOST_NAME_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$|^[A-Z]{4,}$")
# Inside a multi-line value that phpdotenv accepts, only names with an underscore count (base64 lines end in '=').
SWALLOWED_NAME_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
MAX_LOST_SHOWN = 8


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
        self.phpdotenv = None  # the phpdotenv version a file was read with
        self.refused = False  # phpdotenv refuses the file: Laravel does not boot
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


def parse_file(path, max_bytes=MAX_FILE_BYTES, version=phpdotenv.NEWEST):
    return parse_text(read_file(path, max_bytes), path=path, version=version)


def parse_text(text, path=None, version=phpdotenv.NEWEST):
    """The document Laravel gets from ``text`` under phpdotenv ``version``, with the syntax issues found.

    The process environment is taken to be empty: the audit judges the file alone, as on a server where no
    variable is set outside it, so a ``${NAME}`` that no earlier line defines stays literal (and is reported).
    """
    result = phpdotenv.load(text, version, {})
    issues = []
    if result.bom:
        issues.append(("bom", None, 1, "the file starts with a UTF-8 byte order mark; phpdotenv strips it, but "
                       "shells, docker --env-file and other dotenv readers take it as part of the first name"))
    crlf_lines = [number for number, line in enumerate(text.split("\n"), 1) if line.endswith("\r")]
    if crlf_lines:
        issues.append(("crlf", None, crlf_lines[0],
                       "%d line(s) end with CRLF; phpdotenv reads them as line breaks, but shells and other tools "
                       "keep a carriage return at the end of values" % len(crlf_lines)))
    issues.extend(_refusal_issues(result))
    issues.extend(_lost_key_issues(result))
    entries = []
    for item in result.entries:
        if item.name is None or item.value is None:
            continue
        entries.append(Entry(item.name, Secret(item.value), item.start, item.quote, item.end))
        if item.refusal is None and item.end > item.start:
            issues.append(("multiline-value", item.name, item.start,
                           "value spans lines %d-%d; many tools (Railway's bulk editor, shells) mangle it"
                           % (item.start, item.end)))
            issues.extend(_swallowed_by_value(item, result.version))
        if item.unresolved:
            # The names are part of the value, so they are counted, not shown.
            issues.append(("undefined-reference", item.name, item.start,
                           "%d ${...} reference(s) to names no earlier line defines stay literal (phpdotenv resolves "
                           "only earlier lines and the server's own environment)" % len(item.unresolved)))
    document = Document(entries, issues, origin="file", path=path)
    for name, value in result.values.items():
        if value is None:
            document.values.pop(name, None)  # a later name without '=' unsets it
    document.phpdotenv = result.version
    document.refused = result.refused
    document.issues.extend(_duplicate_issues(result.entries))
    return document


def _lines(entry):
    return "line %d" % entry.start if entry.start == entry.end else "lines %d-%d" % (entry.start, entry.end)


REFUSAL_FIXES = {
    "an unexpected escape sequence": "inside double quotes only \\n \\t \\r \\f \\v \\\" \\\\ and \\$ are escapes; "
                                     "write \\\\ for a backslash, or use single quotes",
    "unexpected whitespace": "quote a value that holds spaces, and after a closing quote put only a # comment",
    "a missing closing quote": "close the quote; only double-quoted values may span lines",
    "an invalid name": "a name takes only letters, digits, '_' and '.', ASCII ones for phpdotenv 5.4; after "
                       "'export ' a name needs two or more characters",
    "an unexpected equals": "the line starts with '='; put the name before it",
}


def _refusal_issues(result):
    issues = []
    for entry in result.refusals:
        where = ("%s on %s" % (entry.name, _lines(entry))) if entry.name else _lines(entry)
        issues.append(("laravel-rejects-file", entry.name, entry.start,
                       "phpdotenv %s refuses %s: %s (%s); Laravel stops with \"The environment file is invalid!\""
                       % (result.version, where, entry.refusal, REFUSAL_FIXES.get(entry.refusal, "fix the line"))))
    return issues


def _lost_key_issues(result):
    issues = []
    for swallowed in result.swallowed:
        names = [swallowed.opener] if swallowed.opener else []
        names.extend(name for name in swallowed.names if LOST_NAME_PATTERN.match(name) and name not in names)
        if not names:
            continue
        if swallowed.reason == "comment":
            cause = ("a double quote opened in the comment on line %d runs to line %d: phpdotenv reads lines %d-%d "
                     "as one comment" % (swallowed.start, swallowed.end, swallowed.start, swallowed.end))
        else:
            cause = ("the double quote opened on line %d is never closed: phpdotenv drops lines %d-%d without an "
                     "error" % (swallowed.start, swallowed.start, swallowed.end))
        issues.append(("keys-lost", names[0], swallowed.start,
                       "%s, so Laravel never sees %s (close the quote, or remove it from the comment)"
                       % (cause, _shown(names))))
    return issues


def _swallowed_by_value(entry, version):
    """A double-quoted value that runs over lines that look like assignments: their keys never load."""
    names = [name for name in phpdotenv.assigned_names(entry.value.split("\n")[1:], version)
             if SWALLOWED_NAME_PATTERN.match(name)]
    if not names:
        return []
    return [("keys-lost", names[0], entry.start,
             "the double-quoted value of %s runs from line %d to line %d over lines that look like assignments, so "
             "Laravel never sees %s (close the quote on line %d if the value ends there)"
             % (entry.name, entry.start, entry.end, _shown(names), entry.start))]


def _shown(names):
    return ", ".join(names[:MAX_LOST_SHOWN]) + (" and %d more" % (len(names) - MAX_LOST_SHOWN)
                                                if len(names) > MAX_LOST_SHOWN else "")


def _duplicate_issues(entries):
    first_line = {}
    issues = []
    for entry in entries:
        if entry.name is None or entry.refusal:
            continue
        if entry.name in first_line:
            how = ("names it without '=', which unsets it" if entry.value is None
                   else "sets it again; the last assignment wins")
            issues.append(("duplicate-key", entry.name, entry.start,
                           "also set on line %s; line %s %s" % (first_line[entry.name], entry.start, how)))
        else:
            first_line[entry.name] = entry.start
    return issues
