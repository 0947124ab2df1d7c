# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An opaque holder for a dotenv value: printing, formatting or serialising it never shows the value."""

from __future__ import annotations

import hashlib

MASK = "<masked>"


class Secret:
    """Wraps one value. ``reveal()`` is the only way out; ``str``/``repr``/``format`` are masked."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if isinstance(value, Secret):
            value = value.reveal()
        self._value = "" if value is None else str(value)

    def reveal(self):
        return self._value

    def is_empty(self):
        return self._value.strip() == ""

    def digest(self):
        """A SHA-256 of the value, for comparisons only (never returned: low-entropy values are guessable)."""
        return hashlib.sha256(self._value.encode("utf-8")).hexdigest()

    def __len__(self):
        return len(self._value)

    def __eq__(self, other):
        if isinstance(other, Secret):
            return self._value == other._value
        return NotImplemented

    def __ne__(self, other):
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def __hash__(self):
        return hash(("Secret", self._value))

    def __repr__(self):
        return "Secret(%s)" % MASK

    def __str__(self):
        return MASK

    def __format__(self, spec):
        return MASK

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")
