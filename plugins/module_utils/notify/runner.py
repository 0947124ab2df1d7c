# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Orchestrate the notification channels; check mode is decided here, before anything is sent."""

from __future__ import annotations

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.notify import smtp, webhook


def notify(params, check_mode, clock=None, smtp_factory=None, session=None):
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
