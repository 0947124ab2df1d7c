# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The argument spec of env_audit (documented in plugins/modules/env_audit.py)."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.dotenv.parser import MAX_FILE_BYTES
from ansible_collections.facturino.release.plugins.module_utils.dotenv.policy import FAIL_ON
from ansible_collections.facturino.release.plugins.module_utils.dotenv.profiles import PROFILES


def env_audit_argument_spec():
    return dict(
        path=dict(type="path"),
        variables=dict(type="dict", no_log=True),
        profile=dict(type="str", default="production", choices=sorted(PROFILES)),
        laravel_version=dict(type="str"),
        app_path=dict(type="path"),
        required=dict(type="list", elements="str", default=[]),
        forbidden=dict(type="list", elements="str", default=[]),
        ignore=dict(type="list", elements="str", default=[]),
        severity_overrides=dict(type="dict", default={}),
        reference=dict(type="dict", no_log=True),
        reference_path=dict(type="path"),
        fail_on=dict(type="str", default="error", choices=list(FAIL_ON)),
        max_bytes=dict(type="int", default=MAX_FILE_BYTES),
    )


ENV_AUDIT_MODULE_KWARGS = dict(
    mutually_exclusive=[("path", "variables"), ("reference", "reference_path")],
    required_one_of=[("path", "variables")],
    supports_check_mode=True,
)
