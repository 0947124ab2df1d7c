# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of task options, run by each wing before any I/O.

Each check raises ``InvalidInputError`` whose message names the option and whose hint names the fix. A
message never quotes a secret: URLs are shown with their password masked (masked before anything can fail to
parse), the values of secret options and of headers are never shown at all, escaped or not.
"""

from __future__ import annotations

import math
import re
import urllib.parse

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HOST_NAME = re.compile(r"^[A-Za-z0-9_.~%!$&'()*+,;=-]+$")
_ADDRESS = re.compile(r"^[^\s@<>()\[\]\\,;:\"]+@[^\s@<>()\[\]\\,;:\"]+$")


def _userinfo_span(text):
    """(start, end) of the userinfo of ``text`` (before its '@'), found without parsing; None when there is none.

    The authority ends at the first '/', '?' or '#'; when it holds no '@' but one comes later (a password with a
    '/' in it), everything up to the last '@' counts, so a password is over-masked rather than shown."""
    scheme_end = text.find("://")
    if scheme_end < 0:
        return None
    start = scheme_end + 3
    end = len(text)
    for sep in "/?#":
        found = text.find(sep, start)
        if 0 <= found < end:
            end = found
    at = text.rfind("@", start, end)
    if at < 0:
        at = text.rfind("@", start)
    return (start, at) if at >= 0 else None


def mask_url(url):
    """``url`` with the password of its userinfo replaced by ``********``; works on URLs that do not parse."""
    text = str(url)
    span = _userinfo_span(text)
    if span is None:
        return text
    start, at = span
    colon = text.find(":", start, at)
    if colon < 0:
        return text
    return text[:colon + 1] + "********" + text[at:]


def url_password(url):
    """The password part of ``url``'s userinfo (the same split as :func:`mask_url`), or None."""
    text = str(url)
    span = _userinfo_span(text)
    if span is None:
        return None
    start, at = span
    colon = text.find(":", start, at)
    return text[colon + 1:at] if colon >= 0 else None


def has_scheme(url):
    """True when ``url`` starts with ``scheme:`` (``mailto:``, ``ftp:``...), so it is not a relative path."""
    match = _SCHEME.match(str(url))
    return bool(match) and not str(url)[match.end():match.end() + 1].isdigit()


def _shown(url, secret):
    return "" if secret else " (%s)" % mask_url(url)


def check_url(option, url, schemes=("http", "https"), secret=False, required=True):
    """A URL with one of ``schemes``, a host, a valid port and no spaces or control characters.

    ``secret=True`` (a no_log option such as a webhook URL) keeps the URL out of the message entirely."""
    if url is None or url == "":
        if required:
            raise InvalidInputError("%s is empty" % option, hint="set %s to a full URL such as https://host/path" % option)
        return url
    if not isinstance(url, str):
        raise InvalidInputError("%s must be a URL string, not %s" % (option, type(url).__name__),
                                hint="quote the URL in YAML")
    shown = _shown(url, secret)
    fix = "set %s to a full URL such as %s://host/path" % (option, schemes[0])
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise InvalidInputError("%s contains a control character (a newline or tab)%s" % (option, ""),
                                hint="remove the line break from %s" % option)
    if url != url.strip() or " " in url:
        raise InvalidInputError("%s contains a space%s" % (option, shown),
                                hint="remove the space, or write it as %%20 in the path; %s" % fix)
    match = _SCHEME.match(url)
    if not match or not url[match.end():].startswith("//"):
        raise InvalidInputError("%s has no scheme%s" % (option, shown), hint=fix)
    scheme = match.group(1).lower()
    if scheme not in schemes:
        raise InvalidInputError("%s uses the unsupported scheme '%s'%s" % (option, scheme, shown),
                                hint="use %s" % " or ".join("%s://" % s for s in schemes))
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
        parts.port  # pylint: disable=pointless-statement  # raises ValueError on a bad port
    except ValueError as error:
        reason = "a broken IPv6 address" if "IPv6" in str(error) or "[" in url.split("/")[2] else (
            "a port that is not a number from 1 to 65535" if "port" in str(error).lower() else "a host that does not parse")
        raise InvalidInputError("%s has %s%s" % (option, reason, shown),
                                hint="write IPv6 hosts as [::1], ports as :8080; %s" % fix) from None
    if not host:
        raise InvalidInputError("%s has no host%s" % (option, shown), hint=fix)
    if parts.netloc.rsplit("@", 1)[-1].startswith("[") is False and not _HOST_NAME.match(host):
        raise InvalidInputError("%s has a host with characters a host name cannot hold%s" % (option, shown), hint=fix)
    return url


