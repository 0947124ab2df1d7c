# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profiles set how strict the audit is: the accepted APP_ENV values, required keys and severity changes.

A severity of ``None`` turns a rule off for that profile. User ``severity_overrides`` and ``ignore``
are applied after the profile.
"""

from __future__ import annotations

_BASE_REQUIRED = ("APP_NAME", "APP_ENV", "APP_KEY", "APP_URL", "SESSION_DRIVER", "SESSION_LIFETIME",
                  "QUEUE_CONNECTION", "MAIL_FROM_ADDRESS")

PROFILES = {
    "production": {
        "app_env": ("production",),
        "required": _BASE_REQUIRED + ("APP_DEBUG",),
        "severity": {},
    },
    "staging": {
        "app_env": ("staging", "production"),
        "required": _BASE_REQUIRED + ("APP_DEBUG",),
        "severity": {
            "app-debug": "warning",
            "app-url-scheme": "info",
            "app-url-local": None,
            "sanctum-domain": "warning",
            "feature-mocked-data": "warning",
            "weak-db-password": "info",
            "dirty-tree": "warning",
            "queue-sync": "info",
            "mail-mailer": "info",
            "empty-secret": "warning",
        },
    },
    "local": {
        "app_env": None,  # any value
        "required": ("APP_KEY",),
        "severity": {
            "app-debug": None,
            "app-url-scheme": None,
            "app-url-local": None,
            "sanctum-domain": "info",
            "feature-mocked-data": None,
            "weak-db-password": None,
            "mail-encryption": None,
            "session-encrypt": None,
            "trusted-proxies-wildcard": "info",
            "dirty-tree": "info",
            "queue-sync": None,
            "mail-mailer": None,
            "empty-secret": "info",
            "placeholder": "warning",
            "agpl-files": "warning",
            "drift-differs": "info",
            "drift-missing": "info",
        },
    },
}


def profile(name):
    return PROFILES[name]


def profile_severity(profile_name, rule, default):
    """The severity this profile gives ``rule`` (``None`` = off)."""
    overrides = PROFILES[profile_name]["severity"]
    return overrides[rule] if rule in overrides else default
