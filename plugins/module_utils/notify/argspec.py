# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec of the release_notify module (SMTP and webhook channels)."""

from __future__ import annotations


def notify_argument_spec():
    return dict(
        subject=dict(type="str", required=True),
        body=dict(type="str", required=True),
        event=dict(type="str", default="release", choices=["start", "success", "failure", "rollback", "monitor", "stability", "release"]),
        smtp_host=dict(type="str"),
        smtp_port=dict(type="int", default=25),
        smtp_security=dict(type="str", default="none", choices=["none", "starttls", "ssl"]),
        smtp_username=dict(type="str"),
        smtp_password=dict(type="str", no_log=True),
        mail_from=dict(type="str"),
        mail_to=dict(type="list", elements="str", default=[]),
        webhook_url=dict(type="str", no_log=True),
        webhook_headers=dict(type="dict", default={}, no_log=True),
        webhook_payload=dict(type="dict"),
        timeout=dict(type="float", default=10.0),
        attempts=dict(type="int", default=3),
        validate_certs=dict(type="bool", default=True),
    )
