"""The emulator's model of Railway's network (issue 16): the Postgres service, references, TCP proxies, private
names for the emulator's own processes only, and the pre-deploy command."""

import socket
import time

import pytest

pytestmark = pytest.mark.sandbox

SERVICES = "query($id: String!) { project(id: $id) { services { edges { node { id name } } } } }"
VARIABLES = """query($p: String!, $e: String!, $s: String!, $u: Boolean) {
  variables(projectId: $p, environmentId: $e, serviceId: $s, unrendered: $u) }"""
PROXIES = """query($e: String!, $s: String!) {
  tcpProxies(environmentId: $e, serviceId: $s) { id domain proxyPort applicationPort syncStatus } }"""
UPDATE = """mutation($e: String, $s: String!, $input: ServiceInstanceUpdateInput!) {
  serviceInstanceUpdate(environmentId: $e, serviceId: $s, input: $input) }"""
INSTANCE = "query($e: String!, $s: String!) { serviceInstance(environmentId: $e, serviceId: $s) { preDeployCommand } }"
EVENTS = "query($id: String!) { deploymentEvents(id: $id) { edges { node { step payload { error } } } } }"
DLOGS = "query($id: String!) { deploymentLogs(deploymentId: $id, limit: 500) { message } }"


def ids(emu):
    creds = emu.admin("GET", "/credentials")
    services = {e["node"]["name"]: e["node"]["id"]
                for e in emu.gql(SERVICES, {"id": creds["project_id"]}, token="account")["project"]["services"]["edges"]}
    return creds, services


def variables(emu, service_id, unrendered=False):
    creds = ids(emu)[0]
    return emu.gql(VARIABLES, {"p": creds["project_id"], "e": creds["environment_id"], "s": service_id,
                               "u": unrendered}, token="account")["variables"]


def test_postgres_service_references_and_tcp_proxy(emu):
    creds, services = ids(emu)
    assert set(services) == {"facturino-app", "Postgres"}
    app = variables(emu, creds["service_id"], unrendered=True)
    assert app["DATABASE_URL"] == "${{Postgres.DATABASE_URL}}"
    rendered = variables(emu, creds["service_id"])
    # resolved in the Postgres service's own scope (its PGUSER, its RAILWAY_PRIVATE_DOMAIN), not the app's
    assert rendered["DATABASE_URL"] == "postgresql://:@postgres.railway.internal:5432/"
    (proxy,) = emu.gql(PROXIES, {"e": creds["environment_id"], "s": services["Postgres"]}, token="account")["tcpProxies"]
    assert proxy["applicationPort"] == 5432 and proxy["syncStatus"] == "ACTIVE"
    assert proxy["proxyPort"] == int(emu.deploy_ports.split("-")[1])
    pg = variables(emu, services["Postgres"])
    assert pg["DATABASE_PUBLIC_URL"].endswith("@127.0.0.1:%d/" % proxy["proxyPort"])
    # the forwarder listens
    with socket.create_connection(("127.0.0.1", proxy["proxyPort"]), timeout=2):
        pass


def test_private_names_resolve_for_deployments_only(emu, php_app):
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("postgres.railway.internal", 5432)
    emu.deploy_and_wait(php_app["commits"]["good"])
    env = emu.domain_get("/env").json()
    assert env["DATABASE_URL"] == "postgresql://:@127.0.0.1:5432/"
    assert env["RAILWAY_PRIVATE_DOMAIN"] == "facturino-app.railway.internal"


def test_tcp_proxy_delete_and_create(emu):
    creds, services = ids(emu)
    scope = {"e": creds["environment_id"], "s": services["Postgres"]}
    (proxy,) = emu.gql(PROXIES, scope, token="account")["tcpProxies"]
    assert emu.gql("mutation($id: String!) { tcpProxyDelete(id: $id) }", {"id": proxy["id"]}, token="account")
    assert emu.gql(PROXIES, scope, token="account")["tcpProxies"] == []
    assert "@:/" in variables(emu, services["Postgres"])["DATABASE_PUBLIC_URL"]   # unresolved references are empty
    time.sleep(0.7)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", proxy["proxyPort"]), timeout=1).close()
    made = emu.gql("""mutation($input: TCPProxyCreateInput!) { tcpProxyCreate(input: $input) { proxyPort applicationPort } }""",
                   {"input": {"environmentId": creds["environment_id"], "serviceId": services["Postgres"],
                              "applicationPort": 5432}}, token="account")["tcpProxyCreate"]
    assert made == {"proxyPort": proxy["proxyPort"], "applicationPort": 5432}
    with socket.create_connection(("127.0.0.1", proxy["proxyPort"]), timeout=2):
        pass


def test_pre_deploy_command_runs_before_traffic_and_a_failure_fails_the_deployment(emu, php_app):
    creds = ids(emu)[0]
    scope = {"e": creds["environment_id"], "s": creds["service_id"]}
    good = emu.deploy_and_wait(php_app["commits"]["good"])
    try:
        emu.gql(UPDATE, dict(scope, input={"preDeployCommand": ["echo migrating against ${DATABASE_URL#*@}"]}),
                token="account")
        assert emu.gql(INSTANCE, scope, token="account")["serviceInstance"]["preDeployCommand"] == [
            "echo migrating against ${DATABASE_URL#*@}"]
        ok = emu.deploy_and_wait(php_app["commits"]["good"])
        logs = [e["message"] for e in emu.gql(DLOGS, {"id": ok})["deploymentLogs"]]
        # inside the network: the private name was rewritten for the command too
        assert "migrating against 127.0.0.1:5432/" in logs
        assert logs.index("Pre-deploy command completed") < logs.index("Starting Container")
        steps = [e["node"]["step"] for e in emu.gql(EVENTS, {"id": ok})["deploymentEvents"]["edges"]]
        assert steps.index("PRE_DEPLOY_COMMAND") < steps.index("CREATE_CONTAINER")

        emu.gql(UPDATE, dict(scope, input={"preDeployCommand": ["echo half done; exit 3"]}), token="account")
        bad = emu.deploy_and_wait(php_app["commits"]["good"], expect="FAILED")
        logs = [e["message"] for e in emu.gql(DLOGS, {"id": bad})["deploymentLogs"]]
        assert "half done" in logs and "Starting Container" not in logs
        assert any("Pre-deploy command failed with exit code 3" in m for m in logs)
        events = {e["node"]["step"]: e["node"]["payload"] for e in emu.gql(EVENTS, {"id": bad})["deploymentEvents"]["edges"]}
        assert "exit code 3" in events["PRE_DEPLOY_COMMAND"]["error"]
        assert emu.active() == ok    # the previous deployment keeps serving
        assert emu.domain_get("/").status_code == 200
    finally:
        emu.gql(UPDATE, dict(scope, input={"preDeployCommand": []}), token="account")
    assert good
