"""Railway emulator: deployments that really run, the domain proxy, rollback, faults on deploys, upload, restart."""
import gzip
import io
import json
import os
import tarfile
import time

import pytest
import requests

pytestmark = pytest.mark.sandbox

DEP = """query D($id: String!) { deployment(id: $id) { id status canRedeploy canRollback deploymentStopped meta
  staticUrl instances { status } } }"""
LOGS = """query L($id: String!, $limit: Int, $filter: String) {
  buildLogs(deploymentId: $id, limit: $limit, filter: $filter) { timestamp message severity attributes { key value } }
}"""
DLOGS = """query L($id: String!, $limit: Int, $filter: String) {
  deploymentLogs(deploymentId: $id, limit: $limit, filter: $filter) { timestamp message severity tags { deploymentId } }
}"""


def dep(emu, dep_id):
    return emu.gql(DEP, {"id": dep_id})["deployment"]


def build_log(emu, dep_id, **kw):
    return [e["message"] for e in emu.gql(LOGS, dict(id=dep_id, limit=kw.get("limit", 500),
                                                     filter=kw.get("filter")))["buildLogs"]]


@pytest.fixture(scope="module")
def base_active(emulator, php_app):
    """The module's emulator with the base commit (v1) deployed, then good (v2) active."""
    emulator.admin("POST", "/config", {"rate_limit": {"per_second": 0, "per_hour": 0}})
    first = emulator.deploy_and_wait(php_app["commits"]["base"])
    second = emulator.deploy_and_wait(php_app["commits"]["good"])
    return first, second


def test_good_commit_status_timeline_and_domain(emu, php_app):
    dep_id = emu.deploy(php_app["commits"]["good"])
    seen = []
    assert emu.wait(dep_id, seen=seen) == "SUCCESS"
    order = ["QUEUED", "INITIALIZING", "BUILDING", "DEPLOYING", "SUCCESS"]
    assert [s for s in order if s in seen] == seen, seen  # polled statuses appear in Railway's order
    history = next(d for d in emu.state()["deployments"] if d["id"] == dep_id)["history"]
    assert [h[0] for h in history] == order
    stamps = [h[1] for h in history]
    assert stamps == sorted(stamps)
    r = emu.domain_get("/")
    assert r.status_code == 200 and r.text == "hello from v2\n"
    d = dep(emu, dep_id)
    assert d["meta"]["commitHash"] == php_app["commits"]["good"]
    assert d["meta"]["commitMessage"] == "good v2" and d["meta"]["reason"] == "deploy"
    assert d["instances"] == [{"status": "RUNNING"}] and d["canRedeploy"] and not d["canRollback"]
    assert d["staticUrl"] == f"127.0.0.1:{emu.domain_port}"
    logs = emu.gql(LOGS, {"id": dep_id, "limit": 500})["buildLogs"]
    msgs = [e["message"] for e in logs]
    assert "Building..." in msgs and "Installing dependencies..." in msgs and "Build successful" in msgs
    assert "[1/1] Healthcheck succeeded!" in msgs
    assert logs[0]["timestamp"].endswith("Z") and logs[0]["attributes"][0] == {"key": "level", "value": "info"}
    assert build_log(emu, dep_id, filter="build successful") == ["Build successful"]
    assert len(build_log(emu, dep_id, limit=3)) == 3
    env = emu.domain_get("/env").json()
    assert env["APP_NAME"] == "Facturino" and env["RAILWAY_DEPLOYMENT_ID"] == dep_id
    time.sleep(0.3)  # the tailer picks up the process's stderr
    dlogs = emu.gql(DLOGS, {"id": dep_id, "limit": 100})["deploymentLogs"]
    assert dlogs[0]["message"] == "Starting Container" and dlogs[0]["tags"]["deploymentId"] == dep_id
    assert any("served /" in e["message"] for e in dlogs)
    assert all(e["message"] for e in emu.gql(DLOGS, {"id": dep_id, "filter": "served"})["deploymentLogs"])


