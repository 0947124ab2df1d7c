# -*- coding: utf-8 -*-
# Copyright: facturino.release contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local inbox in Maildir layout (new/ and cur/), as the sandbox's SMTP sink and many local MTAs write it."""

from __future__ import annotations

import email
import email.policy
import os

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError


def list_messages(inbox, since=None):
    """Messages in inbox (a Maildir) delivered at or after since (epoch seconds), oldest first."""
    if not os.path.isdir(inbox):
        raise InvalidInputError("the inbox %s is not a directory" % inbox,
                                hint="point inbox at the Maildir the SMTP sink writes (it holds new/ and cur/)")
    found = []
    for sub in ("new", "cur"):
        folder = os.path.join(inbox, sub)
        if not os.path.isdir(folder):
            continue
        for name in os.listdir(folder):
            path = os.path.join(folder, name)
            try:
                mtime = os.stat(path).st_mtime
            except OSError:
                continue  # moved between listdir and stat
            if since is None or mtime >= since:
                found.append((mtime, path))
    return [path for _mtime, path in sorted(found)]


def read_message(path):
    with open(path, "rb") as handle:
        return email.message_from_binary_file(handle, policy=email.policy.default)


def body_text(message):
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


def summarize(message):
    attachments = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True) or b""
        attachments.append({"filename": part.get_filename(), "content_type": part.get_content_type(), "bytes": len(payload)})
    return {
        "subject": str(message.get("Subject", "")),
        "to": str(message.get("To", "")),
        "from": str(message.get("From", "")),
        "attachments": attachments,
    }


def find_message(inbox, since=None, subject=None, to=None, body=None):
    """The first message matching every given substring, as a summary dict; None when none matches yet."""
    for path in list_messages(inbox, since):
        try:
            message = read_message(path)
        except OSError:
            continue
        if subject and subject not in str(message.get("Subject", "")):
            continue
        if to and to not in str(message.get("To", "")):
            continue
        if body and body not in body_text(message):
            continue
        return dict(summarize(message), file=os.path.basename(path))
    return None
