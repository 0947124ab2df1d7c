# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which audited values Ansible should mask in every output, as a second line of defence.

Findings never contain values; masking catches a leak anywhere else (a warning, a traceback). Masked:
values of secret-named keys, passwords inside URLs, and token-like values. Plain values of other keys
are removed from the mask (even when ``variables`` is ``no_log``): Ansible replaces every occurrence of a
masked string, so masking ``false``, ``3`` or ``facturino`` would corrupt counts, messages and paths.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.facturino.release.plugins.module_utils.dotenv import rules as R

MIN_MASK_LENGTH = 4
OPAQUE_LENGTH = 16
OPAQUE_CLASSES = 3


def _opaque(value):
    """Long, varied, no spaces: looks like a token even under an innocent key name."""
    classes = sum(1 for test in (str.islower, str.isupper, str.isdigit) if any(test(char) for char in value))
    classes += any(not char.isalnum() for char in value)
    return len(value) >= OPAQUE_LENGTH and classes >= OPAQUE_CLASSES and " " not in value


def values_to_mask(documents, extra=()):
    """``(mask, unmask)``: values to add to ``no_log_values`` and plain values safe to drop from it."""
    mask = set()
    unmask = set()
    for document in documents:
        if document is None:
            continue
        for entry in document.entries:
            value = entry.value.reveal()
            candidates = set([value, value.strip()])
            password = _url_password(value)
            if password:
                candidates.add(password)
            secret_key = bool(R.SECRET_KEY_PATTERN.search(entry.key)) or password is not None
            for candidate in candidates:
                if secret_key and len(candidate) >= MIN_MASK_LENGTH or _opaque(candidate):
                    mask.add(candidate)
                elif not secret_key:
                    unmask.add(candidate)
    mask.update(literal for literal in extra if len(literal) >= MIN_MASK_LENGTH)
    return mask, unmask - mask


def _url_password(value):
    if "://" not in value:
        return None
    try:
        return urlsplit(value.strip()).password
    except ValueError:
        return None