def test_lint_broken_fails_with_build_log_and_old_keeps_serving(emu, base_active, php_app):
    active_before = emu.active()
    served_before = emu.domain_get("/").text
    dep_id = emu.deploy(php_app["commits"]["lint_broken"])
    seen = []
    assert emu.wait(dep_id, seen=seen) == "FAILED"
    assert "BUILDING" in seen and "DEPLOYING" not in seen
    text = "\n".join(build_log(emu, dep_id))
    assert "PHP Parse error" in text and "app/Broken.php" in text and "Build failed" in text
    assert emu.active() == active_before
    assert emu.domain_get("/").text == served_before
    d = dep(emu, dep_id)
    assert d["canRollback"] is False and d["instances"] == []


def test_health_500_fails_and_old_keeps_serving(emu, base_active, php_app):
    active_before = emu.active()
    dep_id = emu.deploy(php_app["commits"]["health_500"])
    seen = []
    assert emu.wait(dep_id, seen=seen) == "FAILED"
    assert "DEPLOYING" in seen
    text = "\n".join(build_log(emu, dep_id))
    assert "Healthcheck failed!" in text and "status 500" in text
    assert emu.active() == active_before
    assert emu.domain_get("/").status_code == 200
    st = next(d for d in emu.state()["deployments"] if d["id"] == dep_id)
    assert not st["running"] and st["pid"] is None  # its process group was killed
    events = emu.gql("query E($id: String!) { deploymentEvents(id: $id) { edges { node { step payload { error } } } } }",
                     {"id": dep_id})["deploymentEvents"]["edges"]
    assert events[-1]["node"]["step"] == "HEALTHCHECK" and "status 500" in events[-1]["node"]["payload"]["error"]


def test_fail_next_build_fault(emu, base_active, php_app):
    emu.admin("POST", "/faults", {"fail_next_build": 1})
    dep_id = emu.deploy(php_app["commits"]["good"])
    assert emu.wait(dep_id) == "FAILED"
    assert any("injected fault" in m for m in build_log(emu, dep_id))
    assert emu.deploy_and_wait(php_app["commits"]["good"])  # consumed: the next one builds


def test_crash_injection_makes_crashed_and_domain_502(emu, base_active, php_app):
    emu.admin("POST", "/faults", {"crash_next_deploy_after": 0.3})
    dep_id = emu.deploy_and_wait(php_app["commits"]["good"])
    assert emu.wait(dep_id, statuses=("CRASHED",), timeout=10) == "CRASHED"
    d = dep(emu, dep_id)
    assert d["instances"] == [{"status": "CRASHED"}]
    r = emu.domain_get("/")
    assert r.status_code == 502 and "Application failed to respond" in r.text
    # restart brings the crashed deployment back
    assert emu.gql("mutation R($id: String!) { deploymentRestart(id: $id) }", {"id": dep_id}) == \
        {"deploymentRestart": True}
    assert emu.wait(dep_id, statuses=("SUCCESS",), timeout=10) == "SUCCESS"
    deadline = time.monotonic() + 5
    while emu.domain_get("/").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert emu.domain_get("/").text == "hello from v2\n"


