"""Railway emulator: GraphQL validation, authentication, read queries, variables, rate limits and faults."""
import time

import pytest
import requests

pytestmark = pytest.mark.sandbox


# ---------------------------------------------------------------------------------------------------- validation
def test_unknown_field_is_a_validation_error_with_locations(emu):
    r = emu.post("query { deployment(id: \"x\") { id nope } }")
    assert r.status_code == 400
    body = r.json()
    assert "data" not in body
    err = body["errors"][0]
    assert err["message"] == "Cannot query field 'nope' on type 'Deployment'."
    assert err["locations"] == [{"line": 1, "column": 34}]
    assert err["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_docs_rollback_document_is_rejected(emu):
    """railway-api.md §10: the docs' `deploymentRollback { id status }` fails validation (Boolean! result)."""
    r = emu.post('mutation { deploymentRollback(id: "x") { id status } }')
    assert r.status_code == 400
    assert "must not have a selection since type 'Boolean!' has no subfields" in r.json()["errors"][0]["message"]


def test_syntax_error_and_bad_requests(emu):
    r = emu.post("query { deployment(id: ")
    assert r.status_code == 400
    err = r.json()["errors"][0]
    assert err["message"].startswith("Syntax Error") and err["locations"]
    assert emu.post("query { notAnOperation }").status_code == 400
    r = requests.post(emu.api_url, data="{not json", headers={"Project-Access-Token": emu.project_token})
    assert r.status_code == 400 and r.json()["errors"]
    r = requests.post(emu.api_url, json={"variables": {}}, headers={"Project-Access-Token": emu.project_token})
    assert r.status_code == 400 and r.json()["errors"][0]["message"] == "Must provide query string."
    # a required variable that is not provided
    r = emu.post("query S($id: String!) { deployment(id: $id) { id } }", {})
    assert r.status_code == 400 and "$id" in r.json()["errors"][0]["message"]


def test_unserved_operation_of_the_published_schema_is_invalid(emu):
    r = emu.post("query { regions { name } }")
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "Cannot query field 'regions' on type 'Query'."


# ---------------------------------------------------------------------------------------------------- auth
PT = "query { projectToken { id projectId environmentId project { id name } environment { id name } } }"


def test_project_token_header(emu):
    data = emu.gql(PT)["projectToken"]
    assert data["project"] == {"id": emu.project_id, "name": "facturino"}
    assert data["environment"] == {"id": emu.env_id, "name": "production"}


def test_account_token_bearer_and_me(emu):
    me = emu.gql("query { me { id email workspaces { name projects { edges { node { id name } } } } } }",
                 token="account")["me"]
    assert me["email"]
    assert me["workspaces"][0]["projects"]["edges"][0]["node"]["name"] == "facturino"
    projects = emu.gql("query { projects { edges { node { id name } } } }", token="account")["projects"]
    assert [e["node"]["id"] for e in projects["edges"]] == [emu.project_id]


def _error(resp):
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["data"] is None
    return body["errors"][0]["message"]


@pytest.mark.parametrize("headers,expected", [
    ({}, "Not Authorized"),
    ({"Project-Access-Token": "00000000-0000-0000-0000-000000000000"}, "project token not found"),
    ({"Authorization": "Bearer 00000000-0000-0000-0000-000000000000"}, "Not Authorized"),
    ({"Authorization": "Basic Zm9vOmJhcg=="}, "Not Authorized"),
])
def test_wrong_or_missing_token(emu, headers, expected):
    r = emu.post(PT, token=None, headers=headers)
    assert _error(r) == expected
    assert r.json()["errors"][0]["path"] == ["projectToken"]


def test_token_type_confusion(emu):
    # project token sent as a bearer token, and account token sent as a project token
    assert _error(emu.post(PT, token=None, headers={"Authorization": f"Bearer {emu.project_token}"})) == \
        "Not Authorized"
    assert _error(emu.post(PT, token=None, headers={"Project-Access-Token": emu.account_token})) == \
        "Not Authorized"
    # me needs an account token; projectToken needs a project token
    assert _error(emu.post("query { me { id } }")) == "Not Authorized"
    assert _error(emu.post(PT, token="account")) == "Not Authorized"


def test_project_not_found_and_scoping(emu):
    q = "query P($id: String!) { project(id: $id) { id name } }"
    assert _error(emu.post(q, {"id": "11111111-1111-1111-1111-111111111111"})) == "Project not found"
    assert _error(emu.post(q, {"id": "11111111-1111-1111-1111-111111111111"}, token="account")) == \
        "Project not found"
    assert _error(emu.post("query { deployment(id: \"nope\") { id } }")) == "Deployment not found"
    assert emu.gql(q, {"id": emu.project_id})["project"]["name"] == "facturino"


# ---------------------------------------------------------------------------------------------------- reads
def test_project_environment_service_and_instance(emu):
    q = """query P($id: String!, $e: String!, $s: String!) {
      project(id: $id) { id name environments { edges { node { id name canAccess } } }
                         services { edges { node { id name } } } }
      environment(id: $e) { id name projectId }
      service(id: $s) { id name projectId }
      serviceInstance(environmentId: $e, serviceId: $s) { serviceName source { repo image }
        domains { serviceDomains { domain syncStatus } customDomains { id } } }
      domains(projectId: $id, environmentId: $e, serviceId: $s) { serviceDomains { id domain targetPort } }
    }"""
    d = emu.gql(q, {"id": emu.project_id, "e": emu.env_id, "s": emu.service_id})
    env_node = d["project"]["environments"]["edges"][0]["node"]
    assert env_node == {"id": emu.env_id, "name": "production", "canAccess": True}
    assert d["project"]["services"]["edges"][0]["node"]["name"] == "facturino-app"
    assert d["environment"]["projectId"] == emu.project_id
    assert d["serviceInstance"]["serviceName"] == "facturino-app"
    assert d["serviceInstance"]["source"]["repo"].endswith("origin.git")
    assert d["serviceInstance"]["domains"]["serviceDomains"] == [
        {"domain": f"127.0.0.1:{emu.domain_port}", "syncStatus": "ACTIVE"}]
    assert d["domains"]["serviceDomains"][0]["domain"] == f"127.0.0.1:{emu.domain_port}"


VARS = "query V($p: String!, $e: String!, $s: String, $u: Boolean) " \
       "{ variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u) }"
UPSERT = "mutation U($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }"


def test_seeded_variables(emu):
    v = emu.gql(VARS, {"p": emu.project_id, "e": emu.env_id, "s": emu.service_id})["variables"]
    for name in ("DATABASE_URL", "APP_KEY", "APP_URL", "LOG_CHANNEL", "SESSION_DRIVER", "QUEUE_CONNECTION",
                 "CACHE_DRIVER", "MAIL_MAILER"):
        assert v[name], name
    assert v["APP_ENV"] == "production" and v["APP_DEBUG"] == "false" and v["APP_NAME"] == "Facturino"
    assert v["APP_URL"] == emu.domain_url


def test_variable_upsert_skip_deploys_replace_render_and_delete(emu):
    ids = {"p": emu.project_id, "e": emu.env_id, "s": emu.service_id}
    before = len(emu.state()["deployments"])
    inp = {"projectId": emu.project_id, "environmentId": emu.env_id, "serviceId": emu.service_id,
           "variables": {"GREETING": "hi", "REF": "${{GREETING}}-${{RAILWAY_SERVICE_NAME}}"}, "skipDeploys": True}
    assert emu.gql(UPSERT, {"input": inp}) == {"variableCollectionUpsert": True}
    unrendered = emu.gql(VARS, dict(ids, u=True))["variables"]
    rendered = emu.gql(VARS, dict(ids, u=False))["variables"]
    assert unrendered["REF"] == "${{GREETING}}-${{RAILWAY_SERVICE_NAME}}"
    assert rendered["REF"] == "hi-facturino-app"
    assert unrendered["DATABASE_URL"]  # merge, not replace
    one = "mutation O($input: VariableUpsertInput!) { variableUpsert(input: $input) }"
    assert emu.gql(one, {"input": {"projectId": emu.project_id, "environmentId": emu.env_id,
                                   "serviceId": emu.service_id, "name": "GREETING", "value": "hello",
                                   "skipDeploys": True}})["variableUpsert"] is True
    dele = "mutation D($input: VariableDeleteInput!) { variableDelete(input: $input) }"
    emu.gql(UPSERT, {"input": dict(inp, variables={"GREETING": "hello"})})  # unchanged: no deploy either
    assert len(emu.state()["deployments"]) == before, "skipDeploys / no-op upserts must not deploy"
    # non-string values are rejected
    r = emu.post(UPSERT, {"input": dict(inp, variables={"N": 1})})
    assert "expected a string" in r.json()["errors"][0]["message"]
    # variableDelete has no skipDeploys: clean up through a replace with skipDeploys instead
    current = emu.gql(VARS, dict(ids, u=True))["variables"]
    for k in ("GREETING", "REF"):
        current.pop(k)
    emu.gql(UPSERT, {"input": dict(inp, variables=current, replace=True)})
    after = emu.gql(VARS, dict(ids, u=True))["variables"]
    assert "GREETING" not in after and after["APP_KEY"]
    assert dele  # the delete document is exercised in test_emulator_deploy (it triggers a redeploy)


def test_project_token_cannot_touch_other_environment(emu):
    r = emu.post(VARS, {"p": emu.project_id, "e": "22222222-2222-2222-2222-222222222222", "s": emu.service_id})
    assert _error(r) == "Environment not found"


# ---------------------------------------------------------------------------------------------------- rate limits
def test_rate_limit_per_second_429_with_retry_after(emu):
    emu.admin("POST", "/config", {"rate_limit": {"per_second": 3, "per_hour": 1000}, "reset_rate_limits": True})
    codes, limited = [], None
    for _attempt in range(6):
        r = emu.post(PT)
        codes.append(r.status_code)
        if r.status_code == 429:
            limited = r
    assert codes[:3] == [200, 200, 200] and 429 in codes
    assert limited.headers["Retry-After"].isdigit() and int(limited.headers["Retry-After"]) >= 1
    for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert h in limited.headers
    ok = emu.post(PT, token="account")  # another token has its own budget
    assert ok.status_code == 200
    assert ok.headers["X-RateLimit-Limit"] == "1000"
    time.sleep(1.1)
    assert emu.post(PT).status_code == 200
    st = emu.state()["requests"]["by_token"][f"project:{emu.project_token[:8]}"]
    assert st["rate_limited"] >= 1


def test_rate_limit_per_hour(emu):
    emu.admin("POST", "/config", {"rate_limit": {"per_second": 0, "per_hour": 2}, "reset_rate_limits": True})
    assert [emu.post(PT).status_code for _attempt in range(2)] == [200, 200]
    r = emu.post(PT)
    assert r.status_code == 429
    assert 3500 <= int(r.headers["Retry-After"]) <= 3600
    assert r.headers["X-RateLimit-Remaining"] == "0"


# ---------------------------------------------------------------------------------------------------- faults
def test_fault_5xx_burst(emu):
    emu.admin("POST", "/faults", {"http_5xx": {"count": 2, "status": 503}})
    codes = [emu.post(PT).status_code for _attempt in range(3)]
    assert codes == [503, 503, 200]
    emu.admin("POST", "/faults", {"http_5xx": 1})
    r = emu.post(PT)
    assert r.status_code == 502 and "Bad Gateway" in r.text and r.headers["Content-Type"].startswith("text/html")


def test_fault_429_with_retry_after(emu):
    emu.admin("POST", "/faults", {"rate_limit": {"count": 1, "retry_after": 7}})
    r = emu.post(PT)
    assert r.status_code == 429 and r.headers["Retry-After"] == "7"
    assert emu.post(PT).status_code == 200


def test_fault_slow_response(emu):
    emu.admin("POST", "/faults", {"slow": {"count": 1, "seconds": 0.8}})
    t0 = time.monotonic()
    assert emu.post(PT).status_code == 200
    assert time.monotonic() - t0 >= 0.8
    with pytest.raises(requests.Timeout):
        emu.admin("POST", "/faults", {"slow": {"count": 1, "seconds": 1.0}})
        emu.post(PT, timeout=0.3)


def test_fault_cloudflare_html_403(emu):
    emu.admin("POST", "/faults", {"cloudflare_403": 1})
    r = emu.post(PT)
    assert r.status_code == 403
    assert "Access denied" in r.text and "<html" in r.text and r.headers.get("Server") == "cloudflare"
    with pytest.raises(ValueError):
        r.json()
    assert emu.post(PT).status_code == 200


def test_fault_dropped_connection(emu):
    emu.admin("POST", "/faults", {"drop": 2})
    for _attempt in range(2):
        with pytest.raises(requests.ConnectionError):
            emu.post(PT)
    assert emu.post(PT).status_code == 200


def test_fault_match_targets_only_matching_requests(emu):
    emu.admin("POST", "/faults", {"http_5xx": {"count": 1, "status": 502, "match": "DeploymentStatus"}})
    assert emu.post(PT).status_code == 200
    r = emu.post("query DeploymentStatus($id: String!) { deployment(id: $id) { status } }", {"id": "x"})
    assert r.status_code == 502
    faults = emu.admin("GET", "/faults")
    assert faults["http"] == [] and faults["fired"]["http_5xx"] == 1


def test_admin_state_counts_requests_per_token(emu):
    emu.admin("POST", "/reset", {"clear_deployments": False})
    emu.post(PT)
    emu.post(PT)
    emu.post("query { me { id } }", token="account")
    emu.post(PT, token=None)
    by = emu.state()["requests"]["by_token"]
    assert by[f"project:{emu.project_token[:8]}"]["count"] == 2
    assert by[f"project:{emu.project_token[:8]}"]["operations"] == {"query:projectToken": 2}
    assert by[f"account:{emu.account_token[:8]}"]["count"] == 1
    assert by["anonymous"]["count"] == 1
