#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: release_notify
short_description: Send a release notification by SMTP and/or a JSON webhook
version_added: 0.1.0
description:
  - Sends the runbook's team notification (or a failure, rollback or stability alert) by e-mail over SMTP and/or
    as a JSON POST to a webhook (Slack, Discord and Teams incoming webhooks accept the default C(text) payload).
  - Transient failures (connection errors, SMTP 4xx, HTTP 429 and 5xx) are retried with capped backoff.
  - In check mode nothing is sent; the result says what would be sent.
  - The SMTP password, the webhook URL (it usually embeds a secret) and webhook header values are never returned.
author:
  - Facturino release engineers (@facturino)
extends_documentation_fragment:
  - facturino.release.attributes
attributes:
  check_mode:
    details: Sends nothing; returns the channels and recipients that would be used.
options:
  subject:
    description: Subject line (e-mail subject, first line of the webhook text).
    type: str
    required: true
  body:
    description: Plain-text body.
    type: str
    required: true
  event:
    description: What happened; sent as the C(X-Facturino-Event) header and the webhook C(event) field.
    type: str
    default: release
    choices: [start, success, failure, rollback, monitor, stability, release]
  smtp_host:
    description: SMTP server. Without it no e-mail is sent.
    type: str
  smtp_port:
    description: SMTP port.
    type: int
    default: 25
  smtp_security:
    description: V(none), V(starttls) (upgrade after connecting, usually port 587) or V(ssl) (implicit TLS, usually 465).
    type: str
    default: none
    choices: [none, starttls, ssl]
  smtp_username:
    description: SMTP login user; no login when empty.
    type: str
  smtp_password:
    description: SMTP login password.
    type: str
  mail_from:
    description: Sender address; required with O(smtp_host).
    type: str
  mail_to:
    description: Recipients; at least one with O(smtp_host).
    type: list
    elements: str
    default: []
  webhook_url:
    description: Webhook receiving a JSON POST. Treated as a secret.
    type: str
  webhook_headers:
    description: Extra HTTP headers for the webhook (values are secrets, for example an authorization token).
    type: dict
    default: {}
  webhook_payload:
    description: JSON body to post instead of the default C({"text", "subject", "event"}).
    type: dict
  timeout:
    description: Seconds one webhook attempt may take in total (the whole exchange); for SMTP, seconds each network operation may take. More than 0.
    type: float
    default: 10.0
  attempts:
    description: Attempts per channel for transient failures.
    type: int
    default: 3
  validate_certs:
    description: Verify TLS certificates (SMTP STARTTLS/SSL and HTTPS webhooks).
    type: bool
    default: true
requirements:
  - requests (only for O(webhook_url))
"""

EXAMPLES = r"""
- name: Tell the team the release is live
  facturino.release.release_notify:
    event: success
    subject: "Facturino v1.0.0 Deployed to Production"
    body: "{{ lookup('ansible.builtin.template', 'team_notification.txt.j2') }}"
    smtp_host: smtp.example.com
    smtp_port: 587
    smtp_security: starttls
    smtp_username: noreply@facturino.mk
    smtp_password: "{{ vault_smtp_password }}"
    mail_from: noreply@facturino.mk
    mail_to: [tech-team@facturino.mk]

- name: Post a rollback alert to a Slack incoming webhook
  facturino.release.release_notify:
    event: rollback
    subject: "Facturino v1.0.0 rolled back"
    body: "Health checks failed after the deploy; the previous deployment serves again."
    webhook_url: "{{ vault_slack_webhook_url }}"
"""

RETURN = r"""
channels:
  description: Channels used (or that would be used in check mode).
  returned: always
  type: list
  elements: str
  sample: [smtp, webhook]
subject:
  description: The subject sent.
  returned: always
  type: str
  sample: "Facturino v1.0.0 Deployed to Production"
event:
  description: The event sent.
  returned: always
  type: str
  sample: success
smtp:
  description: SMTP delivery (sent, recipients, refused, message_id, server), or would_send_to in check mode.
  returned: when smtp_host is set
  type: dict
  sample: {"sent": true, "recipients": ["tech-team@facturino.mk"], "refused": [], "message_id": "<1@facturino.mk>", "server": "smtp.example.com:587"}
webhook:
  description: Webhook delivery (sent, HTTP status), or would_post_keys in check mode.
  returned: when webhook_url is set
  type: dict
  sample: {"sent": true, "status": 200}
msg:
  description: One-line summary.
  returned: always
  type: str
  sample: "notified via smtp"
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.facturino.release.plugins.module_utils.common.module import require_libraries, run_module
from ansible_collections.facturino.release.plugins.module_utils.notify.argspec import notify_argument_spec
from ansible_collections.facturino.release.plugins.module_utils.notify.runner import handle


def main():
    module = AnsibleModule(
        argument_spec=notify_argument_spec(),
        required_together=[("smtp_username", "smtp_password")],
        required_by={"smtp_host": ("mail_from",)},
        supports_check_mode=True,
    )
    if module.params.get("webhook_url"):
        require_libraries(module, ("requests", "requests"))
    run_module(module, handle)


if __name__ == "__main__":
    main()