def test_rollback_returns_boolean_and_serves_the_old_commit_with_old_variables(emu, php_app):
    c = php_app["commits"]
    v1 = emu.deploy_and_wait(c["base"])
    upsert = "mutation U($input: VariableCollectionUpsertInput!) { variableCollectionUpsert(input: $input) }"
    scope = {"projectId": emu.project_id, "environmentId": emu.env_id, "serviceId": emu.service_id}
    emu.gql(upsert, {"input": dict(scope, variables={"FOO": "after-v1"}, skipDeploys=True)})
    v2 = emu.deploy_and_wait(c["good"])
    assert emu.domain_get("/env").json()["FOO"] == "after-v1"
    assert dep(emu, v1)["canRollback"] is True and dep(emu, v1)["status"] == "REMOVED"
    assert dep(emu, v2)["canRollback"] is False  # the active one
    before = {d["id"] for d in emu.state()["deployments"]}
    r = emu.post("mutation R($id: String!) { deploymentRollback(id: $id) }", {"id": v1})
    assert r.json() == {"data": {"deploymentRollback": True}}
    new = [d for d in emu.state()["deployments"] if d["id"] not in before]
    assert len(new) == 1 and new[0]["reason"] == "rollback"
    rb = new[0]["id"]
    assert emu.wait(rb) == "SUCCESS"
    d = dep(emu, rb)
    assert d["meta"]["commitHash"] == c["base"] and d["meta"]["reason"] == "rollback"
    assert d["meta"]["rollbackTargetDeploymentId"] == v1
    assert emu.domain_get("/").text == "hello from v1\n"
    assert emu.domain_get("/env").json()["FOO"] in (None, False, "")  # v1's snapshot had no FOO
    vars_now = emu.gql("query V($p: String!, $e: String!, $s: String) { variables(projectId: $p, "
                       "environmentId: $e, serviceId: $s, unrendered: true) }",
                       {"p": emu.project_id, "e": emu.env_id, "s": emu.service_id})["variables"]
    assert "FOO" not in vars_now, "rollback restores the snapshot's variables"
    assert dep(emu, v2)["status"] == "REMOVED" and dep(emu, v2)["canRollback"] is True
    # a FAILED deployment cannot be rolled back to
    failed = emu.deploy(c["lint_broken"])
    emu.wait(failed)
    r = emu.post("mutation R($id: String!) { deploymentRollback(id: $id) }", {"id": failed})
    assert r.json()["data"] is None and "cannot be rolled back" in r.json()["errors"][0]["message"]


def test_newer_deployment_supersedes_in_progress(emu, php_app):
    c = php_app["commits"]
    first = emu.deploy(c["base"])
    second = emu.deploy(c["good"])
    assert emu.wait(second) == "SUCCESS"
    assert emu.status(first) == "REMOVED"
    assert any("superseded" in m for m in build_log(emu, first))
    assert emu.domain_get("/").text == "hello from v2\n"


def test_redeploy_returns_new_deployment_and_skip_deploys_false_redeploys(emu, php_app):
    active = emu.deploy_and_wait(php_app["commits"]["good"])
    r = emu.gql("mutation R($id: String!) { deploymentRedeploy(id: $id, usePreviousImageTag: true) { id status } }",
                {"id": active})["deploymentRedeploy"]
    assert r["id"] != active and r["status"] == "QUEUED"
    seen = []
    assert emu.wait(r["id"], seen=seen) == "SUCCESS"
    assert "BUILDING" not in seen  # previous image reused
    assert dep(emu, r["id"])["meta"]["redeployedFrom"] == active
    # a variable change without skipDeploys triggers a deploy with the new value
    before = {d["id"] for d in emu.state()["deployments"]}
    emu.gql("mutation U($input: VariableUpsertInput!) { variableUpsert(input: $input) }",
            {"input": {"projectId": emu.project_id, "environmentId": emu.env_id, "serviceId": emu.service_id,
                       "name": "FOO", "value": "bar"}})
    new = [d["id"] for d in emu.state()["deployments"] if d["id"] not in before]
    assert len(new) == 1
    assert emu.wait(new[0]) == "SUCCESS"
    assert emu.domain_get("/env").json()["FOO"] == "bar"
    # variableDelete (no skipDeploys in the schema) redeploys too
    emu.gql("mutation D($input: VariableDeleteInput!) { variableDelete(input: $input) }",
            {"input": {"projectId": emu.project_id, "environmentId": emu.env_id, "serviceId": emu.service_id,
                       "name": "FOO"}})
    latest = emu.state()["deployments"][0]["id"]
    assert emu.wait(latest) == "SUCCESS"
    assert not emu.domain_get("/env").json()["FOO"]


