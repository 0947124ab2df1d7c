# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which variables a Laravel app actually reads: the ``env('NAME')`` calls in its config/*.php."""

from __future__ import annotations

import os
import re

ENV_CALL = re.compile(r"""\benv\(\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]""")


def env_names_read(app_path):
    """The set of names, or ``None`` when the app has no config directory (then version tables decide)."""
    config_dir = os.path.join(app_path, "config")
    if not os.path.isdir(config_dir):
        return None
    names = set()
    for name in sorted(os.listdir(config_dir)):
        if not name.endswith(".php"):
            continue
        try:
            with open(os.path.join(config_dir, name), encoding="utf-8", errors="replace") as handle:
                names.update(ENV_CALL.findall(handle.read()))
        except OSError:
            continue
    return names
