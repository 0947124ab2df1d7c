# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of the git_release module."""

from __future__ import annotations

OPERATIONS = ["facts", "export", "tag", "push", "revert", "branch"]

PACKAGE_SPEC = dict(name=dict(type="str", required=True), version=dict(type="str"), min=dict(type="str"),
                    max=dict(type="str"))


def git_release_argument_spec():
    return dict(
        operation=dict(type="str", required=True, choices=OPERATIONS),
        app_path=dict(type="path", required=True),
        ref=dict(type="str", default="HEAD"),
        tag=dict(type="str"),
        git_message=dict(type="str"),
        remote=dict(type="str", default="origin"),
        branch=dict(type="str"),
        tags=dict(type="list", elements="str", default=[]),
        rollback_tag=dict(type="str"),
        dest=dict(type="path"),
        migrations_dir=dict(type="str", default="database/migrations"),
        probe_paths=dict(type="list", elements="str", default=[]),
        composer_packages=dict(type="list", elements="dict", default=[], options=PACKAGE_SPEC),
        npm_packages=dict(type="list", elements="dict", default=[], options=PACKAGE_SPEC),
        query_remote=dict(type="bool", default=False),
        require_clean=dict(type="bool", default=True),
        author_name=dict(type="str"),
        author_email=dict(type="str"),
    )


REQUIRED_IF = [
    ("operation", "tag", ("tag", "git_message")),
    ("operation", "export", ("dest",)),
    ("operation", "revert", ("tag", "branch", "rollback_tag", "git_message")),
    ("operation", "branch", ("branch",)),
]
