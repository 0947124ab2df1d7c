"""A planted-secret test at library level: no finding or message contains any audited value.

No Ansible masking is involved here, so a leak cannot be hidden by no_log.
"""

import json
import secrets

from ansible_collections.facturino.release.plugins.module_utils.dotenv import drift, parser, policy
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_environment
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import count_by_severity
from ansible_collections.facturino.release.plugins.module_utils.dotenv.task import summary_message

KEYS = ["APP_NAME", "APP_ENV", "APP_KEY", "APP_DEBUG", "APP_URL", "APP_CIPHER", "DB_CONNECTION", "DB_HOST", "DB_PORT",
        "DB_DATABASE", "DB_USERNAME", "DB_PASSWORD", "DATABASE_URL", "SESSION_DRIVER", "SESSION_LIFETIME",
        "SESSION_ENCRYPT", "QUEUE_CONNECTION", "CACHE_DRIVER", "CACHE_STORE", "MAIL_DRIVER", "MAIL_MAILER",
        "MAIL_HOST", "MAIL_PORT", "MAIL_PASSWORD", "MAIL_ENCRYPTION", "MAIL_FROM_ADDRESS",
        "SANCTUM_STATEFUL_DOMAINS", "TRUSTED_PROXIES", "REDIS_CLIENT", "REDIS_HOST", "REDIS_PORT", "REDIS_DB",
        "REDIS_CACHE_DB", "FEATURE_MCP_AI_TOOLS", "FEATURE_PARTNER_MOCKED_DATA", "AI_PROVIDER", "CLAUDE_API_KEY",
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_BACKUP_BUCKET"]


def planted():
    """Every key gets a unique random value, so every rule that reads a value fires on it."""
    return dict((key, "plant" + secrets.token_hex(8)) for key in KEYS)


def rendered(findings, extra=""):
    return json.dumps([f.as_dict() for f in findings]) + extra


def test_no_planted_value_appears_in_any_finding():
    values = planted()
    text = "\n".join("%s=%s" % item for item in values.items()) + "\nQUOTED=\"${UNDEFINED_%s}\"\n" % values["DB_HOST"]
    text += "BROKEN LINE %s\n1BAD=%s\n" % (values["APP_KEY"], values["MAIL_PASSWORD"])
    document = parser.parse_text(text)
    reference = parser.from_mapping(dict((k, v + "x") for k, v in values.items()))
    findings = audit_environment(document, "production", 8, reference=reference)
    findings += drift.compare(document, reference)
    kept, _unused = policy.apply(findings, "production")
    assert len({f.rule for f in findings}) >= 15  # the planted file really exercised the rules
    output = rendered(findings) + repr(findings) + str([str(e.value) for e in document.entries])
    for value in values.values():
        assert value not in output
    assert "plant" not in output


def test_summary_message_names_rules_and_keys_only():
    values = planted()
    document = parser.parse_text("\n".join("%s=%s" % item for item in values.items()))
    kept, _unused = policy.apply(audit_environment(document, "production", 8), "production")
    counts = count_by_severity(kept)
    message = summary_message(kept, counts, "info", passed=False)
    assert "%s %s" % (kept[0].rule, kept[0].key or "-") in message and "more" in message
    assert not any(value in message for value in values.values())
