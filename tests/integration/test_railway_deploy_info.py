"""railway_deploy_info against the sandbox emulator: the read-only view of the service."""

import pytest

pytestmark = pytest.mark.sandbox


def _args(sandbox, **extra):
    args = {"api_url": sandbox["api_url"], "token": sandbox["project_token"], "service": sandbox["service_name"]}
    args.update(extra)
    return args


@pytest.mark.parametrize("check_mode", [False, True])
def test_info_reports_the_active_deployment_and_domain(sandbox, run_module, check_mode):
    result = run_module("railway_deploy_info", _args(sandbox, limit=5), check_mode=check_mode)
    assert not result.failed, result.get("msg")
    assert result["changed"] is False
    assert result["url"] == sandbox["domain_url"]
    assert result["active"] and result["active"][0]["status"] == "SUCCESS"
    assert 1 <= len(result["deployments"]) <= 5
    assert result["target"]["service_name"] == sandbox["service_name"]
    assert sandbox["project_token"] not in result["_raw_stdout"]


def test_info_with_an_unknown_token_names_the_fix(sandbox, run_module):
    result = run_module("railway_deploy_info", _args(sandbox, token="00000000-0000-0000-0000-000000000000",
                                                     token_type="project"))
    assert result.failed
    assert "token" in result["msg"].lower()
