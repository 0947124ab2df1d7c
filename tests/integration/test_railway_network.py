"""Railway's private network on the sandbox (issue 16): the default topology, and the four release scenarios.

The app's DATABASE_URL is ``${{Postgres.DATABASE_URL}}`` on ``postgres.railway.internal:5432``, which resolves for
the emulator's deployments only; the controller reaches the database through the Postgres service's TCP proxy.
"""

import datetime
import os
import socket

import psycopg2
import pytest
import requests

from tests.integration import release_helpers as rh

pytestmark = [pytest.mark.sandbox, pytest.mark.slow]

MIGRATION = "2025_11_16_233237_add_two_factor_columns_to_users_table"


def gql(sandbox, query, variables=None):
    response = requests.post(sandbox["api_url"], json={"query": query, "variables": variables or {}}, timeout=30,
                             headers={"Authorization": "Bearer " + sandbox["account_token"]})
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    return body["data"]


def postgres_id(sandbox):
    services = gql(sandbox, "query($id: String!) { project(id: $id) { services { edges { node { id name } } } } }",
                   {"id": sandbox["project_id"]})["project"]["services"]["edges"]
    return next(e["node"]["id"] for e in services if e["node"]["name"] == "Postgres")


def proxies(sandbox):
    return gql(sandbox, "query($e: String!, $s: String!) { tcpProxies(environmentId: $e, serviceId: $s) "
                        "{ id domain proxyPort applicationPort } }",
               {"e": sandbox["environment_id"], "s": postgres_id(sandbox)})["tcpProxies"]


def pre_deploy_setting(sandbox):
    return gql(sandbox, "query($e: String!, $s: String!) { serviceInstance(environmentId: $e, serviceId: $s) "
                        "{ preDeployCommand } }",
               {"e": sandbox["environment_id"], "s": sandbox["service_id"]})["serviceInstance"]["preDeployCommand"]


def deploy_log(sandbox, deployment_id):
    return requests.get(sandbox["admin_url"] + "/logs/" + deployment_id, params={"kind": "deploy"}, timeout=10).text


def release_vars(tmp_path, **extra):
    values = {"release_state_dir": str(tmp_path / "state"), "release_reports_dir": str(tmp_path / "reports")}
    values.update(extra)
    return values


def report(tmp_path, tag):
    doc, markdown = rh.latest_report(str(tmp_path / "reports"), tag)
    return doc, markdown


def test_default_topology_is_railways_private_network(sandbox):
    rh.reset_sandbox()
    unrendered = gql(sandbox, "query($p: String!, $e: String!, $s: String!) { variables(projectId: $p, "
                              "environmentId: $e, serviceId: $s, unrendered: true) }",
                     {"p": sandbox["project_id"], "e": sandbox["environment_id"], "s": sandbox["service_id"]})
    assert unrendered["variables"]["DATABASE_URL"] == "${{Postgres.DATABASE_URL}}"
    rendered = gql(sandbox, "query($p: String!, $e: String!, $s: String!) { variablesForServiceDeployment("
                            "projectId: $p, environmentId: $e, serviceId: $s) }",
                   {"p": sandbox["project_id"], "e": sandbox["environment_id"], "s": sandbox["service_id"]})
    url = rendered["variablesForServiceDeployment"]["DATABASE_URL"]
    assert "@postgres.railway.internal:5432/" in url
    # the private name does not resolve on the controller ...
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("postgres.railway.internal", 5432)
    # ... but the deployment reaches the database through it (its healthcheck queries the database)
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    # and the TCP proxy is a real forwarder to the same database
    (proxy,) = proxies(sandbox)
    assert proxy["applicationPort"] == 5432
    pg_vars = gql(sandbox, "query($p: String!, $e: String!, $s: String!) { variables(projectId: $p, "
                           "environmentId: $e, serviceId: $s) }",
                  {"p": sandbox["project_id"], "e": sandbox["environment_id"], "s": postgres_id(sandbox)})["variables"]
    assert "@%s:%d/" % (proxy["domain"], proxy["proxyPort"]) in pg_vars["DATABASE_PUBLIC_URL"]
    with psycopg2.connect(pg_vars["DATABASE_PUBLIC_URL"], connect_timeout=5) as conn, conn.cursor() as cur:
        cur.execute("select current_database()")
        assert cur.fetchone()[0] == sandbox["db"]["name"]


def test_release_through_the_public_proxy(sandbox, tmp_path):
    rh.reset_sandbox()
    rc, out = rh.run_playbook("release.yml", release_vars(tmp_path, release_migrate_via="controller"))
    assert rc == 0, out[-4000:]
    assert rh.two_factor_columns(sandbox) == ["two_factor_confirmed_at", "two_factor_recovery_codes", "two_factor_secret"]
    assert pre_deploy_setting(sandbox) is None
    doc, markdown = report(tmp_path, "v1.0.0")
    network = doc["sections"]["network"]
    assert network["migrate_via"] == "controller"
    assert network["private"][0]["host"] == "postgres.railway.internal" and network["private"][0]["reachable"]
    assert "through the TCP proxy" in network["steps"]["migration"]
    assert doc["sections"]["migrate"]["applied"] == [MIGRATION]
    assert doc["sections"]["migrate"].get("where") != "pre_deploy"
    deployment_id = doc["sections"]["deploy"]["deployment_id"]
    assert "pre-deploy" not in deploy_log(sandbox, deployment_id).lower()
    assert "## Where each step ran" in markdown
    assert "postgres.railway.internal" not in doc["sections"]["backup"].get("database", "")


