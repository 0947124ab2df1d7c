# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestrate the notification channels; check mode is decided here, before anything is sent."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common import validate
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.notify import smtp, webhook


def validate_options(params):
    """Every notification option that can be wrong in form, checked before anything is sent."""
    validate.check_line("subject", params.get("subject"))
    validate.check_timeout("timeout", params.get("timeout"), maximum=3600.0)
    validate.check_count("attempts", params.get("attempts"), minimum=1, maximum=20)
    validate.check_count("smtp_port", params.get("smtp_port"), minimum=1, maximum=65535)
    host = params.get("smtp_host")
    validate.check_line("smtp_host", host)
    if host and (" " in host or "/" in host):
        raise InvalidInputError("smtp_host must be a host name or address, not a URL or text with spaces",
                                hint="set smtp_host to a name such as smtp.example.com (the port goes in smtp_port)")
    validate.check_line("smtp_username", params.get("smtp_username"))
    validate.check_line("smtp_password", params.get("smtp_password"), secret=True)
    validate.check_address("mail_from", params.get("mail_from"))
    for address in params.get("mail_to") or []:
        validate.check_address("mail_to", address)
    validate.check_url("webhook_url", params.get("webhook_url"), secret=True, required=False)
    validate.check_headers("webhook_headers", params.get("webhook_headers"))


def notify(params, check_mode, clock=None, smtp_factory=None, session=None):
    validate_options(params)
    channels = []
    if params.get("smtp_host"):
        channels.append("smtp")
    if params.get("webhook_url"):
        channels.append("webhook")
    if not channels:
        raise InvalidInputError("no notification channel configured",
                                hint="set smtp_host (with mail_from/mail_to) and/or webhook_url")
    result = {"changed": False, "channels": channels, "subject": params["subject"], "event": params["event"]}
    message = smtp.build_message(params["subject"], params["body"], params.get("mail_from"), params["mail_to"],
                                 params["event"]) if "smtp" in channels else None
    payload = params.get("webhook_payload") or webhook.default_payload(params["subject"], params["body"], params["event"])
    if check_mode:
        if message is not None:
            result["smtp"] = {"sent": False, "would_send_to": list(params["mail_to"]),
                              "server": "%s:%s" % (params["smtp_host"], params["smtp_port"])}
        if "webhook" in channels:
            result["webhook"] = {"sent": False, "would_post_keys": sorted(payload)}
        result["changed"] = True
        result["msg"] = "check mode: would notify via %s" % ", ".join(channels)
        return result
    if message is not None:
        result["smtp"] = smtp.send(params, message, clock=clock, smtp_factory=smtp_factory)
    if "webhook" in channels:
        result["webhook"] = webhook.post(params, payload, clock=clock, session=session)
    result["changed"] = True
    result["msg"] = "notified via %s" % ", ".join(channels)
    return result


def handle(module):
    """``common.module.run_module`` handler of the release_notify module."""
    return notify(module.params, module.check_mode)
