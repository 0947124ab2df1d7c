# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How phpdotenv 5.4 and 5.6 read a .env file, rule for rule, as Laravel loads it.

A model written from phpdotenv's documented behaviour and checked against phpdotenv itself by the differential
test (``tests/integration/test_dotenv_differential.py``). The stages are phpdotenv's:

1. The reader drops one leading UTF-8 byte order mark.
2. ``Parser`` splits lines at CRLF, LF or a lone CR.
3. ``Lines`` joins a double-quoted value that spans lines (a line containing ``="`` with one unescaped quote opens
   it, the next line with an unescaped quote closes it) and drops blank and ``#`` lines. A buffer still open at the
   end of the file is dropped without an error. 5.4 also treats a line inside the buffer that itself looks like an
   opening as an opening, so it does not close the buffer; 5.6 closes it.
4. ``EntryParser`` splits at the first ``=``, strips ``export`` (names longer than 8 characters only) and one pair
   of quotes around the name, checks the name (5.4: ``[A-Za-z0-9_.]+``; 5.6: Unicode letters, marks, numbers, ``_``
   and ``.``), then runs the value through its lexer and state machine: unquoted (``#`` starts a comment,
   whitespace ends the value), single-quoted (literal), double-quoted (escapes ``\\n \\t \\r \\f \\v \\" \\\\ \\$``,
   any other escape refuses the file). After a closing quote only whitespace and a comment may follow. A line
   without ``=`` is a name without a value: it unsets the variable.
5. The ``Loader`` resolves ``${NAME}`` (names ``[A-Za-z0-9_.]+``) where a ``$`` stood outside single quotes and was
   not escaped, from earlier assignments and the process environment; an unknown name stays literal. Laravel's
   repository is immutable: a name the process environment already defines keeps that value.

Any refused entry makes phpdotenv refuse the whole file (Laravel stops with "The environment file is invalid!").
This module reports every refused entry, not only the first, and never puts a value in a message.
"""

from __future__ import annotations

import re
import unicodedata

VERSIONS = ("5.4", "5.6")
NEWEST = "5.6"
BOM = "\ufeff"
LINE_BREAK = re.compile(r"\r\n|\n|\r")
PHP_TRIM = " \t\n\r\0\x0b"  # PHP's trim() default, and what EntryParser trims
CTYPE_SPACE = " \t\n\x0b\x0c\r"
EXPORT_LTRIM = {"5.4": " \t\n\r\0\x0b", "5.6": " \t\n\r\x0b\x0c"}
# The lexer's tokens: newlines, other whitespace, \ ' " # $, and runs of anything else.
TOKEN = re.compile(r"[\r\n]+|[ \t\x0b\x0c]+|\\|'|\"|#|\$|[^ \t\n\x0b\x0c\r\\'\"#$]+")
ASCII_NAME = re.compile(r"[a-zA-Z0-9_.]+\Z")
REFERENCE = re.compile(r"\$\{([a-zA-Z0-9_.]+)\}")
ESCAPES = {"f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}

INITIAL, UNQUOTED, SINGLE, DOUBLE, ESCAPE, WHITESPACE, COMMENT = range(7)
OPEN_STATES = (SINGLE, DOUBLE, ESCAPE)


def version_for_laravel(major):
    """phpdotenv as Laravel ``major`` loads it: 5.4 for Laravel 8-10 (Debian), 5.6 for 11 and later or unknown."""
    return "5.4" if major is not None and major < 11 else NEWEST


class Refusal(Exception):
    """phpdotenv refuses an entry: ``reason`` in phpdotenv's words (``an unexpected escape sequence``)."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class Entry:
    """One entry as phpdotenv sees it. ``value`` is resolved text, or ``None`` for a name without ``=``."""

    __slots__ = ("name", "value", "start", "end", "quote", "refusal", "candidates", "unresolved")

    def __init__(self, name, start, end, value=None, quote="", refusal=None, candidates=()):
        self.name = name
        self.value = value
        self.start = start
        self.end = end
        self.quote = quote
        self.refusal = refusal
        self.candidates = tuple(candidates)  # positions of a $ that may start a ${NAME} reference
        self.unresolved = ()  # names of references left literal, once loaded

    def __repr__(self):
        return "Entry(%s, lines %s-%s%s)" % (self.name, self.start, self.end, ", refused" if self.refusal else "")


