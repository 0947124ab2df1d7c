# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RFC 6238 time-based one-time passwords (HOTP of RFC 4226 over a time counter), standard library only."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError

ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def decode_base32_secret(secret):
    """Decode an authenticator secret (base32, any case, spaces and missing padding allowed)."""
    cleaned = "".join(str(secret).split()).replace("-", "").upper()
    if not cleaned:
        raise InvalidInputError("the TOTP secret is empty", hint="pass the base32 secret the app showed when 2FA was enabled")
    cleaned += "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(cleaned)
    except (binascii.Error, ValueError):
        # never quote the secret itself
        raise InvalidInputError("the TOTP secret is not valid base32 (%d characters)" % len(cleaned.rstrip("=")),
                                hint="copy the secret exactly as the authenticator set-up page shows it")


def hotp(key, counter, digits=6, algorithm="sha1"):
    """RFC 4226 HOTP value for key (bytes) and counter as a zero-padded string."""
    digest = hmac.new(key, struct.pack(">Q", counter), ALGORITHMS[algorithm]).digest()
    offset = digest[-1] & 0x0F
    binary = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(binary % (10 ** digits)).zfill(digits)


def totp(key, unix_time, period=30, digits=6, algorithm="sha1"):
    """RFC 6238 TOTP value at unix_time (seconds since the epoch)."""
    return hotp(key, int(unix_time // period), digits=digits, algorithm=algorithm)


def seconds_left(unix_time, period=30):
    """Seconds until the current time step ends."""
    return period - (unix_time % period)
