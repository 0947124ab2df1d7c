"""env_audit in-process: argument handling, check mode, read-only result, clear failures."""

import json
import os
import re

import pytest
import yaml
from tests.support.module_args import patch_module_args

from ansible_collections.facturino.release.plugins.module_utils.dotenv.rules import RULES
from ansible_collections.facturino.release.plugins.modules import env_audit

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
CLEAN = os.path.join(REPO, "tests", "fixtures", "dotenv", "clean.env.production")
RUNBOOK = os.path.join(REPO, "tests", "fixtures", "dotenv", "runbook-example.env.production")


def run(capsys, args, check_mode=False):
    args = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exited:
            env_audit.main()
    result = json.loads(capsys.readouterr().out)
    result["rc"] = exited.value.code
    return result


def test_clean_file_passes_read_only_in_check_mode(capsys):
    result = run(capsys, {"path": CLEAN, "laravel_version": "8.83"}, check_mode=True)
    assert result["rc"] == 0 and not result.get("failed")
    assert result["changed"] is False and result["passed"] is True
    assert result["counts"] == {"error": 0, "warning": 0, "info": 0}
    with open(CLEAN, encoding="utf-8") as handle:
        assignments = [line for line in handle if line[:1].isupper() and "=" in line]
    assert result["audited"] == {"origin": "file", "path": CLEAN, "keys": len(assignments), "phpdotenv": "5.4",
                                 "laravel_loads_it": True}
    assert result["laravel_version"]["source"] == "laravel_version option"


def test_runbook_example_fails_with_findings_and_a_summary(capsys):
    result = run(capsys, {"path": RUNBOOK, "laravel_version": "8"})
    assert result["failed"] is True and result["changed"] is False and result["passed"] is False
    assert result["counts"]["error"] == 12
    assert result["msg"].startswith("env_audit: 12 error(s)")
    assert "placeholder APP_URL line 5" in result["msg"]
    assert "Traceback" not in json.dumps(result) and "exception" not in result


def test_fail_on_never_reports_without_failing(capsys):
    result = run(capsys, {"path": RUNBOOK, "laravel_version": "8", "fail_on": "never"})
    assert not result.get("failed") and result["passed"] is True and result["counts"]["error"] == 12


def test_variables_input_and_drift_against_a_reference_file(capsys):
    variables = {"APP_ENV": "production", "APP_DEBUG": False, "EXTRA_FLAG": "1"}
    result = run(capsys, {"variables": variables, "reference_path": CLEAN, "laravel_version": "8", "fail_on": "never",
                          "profile": "local"})
    assert result["audited"]["origin"] == "variables"
    assert "APP_KEY" in result["drift"]["missing"] and result["drift"]["extra"] == ["EXTRA_FLAG"]
    assert result["drift"]["differs"] == []
    assert all(f["line"] is None for f in result["findings"] if f["rule"] == "drift-missing")


@pytest.mark.parametrize("args, expected", [
    ({"path": "/nonexistent/.env.production"}, "does not exist"),
    ({"path": CLEAN, "ignore": ["no-such-rule"]}, "ignore lists unknown rule 'no-such-rule'"),
    ({"path": CLEAN, "severity_overrides": {"app-debug": "fatal"}}, "unknown severity 'fatal'"),
    ({"path": CLEAN, "laravel_version": "latest"}, "laravel_version 'latest' is not a version"),
    ({"path": CLEAN, "app_path": "/nonexistent/app"}, "app_path /nonexistent/app is not a directory"),
    ({"path": CLEAN, "variables": {"A": "1"}}, "mutually exclusive"),
    ({}, "one of the following is required"),
])
def test_bad_input_fails_with_cause_and_no_traceback(capsys, args, expected):
    result = run(capsys, args)
    assert result["failed"] is True and result["rc"] == 1
    assert expected in result["msg"]
    assert "exception" not in result


def test_documentation_lists_every_rule_id_and_nothing_else():
    notes = yaml.safe_load(env_audit.DOCUMENTATION)["notes"][0]
    assert sorted(re.findall(r"C\(([a-z0-9-]+)\)", notes)) == sorted(RULES)