def test_cancel_remove_stop_and_no_active_page(emu, php_app):
    c = php_app["commits"]
    dep_id = emu.deploy(c["good"])
    assert emu.gql("mutation C($id: String!) { deploymentCancel(id: $id) }", {"id": dep_id}) == \
        {"deploymentCancel": True}
    assert emu.status(dep_id) == "REMOVED"
    active = emu.deploy_and_wait(c["good"])
    r = emu.post("mutation C($id: String!) { deploymentCancel(id: $id) }", {"id": active})
    assert "Cannot cancel" in r.json()["errors"][0]["message"]
    assert emu.gql("mutation S($id: String!) { deploymentStop(id: $id) }", {"id": active}) == {"deploymentStop": True}
    d = dep(emu, active)
    assert d["deploymentStopped"] is True and d["status"] == "SUCCESS"
    assert emu.domain_get("/").status_code == 502
    assert emu.gql("mutation R($id: String!) { deploymentRemove(id: $id) }", {"id": active}) == \
        {"deploymentRemove": True}
    assert emu.status(active) == "REMOVED"
    r = emu.domain_get("/")
    assert r.status_code == 503 and "Application not found" in r.text
    latest = emu.gql("query L($s: String!, $e: String!) { serviceInstance(environmentId: $e, serviceId: $s) "
                     "{ latestDeployment { id status } activeDeployments { id } } }",
                     {"s": emu.service_id, "e": emu.env_id})["serviceInstance"]
    assert latest["latestDeployment"]["id"] == active and latest["activeDeployments"] == []
    emu.deploy_and_wait(c["good"])