class Swallowed:
    """Lines phpdotenv drops without an error: a quote opened on ``start`` (in a comment, or never closed)."""

    __slots__ = ("start", "end", "opener", "names", "reason")

    def __init__(self, start, end, opener, names, reason):
        self.start = start
        self.end = end
        self.opener = opener  # the name on the opening line when it is an assignment (not a comment)
        self.names = names  # names that the following lines assign
        self.reason = reason


class Result:
    """``entries`` in file order (refused ones included, with ``refusal``), ``values`` as Laravel sees them."""

    def __init__(self, version, entries, values, swallowed, bom, line_count):
        self.version = version
        self.entries = entries
        self.values = values
        self.swallowed = swallowed
        self.bom = bom
        self.line_count = line_count

    @property
    def refusals(self):
        return [entry for entry in self.entries if entry.refusal]

    @property
    def refused(self):
        return bool(self.refusals)


def load(text, version=NEWEST, environ=None):
    """Read ``text`` as phpdotenv ``version`` does in a process whose environment is ``environ``."""
    if version not in VERSIONS:
        raise ValueError("unknown phpdotenv version %r" % (version,))
    bom = text.startswith(BOM)
    if bom:
        text = text[len(BOM):]
    lines = LINE_BREAK.split(text)
    raw_entries, swallowed = _join_lines(lines, version)
    entries = [_parse_entry(raw, start, end, version) for raw, start, end in raw_entries]
    values = _load(entries, environ or {})
    return Result(version, entries, values, swallowed, bom, len(lines))


# --- Lines: multi-line values and comments -------------------------------------------------------------------

def _quote_count(line):
    """Quotes not preceded by a backslash, after removing double backslashes (``Lines::looksLikeMultilineStop``)."""
    line = line.replace("\\\\", "")
    return sum(1 for index in range(1, len(line)) if line[index] == '"' and line[index - 1] != "\\")


def _stops(line, started):
    if line == '"':
        return True
    count = _quote_count(line)
    return count > 1 if started else count >= 1


def _starts(line):
    return '="' in line and not _stops(line, True)


def _comment_or_blank(text):
    text = text.strip(PHP_TRIM)
    return text == "" or text[0] == "#"


def _join_lines(lines, version):
    """``([(entry text, first line, last line)], [Swallowed])`` as ``Lines::process`` joins and filters."""
    output = []
    swallowed = []
    multiline = False
    buffer = []
    buffer_start = None
    for number, line in enumerate(lines, 1):
        if version == "5.4":
            started = _starts(line)
        else:
            started = False if multiline else _starts(line)
        if started:
            multiline = True
        start = number
        if multiline:
            if not buffer:
                buffer_start = number
            buffer.append(line)
            if _stops(line, started):
                multiline = False
                line = "\n".join(buffer)
                start = buffer_start
                buffer = []
        if not multiline and not _comment_or_blank(line):
            output.append((line, start, number))
        elif not multiline and start != number:
            # A commented-out opening quote joined the following lines into one comment.
            names = assigned_names(line.split("\n")[1:], version)
            if names:
                swallowed.append(Swallowed(start, number, None, names, "comment"))
    if buffer:
        opener = assigned_names(buffer[:1], version)
        swallowed.append(Swallowed(buffer_start, len(lines), opener[0] if opener else None,
                                   assigned_names(buffer[1:], version), "unclosed"))
    return output, swallowed


def assigned_names(lines, version=NEWEST):
    """Names that lines would assign were they read on their own (for reporting keys that are lost)."""
    names = []
    for line in lines:
        if _comment_or_blank(line) or "=" not in line:
            continue
        try:
            name = _parse_name(line.split("=", 1)[0].strip(PHP_TRIM), version)
        except Refusal:
            continue
        if name not in names:
            names.append(name)
    return names


# --- EntryParser ---------------------------------------------------------------------------------------------

def _parse_entry(raw, start, end, version):
    if "=" in raw:
        name, value = (part.strip(PHP_TRIM) for part in raw.split("=", 1))
        if name == "":
            return Entry(None, start, end, refusal="an unexpected equals")
    else:
        name, value = raw, None
    try:
        name = _parse_name(name, version)
    except Refusal as refusal:
        return Entry(None, start, end, refusal=refusal.reason)
    if value is None:
        return Entry(name, start, end)
    quote = value[:1] if value[:1] in ("'", '"') else ""
    try:
        chars, candidates = _parse_value(value)
    except Refusal as refusal:
        return Entry(name, start, end, value=_lenient(value), quote=quote, refusal=refusal.reason)
    return Entry(name, start, end, value=chars, quote=quote, candidates=candidates)


