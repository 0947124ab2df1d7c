"""The railway_deploy module face: argument spec vs docs, thin main(), secrets, and a full run on a fake Railway."""

import inspect
import json

import pytest
import yaml

from tests.support.module_args import patch_module_args

from ansible_collections.facturino.release.plugins.doc_fragments.railway import ModuleDocFragment
from ansible_collections.facturino.release.plugins.module_utils.railway import client as client_mod
from ansible_collections.facturino.release.plugins.module_utils.railway.argspec import railway_deploy_argument_spec
from ansible_collections.facturino.release.plugins.modules import railway_deploy
from tests.unit.plugins.module_utils.railway.fakes import PROJECT_TOKEN, FakeRailway

SHA = "b" * 40


def documented_options():
    options = dict(yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"])
    options.update(yaml.safe_load(railway_deploy.DOCUMENTATION)["options"])
    return options


def test_every_option_is_documented_with_matching_type_default_and_choices():
    spec = railway_deploy_argument_spec()
    docs = documented_options()
    assert set(spec) == set(docs)
    for name, opts in spec.items():
        doc = docs[name]
        assert doc.get("type", "str") == opts.get("type", "str"), name
        assert doc.get("default") == opts.get("default"), name
        assert doc.get("choices") == opts.get("choices"), name
        assert doc.get("required", False) == opts.get("required", False), name


def test_secrets_are_no_log_with_env_fallback():
    spec = railway_deploy_argument_spec()
    assert spec["token"]["no_log"] is True
    assert spec["token"]["fallback"][1] == ["RAILWAY_TOKEN", "RAILWAY_API_TOKEN"]
    assert spec["variables"]["no_log"] is True


def test_every_return_key_is_fully_documented():
    returns = yaml.safe_load(railway_deploy.RETURN)
    for key, doc in returns.items():
        assert {"description", "returned", "type", "sample"} <= set(doc), key


def test_main_is_thin():
    lines = [line for line in inspect.getsource(railway_deploy.main).splitlines() if line.strip()]
    assert len(lines) <= 30


def run_main(args, capsys, check_mode=False):
    payload = dict(args, _ansible_check_mode=check_mode)
    with patch_module_args(payload):
        with pytest.raises(SystemExit):
            railway_deploy.main()
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def fake(monkeypatch):
    railway = FakeRailway()
    railway.add_deployment("a" * 40, active=True)
    monkeypatch.setattr(client_mod.RailwayClient, "session", lambda self: railway)
    # no real sleeping: polls advance the fake one status each
    monkeypatch.setattr("ansible_collections.facturino.release.plugins.module_utils.common.retry.Clock.sleep",
                        lambda self, seconds: None)
    return railway


def test_deploy_through_main(fake, capsys, monkeypatch):
    monkeypatch.setenv("RAILWAY_TOKEN", PROJECT_TOKEN)
    result = run_main({"state": "deployed", "commit_sha": SHA, "service": "facturino-app"}, capsys)
    assert result.get("failed") is not True, result
    assert result["changed"] is True and result["status"] == "SUCCESS"
    assert result["api_requests"] == len(fake.requests)
    assert PROJECT_TOKEN not in json.dumps(result)


def test_missing_token_fails_with_fix(fake, capsys, monkeypatch):
    monkeypatch.delenv("RAILWAY_TOKEN", raising=False)
    monkeypatch.delenv("RAILWAY_API_TOKEN", raising=False)
    result = run_main({"state": "inspected"}, capsys)
    assert result["failed"] is True
    assert "RAILWAY_TOKEN" in result["msg"] and "Traceback" not in result["msg"]


def test_commit_and_source_are_exclusive(fake, capsys):
    result = run_main({"state": "deployed", "token": PROJECT_TOKEN, "commit_sha": SHA, "source": "/tmp"}, capsys)
    assert result["failed"] is True and "mutually exclusive" in result["msg"]


def test_variable_values_never_reach_the_output(fake, capsys):
    result = run_main({"state": "variables", "token": PROJECT_TOKEN, "service": "facturino-app", "skip_deploys": True,
                       "variables": {"STRIPE_SECRET": "sk_live_abcdef123456"}}, capsys)
    assert result["changed"] is True
    text = json.dumps(result)
    assert "sk_live_abcdef123456" not in text and "base64:secretkey" not in text
    assert "STRIPE_SECRET" in result["variable_keys"]


def test_failure_keeps_api_requests_and_logs(fake, capsys):
    fake.next_paths = [["BUILDING", "FAILED"]]
    result = run_main({"state": "deployed", "token": PROJECT_TOKEN, "service": "facturino-app", "commit_sha": SHA},
                      capsys)
    assert result["failed"] is True
    assert result["status"] == "FAILED" and result["api_requests"] == len(fake.requests)
    assert "PHP Parse error" in result["msg"]
    assert result["logs"]["build"]


def test_missing_requests_library(monkeypatch, capsys):
    monkeypatch.setattr("ansible_collections.facturino.release.plugins.module_utils.common.module.has_library",
                        lambda name: name != "requests")
    result = run_main({"state": "inspected", "token": "tok-not-used-1234"}, capsys)
    assert result["failed"] is True
    assert "Failed to import the required Python library (requests)" in result["msg"]
