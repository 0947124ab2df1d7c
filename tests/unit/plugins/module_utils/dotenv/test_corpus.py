"""The fixture corpus: a clean file, one fixture per defect, and the runbook's own example."""

import json
import os

import pytest

from ansible_collections.facturino.release.plugins.module_utils.dotenv import parser, policy
from ansible_collections.facturino.release.plugins.module_utils.dotenv.audit import audit_environment
from ansible_collections.facturino.release.plugins.module_utils.dotenv.findings import count_by_severity
from ansible_collections.facturino.release.plugins.module_utils.laravel.version import parse_version

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", ".."))
FIXTURES = os.path.join(REPO, "tests", "fixtures", "dotenv")
DEFECTS = os.path.join(FIXTURES, "defects")
RUNBOOK_EXAMPLE = os.path.join(FIXTURES, "runbook-example.env.production")
SEED = "/work/shared/seeds/000_7c2c6dedc246cbc3.txt"
RUNBOOK_BLOCKS = ("### Critical Environment Variables", "### Optional Performance Variables",
                  "### Optional Feature Flags", "### Optional Backup Configuration")

with open(os.path.join(DEFECTS, "manifest.json"), encoding="utf-8") as handle:
    MANIFEST = json.load(handle)


def audit_file(path, profile="production", laravel="8.83"):
    document = parser.parse_file(path)
    findings = audit_environment(document, profile, parse_version(laravel).major)
    kept, _ignored = policy.apply(findings, profile)
    return kept


def test_clean_production_file_passes_with_no_findings():
    findings = audit_file(os.path.join(FIXTURES, "clean.env.production"))
    assert [f.as_dict() for f in findings] == []
    assert policy.passed(findings, "error")


def test_every_defect_fixture_is_listed_in_the_manifest():
    on_disk = sorted(name for name in os.listdir(DEFECTS) if name.endswith(".env"))
    assert on_disk == sorted(case["file"] for case in MANIFEST)
    assert len(MANIFEST) >= 40


# Byte-level defects are stored clean (sanity forbids CRLF and BOMs in the tree) and planted at test time.
BYTE_DEFECTS = {"crlf": lambda data: data.replace(b"\n", b"\r\n"), "bom": lambda data: b"\xef\xbb\xbf" + data}


def defect_path(case, tmp_path):
    path = os.path.join(DEFECTS, case["file"])
    transform = case.get("transform")
    if not transform:
        return path
    with open(path, "rb") as handle:
        planted = BYTE_DEFECTS[transform](handle.read())
    target = tmp_path / case["file"]
    target.write_bytes(planted)
    return str(target)


@pytest.mark.parametrize("case", MANIFEST, ids=[case["file"] for case in MANIFEST])
def test_defect_fixture_is_flagged_with_key_severity_and_line(case, tmp_path):
    findings = audit_file(defect_path(case, tmp_path), case["profile"], case["laravel_version"])
    got = sorted((f.rule, f.key or "", f.severity, f.line or 0) for f in findings)
    expected = sorted((e["rule"], e["key"] or "", e["severity"], e["line"] or 0) for e in case["expected"])
    # Exactly the planted defect: each fixture differs from the clean file in one way only.
    assert got == expected


def test_runbook_example_yields_placeholder_and_deprecated_key_findings():
    findings = audit_file(RUNBOOK_EXAMPLE, laravel="8.83")
    by_rule = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, set()).add((finding.key, finding.line))
    assert by_rule["placeholder"] == {
        ("APP_URL", 5), ("APP_KEY", 6), ("DB_HOST", 10), ("DB_PASSWORD", 14), ("SANCTUM_STATEFUL_DOMAINS", 30),
        ("MAIL_HOST", 35), ("MAIL_PASSWORD", 38), ("REDIS_HOST", 49), ("REDIS_PASSWORD", 51),
        ("CLAUDE_API_KEY", 70), ("AWS_ACCESS_KEY_ID", 73), ("AWS_SECRET_ACCESS_KEY", 74),
    }
    assert by_rule["deprecated-key"] == {("MAIL_DRIVER", 34)}           # Laravel 7+ reads MAIL_MAILER
    assert by_rule["unsupported-key"] == {("CACHE_STORE", 44), ("SESSION_ENCRYPT", 19)}  # read from Laravel 11
    assert by_rule["duplicate-key"] == {("CACHE_STORE", 44), ("QUEUE_CONNECTION", 45), ("SESSION_DRIVER", 46)}
    assert by_rule["trusted-proxies-wildcard"] == {("TRUSTED_PROXIES", 31)}
    assert by_rule["session-encrypt"] == {("SESSION_ENCRYPT", 19)}
    assert count_by_severity(findings)["error"] == 12
    assert not policy.passed(findings)


def test_runbook_example_on_laravel_11_flags_the_mail_driver_only():
    rules = {(f.rule, f.key) for f in audit_file(RUNBOOK_EXAMPLE, laravel="11.0")}
    assert ("deprecated-key", "MAIL_DRIVER") in rules
    assert not any(rule in ("unsupported-key",) for rule, _key in rules)


@pytest.mark.skipif(not os.path.exists(SEED), reason="the runbook seed is not on this machine")
def test_runbook_fixture_is_verbatim_from_the_seed():
    with open(SEED, encoding="utf-8") as handle:
        seed = handle.read()
    blocks = []
    for heading in RUNBOOK_BLOCKS:
        start = seed.index("```bash\n", seed.index(heading)) + len("```bash\n")
        blocks.append(seed[start:seed.index("```", start)])
    with open(RUNBOOK_EXAMPLE, encoding="utf-8") as handle:
        assert handle.read() == "\n".join(blocks)