def check_number(option, value, minimum=0.0, allow_equal=False, maximum=None, unit="seconds", integer=False):
    """A finite number above ``minimum`` (or at it with ``allow_equal``) and at most ``maximum``."""
    if value is None:
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInputError("%s must be a number, not %s" % (option, type(value).__name__),
                                hint="set %s to a number of %s" % (option, unit))
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        raise InvalidInputError("%s is %s, which is not a usable number of %s" % (option, value, unit),
                                hint="set %s to a finite number of %s" % (option, unit))
    if integer and isinstance(value, float) and not value.is_integer():
        raise InvalidInputError("%s must be a whole number" % option, hint="set %s to a whole number" % option)
    unit = " " + unit if unit else ""
    low_ok = value >= minimum if allow_equal else value > minimum
    if not low_ok:
        bound = ("at least %g" if allow_equal else "more than %g") % minimum
        raise InvalidInputError("%s is %g; it must be %s%s" % (option, value, bound, unit),
                                hint="set %s to %s%s" % (option, bound, unit))
    if maximum is not None and value > maximum:
        raise InvalidInputError("%s is %g; it must be at most %g%s" % (option, value, maximum, unit),
                                hint="set %s to at most %g%s" % (option, maximum, unit))
    return value


def check_timeout(option, value, maximum=86400.0):
    """A timeout or duration: finite, more than 0, at most a day unless told otherwise."""
    return check_number(option, value, minimum=0.0, maximum=maximum)


def check_count(option, value, minimum=0, maximum=None, unit=""):
    return check_number(option, value, minimum=minimum, allow_equal=True, maximum=maximum, unit=unit or "", integer=True)


def check_line(option, value, secret=False):
    """A single-line text (a mail subject, a header value, a name): no CR, LF or NUL. Never quotes the value."""
    if value is None:
        return value
    if not isinstance(value, str):
        raise InvalidInputError("%s must be text, not %s" % (option, type(value).__name__), hint="quote it in YAML")
    if "\r" in value or "\n" in value or "\0" in value:
        raise InvalidInputError("%s contains a line break or NUL character, which could inject %s"
                                % (option, "headers" if not secret else "headers (its value is not shown)"),
                                hint="remove the line break from %s" % option)
    return value


def check_headers(option, headers):
    """An HTTP header mapping: token names, single-line string values. Values are never shown."""
    if headers is None:
        return headers
    if not isinstance(headers, dict):
        raise InvalidInputError("%s must be a mapping of header names to values" % option,
                                hint="write %s as {Header-Name: value}" % option)
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise InvalidInputError("%s has a header name that is not a valid HTTP token" % option,
                                    hint="header names hold letters, digits and -, without spaces or colons")
        if value is not None and not isinstance(value, (str, int, float)):
            raise InvalidInputError("%s header '%s' must have a text value" % (option, name),
                                    hint="give %s.%s a string" % (option, name))
        text = "" if value is None else str(value)
        if "\r" in text or "\n" in text or "\0" in text:
            raise InvalidInputError("%s header '%s' has a value with a line break (the value is not shown)"
                                    % (option, name), hint="remove the line break from the value of %s" % name)
    return headers


def check_address(option, value):
    """One mail address (``user@host``), single line."""
    check_line(option, value)
    if value is not None and not _ADDRESS.match(value.strip().rsplit("<", 1)[-1].rstrip(">")):
        raise InvalidInputError("%s is not a mail address (%s)" % (option, value[:100]),
                                hint="write %s as user@example.com" % option)
    return value


def check_path(option, value, required=False):
    """A file system path: not empty, no NUL byte or line break."""
    if value is None or value == "":
        if required:
            raise InvalidInputError("%s is empty" % option, hint="set %s to a path" % option)
        return value
    if not isinstance(value, str):
        raise InvalidInputError("%s must be a path, not %s" % (option, type(value).__name__), hint="quote it in YAML")
    if "\0" in value or "\n" in value or "\r" in value:
        raise InvalidInputError("%s contains a NUL or line break character" % option,
                                hint="remove the control character from %s" % option)
    return value