def _lenient(value):
    """A refused value without its quotes, so the other checks can still judge it."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def _parse_name(name, version):
    if len(name) > 8 and name[:6] == "export" and name[6] in CTYPE_SPACE:
        name = name[6:].lstrip(EXPORT_LTRIM[version])
    if len(name) >= 3 and name[0] == name[-1] and name[0] in "'\"":
        name = name[1:-1]
    if not _valid_name(name, version):
        raise Refusal("an invalid name")
    return name


def _valid_name(name, version):
    if version == "5.4":
        return bool(ASCII_NAME.match(name))
    return name != "" and all(char in "_." or unicodedata.category(char) in ("Ll", "Lu")
                              or unicodedata.category(char)[0] in "MN" for char in name)


def _parse_value(value):
    """``(chars, positions of a $ that may start a reference)``; raises :class:`Refusal`."""
    if value.strip(PHP_TRIM) == "":
        return "", []
    state = INITIAL
    chars = []
    length = 0
    candidates = []
    for token in TOKEN.findall(value):
        text, candidate, state = _next(state, token)
        if candidate:
            candidates.append(length)
        chars.append(text)
        length += len(text)
    if state in OPEN_STATES:
        raise Refusal("a missing closing quote")
    return "".join(chars), candidates


def _next(state, token):
    """``EntryParser::processToken``: ``(text to append, is a reference candidate, next state)``."""
    if state == INITIAL:
        if token == "'":
            return "", False, SINGLE
        if token == '"':
            return "", False, DOUBLE
        if token == "#":
            return "", False, COMMENT
        return token, token == "$", UNQUOTED
    if state == UNQUOTED:
        if token == "#":
            return "", False, COMMENT
        if _is_space(token):
            return "", False, WHITESPACE
        return token, token == "$", UNQUOTED
    if state == SINGLE:
        return ("", False, WHITESPACE) if token == "'" else (token, False, SINGLE)
    if state == DOUBLE:
        if token == '"':
            return "", False, WHITESPACE
        if token == "\\":
            return "", False, ESCAPE
        return token, token == "$", DOUBLE
    if state == ESCAPE:
        if token in ('"', "\\", "$"):
            return token, False, DOUBLE
        if token[0] in ESCAPES:
            return ESCAPES[token[0]] + token[1:], False, DOUBLE
        raise Refusal("an unexpected escape sequence")
    if state == WHITESPACE:
        if token == "#":
            return "", False, COMMENT
        if not _is_space(token):
            raise Refusal("unexpected whitespace")
        return "", False, WHITESPACE
    return "", False, COMMENT


def _is_space(token):
    return token != "" and all(char in CTYPE_SPACE for char in token)


# --- Loader and Resolver -------------------------------------------------------------------------------------

def _load(entries, environ):
    """Names to values (``None``: unset by a bare name) after loading into an immutable repository over ``environ``."""
    state = dict(environ)
    loaded = set()
    values = {}
    for entry in entries:
        if entry.name is None:
            continue
        # Past a refusal phpdotenv loads nothing; the refused value is kept (unquoted) so the audit can go on.
        external = entry.name in state and entry.name not in loaded
        if entry.value is None:
            if not external:
                state.pop(entry.name, None)
                loaded.discard(entry.name)
        else:
            if not entry.refusal:
                entry.value, entry.unresolved = _resolve(entry.value, entry.candidates, state)
            if not external:
                state[entry.name] = entry.value
                loaded.add(entry.name)
        values[entry.name] = state.get(entry.name)
    return values


def _resolve(chars, positions, state):
    """``Resolver::resolve``: each candidate ``$``, last first; returns ``(value, names left unresolved)``."""
    unresolved = []
    for position in sorted(positions, reverse=True):
        tail = chars[position:]
        match = REFERENCE.match(tail)
        if match:
            found = state.get(match.group(1))
            if found is None:
                unresolved.append(match.group(1))
            else:
                tail = found + tail[match.end():]
        chars = chars[:position] + tail
    return chars, tuple(reversed(unresolved))