def test_release_with_the_migration_as_the_pre_deploy_command(sandbox, tmp_path):
    rh.reset_sandbox()
    rc, out = rh.run_playbook("release.yml", release_vars(tmp_path))
    assert rc == 0, out[-4000:]
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["migration"]
    assert rh.two_factor_columns(sandbox) == ["two_factor_confirmed_at", "two_factor_recovery_codes", "two_factor_secret"]
    assert pre_deploy_setting(sandbox) == ["php artisan migrate --force"]
    doc, markdown = report(tmp_path, "v1.0.0")
    mg = doc["sections"]["migrate"]
    assert mg["where"] == "pre_deploy" and mg["applied"] == [MIGRATION] and mg["pending_after"] == []
    assert mg["deployment_id"] == doc["sections"]["deploy"]["deployment_id"]
    log = deploy_log(sandbox, mg["deployment_id"])
    assert "Running pre-deploy command" in log and "Migrated:  " + MIGRATION in log
    # the pre-deploy command ran before the new deployment's process started (before it took traffic)
    assert log.index("Pre-deploy command completed") < log.index("Starting Container")
    # the verified backup was taken before the deployment that migrated
    assert doc["sections"]["backup"]["verified"] is True
    backup = doc["sections"]["backup"]["path"]
    state = requests.get(sandbox["admin_url"] + "/state", timeout=10).json()
    created = next(d["createdAt"] for d in state["deployments"] if d["id"] == mg["deployment_id"])
    created_ts = datetime.datetime.fromisoformat(created.replace("Z", "+00:00")).timestamp()
    assert os.path.getmtime(backup) < created_ts
    ticked = {i["item"]: i for group in doc["checklist"].values() for i in group}
    assert ticked["Migrations executed"]["done"] and "pre-deploy command" in ticked["Migrations executed"]["evidence"]
    # honest optimize: the shared store was cleared, the local cache commands are not claimed for production
    op = doc["sections"]["optimize"]
    assert op["production"] == ["cache:clear", "queue_restart"] and op["store_shared"]
    assert "builds no config/route/view cache" in op["deployed_app"]["summary"]
    caches = ticked["Caches cleared and optimized"]
    assert caches["done"] is False and "cleared in production: cache:clear, queue_restart" in caches["evidence"]
    assert "Where each step ran" in markdown and "pre-deploy command" in markdown


def test_failing_pre_deploy_migration_keeps_the_old_version_and_says_what_happened_to_the_database(sandbox, tmp_path):
    rh.reset_sandbox()
    before = rh.migrations(sandbox)
    rc, out = rh.run_playbook("release.yml", release_vars(tmp_path, release_ref="broken/migration-fails",
                                                          release_tag="v1.0.1", preflight_required_migrations=[],
                                                          migrate_required_columns={}, migrate_expected_columns={}))
    assert rc != 0
    # the deployment failed at its pre-deploy command and never took traffic: the old version keeps serving
    assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
    assert rh.http_status(sandbox["domain_url"] + "/api/health") == 200
    doc, markdown = report(tmp_path, "v1.0.1")
    assert doc["failure"]["section"] == "deploy"
    assert doc["sections"]["deploy"]["status"] == "FAILED"
    log = deploy_log(sandbox, doc["sections"]["deploy"]["deployment_id"])
    assert "Pre-deploy command failed with exit code" in log
    # what happened to the database: the first migration got applied before the second failed ...
    mg = doc["sections"]["migrate"]
    assert mg["where"] == "pre_deploy" and mg["failed"] is True
    assert len(mg["applied"]) == 1 and mg["pending_after"]
    assert "applied" in mg["db_state"] and "still pending" in mg["db_state"]
    assert "Database after the failed pre-deploy migration" in doc["failure"]["msg"]
    # ... so the verified pre-release backup was restored (Option 3), and nothing of this release is left
    rollback = doc["sections"]["rollback"]
    assert rollback["options"] == ["database"], rollback
    assert rollback["database_restored"] is True
    # decided from facts at decision time: the old version serves, and part of this release's schema is applied
    assert "previous deployment serves" in rollback["decision"] and "is applied" in rollback["decision"], rollback
    assert rh.migrations(sandbox) == before
    assert "## What went wrong" in markdown


def test_no_proxy_and_no_pre_deploy_stops_before_deploying(sandbox, tmp_path):
    rh.reset_sandbox()
    deployments = rh.deployment_count(sandbox)
    for proxy in proxies(sandbox):
        gql(sandbox, "mutation($id: String!) { tcpProxyDelete(id: $id) }", {"id": proxy["id"]})
    try:
        rc, out = rh.run_playbook("release.yml", release_vars(tmp_path, release_migrate_via="controller"))
        assert rc != 0
        flat = " ".join(out.split())
        assert "DATABASE_URL points at Railway's private network (postgres.railway.internal)" in flat, flat[-3000:]
        assert "Postgres has no TCP proxy. Nothing was deployed." in flat
        assert "TCP Proxy" in flat and "pre-deploy command (release_migrate_via: pre_deploy" in flat
        assert rh.deployment_count(sandbox) == deployments
        assert rh.active_commit(sandbox)[0] == sandbox["commits"]["base"]
        assert rh.two_factor_columns(sandbox) == []
        assert not rh.tag_commit(sandbox, "v1.0.0")
    finally:
        rh.reset_sandbox()   # restores the seeded TCP proxy
    assert len(proxies(sandbox)) == 1
