# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build and send a plain-text notification over SMTP (stdlib smtplib), retrying transient failures."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from ansible_collections.facturino.release.plugins.module_utils.common.errors import (
    InvalidInputError,
    NotifyError,
    RetriesExhaustedError,
    TransientError,
)
from ansible_collections.facturino.release.plugins.module_utils.common.retry import Backoff, retry_call


def build_message(subject, body, mail_from, mail_to, event):
    if not mail_from or not mail_to:
        raise InvalidInputError("SMTP needs mail_from and at least one mail_to address",
                                hint="set mail_from and mail_to (for example notify_mail_to)")
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = mail_from
    message["To"] = ", ".join(mail_to)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=mail_from.rsplit("@", 1)[-1] or "localhost")
    message["X-Facturino-Event"] = event
    message.set_content(body)
    return message


def _send_once(params, message, smtp_factory):
    host, port, security = params["smtp_host"], params["smtp_port"], params["smtp_security"]
    try:
        if security == "ssl":
            client = smtp_factory["ssl"](host, port, timeout=params["timeout"],
                                         context=ssl.create_default_context() if params["validate_certs"] else ssl._create_unverified_context())
        else:
            client = smtp_factory["plain"](host, port, timeout=params["timeout"])
        with client:
            if security == "starttls":
                client.starttls(context=ssl.create_default_context() if params["validate_certs"] else ssl._create_unverified_context())
            if params.get("smtp_username"):
                client.login(params["smtp_username"], params.get("smtp_password") or "")
            refused = client.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise NotifyError("SMTP server %s:%s refused the login (%s)" % (host, port, error.smtp_code),
                          hint="check smtp_username/smtp_password") from None
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as error:
        raise TransientError("SMTP server %s:%s unreachable: %s" % (host, port, error),
                             hint="check smtp_host/smtp_port and that the server is up") from None
    except smtplib.SMTPResponseException as error:
        if 400 <= error.smtp_code < 500:
            raise TransientError("SMTP server %s:%s answered %s" % (host, port, error.smtp_code)) from None
        raise NotifyError("SMTP server %s:%s rejected the message: %s" % (host, port, error.smtp_code),
                          hint="check mail_from/mail_to") from None
    except smtplib.SMTPException as error:
        raise NotifyError("SMTP delivery to %s:%s failed: %s" % (host, port, type(error).__name__),
                          hint="check the SMTP settings") from None
    except (socket.timeout, ConnectionError, OSError) as error:
        raise TransientError("SMTP server %s:%s unreachable: %s" % (host, port, error),
                             hint="check smtp_host/smtp_port and that the server is up") from None
    return refused


def send(params, message, clock=None, smtp_factory=None):
    """Send ``message``; returns ``{"sent": True, "recipients": [...], "message_id": ...}``."""
    factory = smtp_factory or {"plain": smtplib.SMTP, "ssl": smtplib.SMTP_SSL}
    try:
        refused = retry_call(lambda: _send_once(params, message, factory), attempts=max(1, params["attempts"]),
                             backoff=Backoff(initial=1.0, factor=2.0, maximum=10.0), clock=clock)
    except RetriesExhaustedError as error:
        last = error.last_error
        raise NotifyError("%s (after %d attempts)" % (getattr(last, "message", last), error.attempts),
                          hint=getattr(last, "hint", None)) from None
    accepted = [addr for addr in params["mail_to"] if addr not in (refused or {})]
    return {"sent": True, "recipients": accepted, "refused": sorted((refused or {}).keys()),
            "message_id": message["Message-ID"], "server": "%s:%s" % (params["smtp_host"], params["smtp_port"])}
