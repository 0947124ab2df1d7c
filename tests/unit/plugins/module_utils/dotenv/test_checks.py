"""Rule details not covered by one-defect fixtures."""

import base64

import pytest

from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_environment
from ansible_collections.facturino.release.plugins.module_utils.dotenv.checks import is_placeholder


def found(text, laravel=8, **kwargs):
    return {(f.rule, f.key) for f in audit_environment(parser.parse_text(text), "production", laravel, **kwargs)}


@pytest.mark.parametrize("cipher, key_bytes, ok", [
    ("AES-256-CBC", 32, True), ("AES-256-CBC", 16, False), ("AES-128-CBC", 16, True), ("aes-128-gcm", 32, False),
])
def test_app_key_length_follows_the_cipher(cipher, key_bytes, ok):
    key = "base64:" + base64.b64encode(b"k" * key_bytes).decode()
    result = found("APP_KEY=%s\nAPP_CIPHER=%s\n" % (key, cipher))
    assert (("app-key", "APP_KEY") not in result) is ok


def test_app_key_invalid_base64_and_unknown_cipher():
    assert ("app-key", "APP_KEY") in found("APP_KEY=base64:%%%notbase64\n")
    assert ("invalid-choice", "APP_CIPHER") in found("APP_KEY=base64:AAAA\nAPP_CIPHER=rot13\n")


@pytest.mark.parametrize("value", [
    "YOUR_SECURE_PASSWORD_HERE", "https://your-production-domain.com", "smtp.example.com", "changeme", "CHANGE_ME",
    "sk-ant-YOUR_API_KEY_HERE", "AKIA_YOUR_KEY_HERE", "<your-token>", "xxxx", "noreply@example.org",
])
def test_placeholders_are_recognised(value):
    assert is_placeholder(value)


@pytest.mark.parametrize("value", [
    "https://app.facturino.mk", "smtp.postmarkapp.com", "HyjOn1-OAPlXdbY3r_9YvDTjzyIj2RXB", "exchange-me-not",
    "noreply@facturino.mk", "examples.company.com",
])
def test_real_values_are_not_placeholders(value):
    assert not is_placeholder(value)


def test_required_and_forbidden_options():
    result = found("APP_ENV=production\nLEGACY_TOKEN=abc\n", required=["PADDLE_VENDOR_ID"], forbidden=["LEGACY_TOKEN"])
    assert ("required-missing", "PADDLE_VENDOR_ID") in result
    assert ("forbidden-key", "LEGACY_TOKEN") in result


def test_redis_driver_without_host_and_url_alternative():
    assert ("redis-connection", "REDIS_HOST") in found("CACHE_DRIVER=redis\n")
    assert ("redis-connection", "REDIS_HOST") not in found("CACHE_DRIVER=redis\nREDIS_URL=redis://r:6379\n")


def test_redis_non_cache_collision_is_a_warning():
    findings = audit_environment(parser.parse_text("REDIS_DB=0\nREDIS_CACHE_DB=1\nREDIS_QUEUE_DB=0\n"), "production", 8)
    collisions = [(f.key, f.severity) for f in findings if f.rule == "redis-db-collision"]
    assert collisions == [("REDIS_QUEUE_DB", "warning")]


def test_mail_encryption_not_required_for_a_local_mail_host():
    assert ("mail-encryption", "MAIL_ENCRYPTION") not in found("MAIL_MAILER=smtp\nMAIL_HOST=mailpit\nMAIL_PORT=1025\n")
    assert ("mail-encryption", "MAIL_ENCRYPTION") in found("MAIL_MAILER=smtp\nMAIL_HOST=smtp.eu.mailgun.org\n"
                                                           "MAIL_PORT=587\nMAIL_ENCRYPTION=\n")


def test_the_apps_own_config_overrides_the_version_table():
    text = "CACHE_STORE=database\n"
    assert ("unsupported-key", "CACHE_STORE") in found(text, laravel=8)
    assert ("unsupported-key", "CACHE_STORE") not in found(text, laravel=8, app_reads={"CACHE_STORE"})


def test_unknown_version_is_reported_once_as_info():
    findings = audit_environment(parser.parse_text("MAIL_DRIVER=smtp\nCACHE_STORE=file\n"), "production", None)
    unknown = [f for f in findings if f.rule == "laravel-version-unknown"]
    assert len(unknown) == 1 and unknown[0].severity == "info"
    assert not any(f.rule in ("deprecated-key", "unsupported-key") for f in findings)


def test_weak_password_judged_by_length_and_classes():
    assert ("weak-db-password", "DB_PASSWORD") in found("DB_PASSWORD=aaaaaaaaaaaaaaaaaaaaaaaa\n")  # one class
    assert ("weak-db-password", "DB_PASSWORD") in found("DB_PASSWORD=Ab1!\n")  # too short
    assert ("weak-db-password", "DB_PASSWORD") not in found("DB_PASSWORD=Ab1-kLm2Qr7-Tt4vWp1\n")


@pytest.mark.parametrize("text, fires", [
    ("APP_DEBUG=true#false\n", True),           # Laravel gets 'true': '#' after an unquoted value is a comment
    ("APP_DEBUG=false # true\n", False),
    ('APP_DEBUG="true" # false\n', True),
    ("DEBUG=true\nAPP_DEBUG=${DEBUG}\n", True),  # resolved from the earlier line
    ("APP_DEBUG=${DEBUG}\nDEBUG=true\n", False),  # a later line is not resolved: Laravel gets '${DEBUG}'
    ("APP_DEBUG='true'\nAPP_DEBUG\n", False),   # a bare name unsets it
])
def test_checks_judge_the_value_laravel_gets(text, fires):
    assert (("app-debug", "APP_DEBUG") in found(text)) is fires


def test_url_checks_see_resolved_references():
    result = found("APP_HOST=app.facturino.mk\nAPP_URL=http://${APP_HOST}\n")
    assert ("app-url-scheme", "APP_URL") in result and ("app-url-invalid", "APP_URL") not in result