def test_proxy_passes_cookies_redirects_bodies_and_headers(emu, php_app):
    if emu.domain_get("/").status_code != 200:
        emu.deploy_and_wait(php_app["commits"]["good"])
    r = emu.domain_get("/login")
    assert r.status_code == 302 and r.headers["Location"] == "/admin/dashboard"
    assert r.cookies.get("laravel_session") == "abc123" and r.cookies.get("XSRF-TOKEN") == "tok"
    assert r.raw.headers.getlist("Set-Cookie") and len(r.raw.headers.getlist("Set-Cookie")) == 2
    r = requests.post(emu.domain_url + "/echo?x=1", data=b"a=1&b=2", cookies={"laravel_session": "abc123"},
                      headers={"X-Custom": "yes", "Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    body = r.json()
    assert body["method"] == "POST" and body["body"] == "a=1&b=2" and body["query"] == {"x": "1"}
    assert body["cookies"] == {"laravel_session": "abc123"} and body["custom"] == "yes"
    assert body["host"] == f"127.0.0.1:{emu.domain_port}" and body["xff"] == "127.0.0.1"
    assert r.headers["X-App"] == "sandbox" and r.headers["X-Railway-Request-Id"]
    assert requests.delete(emu.domain_url + "/echo", timeout=10).json()["method"] == "DELETE"


def _tarball(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, content in files.items():
            data = content.encode()
            info = tarfile.TarInfo("./" + name)
            info.size = len(data)
            info.mode = 0o644
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_upload_endpoint_deploys_tarball(emu, php_app):
    work = php_app["app_repo"]
    files = {}
    for rel in ("server.php", "public/index.php", "railway.json"):
        with open(os.path.join(work, rel), encoding="utf-8") as fh:
            files[rel] = fh.read()
    files["VERSION"] = "v3-upload\n"
    url = f"http://127.0.0.1:{emu.port}/project/{emu.project_id}/environment/{emu.env_id}/up"
    r = requests.post(url, params={"serviceId": emu.service_id, "message": "hand upload"},
                      data=_tarball(files), timeout=30,
                      headers={"Project-Access-Token": emu.project_token, "Content-Type": "application/gzip"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"deploymentId", "url", "logsUrl", "deploymentDomain"}
    assert body["deploymentDomain"] == f"127.0.0.1:{emu.domain_port}"
    assert emu.wait(body["deploymentId"]) == "SUCCESS"
    assert emu.domain_get("/").text == "hello from v3-upload\n"
    assert dep(emu, body["deploymentId"])["meta"]["commitMessage"] == "hand upload"
    # not a gzip tarball -> 400 JSON {"message"}
    r = requests.post(url, params={"serviceId": emu.service_id}, data=b"not a tarball", timeout=10,
                      headers={"Project-Access-Token": emu.project_token, "Content-Type": "application/gzip"})
    assert r.status_code == 400 and "message" in r.json()
    # wrong token
    r = requests.post(url, params={"serviceId": emu.service_id}, data=_tarball(files), timeout=10,
                      headers={"Project-Access-Token": "nope", "Content-Type": "application/gzip"})
    assert r.status_code == 401 and r.json() == {"message": "project token not found"}
    # too large -> 413 plain text
    emu.admin("POST", "/config", {"upload_max_bytes": 100})
    try:
        r = requests.post(url, params={"serviceId": emu.service_id}, data=gzip.compress(os.urandom(5000)), timeout=10,
                          headers={"Project-Access-Token": emu.project_token, "Content-Type": "application/gzip"})
        assert r.status_code == 413 and "too large" in r.text
    finally:
        emu.admin("POST", "/config", {"upload_max_bytes": 50 * 1024 * 1024})


def test_end_to_end_deploy_through_graphql_changes_what_the_domain_serves(emu, php_app):
    """curl-style: only HTTP requests, as an engineer (or the collection) would send them."""
    c = php_app["commits"]
    emu.deploy_and_wait(c["base"])
    assert requests.get(emu.domain_url + "/", timeout=10).text == "hello from v1\n"
    headers = {"Project-Access-Token": emu.project_token, "Content-Type": "application/json"}
    token_info = requests.post(emu.api_url, headers=headers, timeout=10, json={
        "query": "query { projectToken { projectId environmentId project { services { edges { node { id name } } } } } }"
    }).json()["data"]["projectToken"]
    service_id = token_info["project"]["services"]["edges"][0]["node"]["id"]
    r = requests.post(emu.api_url, headers=headers, timeout=10, json={
        "query": "mutation ServiceInstanceDeployV2($environmentId: String!, $serviceId: String!, $commitSha: String)"
                 " { serviceInstanceDeployV2(environmentId: $environmentId, serviceId: $serviceId,"
                 " commitSha: $commitSha) }",
        "variables": {"environmentId": token_info["environmentId"], "serviceId": service_id,
                      "commitSha": c["good"]}})
    dep_id = r.json()["data"]["serviceInstanceDeployV2"]
    deadline = time.monotonic() + 20
    status = None
    while time.monotonic() < deadline:
        status = requests.post(emu.api_url, headers=headers, timeout=10, json={
            "query": "query DeploymentStatus($id: String!) { deployment(id: $id) { status } }",
            "variables": {"id": dep_id}}).json()["data"]["deployment"]["status"]
        if status in ("SUCCESS", "FAILED", "CRASHED", "REMOVED"):
            break
        time.sleep(0.1)
    assert status == "SUCCESS"
    assert requests.get(emu.domain_url + "/", timeout=10).text == "hello from v2\n"
    page = requests.post(emu.api_url, headers=headers, timeout=10, json={
        "query": "query P($input: DeploymentListInput!, $first: Int) { deployments(input: $input, first: $first)"
                 " { edges { cursor node { id status meta } } pageInfo { hasNextPage endCursor } } }",
        "variables": {"input": {"projectId": token_info["projectId"], "environmentId": token_info["environmentId"],
                                "serviceId": service_id, "status": {"in": ["SUCCESS"]}}, "first": 1}}).json()
    conn = page["data"]["deployments"]
    assert conn["edges"][0]["node"]["id"] == dep_id and conn["edges"][0]["node"]["meta"]["commitHash"] == c["good"]


def test_skip_and_approval_faults(emu, php_app):
    emu.admin("POST", "/faults", {"skip_next_deploy": 1})
    d = emu.deploy(php_app["commits"]["good"])
    assert emu.wait(d) == "SKIPPED"
    emu.admin("POST", "/faults", {"needs_approval_next": 1})
    d = emu.deploy(php_app["commits"]["good"])
    assert emu.wait(d, statuses=("NEEDS_APPROVAL",)) == "NEEDS_APPROVAL"
    assert emu.gql("mutation A($id: String!) { deploymentApprove(id: $id) }", {"id": d}) == \
        {"deploymentApprove": True}
    assert emu.wait(d) == "SUCCESS"


def test_persistence_across_restart(make_emulator, php_app):
    emu = make_emulator().start()
    c = php_app["commits"]
    emu.gql("mutation U($input: VariableUpsertInput!) { variableUpsert(input: $input) }",
            {"input": {"projectId": emu.project_id, "environmentId": emu.env_id, "serviceId": emu.service_id,
                       "name": "FOO", "value": "persisted", "skipDeploys": True}})
    first = emu.deploy_and_wait(c["base"])
    second = emu.deploy_and_wait(c["good"])
    tokens = (emu.project_token, emu.account_token)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # the replaced deployment is killed after a short drain
        pids = [d["pid"] for d in emu.state()["deployments"] if d["pid"]]
        if len(pids) == 1:
            break
        time.sleep(0.05)
    assert len(pids) == 1
    emu.stop()
    assert not os.path.exists(f"/proc/{pids[0]}"), "stopping the emulator stops its deployments"
    emu.start()
    assert (emu.project_token, emu.account_token) == tokens
    assert emu.active() == second
    assert emu.wait(second, statuses=("SUCCESS",)) == "SUCCESS"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if emu.domain_get("/").status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.1)
    assert emu.domain_get("/").text == "hello from v2\n"
    assert emu.domain_get("/env").json()["FOO"] == "persisted"
    assert dep(emu, first)["canRollback"] is True
    ids = [e["node"]["id"] for e in emu.gql(
        "query P($input: DeploymentListInput!) { deployments(input: $input) { edges { node { id } } } }",
        {"input": {"serviceId": emu.service_id}})["deployments"]["edges"]]
    assert ids == [second, first]
    with open(os.path.join(emu.state_dir, "state.json"), encoding="utf-8") as fh:
        assert json.load(fh)["seeded"] is True
    assert oct(os.stat(os.path.join(emu.state_dir, "state.json")).st_mode & 0o777) == "0o600"


def _selection(schema, type_name, depth):
    """Every field of a type that needs no argument, objects expanded ``depth`` levels."""
    from graphql import get_named_type, is_leaf_type, is_non_null_type
    t = schema.get_type(type_name)
    parts = []
    for name, f in t.fields.items():
        if any(is_non_null_type(a.type) and a.default_value is None for a in f.args.values()):
            continue
        named = get_named_type(f.type)
        if is_leaf_type(named):
            parts.append(name)
        elif depth > 0 and hasattr(named, "fields"):
            parts.append(f"{name} {{ {_selection(schema, named.name, depth - 1)} }}")
    return " ".join(parts) or "__typename"


def test_every_served_field_resolves_without_errors(emu, php_app):
    """Select every field (3 levels deep) of the main types: no resolver may return null for a non-null field."""
    from sandbox.railway.api import load_schema
    schema = load_schema()
    emu.deploy_and_wait(php_app["commits"]["good"])
    active = emu.active()
    q = f"""query All($p: String!, $e: String!, $s: String!, $d: String!) {{
      project(id: $p) {{ {_selection(schema, "Project", 3)} }}
      environment(id: $e) {{ {_selection(schema, "Environment", 3)} }}
      service(id: $s) {{ {_selection(schema, "Service", 3)} }}
      serviceInstance(environmentId: $e, serviceId: $s) {{ {_selection(schema, "ServiceInstance", 3)} }}
      deployment(id: $d) {{ {_selection(schema, "Deployment", 3)} }}
      deploymentSnapshot(deploymentId: $d) {{ {_selection(schema, "DeploymentSnapshot", 1)} }}
      deploymentEvents(id: $d) {{ {_selection(schema, "QueryDeploymentEventsConnection", 3)} }}
      domains(projectId: $p, environmentId: $e, serviceId: $s) {{ {_selection(schema, "AllDomains", 2)} }}
      variablesForServiceDeployment(projectId: $p, environmentId: $e, serviceId: $s)
      projectToken {{ {_selection(schema, "ProjectToken", 2)} }}
    }}"""
    ids = {"p": emu.project_id, "e": emu.env_id, "s": emu.service_id, "d": active}
    data = emu.gql(q, ids)
    assert data["deployment"]["id"] == active
    assert data["variablesForServiceDeployment"]["RAILWAY_SERVICE_NAME"] == "facturino-app"
    assert data["deploymentSnapshot"]["variables"]["APP_NAME"] == "Facturino"
    me = f"query {{ me {{ {_selection(schema, 'User', 3)} }} projects {{ {_selection(schema, 'QueryProjectsConnection', 3)} }} }}"
    assert emu.gql(me, token="account")["me"]["workspaces"]


def test_auto_deploy_on_push_is_opt_in(emu, php_app, tmp_path):
    import subprocess
    emu.admin("POST", "/config", {"auto_deploy": True})
    try:
        time.sleep(1.3)  # the watcher records the current tip first
        before = {d["id"] for d in emu.state()["deployments"]}
        clone = str(tmp_path / "clone")
        subprocess.run(["git", "clone", "-q", php_app["origin_repo"], clone], check=True)
        with open(os.path.join(clone, "VERSION"), "w", encoding="utf-8") as fh:
            fh.write("v4-pushed\n")
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e.test", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@e.test")
        subprocess.run(["git", "-C", clone, "commit", "-qam", "pushed v4"], check=True, env=env)
        subprocess.run(["git", "-C", clone, "push", "-q", "origin", "main"], check=True)
        deadline = time.monotonic() + 10
        new = []
        while not new and time.monotonic() < deadline:
            new = [d for d in emu.state()["deployments"] if d["id"] not in before]
            time.sleep(0.1)
        assert new and new[0]["meta"]["trigger"] == "push" and new[0]["meta"]["commitMessage"] == "pushed v4"
        assert emu.wait(new[0]["id"]) == "SUCCESS"
        assert emu.domain_get("/").text == "hello from v4-pushed\n"
    finally:
        emu.admin("POST", "/config", {"auto_deploy": False})
        subprocess.run(["git", "--git-dir", php_app["origin_repo"], "update-ref", "refs/heads/main",
                        php_app["commits"]["good"]], check=True)


DEPLOY = ("mutation D($e: String!, $s: String!, $c: String) "
          "{ serviceInstanceDeployV2(environmentId: $e, serviceId: $s, commitSha: $c) }")


@pytest.mark.parametrize("mode", ["reset", "timeout"])
def test_lose_answer_applies_the_mutation_and_loses_its_answer(emu, php_app, mode):
    before = {d["id"] for d in emu.state()["deployments"]}
    emu.admin("POST", "/faults", {"lose_answer": {"count": 1, "mode": mode, "seconds": 1.5,
                                                  "match": "serviceInstanceDeployV2"}})
    started = time.monotonic()
    with pytest.raises((requests.ConnectionError, requests.Timeout)):
        emu.post(DEPLOY, {"e": emu.env_id, "s": emu.service_id, "c": php_app["commits"]["good"]},
                 timeout=0.8 if mode == "timeout" else 10)
    if mode == "timeout":
        assert time.monotonic() - started < 1.4, "the client's deadline passes while the emulator holds the answer"
    new = [d for d in emu.state()["deployments"] if d["id"] not in before]
    assert len(new) == 1 and new[0]["commit"] == php_app["commits"]["good"], "applied although the answer was lost"
    assert emu.wait(new[0]["id"]) == "SUCCESS"
    assert emu.admin("GET", "/faults")["fired"]["lose_answer"] == 1


def test_graphql_error_refuses_without_applying_and_expired_image_cannot_be_rolled_back(emu, php_app):
    c = php_app["commits"]
    v1 = emu.deploy_and_wait(c["base"])
    emu.deploy_and_wait(c["good"])
    rollback = "mutation R($id: String!) { deploymentRollback(id: $id) }"
    before = {d["id"] for d in emu.state()["deployments"]}
    emu.admin("POST", "/faults", {"graphql_error": {"count": 1, "message": "Service unavailable",
                                                    "match": "deploymentRollback"}})
    r = emu.post(rollback, {"id": v1})
    assert r.status_code == 200 and r.json()["data"] is None
    assert r.json()["errors"][0]["message"] == "Service unavailable"
    assert {d["id"] for d in emu.state()["deployments"]} == before
    assert dep(emu, v1)["canRollback"] is True
    assert emu.admin("POST", "/expire_image", {"deployment_id": v1})["canRollback"] is False
    assert dep(emu, v1)["canRollback"] is False and dep(emu, v1)["status"] == "REMOVED"
    r = emu.post(rollback, {"id": v1})
    assert "cannot be rolled back" in r.json()["errors"][0]["message"]
    assert {d["id"] for d in emu.state()["deployments"]} == before
