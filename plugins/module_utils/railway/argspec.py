# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument specs: the Railway options every module of the wing shares (doc fragment facturino.release.railway)."""

from __future__ import annotations

import copy

from ansible.module_utils.basic import env_fallback

from ansible_collections.facturino.release.plugins.module_utils.railway.client import DEFAULT_API_URL, TOKEN_TYPES

RAILWAY_COMMON_ARGS = {
    "api_url": {"type": "str", "default": DEFAULT_API_URL},
    "token": {"type": "str", "no_log": True, "fallback": (env_fallback, ["RAILWAY_TOKEN", "RAILWAY_API_TOKEN"])},
    "token_type": {"type": "str", "default": "auto", "choices": list(TOKEN_TYPES)},
    "project": {"type": "str"},
    "environment": {"type": "str"},
    "service": {"type": "str"},
    "wait_timeout": {"type": "int", "default": 600},
    "request_budget": {"type": "int", "default": 100},
    "retries": {"type": "int", "default": 4},
    "http_timeout": {"type": "int", "default": 30},
    "validate_certs": {"type": "bool", "default": True},
}


def railway_common_argument_spec():
    return copy.deepcopy(RAILWAY_COMMON_ARGS)


def railway_deploy_argument_spec():
    spec = railway_common_argument_spec()
    spec.update(
        state={"type": "str", "required": True,
               "choices": ["deployed", "redeployed", "rolled_back", "restarted", "cancelled", "removed", "inspected",
                           "logs", "variables", "runtime"]},
        commit_sha={"type": "str"},
        source={"type": "path"},
        use_ignore_files={"type": "bool", "default": True},
        deploy_message={"type": "str"},
        deployment_id={"type": "str"},
        wait={"type": "bool", "default": True},
        approve={"type": "bool", "default": False},
        stable_for={"type": "int", "default": 0},
        poll_interval_max={"type": "float", "default": 15},
        log_lines={"type": "int", "default": 40},
        limit={"type": "int"},
        filter={"type": "str"},
        log_type={"type": "str", "default": "all", "choices": ["all", "build", "deploy"]},
        variables={"type": "dict", "no_log": True},
        variables_absent={"type": "list", "elements": "str", "default": []},
        skip_deploys={"type": "bool"},
        reveal={"type": "bool", "default": False},
        fallback={"type": "bool", "default": False},
        bad_deployment_id={"type": "str"},
        pre_deploy_command={"type": "list", "elements": "str"},
    )
    return spec


RAILWAY_DEPLOY_MUTUALLY_EXCLUSIVE = [["commit_sha", "source"], ["commit_sha", "deployment_id"]]


def railway_deploy_info_argument_spec():
    spec = railway_common_argument_spec()
    spec.update(limit={"type": "int", "default": 10})
    return spec
