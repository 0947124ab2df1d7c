import pytest

from ansible_collections.facturino.release.plugins.module_utils.common.errors import InvalidInputError
from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser, policy
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_environment

SANDBOX_LIKE = (
    "APP_NAME=Facturino\nAPP_ENV=production\nAPP_KEY=base64:oEqvib1piTToLqKBWE2s58Hbb8LKK5fZ+auOMo2DDOg=\n"
    "APP_DEBUG=false\nAPP_URL=http://127.0.0.1:18791\n"
    "DATABASE_URL=postgresql://facturino:Zx9-kLm2Qr7-Tt4vWp1@127.0.0.1:5432/facturino\n"
    "SESSION_DRIVER=database\nSESSION_LIFETIME=1440\nQUEUE_CONNECTION=database\nCACHE_DRIVER=database\n"
    "MAIL_MAILER=log\nMAIL_FROM_ADDRESS=noreply@facturino.test\nSANCTUM_STATEFUL_DOMAINS=127.0.0.1:18791\n"
    "TRUSTED_PROXIES=\"*\"\n"
)


def run(text, profile, ignore=(), overrides=None, laravel=8):
    findings = audit_environment(parser.parse_text(text), profile, laravel)
    return policy.apply(findings, profile, ignore, overrides)


def rules(findings):
    return {(f.rule, f.severity) for f in findings}


def test_production_fails_the_sandbox_http_url():
    kept, _unused = run(SANDBOX_LIKE, "production")
    assert ("app-url-scheme", "error") in rules(kept) and ("app-url-local", "error") in rules(kept)
    assert not policy.passed(kept)


@pytest.mark.parametrize("profile", ["staging", "local"])
def test_staging_and_local_relax_https_so_the_sandbox_passes(profile):
    kept, _unused = run(SANDBOX_LIKE, profile)
    assert not any(f.rule == "app-url-local" for f in kept)
    assert all(f.severity != "error" for f in kept if f.rule == "app-url-scheme")
    assert policy.passed(kept)


def test_ignore_by_rule_and_by_rule_and_key():
    kept, ignored = run(SANDBOX_LIKE, "production", ignore=["app-url-local", "app-url-scheme:APP_URL"])
    assert not {"app-url-local", "app-url-scheme"} & {f.rule for f in kept}
    assert ignored == 2
    kept, _unused = run(SANDBOX_LIKE, "production", ignore=["app-url-scheme:OTHER_KEY"])
    assert "app-url-scheme" in {f.rule for f in kept}  # a different key does not silence it


def test_severity_overrides_beat_the_profile_and_off_drops():
    overrides = {"app-url-scheme": "info", "app-url-local": "off", "trusted-proxies-wildcard": "error"}
    kept, ignored = run(SANDBOX_LIKE, "production", overrides=overrides)
    assert ("app-url-scheme", "info") in rules(kept)
    assert "app-url-local" not in {f.rule for f in kept}
    assert ("trusted-proxies-wildcard", "error") in rules(kept)
    assert ignored >= 1


def test_unknown_rule_or_severity_is_rejected_with_the_fix():
    with pytest.raises(InvalidInputError, match="unknown rule 'app-url-https'.*known rules:"):
        policy.validate(["app-url-https"], {})
    with pytest.raises(InvalidInputError, match="unknown severity 'fatal'"):
        policy.validate([], {"app-debug": "fatal"})
    with pytest.raises(InvalidInputError, match="unknown rule"):
        policy.validate([], {"nope": "info"})
    policy.validate(["app-url-scheme:APP_URL"], {"app-debug": "off"})


@pytest.mark.parametrize("fail_on, passed", [("error", True), ("warning", False), ("info", False), ("never", True)])
def test_fail_on_threshold(fail_on, passed):
    kept, _unused = run(SANDBOX_LIKE, "staging")
    assert any(f.severity == "warning" for f in kept)
    assert policy.passed(kept, fail_on) is passed


def test_staging_accepts_production_or_staging_app_env_but_production_does_not():
    staged = SANDBOX_LIKE.replace("APP_ENV=production", "APP_ENV=staging")
    assert "app-env" not in {f.rule for f in run(staged, "staging")[0]}
    assert "app-env" in {f.rule for f in run(staged, "production")[0]}
    assert "app-env" not in {f.rule for f in run(staged.replace("staging", "testing"), "local")[0]}


def test_app_debug_true_is_error_in_production_warning_in_staging_off_locally():
    debug = SANDBOX_LIKE.replace("APP_DEBUG=false", "APP_DEBUG=true")
    assert ("app-debug", "error") in rules(run(debug, "production")[0])
    assert ("app-debug", "warning") in rules(run(debug, "staging")[0])
    assert "app-debug" not in {f.rule for f in run(debug, "local")[0]}
