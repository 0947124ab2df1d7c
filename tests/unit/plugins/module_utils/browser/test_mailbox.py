"""Finding a mail in a Maildir as the sandbox's SMTP sink (mailbox.Maildir) writes it."""

import mailbox as std_mailbox
import os
from email.message import EmailMessage

import pytest

from ansible_collections.facturino.release.plugins.module_utils.browser.mailbox import find_message, list_messages
from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError


def deliver(root, subject, to="billing@acme.test", body="Please find attached.", when=None):
    box = std_mailbox.Maildir(str(root), create=True)
    msg = EmailMessage()
    msg["Subject"], msg["To"], msg["From"] = subject, to, "noreply@facturino.test"
    msg.set_content(body)
    msg.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="INV-1.pdf")
    key = box.add(msg)
    path = os.path.join(str(root), "new", key)
    if when is not None:
        os.utime(path, (when, when))
    return path


def test_matches_subject_to_and_body_since_a_time(tmp_path):
    tmp_path = tmp_path / "inbox"
    deliver(tmp_path, "Invoice INV-000001 from Facturino", when=1000)
    deliver(tmp_path, "Invoice INV-000002 from Facturino", when=2000)
    found = find_message(str(tmp_path), since=1500, subject="Invoice INV-")
    assert found["subject"] == "Invoice INV-000002 from Facturino"
    assert found["attachments"] == [{"filename": "INV-1.pdf", "content_type": "application/pdf", "bytes": 10}]
    assert find_message(str(tmp_path), since=2500, subject="Invoice") is None
    assert find_message(str(tmp_path), subject="INV-000001", to="billing@")["subject"].startswith("Invoice INV-000001")
    assert find_message(str(tmp_path), body="not in any body") is None
    assert len(list_messages(str(tmp_path))) == 2


def test_missing_inbox_names_the_fix(tmp_path):
    with pytest.raises(InvalidInputError, match="Maildir"):
        find_message(str(tmp_path / "absent"))
